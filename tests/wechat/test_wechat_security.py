"""Issue 16 items 5 and 8 over HTTP with the WeChat simulator: stale timestamps, replayed signatures,
plaintext in safe mode, secrets in the access log, and a retry after a lost passive reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time

import httpx
import pytest
import uvicorn

from adapters.wechat.messages import NO_MORE_TEXT
from adapters.wechat.render import MORE_HINT
from bot.api.server import SERVER_OPTIONS
from bot.logging_setup import RedactQuery, configure_logging
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant
from tests.helpers import free_port, wait_until

from .conftest import running
from .simulator import BUSY, fixed_answer

pytestmark = pytest.mark.asyncio
ANSWER = "南京市支持开源项目。"
Y2001 = 978307200  # 2001-01-01, as the probe sent


async def until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not predicate():
        await asyncio.sleep(0.02)
    return predicate()


# --- item 5: replay and downgrade --------------------------------------------------------------
@pytest.mark.parametrize("mode", ["plain", "safe"])
async def test_a_delivery_signed_long_ago_is_refused(stack, mode):
    sim = stack.simulator(mode=mode)
    for timestamp in (Y2001, int(time.time()) - 330, int(time.time()) + 330):  # margins: whole seconds
        url, body = sim.request(sim.text_xml("u", "问题"), "u", timestamp=timestamp)
        outcome = await sim.deliver_raw(url, body)
        assert [d.status for d in outcome.deliveries] == [403]
    assert stack.assistant.calls == 0
    async with httpx.AsyncClient() as client:  # URL verification is held to the same window
        url, _ = sim.request("<xml/>", timestamp=Y2001)
        stale = await client.get(url.replace("/wechat?", "/wechat?echostr=echo&"))
        assert stale.status_code == 403 and "echo" not in stale.text
    url, body = sim.request(sim.text_xml("u", "问题"), "u", timestamp=int(time.time()) - 250)
    assert (await sim.deliver_raw(url, body)).shown == ANSWER  # within the default ±300 s


async def test_the_window_is_configurable():
    with running(wechat_timestamp_window=30) as s:
        sim = s.simulator()
        url, body = sim.request(sim.text_xml("u", "问题"), "u", timestamp=int(time.time()) - 120)
        assert (await sim.deliver_raw(url, body)).deliveries[0].status == 403
        assert (await sim.send_text("u", "问题")).shown == ANSWER


async def test_a_replayed_signature_with_another_body_is_refused(stack):
    sim = stack.simulator(mode="plain")
    url, body = sim.request(sim.text_xml("victim", "南京开源政策"), "victim")
    assert (await sim.deliver_raw(url, body)).shown == ANSWER
    forged = sim.text_xml("attacker", "一百亿元补贴怎么领？").encode()
    forged_url = url.replace("openid=victim", "openid=attacker")
    replay = await sim.deliver_raw(forged_url, forged)
    assert [d.status for d in replay.deliveries] == [403]
    assert [q.text for q in stack.assistant.questions] == ["南京开源政策"]
    # WeChat's own retry of the identical request is not a replay: it is answered (see item 8)
    assert (await sim.deliver_raw(url, body)).shown == ANSWER
    assert stack.assistant.calls == 1


async def test_the_nonce_cache_is_shared_by_workers(stack):
    from adapters.wechat import build_wechat_router
    from bot.api.app import create_app
    from bot.services import Services
    from tests.fakes import FakeQuestionLog
    from tests.helpers import serve

    other = build_wechat_router(stack.settings, stack.assistant, stack.store)  # a second worker, same store
    services = Services(settings=stack.settings, assistant=stack.assistant, store=stack.store,
                        question_log=FakeQuestionLog())
    with serve(create_app(services, routers=[other])) as second:
        sim = stack.simulator(mode="plain")
        url, body = sim.request(sim.text_xml("victim", "问题"), "victim")
        assert (await sim.deliver_raw(url, body)).shown == ANSWER
        forged = await sim.deliver_raw(url.replace(stack.url, second), sim.text_xml("x", "别的").encode())
        assert forged.deliveries[0].status == 403


async def test_safe_mode_refuses_plaintext():
    with running(wechat_mode="safe") as s:
        plain = await s.simulator(mode="plain").send_text("u", "问题")
        assert [d.status for d in plain.deliveries] == [403] and plain.shown == BUSY
        assert s.assistant.calls == 0
        for mode in ("safe", "compat"):  # compat deliveries carry the ciphertext: accepted, answered encrypted
            outcome = await s.simulator(mode=mode).send_text("u", "问题")
            assert outcome.shown == ANSWER and b"<Encrypt>" in outcome.deliveries[0].body


async def test_a_key_alone_means_safe_mode():
    with running(wechat_mode=None) as s:
        assert (await s.simulator(mode="plain").send_text("u", "问题")).deliveries[0].status == 403
        assert (await s.simulator(mode="safe").send_text("u", "问题")).shown == ANSWER


@contextlib.contextmanager
def production_logging(capture: logging.Handler):
    """Logging as `yuanbot serve` configures it (configure_logging), with `capture` on the root logger;
    the loggers it changes are put back afterwards. Any RedactQuery left by an earlier test is taken off
    first, so only configure_logging can have installed the one that redacts here."""
    names = ("uvicorn", "uvicorn.error", "uvicorn.access", "jieba", "chromadb", "httpx",
             "sentence_transformers", "urllib3", "bm25s")
    root = logging.getLogger()
    saved_root = (root.handlers[:], root.level)
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate,
                 logging.getLogger(n).filters[:], logging.getLogger(n).level) for n in names}
    access = logging.getLogger("uvicorn.access")
    for old in [f for f in access.filters if isinstance(f, RedactQuery)]:
        access.removeFilter(old)
    try:
        configure_logging("INFO")
        root.addHandler(capture)
        yield
    finally:
        root.handlers[:], level = saved_root
        root.setLevel(level)
        for name, (handlers, propagate, filters, level) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:], logger.propagate, logger.filters[:] = handlers, propagate, filters
            logger.setLevel(level)


async def test_signatures_and_nonces_stay_out_of_the_access_log(caplog):
    """A live uvicorn with its access log on, logging configured as `yuanbot serve` does."""
    with running() as s, production_logging(caplog.handler):
        config = uvicorn.Config(s.app, **(SERVER_OPTIONS | {"log_level": "info", "access_log": True,
                                                              "host": "127.0.0.1", "port": free_port()}))
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        await asyncio.to_thread(wait_until, lambda: server.started, 10, 0.02, "uvicorn")
        caplog.set_level(logging.INFO, logger="uvicorn.access")
        try:
            sim = s.simulator(mode="safe")
            sim.url = f"http://127.0.0.1:{config.port}/wechat"
            url, body = sim.request(sim.text_xml("u", "问题"), "u")
            assert (await sim.deliver_raw(url, body)).shown == ANSWER
            verified = await sim.verify_url("echo-secret")
            assert verified.status_code == 200
        finally:
            server.should_exit = True
            await task
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any("/wechat?" in line and "signature=***" in line for line in lines), lines
    text = "\n".join(lines)
    for secret in (query["signature"], query["msg_signature"], query["nonce"], "echo-secret"):
        assert secret not in text
    assert query["timestamp"] in text and "openid=u" in text  # the rest of the line is kept


# --- item 8: a retry after a lost passive reply ---------------------------------------------------
async def test_a_retry_after_a_lost_passive_reply_gets_the_same_reply(stack):
    stack.assistant.respond = fixed_answer("很长的回答。" * 150)  # two pieces
    sim = stack.simulator(mode="safe")
    url, body = sim.request(sim.text_xml("u", "问题"), "u")
    first = await sim.deliver_raw(url, body)  # answered, but WeChat never got the reply …
    assert first.shown.endswith(MORE_HINT)
    retry = await sim.deliver_raw(url, body)  # … so it retries the identical request
    assert retry.shown == first.shown
    assert stack.assistant.calls == 1
    more = await sim.send_text("u", "继续")  # the remainder was kept once, not lost or doubled
    assert more.shown and not more.shown.endswith(MORE_HINT)
    assert (await sim.send_text("u", "继续")).shown == NO_MORE_TEXT


async def test_a_pushed_answer_is_not_repeated_by_a_later_retry():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=0.8), wechat_account_type="service") as s:
        sim = s.simulator(mode="safe", timeout=1.0)
        url, body = sim.request(sim.text_xml("u", "慢问题"), "u")
        first = await sim.deliver_raw(url, body)
        assert first.deliveries[0].body == b"success"
        assert await until(lambda: len(s.api.sent) == 1)
        retry = await sim.deliver_raw(url, body)  # as if "success" had been lost
        assert retry.shown is None and retry.deliveries[0].body == b"success"
        await asyncio.sleep(0.2)
        assert len(s.api.sent) == 1 and s.assistant.calls == 1


# --- the shared store is reached off the event loop ---------------------------------------------
class GatedStore(InProcessStore):
    """Every call blocks while `armed`, until the test opens the gate: a Redis that stopped answering."""

    def __init__(self) -> None:
        super().__init__()
        self.armed, self.gate, self.blocked = False, threading.Event(), threading.Event()

    def _wait(self) -> None:
        if self.armed:
            self.blocked.set()
            self.gate.wait(10)

    def get(self, key):
        self._wait()
        return super().get(key)

    def set(self, key, value, ttl=None):
        self._wait()
        super().set(key, value, ttl)

    def set_if_absent(self, key, value, ttl=None):
        self._wait()
        return super().set_if_absent(key, value, ttl)

    def incr(self, key, ttl=None):
        self._wait()
        return super().incr(key, ttl)


async def test_a_hanging_store_does_not_stall_other_requests():
    store = GatedStore()
    with running(store=store) as s:
        sim = s.simulator(mode="safe", timeout=10)
        store.armed = True
        delivery = asyncio.create_task(sim.send_text("u", "问题"))
        assert await asyncio.to_thread(store.blocked.wait, 5)  # the delivery is stuck in a store call …
        verified = await sim.verify_url("still-serving")  # … and the server still answers others
        assert verified.status_code == 200 and verified.text == "still-serving"
        assert not delivery.done()
        store.armed = False
        store.gate.set()
        assert (await delivery).shown == ANSWER
