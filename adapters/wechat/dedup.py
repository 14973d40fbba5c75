"""Per-message state in the shared store, so WeChat's retries (same MsgId) are answered exactly once.

Every flag is a store key, so several workers agree; `set_if_absent` is the only arbiter:
the first delivery to `claim` a message does the work, and whoever wins `claim_send` delivers it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from bot.ports import KeyValueStore

STATE_TTL = 600.0  # retries come within ~15 s; the claim outlives a slow answer comfortably
RESULT_TTL = 86400.0  # an answer handed to the user's next message may be fetched much later
PREFIX = "wechat:"


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
        self.store = store

    def _k(self, key: str, part: str) -> str:
        return f"{PREFIX}msg:{key}:{part}"

    # --- one message ------------------------------------------------------------------------
    def claim(self, key: str) -> bool:
        return self.store.set_if_absent(self._k(key, "claim"), "1", ttl=STATE_TTL)

    def delivery_number(self, key: str) -> int:
        return self.store.incr(self._k(key, "n"), ttl=STATE_TTL)

    def deliveries_seen(self, key: str) -> int:
        return int(self.store.get(self._k(key, "n")) or 0)

    def save_result(self, key: str, result: Result) -> None:
        self.store.set(self._k(key, "result"), result.dumps(), ttl=RESULT_TTL)

    def result(self, key: str) -> Result | None:
        raw = self.store.get(self._k(key, "result"))
        return Result.loads(raw) if raw else None

    def claim_send(self, key: str) -> bool:
        return self.store.set_if_absent(self._k(key, "sent"), "1", ttl=RESULT_TTL)

    def release_send(self, key: str) -> None:
        self.store.delete(self._k(key, "sent"))

    def request_push(self, key: str) -> None:
        self.store.set(self._k(key, "push"), "1", ttl=STATE_TTL)

    def push_requested(self, key: str) -> bool:
        return self.store.get(self._k(key, "push")) is not None

    # --- one user ---------------------------------------------------------------------------
    def set_handoff(self, openid: str, key: str) -> None:
        self.store.set(f"{PREFIX}handoff:{openid}", key, ttl=RESULT_TTL)

    def handoff(self, openid: str) -> str | None:
        return self.store.get(f"{PREFIX}handoff:{openid}")

    def clear_handoff(self, openid: str, key: str | None = None) -> None:
        if key is None or self.handoff(openid) == key:
            self.store.delete(f"{PREFIX}handoff:{openid}")

    def set_more(self, openid: str, rest: str) -> None:
        if rest:
            self.store.set(f"{PREFIX}more:{openid}", rest, ttl=RESULT_TTL)
        else:
            self.store.delete(f"{PREFIX}more:{openid}")

    def take_more(self, openid: str) -> str | None:
        value = self.store.get(f"{PREFIX}more:{openid}")
        if value is not None:
            self.store.delete(f"{PREFIX}more:{openid}")
        return value

    def forget_user(self, openid: str, session_id: str) -> None:
        """Unsubscribe: drop what we keep for this user, and the conversation session."""
        for key in (f"{PREFIX}handoff:{openid}", f"{PREFIX}more:{openid}", f"session:{session_id}", session_id):
            self.store.delete(key)
