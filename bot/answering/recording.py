"""Every question from every channel goes into the staff question log (and metrics), in one place."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from bot.ports import Assistant
from bot.types import Answer, Question

log = logging.getLogger("yuanbot.recording")


class RecordingAssistant:
    """Wraps an Assistant; adapters keep calling `ask`, and nothing they do is left unlogged."""

    def __init__(self, inner: Assistant, question_log, observers: list[Callable[[Question, Answer], None]] | None = None):
        self.inner = inner
        self.question_log = question_log
        self.observers = observers if observers is not None else []

    def __getattr__(self, name: str):  # warm_up, retrieve … of the wrapped assistant
        return getattr(self.inner, name)

    def ask(self, question: Question) -> Answer:
        started = time.perf_counter()
        answer = self.inner.ask(question)
        self._record(question, answer, started)
        return answer

    def _record(self, question: Question, answer: Answer, started: float) -> None:
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        try:
            self.question_log.record_question(
                channel=question.channel, session_id=question.session_id, question=question.text,
                status=answer.status, top_score=answer.sources[0].score if answer.sources else None,
                latency_ms=latency_ms, mode=answer.mode)
        except Exception:  # the log must never cost a user their answer
            log.exception("could not record the question")
        for observer in self.observers:
            observer(question, answer)

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """The wrapped assistant's `stream` (or its `ask` as one piece), passed through; the final Answer is
        recorded as `ask` records it."""
        inner_stream = getattr(self.inner, "stream", None)
        if not callable(inner_stream):
            answer = self.ask(question)
            yield answer.answer
            yield answer
            return
        started = time.perf_counter()
        for item in inner_stream(question):
            if not isinstance(item, Answer):
                yield item
                continue
            self._record(question, item, started)
            yield item
            return
