"""The bundle of collaborators the HTTP app and the adapters are built from (made by bot.wiring)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.ports import Assistant, FeedbackRecorder, KeyValueStore, Searcher
from bot.settings import Settings


class KnowledgeStatus(Protocol):
    def health(self) -> dict[str, Any]:
        """{"documents": n, "chunks": n, "model": str}; raises KnowledgeError when the index is unusable."""
        ...


class MemoryFeedback:
    """Keeps feedback in memory; the SQLite question log replaces it in production."""

    def __init__(self) -> None:
        self.items: list[dict[str, str | None]] = []

    def record_feedback(
        self, *, channel: str, session_id: str | None, question: str, answer: str, rating: str
    ) -> None:
        self.items.append(
            {"channel": channel, "session_id": session_id, "question": question, "answer": answer, "rating": rating}
        )


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    searcher: Searcher | None = None
    knowledge: KnowledgeStatus | None = None
    licenses: Any = None  # bot.licenses.engine.LicenseEngine
    store: KeyValueStore | None = None
    feedback: FeedbackRecorder = field(default_factory=MemoryFeedback)
    question_log: Any = None  # bot.questionlog.QuestionLog: every question, for the staff report
    # async context managers entered for the app's lifetime (e.g. the Telegram webhook application)
    lifespan_hooks: list[Callable[[], AbstractAsyncContextManager[Any]]] = field(default_factory=list)
