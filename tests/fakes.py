"""Test doubles for the ports, in one place. Adapter and API tests use these; the core's own tests use the
real embedding model, real Chroma and the real licence engine."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from bot.types import Answer, Hit, Passage, Question

Responder = Callable[[Question], Answer]


def echo(question: Question) -> Answer:
    return Answer(answer=f"Answer to: {question.text}", status="answered")


class FakeAssistant:
    """The Assistant port: answers with `respond(question)`, or a scripted reply for an exact text.

    Remembers every question. `delay` (seconds) or `gate` (an Event to wait for) make it slow; `started`
    is released as each question arrives. `stream` yields `pieces` (default: the whole answer) and then
    the Answer, as the real assistant does.
    """

    def __init__(self, respond: Responder = echo, *, delay: float = 0.0,
                 pieces: list[str] | None = None) -> None:
        self.respond = respond
        self.delay = delay
        self.pieces = pieces
        self.replies: dict[str, Answer | Exception] = {}
        self.questions: list[Question] = []
        self.finished = 0
        self.gate: threading.Event | None = None
        self.started = threading.Semaphore(0)
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        return len(self.questions)

    def ask(self, question: Question) -> Answer:
        with self._lock:
            self.questions.append(question)
        self.started.release()
        if self.gate is not None:
            self.gate.wait(10)
        if self.delay:
            time.sleep(self.delay)
        reply = self.replies.get(question.text)
        if isinstance(reply, Exception):
            raise reply
        answer = reply.model_copy(deep=True) if reply is not None else self.respond(question)
        with self._lock:
            self.finished += 1
        return answer

    def stream(self, question: Question) -> Iterator[str | Answer]:
        answer = self.ask(question)
        yield from (self.pieces if self.pieces is not None else [answer.answer])
        yield answer


class FakeEmbedder:
    """The Embedder port without a model: character n-grams hashed into a fixed-size unit vector.

    Deterministic, fast and good enough for tests of storage, sync and plumbing: texts sharing words get
    similar vectors. Answer-quality tests use the real model.
    """

    model_name = "fake-hash-64"
    dimension = 64

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        compact = "".join(text.lower().split())
        grams = [compact[i:i + 2] for i in range(max(1, len(compact) - 1))]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=4).digest()
            vector[int.from_bytes(digest[:2], "little") % self.dimension] += 1.0 if digest[2] & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class FakeQuestionLog:
    """The QuestionLog port in memory: what was asked and rated, for assertions."""

    def __init__(self) -> None:
        self.questions: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []  # feedback

    def record_question(self, *, channel: str, session_id: str | None, question: str, status: str,
                        top_score: float | None, latency_ms: float, mode: str) -> None:
        self.questions.append({"channel": channel, "session_id": session_id, "question": question,
                               "status": status, "mode": mode})

    def record_feedback(self, *, channel: str, session_id: str | None, question: str, answer: str,
                        rating: str) -> None:
        self.items.append({"channel": channel, "session_id": session_id, "question": question,
                           "answer": answer, "rating": rating})

    def report(self, since: timedelta, *, limit: int = 20):  # pragma: no cover - admin tests use the real log
        raise NotImplementedError

    def export(self, since: timedelta, *, kind: str = "feedback") -> list[dict[str, Any]]:
        return list(self.items if kind == "feedback" else self.questions)


class FakeSearcher:
    """The Searcher port with one passage."""

    def search(self, query: str, k: int = 5, *, vector=None, terms=None) -> list[Hit]:
        passage = Passage(id="p1", text="人才公寓", doc_id="d1", title="行动计划")
        return [Hit(passage=passage, score=0.5)][:k]


class FakeCorpus:
    """The Corpus port over a fixed list of passages (no index)."""

    generation = "fake"

    def __init__(self, passages: list[Passage]) -> None:
        self._passages = list(passages)

    def passages(self) -> list[Passage]:
        return self._passages

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self._passages if p.id == passage_id), None)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return None

    def idf(self, token: str) -> float:
        return 1.0

    def similarities(self, ids: list[str], vector) -> dict[str, float]:
        return {}

    def health(self) -> dict[str, Any]:
        return {"documents": 1, "chunks": len(self._passages), "model": "fake"}


def suggesting(store, suggestions: list[str], *, near: Callable[[str], bool] = lambda text: True) -> Responder:
    """A respond() that behaves like the core for "did you mean": a question `near` the gate gets `suggestions`
    (status no_answer); a reply such as "1" in the same session is answered as the question it picks. The
    offered questions live in the session history in `store` (the real SessionHistory and the real picking),
    so several workers sharing the store agree. Other questions are answered by echo."""
    from bot.answering.suggestions import chosen_suggestion
    from bot.conversation import SessionHistory, make_turn

    history = SessionHistory(store, ttl=600)

    def respond(question: Question) -> Answer:
        picked = chosen_suggestion(question.text, history.history(question.session_id))
        if picked is not None:
            answer = Answer(answer=f"关于“{picked}”：行动计划的回答。", status="answered", understood_question=picked)
        elif near(question.text):
            listed = "\n".join(f"{'①②③'[i]} {q}" for i, q in enumerate(suggestions))
            answer = Answer(answer=f"您是不是想问：\n{listed}\n回复序号即可查看答案。", status="no_answer",
                            suggestions=list(suggestions))
        else:
            answer = echo(question)
        history.remember(question.session_id, make_turn(question.text, picked, answer))
        return answer

    return respond


class FakeSync:
    """KnowledgeSync's `sync(paths, progress=…)` without an index: reports the paths as updated, announcing
    `chunks` chunks through the progress callback; `fail` makes it raise instead."""

    def __init__(self, root, *, chunks: int = 3, fail: Exception | None = None) -> None:
        from pathlib import Path

        self.root = Path(root)
        self.chunks = chunks
        self.fail = fail
        self.calls: list[list] = []

    def sync(self, paths, *, progress=None, dry_run: bool = False, rebuild: bool = False):
        from ingest.sync import SyncReport

        self.calls.append(list(paths))
        if self.fail is not None:
            raise self.fail
        if progress:
            progress("total", self.chunks)
            for _ in range(self.chunks):
                progress("advance", 1)
        updated = [str(p.relative_to(self.root)) if p != self.root else "." for p in paths]
        return SyncReport(updated=updated, chunks_written=self.chunks)
