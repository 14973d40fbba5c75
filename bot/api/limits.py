"""Protection for the public API: request ids, per-client rate limits, overload shedding and a body cap.

Everything here is pure ASGI middleware (no BaseHTTPMiddleware: no extra task, no body copies on the way
out). `install_limits(app, settings, store)` adds them in this order, outermost first:

    RequestIdMiddleware  ->  RateLimitMiddleware  ->  BodyLimitMiddleware  ->  ShedMiddleware  ->  the app

* request ids: `X-Request-ID` is taken from the request when it looks sane (else a new one is made), echoed
  on the response and put on every log record made while the request runs (contextvar + record factory).
* rate limits: a fixed one-minute window per client, counted with `store.incr(key, ttl)` so several
  workers share the counters once the store is Redis. Over the limit: 429 JSON with `Retry-After`.
  Signed platform traffic (`/wechat`, `/telegram/...`) is not limited: only the paths in `RATE_LIMITED`.
* shedding: at most `max_inflight_asks` POST /api/ask requests in flight per process; the next one gets
  503 JSON with `Retry-After` at once instead of queueing for the thread pool until clients time out.
* body cap: /api/* bodies are read (and counted) before the app sees them, with or without
  Content-Length; over the cap: 413 JSON. The licence identifier (pasted LICENSE texts) has its own cap.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from contextvars import ContextVar
from typing import Any

log = logging.getLogger("yuanbot.limits")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# --- defaults (the lead mirrors these in bot.settings.Settings) ----------------------------------
DEFAULT_RATE_LIMIT_PER_MINUTE = 120
DEFAULT_MAX_INFLIGHT_ASKS = 16
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_MAX_IDENTIFY_BODY_BYTES = 3 * 1024 * 1024  # 400 000 chars of escaped JSON text fit
DEFAULT_SHED_RETRY_AFTER = 2

RATE_LIMITED: tuple[str, ...] = ("/api/ask", "/api/ask/stream", "/api/search", "/api/feedback", "/api/licenses/")
BODY_LIMITED: tuple[str, ...] = ("/api/",)
SHED_PATHS: tuple[str, ...] = ("/api/ask", "/api/ask/stream")
LARGE_BODY_PATHS: tuple[str, ...] = ("/api/licenses/identify",)

# ------------------------------------------------------------------------------------------------
# small helpers


async def send_json(send: Send, status: int, payload: dict[str, Any], headers: Iterable[tuple[str, str]] = ()) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("latin-1"))]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _matches(path: str, prefixes: Iterable[str]) -> bool:
    for prefix in prefixes:
        if prefix.endswith("/") and path.startswith(prefix):
            return True
        if path == prefix:
            return True
    return False


def _setting(settings: Any, name: str, default: Any) -> Any:
    value = getattr(settings, name, None) if settings is not None else None
    return default if value is None else value


# ------------------------------------------------------------------------------------------------
# request ids

request_id_var: ContextVar[str | None] = ContextVar("yuanbot_request_id", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to records made inside a request (attach to a handler, or rely on the factory)."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id_var.get()
        if rid is not None and not hasattr(record, "request_id"):
            record.request_id = rid
        return True


_factory_installed = False


def install_request_id_logging() -> None:
    """Wrap the log record factory once, so every record (any logger, any handler) carries the request id.

    Works whatever `configure_logging` later does to the handlers; JsonFormatter and ContextFormatter
    print it like any other `extra=` field. Outside a request nothing is added.
    """
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        rid = request_id_var.get()
        if rid is not None:
            record.request_id = rid
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class RequestIdMiddleware:
    header = b"x-request-id"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, self.header)
        rid = incoming if incoming and _VALID_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != self.header]
                headers.append((self.header, rid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        # not reset on an exception: the app's 500 handler runs outside this middleware (in Starlette's
        # ServerErrorMiddleware, same task) and its "unhandled error" line should carry the id too
        await self.app(scope, receive, send_with_id)
        request_id_var.reset(token)


# ------------------------------------------------------------------------------------------------
# client identity

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """'10.0.0.1', '10.0.0.0/8', '::1' ... -> networks; bad entries raise ValueError (a config mistake)."""
    networks: list[Network] = []
    for entry in entries:
        entry = entry.strip()
        if entry:
            networks.append(ipaddress.ip_network(entry, strict=False))
    return networks


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_key(scope: Scope, trusted: list[Network]) -> str:
    """The address to count against: the peer, unless the peer is a trusted proxy.

    Behind trusted proxies X-Forwarded-For is read from the right, skipping trusted hops; the first
    untrusted address is the client (with one proxy that is exactly the first hop the proxy appended,
    and a client cannot spoof it by sending its own X-Forwarded-For). Unparseable values are ignored.
    """
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    peer_ip = _ip(peer)
    if not trusted or peer_ip is None or not any(peer_ip in net for net in trusted):
        return peer
    forwarded = ",".join(
        value.decode("latin-1") for key, value in scope.get("headers") or () if key.lower() == b"x-forwarded-for"
    )
    hops = [h for h in (part.strip() for part in forwarded.split(",")) if h]
    chosen: str | None = None
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            break
        chosen = str(ip)
        if not any(ip in net for net in trusted):
            return chosen
    return chosen or peer


# ------------------------------------------------------------------------------------------------
# rate limiting


class RateLimitMiddleware:
    """Fixed one-minute windows per client in the shared store: `rl:<client>:<window number>`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Any,
        per_minute: int,
        trusted_proxies: Iterable[str] = (),
        paths: Iterable[str] = RATE_LIMITED,
        window: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.store = store
        self.per_minute = per_minute
        self.trusted = parse_networks(trusted_proxies)
        self.paths = tuple(paths)
        self.window = window
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.per_minute <= 0 or not _matches(scope.get("path", ""), self.paths):
            await self.app(scope, receive, send)
            return
        who = client_key(scope, self.trusted)
        now = self.clock()
        slot = int(now // self.window)
        try:
            count = self.store.incr(f"rl:{who}:{slot}", ttl=self.window + 5)
        except Exception:  # the store is down: serve rather than refuse everyone
            log.warning("rate limit store unavailable; request allowed", exc_info=True)
            count = 0
        if count > self.per_minute:
            retry = max(1, math.ceil((slot + 1) * self.window - now))
            if count == self.per_minute + 1:  # once per client and window
                log.info("rate limited", extra={"client": who, "limit": self.per_minute})
            await send_json(
                send, 429,
                {"message": f"too many requests: at most {self.per_minute} per minute; retry in {retry} s"},
                [("Retry-After", str(retry))],
            )
            return
        await self.app(scope, receive, send)


# ------------------------------------------------------------------------------------------------
# overload shedding


class ShedMiddleware:
    """A per-process cap on requests in flight for the expensive paths; 503 at once beyond it."""

    def __init__(
        self, app: ASGIApp, *, max_inflight: int, paths: Iterable[str] = SHED_PATHS,
        retry_after: int = DEFAULT_SHED_RETRY_AFTER,
    ) -> None:
        self.app = app
        self.max_inflight = max_inflight
        self.paths = tuple(paths)
        self.retry_after = retry_after
        self.inflight = 0  # touched only on the event loop thread: no lock needed
        self.shed_total = 0
        self._logged_at = float("-inf")
        self._logged_total = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.max_inflight <= 0
            or scope.get("method") != "POST"
            or not _matches(scope.get("path", ""), self.paths)
        ):
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.max_inflight:
            self.shed_total += 1
            now = time.monotonic()
            if now - self._logged_at >= 10.0:  # one line per 10 s under overload, not one per request
                log.warning("overloaded: shedding /api/ask", extra={
                    "inflight": self.inflight, "shed": self.shed_total - self._logged_total})
                self._logged_at, self._logged_total = now, self.shed_total
            await send_json(
                send, 503, {"message": "the service is busy; please retry shortly"},
                [("Retry-After", str(self.retry_after))],
            )
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1


# ------------------------------------------------------------------------------------------------
# body cap


class BodyLimitMiddleware:
    """Reads the whole body of matching requests first, counting bytes; over the cap -> 413, app never runs."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, paths: Iterable[str] = BODY_LIMITED,
        overrides: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = tuple(paths)
        self.overrides = dict(overrides or {})

    def limit_for(self, path: str) -> int | None:
        for prefix, limit in self.overrides.items():
            if _matches(path, (prefix,)):
                return limit
        if _matches(path, self.paths):
            return self.max_bytes
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope.get("path", "")) if scope["type"] == "http" else None
        if limit is None or limit <= 0:
            await self.app(scope, receive, send)
            return
        too_large = {"message": f"request body too large: at most {limit} bytes"}
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await send_json(send, 400, {"message": "invalid Content-Length"})
                return
            if size > limit:
                await send_json(send, 413, too_large, [("Connection", "close")])
                return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; nothing to answer
            if message["type"] != "http.request":
                continue
            chunk = message.get("body", b"") or b""
            total += len(chunk)
            if total > limit:
                await send_json(send, 413, too_large, [("Connection", "close")])
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# ------------------------------------------------------------------------------------------------


class Limits:
    """Handles on the installed middleware settings (for /metrics and tests)."""

    def __init__(self, *, per_minute: int, max_inflight: int, max_body: int, trusted: list[str]) -> None:
        self.per_minute = per_minute
        self.max_inflight = max_inflight
        self.max_body = max_body
        self.trusted = trusted


def install_limits(app: Any, settings: Any, store: Any = None, *, clock: Callable[[], float] = time.time) -> Limits:
    """Add the request-id, rate-limit, body-cap and shedding middleware to `app` (call before it starts).

    `store` is the KeyValueStore the counters live in (Redis when several workers share them); None means
    a process-local MemoryStore. Settings read (with defaults): rate_limit_per_minute, max_inflight_asks,
    max_body_bytes, max_identify_body_bytes, trusted_proxies. 0 disables a limit.
    """
    if store is None:
        from bot.store import MemoryStore

        store = MemoryStore()
    per_minute = int(_setting(settings, "rate_limit_per_minute", DEFAULT_RATE_LIMIT_PER_MINUTE))
    max_inflight = int(_setting(settings, "max_inflight_asks", DEFAULT_MAX_INFLIGHT_ASKS))
    max_body = int(_setting(settings, "max_body_bytes", DEFAULT_MAX_BODY_BYTES))
    max_identify = int(_setting(settings, "max_identify_body_bytes", DEFAULT_MAX_IDENTIFY_BODY_BYTES))
    trusted_raw = _setting(settings, "trusted_proxies", []) or []
    if isinstance(trusted_raw, str):  # "10.0.0.1, 10.0.0.0/8" from a plain environment variable
        trusted_raw = trusted_raw.split(",")
    trusted = [t.strip() for t in trusted_raw if t and t.strip()]
    parse_networks(trusted)  # fail at startup on a typo, not on the first request

    install_request_id_logging()
    # add_middleware: the last added runs first (outermost)
    app.add_middleware(ShedMiddleware, max_inflight=max_inflight)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=max_body, overrides={p: max_identify for p in LARGE_BODY_PATHS}
    )
    app.add_middleware(RateLimitMiddleware, store=store, per_minute=per_minute, trusted_proxies=trusted, clock=clock)
    app.add_middleware(RequestIdMiddleware)
    limits = Limits(per_minute=per_minute, max_inflight=max_inflight, max_body=max_body, trusted=trusted)
    app.state.limits = limits
    return limits
