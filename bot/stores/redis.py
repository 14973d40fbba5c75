"""Redis implementation of the KeyValueStore port: shared state for several API workers.

Same contract as `bot.stores.inprocess.InProcessStore` (string values, TTL in seconds as a float, atomic
set-if-absent, counters whose expiry is set when they are created). The port is synchronous: the
calls take well under a millisecond on loopback, so async adapters call it directly.

Every redis failure (connection refused, timeout, protocol error) becomes `StoreUnavailable`, a
`YuanbotError` whose message is safe to show and never contains the URL's password.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import redis
from redis import exceptions as rx

from bot.errors import YuanbotError

log = logging.getLogger("yuanbot.store")

DEFAULT_PREFIX = "yuanbot:"


class StoreUnavailable(YuanbotError):
    """The shared store (Redis) cannot be reached or refused the command."""


def _ms(ttl: float | None) -> int | None:
    """TTL in seconds -> milliseconds for PX; a TTL <= 0 means 'expire at once' (1 ms)."""
    if ttl is None:
        return None
    return max(1, round(float(ttl) * 1000))


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class RedisStore:
    """KeyValueStore on a Redis server. Keys are namespaced with `prefix` (default 'yuanbot:')."""

    def __init__(self, client: redis.Redis, *, prefix: str = DEFAULT_PREFIX, label: str = "redis") -> None:
        self._r = client
        self.prefix = prefix
        self.label = label

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_PREFIX, socket_timeout: float = 2.0) -> RedisStore:
        """Connections are opened lazily: a bad URL scheme fails here, an unreachable server on first use."""
        try:
            client = redis.Redis.from_url(
                url,
                decode_responses=True,
                socket_timeout=socket_timeout,
                socket_connect_timeout=socket_timeout,
                health_check_interval=30,
            )
        except (ValueError, rx.RedisError) as exc:
            raise StoreUnavailable(f"invalid redis URL {_safe_url(url)}: {exc}") from exc
        return cls(client, prefix=prefix, label=_safe_url(url))

    def _k(self, key: str) -> str:
        return self.prefix + key

    def _fail(self, op: str, exc: Exception) -> StoreUnavailable:
        log.warning("redis %s failed: %s", op, exc.__class__.__name__)
        return StoreUnavailable(f"shared store {self.label} unavailable ({op}): {exc.__class__.__name__}")

    # --- KeyValueStore ------------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        try:
            return self._r.get(self._k(key))
        except rx.RedisError as exc:
            raise self._fail("get", exc) from exc

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        try:
            self._r.set(self._k(key), value, px=_ms(ttl))
        except rx.RedisError as exc:
            raise self._fail("set", exc) from exc

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        try:
            return bool(self._r.set(self._k(key), value, px=_ms(ttl), nx=True))
        except rx.RedisError as exc:
            raise self._fail("set_if_absent", exc) from exc

    def delete(self, key: str) -> None:
        try:
            self._r.delete(self._k(key))
        except rx.RedisError as exc:
            raise self._fail("delete", exc) from exc

    def incr(self, key: str, ttl: float | None = None) -> int:
        """Atomic: MULTI / SET key 0 NX PX ttl / INCR key / EXEC (the TTL is set only on creation)."""
        k = self._k(key)
        try:
            pipe = self._r.pipeline(transaction=True)
            if ttl is not None:
                pipe.set(k, 0, px=_ms(ttl), nx=True)
            pipe.incr(k)
            return pipe.execute()[-1]
        except rx.ResponseError as exc:  # the value is not an integer, as InProcessStore's int() would fail
            raise ValueError(f"value at {key!r} is not an integer") from exc
        except rx.RedisError as exc:
            raise self._fail("incr", exc) from exc

    # --- health -------------------------------------------------------------------------------
    def ping(self) -> bool:
        """True when the server answers; never raises (for /health and start-up checks)."""
        try:
            return bool(self._r.ping())
        except rx.RedisError:
            return False

    def close(self) -> None:
        try:
            self._r.close()
        except rx.RedisError:  # pragma: no cover
            pass
