"""Issue acceptance: two API processes sharing Redis dedup a WeChat retry that hits the other process.

Two separate OS processes (tests/wechat/wechat_worker.py) serve the real app + WeChat router over one
real redis-server. The assistant takes longer than WeChat's timeout, so WeChat (the simulator's signing
and encryption, with the delivery loop driven here) re-sends the identical message (same MsgId): the
retry goes to the other process, the third delivery back to the first. The work must run once in
total, and the answer reaches the user once (subscription account: earlier deliveries are held open
unanswered until WeChat has retried).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from adapters.wechat.codec import parse_xml
from adapters.wechat.dedup import Ledger, message_key
from adapters.wechat.messages import PENDING_TEXT
from bot.stores import RedisStore
from tests.helpers import REPO as PROJECT_ROOT
from tests.helpers import stop_process, wait_until
from tests.wechat.simulator import BUSY, WeChatSimulator

HERE = Path(__file__).resolve().parent

TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # any valid 43-character EncodingAESKey
APPID = "wx2c2769f8efd9abc2"
ANSWER = "南京市对开源人才给予住房补贴支持。"

BUDGET = 0.4  # the adapter's own reply budget per delivery
WECHAT_TIMEOUT = 1.5  # how long the simulated WeChat waits for a delivery before retrying
DELAY = 2.0  # the assistant: longer than one WeChat timeout, shorter than two
# The answer exists at ~DELAY; delivery 3 starts at ~2*WECHAT_TIMEOUT and waits BUDGET: 1.4 s margin.
STARTUP_TIMEOUT = 60.0


class Worker:
    def __init__(self, name: str, redis_url: str, prefix: str, tmp: Path):
        self.name = name
        self.port_file = tmp / f"worker-{name}.port"
        self.log_path = tmp / f"worker-{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "wechat_worker.py"), "--name", name, "--redis-url", redis_url,
             "--prefix", prefix, "--port-file", str(self.port_file), "--token", TOKEN, "--appid", APPID,
             "--aes-key", AES_KEY, "--answer", ANSWER, "--delay", str(DELAY), "--budget", str(BUDGET)],
            cwd=PROJECT_ROOT, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self.url = ""

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"worker {self.name} exited ({self.proc.returncode}):\n{self.log()}")
            if not self.url:
                if not self.port_file.exists():
                    return False
                self.url = f"http://127.0.0.1:{int(self.port_file.read_text())}"
            try:
                httpx.get(f"{self.url}/healthz", timeout=2)  # any HTTP answer: it serves
                return True
            except httpx.HTTPError:
                return False

        try:
            wait_until(ready, STARTUP_TIMEOUT, interval=0.2, what=f"worker {self.name} to serve")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log()}") from None

    def stop(self) -> None:
        stop_process(self.proc)
        self._log.close()


@pytest.fixture
def workers(redis_server, tmp_path):
    prefix = f"scaleout:{uuid.uuid4().hex[:12]}:"
    started: list[Worker] = []
    try:
        for name in ("A", "B"):
            started.append(Worker(name, redis_server.url, prefix, tmp_path))
        for worker in started:
            worker.wait_ready()
        yield started[0], started[1], RedisStore.from_url(redis_server.url, prefix=prefix)
    finally:
        for worker in started:
            worker.stop()


async def _deliver_round_robin(urls: list[str], query: str, body: bytes) -> list[tuple[str, int | None, bytes]]:
    """WeChat's delivery loop: POST, wait WECHAT_TIMEOUT, re-send the identical request — here to the next URL."""
    deliveries = []
    async with httpx.AsyncClient(timeout=None) as client:
        for base in urls:
            try:
                response = await asyncio.wait_for(
                    client.post(f"{base}/wechat?{query}", content=body, headers={"Content-Type": "text/xml"}),
                    WECHAT_TIMEOUT)
            except TimeoutError:
                deliveries.append((base, None, b""))
                continue
            deliveries.append((base, response.status_code, response.content))
            break  # WeChat stops at the first answered delivery
    return deliveries


def test_retry_on_another_process_runs_once_and_answers_once(workers):
    a, b, store = workers
    sim = WeChatSimulator(a.url, TOKEN, appid=APPID, aes_key=AES_KEY, mode="safe", timeout=WECHAT_TIMEOUT)
    xml = sim.text_xml("o-scaleout-user", "开源人才能享受哪些住房方面的支持？")
    url, body = sim.request(xml, "o-scaleout-user")
    query = url.split("?", 1)[1]

    started = time.monotonic()
    deliveries = asyncio.run(_deliver_round_robin([a.url, b.url, a.url], query, body))
    elapsed = time.monotonic() - started

    context = (f"deliveries={[(u, s, c[:200]) for u, s, c in deliveries]} elapsed={elapsed:.2f}s\n"
               f"--- A ---\n{a.log()}\n--- B ---\n{b.log()}")
    # The first delivery (process A) cannot answer in time: the assistant is still running.
    assert deliveries[0][1] is None, context
    # The retry reached the other process: both processes saw this message.
    assert len(deliveries) >= 2 and deliveries[1][0] == b.url, context

    answered = [d for d in deliveries if d[1] is not None]
    assert answered, f"every delivery timed out: the user saw {BUSY!r}\n{context}"
    shown = [sim.shown(status, content) for _, status, content in answered]
    assert shown.count(ANSWER) == 1, f"the answer must reach the user exactly once: {shown}\n{context}"
    assert all(s in (ANSWER, None) for s in shown), context  # no busy page, no 正在查询 notice
    assert PENDING_TEXT not in shown, context
    # The reply really was encrypted (safe mode) by whichever process sent it.
    winner = next(content for _, status, content in answered if sim.shown(status, content) == ANSWER)
    assert "Encrypt" in parse_xml(winner), context

    # The work ran exactly once across both processes …
    key = message_key(parse_xml(xml))
    ledger = Ledger(store)
    wait_until(lambda: asyncio.run(ledger.result(key)) is not None, 30, what="the shared result")
    time.sleep(0.2)  # a (wrong) second run would have counted itself long before the first one finished
    assert int(store.get("assistant:calls") or 0) == 1, context
    ran_on = [name for name in ("A", "B") if store.get(f"assistant:ran-on:{name}") is not None]
    assert ran_on == ["A"], f"the first delivery's process should run the work, not {ran_on}\n{context}"
    # … every delivery was counted in the shared ledger, and the reply was claimed once.
    assert asyncio.run(ledger.deliveries_seen(key)) == len(deliveries), context
    assert store.get(f"wechat:msg:{key}:sent") == "passive", context
    assert not asyncio.run(ledger.claim_route(key, "push")), context  # answered passively: never pushed too
    store.close()
