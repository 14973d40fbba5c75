"""KeyValueStore implementations: in-process by default, Redis when several workers share state."""

from __future__ import annotations

from bot.ports import KeyValueStore
from bot.stores.inprocess import InProcessStore
from bot.stores.redis import RedisStore, StoreUnavailable


def make_store(redis_url: str | None) -> KeyValueStore:
    """RedisStore when a URL is configured (several workers share state), else an InProcessStore."""
    return RedisStore.from_url(redis_url) if redis_url else InProcessStore()


__all__ = ["InProcessStore", "RedisStore", "StoreUnavailable", "make_store"]
