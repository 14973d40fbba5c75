"""Every question from every channel goes into the staff question log (and metrics), in one place."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from bot.answering.suggestions import is_pick_reply
from bot.ports import Assistant, QuestionRecorder
from bot.types import Answer, Question

log = logging.getLogger("yuanbot.recording")

AnswerObserver = Callable[[Question, Answer], None]


class RecordingAssistant:
    """An Assistant that records what the wrapped one answered; adapters keep calling `ask`/`stream`."""

    def __init__(self, inner: Assistant, recorder: QuestionRecorder,
                 observers: list[AnswerObserver] | None = None) -> None:
        self.inner = inner
        self.recorder = recorder
        self.observers: list[AnswerObserver] = observers if observers is not None else []

    def ask(self, question: Question) -> Answer:
        started = time.perf_counter()
        answer = self.inner.ask(question)
        self._record(question, answer, started)
        return answer

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """The wrapped stream, passed through; the final Answer is recorded as `ask` records it."""
        started = time.perf_counter()
        for item in self.inner.stream(question):
            if isinstance(item, Answer):
                self._record(question, item, started)
            yield item

    def _record(self, question: Question, answer: Answer, started: float) -> None:
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        # a reply "1" that picked a suggested question is logged as that question: "1" tells staff nothing
        asked = question.text
        if answer.understood_question and is_pick_reply(asked):
            asked = answer.understood_question
        try:
            self.recorder.record_question(
                channel=question.channel, session_id=question.session_id, question=asked,
                status=answer.status, top_score=answer.sources[0].score if answer.sources else None,
                latency_ms=latency_ms, mode=answer.mode)
        except Exception:  # the log must never cost a user their answer
            log.exception("could not record the question")
        for observer in self.observers:
            observer(question, answer)
