"""The seams between the core and everything around it (adapters, ingest, tests).

Adapters and the HTTP API talk to the core only through these protocols; the composition root
(`bot.wiring`) is the one place that builds the concrete classes behind them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.types import (
    Answer,
    Hit,
    IdentifyResult,
    LicenseCheck,
    LicenseInfo,
    LicenseMention,
    LicenseQuery,
    Passage,
    Question,
    Turn,
)

if TYPE_CHECKING:  # the report's shape is defined beside the SQLite log that builds it
    from bot.questionlog import Report


@runtime_checkable
class Assistant(Protocol):
    """What every channel calls: one question in, one grounded answer out. Synchronous (CPU-bound)."""

    def ask(self, question: Question) -> Answer: ...

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """Text pieces as they are produced, then the authoritative Answer as the last item."""
        ...


@runtime_checkable
class Embedder(Protocol):
    model_name: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@runtime_checkable
class Searcher(Protocol):
    """Ranked passages for a query, best first. `vector`/`terms` skip re-embedding and re-tokenising."""

    def search(self, query: str, k: int = 5, *, vector: Sequence[float] | None = None,
               terms: Sequence[str] | None = None) -> list[Hit]: ...


@runtime_checkable
class Corpus(Protocol):
    """A consistent, read-only view of what is indexed: passages, their documents, term weights."""

    @property
    def generation(self) -> str:
        """Changes whenever the index changes (caches built over passages key on it)."""
        ...

    def passages(self) -> Sequence[Passage]: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def document(self, doc_id: str) -> dict[str, Any] | None: ...

    def idf(self, token: str) -> float: ...

    def similarities(self, ids: list[str], vector: Sequence[float]) -> dict[str, float]: ...

    def health(self) -> dict[str, Any]: ...


@runtime_checkable
class LicenseAdvisor(Protocol):
    """The licence rule engine: verdicts, licence facts, names and mentions. Raises LicenseError."""

    def check(self, inbound: str, outbound: str, use: str | None = None) -> LicenseCheck: ...

    def describe(self, name: str) -> LicenseInfo: ...

    def identify(self, text: str) -> IdentifyResult: ...

    def resolve(self, name: str) -> str:
        """A licence name or expression -> its canonical SPDX expression."""
        ...

    def find_mentions(self, text: str) -> list[LicenseMention]: ...

    def parse_question(self, text: str) -> LicenseQuery | None:
        """The compatibility question in a text, or None when it asks something else."""
        ...


@runtime_checkable
class Conversation(Protocol):
    """Session memory plus follow-up understanding ("那企业上市呢？" after a talent question)."""

    def history(self, session_id: str | None) -> list[Turn]: ...

    def remember(self, session_id: str | None, turn: Turn) -> None: ...

    def forget(self, session_id: str | None) -> None: ...

    def standalone(self, text: str, history: list[Turn]) -> str | None:
        """The follow-up rewritten to stand alone, or None when it already does."""
        ...


@runtime_checkable
class Generator(Protocol):
    """An LLM that phrases answers from numbered passages (optional; extractive answers need none)."""

    def answer(self, question: str, passages: list[Passage], lang: str) -> str: ...

    def stream_answer(self, question: str, passages: list[Passage], lang: str) -> Iterator[str]: ...

    def condense(self, question: str, history: list[Turn], lang: str) -> str: ...


@runtime_checkable
class KeyValueStore(Protocol):
    """Shared state for several workers: sessions, dedup keys, tokens, counters. Keys expire for real."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool: ...

    def delete(self, key: str) -> None: ...

    def incr(self, key: str, ttl: float | None = None) -> int: ...

    def ping(self) -> bool:
        """True when the store answers; never raises."""
        ...


@runtime_checkable
class FeedbackRecorder(Protocol):
    """Where 👍/👎 from any channel go (the staff feedback loop reads them back)."""

    def record_feedback(
        self, *, channel: str, session_id: str | None, question: str, answer: str, rating: str
    ) -> None: ...


@runtime_checkable
class QuestionRecorder(Protocol):
    """Where every question goes, for the staff report."""

    def record_question(self, *, channel: str, session_id: str | None, question: str, status: str,
                        top_score: float | None, latency_ms: float, mode: str) -> None: ...


@runtime_checkable
class QuestionLogReader(Protocol):
    """The staff's view of what was asked: the report and raw exports."""

    def report(self, since: timedelta, *, limit: int = 20) -> Report: ...

    def export(self, since: timedelta, *, kind: str = "feedback") -> list[dict[str, Any]]: ...


@runtime_checkable
class QuestionLog(FeedbackRecorder, QuestionRecorder, QuestionLogReader, Protocol):
    """Questions and feedback from every channel, and the staff report built from them."""


@runtime_checkable
class HealthCheck(Protocol):
    def health(self) -> dict[str, Any]:
        """{"documents", "chunks", "model"}; raises KnowledgeError when something needed is unavailable."""
        ...
