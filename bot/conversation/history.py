"""Session history in the shared KeyValueStore, so any worker can answer the next message of a session.

Key `session:<id>`, one JSON list of the last `max_turns` turns, TTL refreshed on every turn. A store
failure never breaks answering: `history` then returns [] and `remember` does nothing (one warning each).
"""

from __future__ import annotations

import json
import logging

from bot.conversation.followup import topic_terms
from bot.errors import YuanbotError
from bot.ports import KeyValueStore
from bot.types import Answer, Turn

log = logging.getLogger("yuanbot.conversation")


class SessionHistory:
    def __init__(self, store: KeyValueStore, ttl: float, max_turns: int = 5) -> None:
        self.store = store
        self.ttl = ttl
        self.max_turns = max(1, max_turns)

    @staticmethod
    def key(session_id: str) -> str:
        return f"session:{session_id}"

    def history(self, session_id: str | None) -> list[Turn]:
        if not session_id:
            return []
        try:
            raw = self.store.get(self.key(session_id))
        except YuanbotError as exc:
            log.warning("session store unavailable, answering without history: %s", exc)
            return []
        if not raw:
            return []
        try:
            return [Turn.model_validate(item) for item in json.loads(raw)][-self.max_turns :]
        except (ValueError, TypeError) as exc:
            log.warning("dropping unreadable session history: %s", exc.__class__.__name__)
            return []

    def remember(self, session_id: str | None, turn: Turn) -> None:
        if not session_id:
            return
        turns = self.history(session_id)
        turns.append(turn)
        payload = json.dumps([t.model_dump(mode="json") for t in turns[-self.max_turns :]], ensure_ascii=False)
        try:
            self.store.set(self.key(session_id), payload, ttl=self.ttl)
        except YuanbotError as exc:
            log.warning("session store unavailable, turn not remembered: %s", exc)

    def forget(self, session_id: str | None) -> None:
        if not session_id:
            return
        try:
            self.store.delete(self.key(session_id))
        except YuanbotError as exc:
            log.warning("session store unavailable, session not forgotten: %s", exc)


def make_turn(question: str, standalone: str | None, answer: Answer) -> Turn:
    """The Turn to remember from the user's text, the standalone question used and the answer given."""
    standalone = standalone or question
    check = answer.license_check
    return Turn(
        question=question,
        standalone=standalone,
        answer=answer.answer or "",
        topic_terms=topic_terms(standalone),
        license=(check.inbound, check.outbound) if check is not None else None,
        status=answer.status,
        suggestions=answer.suggestions,
    )
