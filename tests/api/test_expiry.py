"""Issue 16 item 2 through HTTP: what `/api/ask` leaves behind (web sessions, rate-limit counters) is freed once
its time has passed, without ever being read again. Time is moved by hand: the store's clock and the clock
of the `limits` package's in-memory counters (the rate limiter production builds without Redis)."""

from __future__ import annotations

import time

import limits.storage.memory
import limits.strategies

from bot.api.protection import RateLimitMiddleware
from bot.stores import InProcessStore
from tests.helpers import asgi_client, wait_until

from .conftest import build

PROXY = "203.0.113.7"  # asgi_client's peer, trusted: each request names its client in X-Forwarded-For
CLIENTS = 300


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def time(self) -> float:  # stands in for the `time` module inside `limits`
        return self.now


async def test_sessions_and_rate_limit_counters_are_freed_after_their_ttl(tmp_path, monkeypatch):
    clock = Clock(time.time())
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(limits.strategies, "time", clock)
    store = InProcessStore(clock=clock)
    app, _ = build(tmp_path, store=store, metrics=False, rate_limit_per_minute=5, trusted_proxies=[PROXY],
                          session_ttl=1800)
    [limiter] = [m.kwargs["limiter"] for m in app.user_middleware if m.cls is RateLimitMiddleware]
    counters = limiter.storage.storage  # the in-memory counters, one per client and window
    async with asgi_client(app, peer=PROXY) as client:
        for n in range(CLIENTS):
            forwarded = {"X-Forwarded-For": f"10.1.{n // 250}.{n % 250}"}
            response = await client.post("/api/ask", json={"question": "开源人才有住房支持吗？"}, headers=forwarded)
            assert response.status_code == 200 and response.json()["session_id"]
        assert store.live_keys() >= CLIENTS and len(counters) == CLIENTS  # a session and a counter each
        clock.now += 1800 + 61  # past the session TTL and the rate-limit window
        assert store.live_keys() == 0
        # the counters are dropped by the limiter's own sweep, which the next hit (any client's) starts
        late = await client.post("/api/ask", json={"question": "开源人才有住房支持吗？"},
                                 headers={"X-Forwarded-For": "10.9.9.9"})
        assert late.status_code == 200
        wait_until(lambda: len(counters) <= 1, 10, what="the expired rate-limit counters to be dropped")
    assert store.live_keys() == 1  # the late caller's session only
