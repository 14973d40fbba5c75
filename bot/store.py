"""In-process implementation of the KeyValueStore port (the default; Redis replaces it for several workers)."""

from __future__ import annotations

import threading
import time


class MemoryStore:
    """A dict with expiry and atomic set-if-absent, safe across threads of one process."""

    def __init__(self, clock=time.monotonic):
        self._data: dict[str, tuple[str, float | None]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _alive(self, key: str) -> tuple[str, float | None] | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] is not None and item[1] <= self._clock():
            del self._data[key]
            return None
        return item

    def _expiry(self, ttl: float | None) -> float | None:
        return None if ttl is None else self._clock() + ttl

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._alive(key)
            return None if item is None else item[0]

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._lock:
            self._data[key] = (value, self._expiry(ttl))

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        with self._lock:
            if self._alive(key) is not None:
                return False
            self._data[key] = (value, self._expiry(ttl))
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def incr(self, key: str, ttl: float | None = None) -> int:
        with self._lock:
            item = self._alive(key)
            value = int(item[0]) + 1 if item else 1
            expiry = item[1] if item else self._expiry(ttl)
            self._data[key] = (str(value), expiry)
            return value
