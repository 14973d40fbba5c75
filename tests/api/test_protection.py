"""Protection of the public API: rate limits, the client address, shedding, body caps and request ids."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time

import pytest
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from bot.api.protection import check_trusted_proxies
from bot.api.routes_licenses import build_license_router
from bot.errors import ConfigError
from tests.api.conftest import build
from tests.fakes import FakeAssistant
from tests.helpers import asgi_client as client_for
from tests.helpers import free_port, serve

ASK = {"question": "开源人才有住房支持吗？"}


def memory_limiter() -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(storage_from_string("memory://"))


async def test_rate_limit_429_with_retry_after_and_per_client(tmp_path):
    app, _ = build(tmp_path, rate_limit_per_minute=3)
    async with client_for(app, "203.0.113.7") as a, client_for(app, "203.0.113.8") as b:
        for _ in range(3):
            assert (await a.post("/api/ask", json=ASK)).status_code == 200
        limited = await a.post("/api/ask", json=ASK)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.headers["content-type"].startswith("application/json")
        assert "too many requests" in limited.json()["message"]
        # the other endpoints share the client's budget
        assert (await a.get("/api/search", params={"q": "人才"})).status_code == 429
        # another client is not affected
        assert (await b.post("/api/ask", json=ASK)).status_code == 200
        # health checks are never limited
        assert (await a.get("/healthz")).status_code == 200


async def test_the_next_window_is_allowed_again(tmp_path):
    app, _ = build(tmp_path, limiter=memory_limiter(), limit=RateLimitItemPerSecond(2))
    async with client_for(app) as c:
        assert [(await c.post("/api/ask", json=ASK)).status_code for _ in range(3)] == [200, 200, 429]
        await asyncio.sleep(1.1)
        assert (await c.post("/api/ask", json=ASK)).status_code == 200


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


async def test_admin_is_rate_limited_too(tmp_path):
    app, _ = build(tmp_path, rate_limit_per_minute=2)
    async with client_for(app) as c:
        codes = [(await c.get("/admin/report")).status_code for _ in range(3)]
    assert codes[-1] == 429


async def test_workers_share_the_counters_in_redis(tmp_path, redis_url):
    shared = FixedWindowRateLimiter(storage_from_string(redis_url))
    limit = RateLimitItemPerMinute(2, namespace=f"t{time.monotonic_ns()}")
    app1, _ = build(tmp_path / "1", limiter=shared, limit=limit)
    app2, _ = build(tmp_path / "2", limiter=FixedWindowRateLimiter(storage_from_string(redis_url)), limit=limit)
    async with client_for(app1) as w1, client_for(app2) as w2:  # two "workers", one client
        assert (await w1.post("/api/ask", json=ASK)).status_code == 200
        assert (await w2.post("/api/ask", json=ASK)).status_code == 200
        assert (await w1.post("/api/ask", json=ASK)).status_code == 429


async def test_store_failure_fails_open(tmp_path):
    broken = FixedWindowRateLimiter(storage_from_string(f"redis://127.0.0.1:{free_port()}/0",
                                                        socket_connect_timeout=0.2))
    app, _ = build(tmp_path, limiter=broken, rate_limit_per_minute=1)
    async with client_for(app) as c:
        assert (await c.post("/api/ask", json=ASK)).status_code == 200
        assert (await c.post("/api/ask", json=ASK)).status_code == 200


async def test_forwarded_for_only_from_trusted_proxies(tmp_path):
    app, _ = build(tmp_path, rate_limit_per_minute=1, trusted_proxies=["10.0.0.0/8"])
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


def test_loopback_is_not_trusted_by_default_through_a_real_server(tmp_path):
    """Regression: uvicorn's default trusted 127.0.0.1, so forged X-Forwarded-For reset the budget."""
    import httpx

    app, _ = build(tmp_path, rate_limit_per_minute=3)
    with serve(app) as url, httpx.Client(base_url=url) as client:
        codes = [client.post("/api/ask", json=ASK, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                 for n in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]


def test_trusted_proxies_are_checked_at_start_up(tmp_path):
    assert check_trusted_proxies(["10.0.0.1", " 10.1.0.0/16 ", "::1"]) == ["10.0.0.1", "10.1.0.0/16", "::1"]
    with pytest.raises(ConfigError, match="not-a-network"):
        check_trusted_proxies(["not-a-network"])
    with pytest.raises(ConfigError):
        build(tmp_path, trusted_proxies=["10.0.0.0/33"])


def test_trusted_proxies_from_a_plain_variable(monkeypatch):
    from bot.settings import Settings

    monkeypatch.setenv("YUANBOT_TRUSTED_PROXIES", "10.0.0.1, 10.1.0.0/16")
    assert Settings(_env_file=None).trusted_proxies == ["10.0.0.1", "10.1.0.0/16"]
    monkeypatch.setenv("YUANBOT_TRUSTED_PROXIES", '["172.16.0.0/12"]')
    assert Settings(_env_file=None).trusted_proxies == ["172.16.0.0/12"]
    monkeypatch.delenv("YUANBOT_TRUSTED_PROXIES")
    assert Settings(_env_file=None).trusted_proxies == []


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


async def test_identify_has_its_own_larger_cap(tmp_path, licences):
    app, _ = build(tmp_path, routers=[build_license_router(licences, max_identify_bytes=1024 * 1024)])
    body = b'{"text": "' + b"Permission is hereby granted " * 10000 + b'"}'  # ~290 KB
    async with client_for(app) as c:
        r = await c.post("/api/licenses/identify", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 200
        r = await c.post("/api/feedback", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 413


async def test_request_id_in_and_out_and_in_logs(tmp_path, caplog):
    app, _ = build(tmp_path)
    caplog.set_level(logging.INFO, logger="yuanbot.api")
    async with client_for(app) as c:
        # each request in a task of its own, as the server runs them (a context variable set by one
        # request never leaks into the code that made it)
        async def post(*args, **kwargs):
            return await asyncio.create_task(c.post(*args, **kwargs))

        r = await post("/api/ask", json=ASK, headers={"X-Request-ID": "req-abc.123"})
        assert r.headers["x-request-id"] == "req-abc.123"
        generated = (await post("/api/ask", json=ASK)).headers["x-request-id"]
        assert len(generated) == 32
        hostile = await asyncio.create_task(c.get("/healthz", headers={"X-Request-ID": "x" * 500}))
        assert hostile.headers["x-request-id"] != "x" * 500
        weird = await asyncio.create_task(c.get("/healthz", headers={"X-Request-ID": "a b;c=d"}))
        assert weird.headers["x-request-id"] != "a b;c=d"
        errors = await post("/api/ask", json={"question": ""}, headers={"X-Request-ID": "bad-input-1"})
        assert errors.status_code == 422 and errors.headers["x-request-id"] == "bad-input-1"
    answered = [rec for rec in caplog.records if rec.getMessage() == "answered"]
    assert [getattr(rec, "request_id", None) for rec in answered] == ["req-abc.123", generated]
    # outside a request there is no id
    record = logging.getLogger("yuanbot.test").makeRecord("yuanbot.test", logging.INFO, "f", 1, "m", (), None)
    assert not hasattr(record, "request_id")


def test_request_id_reaches_json_log_lines(tmp_path):
    import json

    from asgi_correlation_id.context import correlation_id

    from bot.logging_setup import JsonFormatter, records_carry_request_id

    records_carry_request_id()
    token = correlation_id.set("rid-42")
    try:
        record = logging.getLogger("yuanbot.api").makeRecord("yuanbot.api", logging.INFO, "f", 1, "hi", (), None)
    finally:
        correlation_id.reset(token)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "rid-42"


def test_invalid_content_length_is_400_from_the_server(tmp_path):
    app, _ = build(tmp_path)
    with serve(app) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         b"Content-Length: abc\r\n\r\n{}")
            status_line = sock.recv(200).split(b"\r\n", 1)[0]
    assert b" 400 " in status_line


async def test_unhandled_error_is_logged_with_the_request_id(tmp_path, caplog):
    exploding = FakeAssistant()
    exploding.replies[ASK["question"]] = RuntimeError("boom")
    app, _ = build(tmp_path, assistant=exploding)
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
