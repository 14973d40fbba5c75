"""The in-process KeyValueStore (the default; Redis replaces it when several workers share state).

Expired keys are freed for real, not only when read again: every write first drops what has expired,
so rate-limit windows, sessions and dedup keys do not pile up. The store is also bounded: past
`max_keys` the least recently used key goes (a session may be forgotten early under a flood, which is
better than the process running out of memory).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from cachetools import TLRUCache

DEFAULT_MAX_KEYS = 100_000


class InProcessStore:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        # values are (text, expiry); the cache's time-to-use is that expiry
        self._data: TLRUCache[str, tuple[str, float]] = TLRUCache(
            maxsize=max_keys, ttu=lambda _key, value, _now: value[1], timer=clock)
        self._lock = threading.Lock()
        self._clock = clock

    def _expiry(self, ttl: float | None) -> float:
        return math.inf if ttl is None else self._clock() + ttl

    def _put(self, key: str, value: str, expiry: float) -> None:
        self._data.expire()
        self._data[key] = (value, expiry)

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._data.get(key)
            return None if item is None else item[0]

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._lock:
            self._put(key, value, self._expiry(ttl))

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        with self._lock:
            if self._data.get(key) is not None:
                return False
            self._put(key, value, self._expiry(ttl))
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def incr(self, key: str, ttl: float | None = None) -> int:
        """The counter's expiry is set when it is created, as Redis `SET NX PX` + `INCR` does."""
        with self._lock:
            item = self._data.get(key)
            value = int(item[0]) + 1 if item else 1
            self._put(key, str(value), item[1] if item else self._expiry(ttl))
            return value

    def ping(self) -> bool:
        return True

    def live_keys(self) -> int:
        """Keys not yet expired (after dropping the expired ones)."""
        with self._lock:
            self._data.expire()
            return len(self._data)
