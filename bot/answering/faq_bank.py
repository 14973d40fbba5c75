"""The FAQ questions as a paraphrase bank: real user phrasings, each tied to the clause that answers it.

Two uses: how close a question is to anything the knowledge base is known to answer (a relevance-gate
signal), and which questions to offer when a question is near the gate ("您是不是想问：…"). The vectors
of the FAQ questions are one matrix, built when first needed and rebuilt when the corpus changes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.extractive import SentenceVectors
from bot.ports import Corpus
from bot.text import question_language
from bot.types import Passage


@dataclass(frozen=True)
class FaqMatch:
    question: str
    similarity: float
    passage: Passage

    @property
    def lang(self) -> str:
        return question_language(self.question)


class FaqBank:
    def __init__(self, corpus: Corpus, sentence_vectors: SentenceVectors) -> None:
        self.corpus = corpus
        self.sentence_vectors = sentence_vectors
        self._lock = threading.Lock()
        self._built: tuple[str, list[Passage], np.ndarray] | None = None

    def best_similarity(self, vector: Sequence[float]) -> float:
        """Cosine similarity of a question to the closest FAQ question (0 without a FAQ)."""
        _, matrix = self._matrix()
        if not len(matrix):
            return 0.0
        return float(np.max(matrix @ np.asarray(vector, dtype=np.float32)))

    def matches(self, vector: Sequence[float]) -> list[FaqMatch]:
        """Every FAQ question with its similarity to a question, in corpus order."""
        passages, matrix = self._matrix()
        if not len(matrix):
            return []
        similarity = matrix @ np.asarray(vector, dtype=np.float32)
        return [FaqMatch(p.extra["faq_question"], float(s), p) for p, s in zip(passages, similarity, strict=True)]

    def _matrix(self) -> tuple[list[Passage], np.ndarray]:
        generation = self.corpus.generation
        with self._lock:
            if self._built is not None and self._built[0] == generation:
                return self._built[1], self._built[2]
        passages = [p for p in self.corpus.passages() if p.extra.get("faq_question")]
        matrix = (self.sentence_vectors.vectors([p.extra["faq_question"] for p in passages]) if passages
                  else np.zeros((0, 1), np.float32))
        with self._lock:
            self._built = (generation, passages, matrix)
        return passages, matrix
