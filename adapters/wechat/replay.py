"""The nonce cache: a signed (timestamp, nonce) pair carries one body, once per timestamp window.

WeChat's URL signature covers the token, timestamp and nonce but not the body, so a captured signature
could be replayed with another body and openid while its timestamp is still fresh. The first delivery of
a pair records a digest of its body in the shared store (every worker sees it); a later delivery of the
same pair is let through only with the identical body — that is WeChat's own retry, which the ledger
answers — and refused with any other.
"""

from __future__ import annotations

import hashlib

from bot.ports import KeyValueStore
from bot.stores.aio import AsyncStore

PREFIX = "wechat:nonce:"


class ReplayGuard:
    def __init__(self, store: KeyValueStore, timestamp_window: float):
        self.store = AsyncStore(store)
        # a timestamp is accepted from window seconds before to window seconds after the clock: remember
        # each pair at least that long (plus a margin for clock steps between workers)
        self.ttl = 2 * timestamp_window + 60

    async def admit(self, timestamp: str, nonce: str, body: bytes) -> bool:
        """True for the first delivery of this signed pair and for identical re-deliveries of it."""
        pair = hashlib.sha256(f"{timestamp}|{nonce}".encode()).hexdigest()
        digest = hashlib.sha256(body).hexdigest()
        if await self.store.set_if_absent(PREFIX + pair, digest, ttl=self.ttl):
            return True
        return await self.store.get(PREFIX + pair) == digest
