"""Conversations: what a session said before, and how to read a follow-up in its light."""

from __future__ import annotations

from bot.conversation.followup import compatibility_question, rewrite_followup, topic_terms
from bot.conversation.history import SessionHistory, make_turn
from bot.ports import LicenseAdvisor
from bot.types import Turn


class SessionConversation:
    """The Conversation port: session history plus rule-based follow-up rewriting."""

    def __init__(self, history: SessionHistory, licences: LicenseAdvisor | None = None) -> None:
        self._history = history
        self._licences = licences

    def history(self, session_id: str | None) -> list[Turn]:
        return self._history.history(session_id)

    def remember(self, session_id: str | None, turn: Turn) -> None:
        self._history.remember(session_id, turn)

    def forget(self, session_id: str | None) -> None:
        self._history.forget(session_id)

    def standalone(self, text: str, history: list[Turn]) -> str | None:
        finder = self._licences.find_mentions if self._licences is not None else None
        return rewrite_followup(text, history, finder)


__all__ = ["SessionConversation", "SessionHistory", "compatibility_question", "make_turn", "rewrite_followup",
           "topic_terms"]
