"""Per-message state in the shared store, so WeChat's retries (same MsgId) are answered with one piece of work.

Every flag is a store key, so several workers agree; `set_if_absent` is the only arbiter: the first delivery
to `claim` a message does the work. How the finished reply reaches the user is claimed once too, by one of
three routes that exclude each other: passive replies (any number of them: a passive reply goes back on one
connection, and WeChat retries only when the earlier one did not arrive), a customer-service push, or the
hand-over to the user's next message.

The ledger runs on the event loop, so it talks to the store through `AsyncStore` (a worker thread): a slow
or unreachable Redis never stalls the other requests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from bot.ports import KeyValueStore
from bot.stores.aio import AsyncStore

STATE_TTL = 600.0  # retries come within ~15 s; the claim outlives a slow answer comfortably
RESULT_TTL = 86400.0  # an answer handed to the user's next message may be fetched much later
PREFIX = "wechat:"

Route = Literal["passive", "push", "handoff"]


def message_key(message: dict[str, str]) -> str:
    """(openid, MsgId) for messages, (openid, CreateTime, Event) for events — what WeChat keeps on retry."""
    openid = message.get("FromUserName", "")
    if message.get("MsgId"):
        raw = f"{openid}|m|{message['MsgId']}"
    else:
        raw = f"{openid}|e|{message.get('CreateTime', '')}|{message.get('Event', message.get('MsgType', ''))}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


@dataclass
class Result:
    """A finished reply: the piece to send now and what "继续" serves later."""

    text: str
    rest: str = ""
    silent: bool = False  # nothing to say (e.g. unsubscribe): reply "success"

    def dumps(self) -> str:
        return json.dumps({"text": self.text, "rest": self.rest, "silent": self.silent}, ensure_ascii=False)

    @classmethod
    def loads(cls, raw: str) -> Result:
        data = json.loads(raw)
        return cls(data.get("text", ""), data.get("rest", ""), bool(data.get("silent")))


class Ledger:
    """Named operations over the store keys of one message and one user."""

    def __init__(self, store: KeyValueStore):
        self.store = AsyncStore(store)

    def _k(self, key: str, part: str) -> str:
        return f"{PREFIX}msg:{key}:{part}"

    # --- one message ------------------------------------------------------------------------
    async def claim(self, key: str) -> bool:
        return await self.store.set_if_absent(self._k(key, "claim"), "1", ttl=STATE_TTL)

    async def delivery_number(self, key: str) -> int:
        return await self.store.incr(self._k(key, "n"), ttl=STATE_TTL)

    async def deliveries_seen(self, key: str) -> int:
        return int(await self.store.get(self._k(key, "n")) or 0)

    async def save_result(self, key: str, result: Result) -> None:
        await self.store.set(self._k(key, "result"), result.dumps(), ttl=RESULT_TTL)

    async def result(self, key: str) -> Result | None:
        raw = await self.store.get(self._k(key, "result"))
        return Result.loads(raw) if raw else None

    async def claim_route(self, key: str, route: Route) -> bool:
        """True when the reply may go out by `route`: the first route claimed wins, and only the passive
        route may be taken again (a retry after a lost passive reply gets the same reply)."""
        name = self._k(key, "sent")
        if await self.store.set_if_absent(name, route, ttl=RESULT_TTL):
            return True
        return route == "passive" and await self.store.get(name) == "passive"

    async def release_route(self, key: str) -> None:
        await self.store.delete(self._k(key, "sent"))

    async def request_push(self, key: str) -> None:
        await self.store.set(self._k(key, "push"), "1", ttl=STATE_TTL)

    async def push_requested(self, key: str) -> bool:
        return await self.store.get(self._k(key, "push")) is not None

    # --- one user ---------------------------------------------------------------------------
    async def set_handoff(self, openid: str, key: str) -> None:
        await self.store.set(f"{PREFIX}handoff:{openid}", key, ttl=RESULT_TTL)

    async def handoff(self, openid: str) -> str | None:
        return await self.store.get(f"{PREFIX}handoff:{openid}")

    async def clear_handoff(self, openid: str, key: str | None = None) -> None:
        if key is None or await self.handoff(openid) == key:
            await self.store.delete(f"{PREFIX}handoff:{openid}")

    async def set_more(self, openid: str, rest: str) -> None:
        if rest:
            await self.store.set(f"{PREFIX}more:{openid}", rest, ttl=RESULT_TTL)
        else:
            await self.store.delete(f"{PREFIX}more:{openid}")

    async def take_more(self, openid: str) -> str | None:
        value = await self.store.get(f"{PREFIX}more:{openid}")
        if value is not None:
            await self.store.delete(f"{PREFIX}more:{openid}")
        return value

    async def forget_user(self, openid: str) -> None:
        """Unsubscribe: drop what the adapter keeps for this user (the conversation forgets its own)."""
        for key in (f"{PREFIX}handoff:{openid}", f"{PREFIX}more:{openid}"):
            await self.store.delete(key)
