"""Protection for the public API, mostly from libraries: client address, request ids, rate limits, shedding.

Outermost first:

    ProxyHeadersMiddleware (uvicorn)   the one layer that decides the client address: X-Forwarded-For is
                                       read only from YUANBOT_TRUSTED_PROXIES (default: nobody), and the
                                       server itself runs with proxy_headers off
    CorrelationIdMiddleware            X-Request-ID in and out, on every log line (asgi-correlation-id)
    RateLimitMiddleware                per-client fixed windows counted by the `limits` package, in memory
                                       or in Redis when workers share state; 429 with Retry-After
    ShedMiddleware                     at most N /api/ask in flight per process, else 503 at once

The body cap is FastAPI's own `max_body_size` (app-wide, larger on the routes that take files); its
plain-text 413 is turned into this API's JSON error (TooLargeAsJson).
Signed platform traffic (/wechat, /telegram/…) is not rate limited: only RATE_LIMITED paths are.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from limits import RateLimitItemPerMinute
from limits.limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.errors import ConfigError
from bot.logging_setup import records_carry_request_id
from bot.settings import Settings

log = logging.getLogger("yuanbot.protection")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RATE_LIMITED: tuple[str, ...] = ("/api/", "/admin/")
SHED_PATHS: tuple[str, ...] = ("/api/ask", "/api/ask/stream")
SHED_RETRY_AFTER = 2
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


async def send_json(send: Send, status: int, payload: dict[str, Any], headers: Iterable[tuple[str, str]] = ()) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("latin-1"))]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _matches(path: str, prefixes: Iterable[str]) -> bool:
    return any(path.startswith(p) if p.endswith("/") else path == p for p in prefixes)


def check_trusted_proxies(entries: Iterable[str]) -> list[str]:
    """'10.0.0.1', '10.0.0.0/8', '::1' …; a typo fails at start-up, not on the first request."""
    out = []
    for entry in entries:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError as exc:
            raise ConfigError(f"YUANBOT_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from exc
        out.append(entry.strip())
    return out


class RateLimitMiddleware:
    """`limit` requests per client and window on the RATE_LIMITED paths; over it: 429 JSON + Retry-After."""

    def __init__(self, app: ASGIApp, *, limiter: FixedWindowRateLimiter, limit: RateLimitItem,
                 paths: Iterable[str] = RATE_LIMITED) -> None:
        self.app = app
        self.limiter = limiter
        self.limit = limit
        self.paths = tuple(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _matches(scope.get("path", ""), self.paths):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        who = client[0] if client else "unknown"
        try:
            allowed = self.limiter.hit(self.limit, "client", who)
        except Exception:  # the counter store is down: serve rather than refuse everyone
            log.warning("rate limit store unavailable; request allowed", exc_info=True)
            allowed = True
        if allowed:
            await self.app(scope, receive, send)
            return
        try:
            reset = self.limiter.get_window_stats(self.limit, "client", who).reset_time
        except Exception:  # noqa: BLE001 - the store failed between two calls: a whole window is safe
            reset = time.time() + self.limit.get_expiry()
        retry = max(1, math.ceil(reset - time.time()))
        log.info("rate limited", extra={"client": who, "limit": self.limit.amount})
        await send_json(send, 429, {"message": f"too many requests: at most {self.limit.amount} per "
                                               f"{self.limit.GRANULARITY.name}; retry in {retry} s"},
                        [("Retry-After", str(retry))])


class ShedMiddleware:
    """A per-process cap on requests in flight for the expensive paths; 503 at once beyond it.

    No mainstream library does this: a queue that grows without bound makes every client time out.
    """

    def __init__(self, app: ASGIApp, *, max_inflight: int, paths: Iterable[str] = SHED_PATHS,
                 retry_after: int = SHED_RETRY_AFTER) -> None:
        self.app = app
        self.max_inflight = max_inflight
        self.paths = tuple(paths)
        self.retry_after = retry_after
        self.inflight = 0  # touched only on the event loop thread: no lock needed
        self.shed_total = 0
        self._logged_at = float("-inf")
        self._logged_total = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not _matches(scope.get("path", ""), self.paths):
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.max_inflight:
            self.shed_total += 1
            now = time.monotonic()
            if now - self._logged_at >= 10.0:  # one line per 10 s under overload, not one per request
                log.warning("overloaded: shedding /api/ask", extra={
                    "inflight": self.inflight, "shed": self.shed_total - self._logged_total})
                self._logged_at, self._logged_total = now, self.shed_total
            await send_json(send, 503, {"message": "the service is busy; please retry shortly"},
                            [("Retry-After", str(self.retry_after))])
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1


class TooLargeAsJson:
    """Starlette's body cap answers 413 in plain text from inside the route, where no exception handler
    sees it; every error of this API is JSON with a `message`, so this rewrites that one response."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.default_limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rewriting = False

        async def send_json_413(message: Message) -> None:
            nonlocal rewriting
            if message["type"] == "http.response.start" and message["status"] == 413:
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/plain"):
                    rewriting = True
                    limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY) or self.default_limit
                    await send_json(send, 413, {"message": f"request body too large: at most {limit} bytes"},
                                    [("Connection", "close")])
                    return
            if rewriting:  # the plain-text body of the response replaced above
                return
            await send(message)

        await self.app(scope, receive, send_json_413)


def install_json_errors(app: Any, settings: Settings) -> None:
    """Always installed, protection or not: the body cap is always on."""
    if not getattr(app.state, "json_413", False):
        app.add_middleware(TooLargeAsJson, max_body_bytes=settings.max_body_bytes)
        app.state.json_413 = True


def rate_limiter(settings: Settings, storage_uri: str | None = None) -> FixedWindowRateLimiter:
    """Counters in Redis when workers share state (YUANBOT_REDIS_URL), else in this process."""
    uri = storage_uri or settings.redis_url or "memory://"
    return FixedWindowRateLimiter(storage_from_string(uri))


def install_protection(app: Any, settings: Settings, *, limiter: FixedWindowRateLimiter | None = None,
                       limit: RateLimitItem | None = None) -> None:
    """Add the middleware above to `app` (before it starts). A limit of 0 in the settings turns it off."""
    trusted = check_trusted_proxies(settings.trusted_proxies)
    records_carry_request_id()
    # add_middleware: the last added runs first (outermost)
    install_json_errors(app, settings)
    if settings.max_inflight_asks > 0:
        app.add_middleware(ShedMiddleware, max_inflight=settings.max_inflight_asks)
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimitMiddleware, limiter=limiter or rate_limiter(settings),
                           limit=limit or RateLimitItemPerMinute(settings.rate_limit_per_minute))
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID",
                       validator=lambda value: bool(REQUEST_ID.match(value)))
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
