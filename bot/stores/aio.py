"""The KeyValueStore for async code: the same calls, run in a worker thread so the event loop never waits.

A Redis call takes well under a millisecond on loopback, but one that times out (server down, network
partition) would stall every request on the loop for the whole socket timeout. Adapters that run on the
event loop (WeChat, Telegram) use this facade.
"""

from __future__ import annotations

from anyio import to_thread

from bot.ports import KeyValueStore


class AsyncStore:
    def __init__(self, store: KeyValueStore) -> None:
        self.sync = store

    async def get(self, key: str) -> str | None:
        return await to_thread.run_sync(self.sync.get, key)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        await to_thread.run_sync(self.sync.set, key, value, ttl)

    async def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        return await to_thread.run_sync(self.sync.set_if_absent, key, value, ttl)

    async def delete(self, key: str) -> None:
        await to_thread.run_sync(self.sync.delete, key)

    async def incr(self, key: str, ttl: float | None = None) -> int:
        return await to_thread.run_sync(self.sync.incr, key, ttl)
