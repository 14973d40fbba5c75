"""Rate limits, trusted proxies, overload shedding, the body cap and request ids."""

from __future__ import annotations

import asyncio
import logging
import threading

import httpx
import pytest

from bot.api.limits import client_key, parse_networks
from tests.hardening.conftest import FakeAssistant, build, client_for


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


ASK = {"question": "开源人才有住房支持吗？"}


async def test_rate_limit_429_with_retry_after_and_per_client(tmp_path):
    clock = Clock(1000.0)  # window 16 of 60 s ends at 1020 -> Retry-After 20
    app, _ = build(tmp_path, rate_limit_per_minute=3, clock=clock)
    async with client_for(app, "203.0.113.7") as a, client_for(app, "203.0.113.8") as b:
        for _ in range(3):
            assert (await a.post("/api/ask", json=ASK)).status_code == 200
        limited = await a.post("/api/ask", json=ASK)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "20"
        assert limited.headers["content-type"].startswith("application/json")
        assert "too many requests" in limited.json()["message"]
        # the other endpoints share the client's budget
        assert (await a.get("/api/search", params={"q": "人才"})).status_code == 429
        # another client is not affected
        assert (await b.post("/api/ask", json=ASK)).status_code == 200
        # health checks are never limited
        assert (await a.get("/healthz")).status_code == 200
        # next window: allowed again
        clock.now = 1021.0
        assert (await a.post("/api/ask", json=ASK)).status_code == 200


async def test_rate_limit_disabled_and_platform_paths_excluded(tmp_path):
    app, _ = build(tmp_path, rate_limit_per_minute=1)
    async with client_for(app) as c:
        for _ in range(3):  # not rate limited (404: no adapter mounted in this app)
            assert (await c.post("/wechat", content=b"<xml/>")).status_code == 404
            assert (await c.post("/telegram/webhook", json={})).status_code == 404
    app, _ = build(tmp_path, rate_limit_per_minute=0)
    async with client_for(app) as c:
        for _ in range(5):
            assert (await c.post("/api/ask", json=ASK)).status_code == 200


async def test_counters_live_in_the_shared_store(tmp_path):
    from bot.store import MemoryStore

    store = MemoryStore()
    clock = Clock(1000.0)
    app1, _ = build(tmp_path, store=store, rate_limit_per_minute=2, clock=clock)
    app2, _ = build(tmp_path, store=store, rate_limit_per_minute=2, clock=clock)  # a second "worker"
    async with client_for(app1) as w1, client_for(app2) as w2:
        assert (await w1.post("/api/ask", json=ASK)).status_code == 200
        assert (await w2.post("/api/ask", json=ASK)).status_code == 200
        assert (await w1.post("/api/ask", json=ASK)).status_code == 429
    assert any(key.startswith("rl:203.0.113.7:") for key in store._data)


async def test_store_failure_fails_open(tmp_path):
    class Broken:
        def incr(self, key, ttl=None):
            raise ConnectionError("redis down")

    app, _ = build(tmp_path, store=Broken(), rate_limit_per_minute=1)
    async with client_for(app) as c:
        assert (await c.post("/api/ask", json=ASK)).status_code == 200
        assert (await c.post("/api/ask", json=ASK)).status_code == 200


async def test_forwarded_for_only_from_trusted_proxies(tmp_path):
    app, _ = build(tmp_path, rate_limit_per_minute=1, trusted_proxies=["10.0.0.0/8"], clock=Clock())
    # behind the trusted proxy, each forwarded client has its own budget
    async with client_for(app, "10.1.2.3") as proxy:
        for hop in ("198.51.100.1", "198.51.100.2"):
            ok = await proxy.post("/api/ask", json=ASK, headers={"X-Forwarded-For": hop})
            assert ok.status_code == 200
        again = await proxy.post("/api/ask", json=ASK, headers={"X-Forwarded-For": "198.51.100.1"})
        assert again.status_code == 429
        # a client cannot escape by prepending its own X-Forwarded-For: the proxy-appended hop counts
        spoof = await proxy.post("/api/ask", json=ASK, headers={"X-Forwarded-For": "1.2.3.4, 198.51.100.1"})
        assert spoof.status_code == 429
    # an untrusted peer's X-Forwarded-For is ignored: rotating it does not reset the budget
    async with client_for(app, "203.0.113.50") as direct:
        assert (await direct.post("/api/ask", json=ASK, headers={"X-Forwarded-For": "192.0.2.1"})).status_code == 200
        rotated = await direct.post("/api/ask", json=ASK, headers={"X-Forwarded-For": "192.0.2.2"})
        assert rotated.status_code == 429


def test_client_key_rules():
    trusted = parse_networks(["10.0.0.0/8", "::1"])

    def scope(peer, xff=None):
        headers = [(b"x-forwarded-for", xff.encode())] if xff is not None else []
        return {"client": (peer, 1), "headers": headers}

    assert client_key(scope("203.0.113.9", "1.1.1.1"), trusted) == "203.0.113.9"
    assert client_key(scope("10.0.0.1", "198.51.100.7"), trusted) == "198.51.100.7"
    assert client_key(scope("10.0.0.1", "198.51.100.7, 10.0.0.2"), trusted) == "198.51.100.7"  # two proxies
    assert client_key(scope("10.0.0.1", "garbage, 198.51.100.7"), trusted) == "198.51.100.7"
    assert client_key(scope("10.0.0.1", "not-an-ip"), trusted) == "10.0.0.1"
    assert client_key(scope("10.0.0.1"), trusted) == "10.0.0.1"
    assert client_key(scope("::1", "[2001:db8::1]:443"), trusted) == "2001:db8::1"
    assert client_key({"client": None, "headers": []}, trusted) == "unknown"
    with pytest.raises(ValueError):
        parse_networks(["10.0.0.0/33"])


async def test_overload_is_shed_with_503_not_queued(tmp_path):
    assistant = FakeAssistant()
    assistant.gate = threading.Event()
    app, _ = build(tmp_path, assistant=assistant, max_inflight_asks=2, rate_limit_per_minute=0)
    try:
        async with client_for(app) as c:
            tasks = [asyncio.create_task(c.post("/api/ask", json=ASK)) for _ in range(5)]
            for _ in range(2):  # both admitted requests are inside the assistant
                assert await asyncio.to_thread(assistant.started.acquire, True, 5)
            for _ in range(500):  # the three others come back at once, without waiting for the gate
                if sum(t.done() for t in tasks) == 3:
                    break
                await asyncio.sleep(0.01)
            shed = [t.result() for t in tasks if t.done()]
            assert len(shed) == 3
            for response in shed:
                assert response.status_code == 503
                assert response.headers["retry-after"].isdigit()
                assert "busy" in response.json()["message"]
            assistant.gate.set()
            results = await asyncio.wait_for(asyncio.gather(*tasks), 10)
            assert sorted(r.status_code for r in results) == [200, 200, 503, 503, 503]
            # capacity is released afterwards
            assert (await c.post("/api/ask", json=ASK)).status_code == 200
    finally:
        assistant.gate.set()


async def test_search_is_not_shed(tmp_path):
    app, _ = build(tmp_path, max_inflight_asks=1)
    async with client_for(app) as c:
        results = await asyncio.gather(*(c.get("/api/search", params={"q": "人才"}) for _ in range(5)))
        assert {r.status_code for r in results} == {200}


async def test_big_body_413_with_content_length(tmp_path, fake_assistant):
    app, _ = build(tmp_path, assistant=fake_assistant)
    big = b'{"question": "' + b"x" * (1024 * 1024) + b'"}'
    async with client_for(app) as c:
        r = await c.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "too large" in r.json()["message"]
    assert fake_assistant.questions == []


async def test_big_body_413_without_content_length(tmp_path, fake_assistant):
    app, _ = build(tmp_path, assistant=fake_assistant)

    async def chunks():
        yield b'{"question": "'
        for _ in range(64):
            yield b"y" * 16384
        yield b'"}'

    async with client_for(app) as c:
        r = await c.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413
    assert fake_assistant.questions == []


async def test_small_streamed_body_passes_through(tmp_path, fake_assistant):
    app, _ = build(tmp_path, assistant=fake_assistant)

    async def chunks():
        yield '{"question": "开源'.encode()
        yield '人才"}'.encode()

    async with client_for(app) as c:
        r = await c.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 200
    assert fake_assistant.questions[0].text == "开源人才"


async def test_identify_has_its_own_larger_cap(tmp_path):
    app, _ = build(tmp_path)
    body = b'{"text": "' + b"Permission is hereby granted " * 10000 + b'"}'  # ~290 KB
    async with client_for(app) as c:
        r = await c.post("/api/licenses/identify", content=body, headers={"content-type": "application/json"})
        assert r.status_code != 413  # 404 here: the licence router is not mounted in this app
        r = await c.post("/api/feedback", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 413


async def test_request_id_in_and_out_and_in_logs(tmp_path, caplog):
    app, _ = build(tmp_path)
    caplog.set_level(logging.INFO, logger="yuanbot.api")
    async with client_for(app) as c:
        r = await c.post("/api/ask", json=ASK, headers={"X-Request-ID": "req-abc.123"})
        assert r.headers["x-request-id"] == "req-abc.123"
        generated = (await c.post("/api/ask", json=ASK)).headers["x-request-id"]
        assert len(generated) == 32
        hostile = await c.get("/healthz", headers={"X-Request-ID": "x" * 500})
        assert hostile.headers["x-request-id"] != "x" * 500
        weird = await c.get("/healthz", headers={"X-Request-ID": "a b;c=d"})
        assert weird.headers["x-request-id"] != "a b;c=d"
        errors = await c.post("/api/ask", json={"question": ""}, headers={"X-Request-ID": "bad-input-1"})
        assert errors.status_code == 422 and errors.headers["x-request-id"] == "bad-input-1"
    answered = [rec for rec in caplog.records if rec.getMessage() == "answered"]
    assert [getattr(rec, "request_id", None) for rec in answered] == ["req-abc.123", generated]
    # outside a request there is no id
    record = logging.getLogger("yuanbot.test").makeRecord("yuanbot.test", logging.INFO, "f", 1, "m", (), None)
    assert not hasattr(record, "request_id")


def test_request_id_reaches_json_log_lines(tmp_path):
    import json

    from bot.api.limits import request_id_var
    from bot.logging_setup import JsonFormatter

    token = request_id_var.set("rid-42")
    try:
        record = logging.getLogger("yuanbot.api").makeRecord("yuanbot.api", logging.INFO, "f", 1, "hi", (), None)
    finally:
        request_id_var.reset(token)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "rid-42"


async def test_invalid_content_length_is_400(tmp_path):
    app, _ = build(tmp_path)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        request = c.build_request("POST", "/api/ask", content=b"{}")
        request.headers["content-length"] = "abc"
        r = await c.send(request)
    assert r.status_code == 400


async def test_unhandled_error_is_logged_with_the_request_id(tmp_path, caplog):
    class Exploding(FakeAssistant):
        def ask(self, question):
            raise RuntimeError("boom")

    app, _ = build(tmp_path, assistant=Exploding())
    caplog.set_level(logging.ERROR, logger="yuanbot.api")
    async with client_for(app) as c:
        r = await c.post("/api/ask", json=ASK, headers={"X-Request-ID": "trace-500"})
    assert r.status_code == 500 and r.json() == {"message": "internal error; it has been logged"}
    failures = [rec for rec in caplog.records if rec.getMessage().startswith("unhandled error")]
    assert failures and failures[0].request_id == "trace-500"
    text = (await _metrics_text(app))
    assert 'route="/api/ask",status="500"' in text


async def _metrics_text(app) -> str:
    async with client_for(app) as c:
        return (await c.get("/metrics")).text


def test_install_limits_defaults_from_plain_settings(tmp_path):
    from types import SimpleNamespace

    from fastapi import FastAPI

    from bot.api.limits import install_limits
    from bot.settings import Settings

    app = FastAPI()
    limits = install_limits(app, Settings(_env_file=None, data_dir=tmp_path), None)  # no new fields yet
    assert (limits.per_minute, limits.max_inflight, limits.max_body, limits.trusted) == (120, 16, 65536, [])
    limits = install_limits(FastAPI(), SimpleNamespace(trusted_proxies="10.0.0.1, 10.1.0.0/16"), None)
    assert limits.trusted == ["10.0.0.1", "10.1.0.0/16"]
    with pytest.raises(ValueError):
        install_limits(FastAPI(), SimpleNamespace(trusted_proxies=["not-a-network"]), None)
