"""The seams between the core and everything around it (adapters, ingest, tests)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.types import Answer, Hit, LicenseCheck, Question


@runtime_checkable
class Assistant(Protocol):
    """What every channel adapter calls: one question in, one grounded answer out. Synchronous."""

    def ask(self, question: Question) -> Answer: ...


@runtime_checkable
class Embedder(Protocol):
    model_name: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@runtime_checkable
class Searcher(Protocol):
    """Ranked passages for a query, best first."""

    def search(self, query: str, k: int = 5) -> list[Hit]: ...


@runtime_checkable
class LicenseAdvisor(Protocol):
    def check(self, inbound: str, outbound: str, use: str | None = None) -> LicenseCheck: ...


@runtime_checkable
class KeyValueStore(Protocol):
    """Shared state for several workers: sessions, dedup keys, cached answers, tokens, counters."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool: ...

    def delete(self, key: str) -> None: ...

    def incr(self, key: str, ttl: float | None = None) -> int: ...


@runtime_checkable
class FeedbackRecorder(Protocol):
    """Where 👍/👎 from any channel go (the staff feedback loop reads them back)."""

    def record_feedback(
        self, *, channel: str, session_id: str | None, question: str, answer: str, rating: str
    ) -> None: ...
