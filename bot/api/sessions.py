"""Web sessions: ids the server issues, so no API caller can name another user's or channel's session.

Chat channels keep their conversations under their own names (`wechat:<openid>`, `telegram:…`); API and
widget sessions live under `web:<id>`, where the id is random and issued here. An id the server does not
know (never issued, or expired) starts a fresh session with a new id instead of being adopted, so a caller
cannot plant turns in a session whose id it chose.
"""

from __future__ import annotations

import re
import secrets

from bot.errors import YuanbotError
from bot.ports import KeyValueStore

PREFIX = "web:"
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class WebSessions:
    def __init__(self, store: KeyValueStore, ttl: float) -> None:
        self.store = store
        self.ttl = ttl

    @staticmethod
    def internal(public_id: str) -> str:
        return PREFIX + public_id

    def resume_or_issue(self, public_id: str | None) -> str:
        """The caller's session when the server issued it and it is alive, else a new one."""
        if public_id and _ID.match(public_id) and self._known(public_id):
            return public_id
        new_id = secrets.token_urlsafe(18)
        try:
            self.store.set(self._issued_key(new_id), "1", ttl=self.ttl)
        except YuanbotError:  # the shared store is down: the answer still comes, without follow-ups
            pass
        return new_id

    def _known(self, public_id: str) -> bool:
        try:
            if self.store.get(self._issued_key(public_id)) is None:
                return False
            self.store.set(self._issued_key(public_id), "1", ttl=self.ttl)  # alive while in use
            return True
        except YuanbotError:
            return False

    @staticmethod
    def _issued_key(public_id: str) -> str:
        return f"issued:{PREFIX}{public_id}"
