"""One long message cannot cost the CPU of dozens of questions: retrieval reads a bounded part of it
(issue: a 2,000-character question of random tokens cost ~50x a normal one). Timings are in the bench
(`bench/ask_cost.py`); here the bound itself is asserted."""

from __future__ import annotations

import random

from bot.answering.assistant import RetrievalAssistant
from bot.answering.evidence import FOCUS_CHARS, focus
from bot.types import MAX_QUESTION_CHARS, Passage, Question
from tests.fakes import FakeCorpus, FakeEmbedder, FakeSearcher


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)


def test_focus_keeps_short_questions_whole_and_bounds_long_ones():
    question = "开源人才能享受哪些住房方面的支持？"
    assert focus(question) == question
    long = "前" * 1000 + "请问开源企业上市有什么扶持？" + "后" * 986
    bounded = focus(long)
    assert len(bounded) <= FOCUS_CHARS + 1
    assert bounded.startswith("前") and bounded.endswith("后")


def test_a_maximal_adversarial_question_reaches_retrieval_bounded():
    rng = random.Random(7)
    noise = " ".join(f"{rng.randint(0, 99)}.{rng.randint(0, 99)}" for _ in range(400))[:MAX_QUESTION_CHARS]
    embedder = CountingEmbedder()
    passages = [Passage(id="p1", text="对开源人才给予住房补贴。", doc_id="d", title="计划", kind="policy")]
    assistant = RetrievalAssistant(FakeCorpus(passages), FakeSearcher(), embedder, slots=1)
    answer = assistant.ask(Question(text=noise))
    assert answer.status == "no_answer"
    assert embedder.queries and all(len(q) <= 2 * FOCUS_CHARS for q in embedder.queries)
