"""Which FAQ entry, if any, asks what the question asks: the one a direct FAQ answer uses, and whose
clause evidence ranking puts first.

A FAQ entry matches when its question is close in meaning (embedding similarity) and shares most of the
question's weighted vocabulary (so 落户 does not match 上市 however similar the sentences look). Each
topic has a Chinese and an English entry; the question's own language is preferred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.answering.extractive import QueryGroups, SentenceVectors, sentence_tokens, weighted_overlap
from bot.answering.faq_bank import FaqMatch
from bot.ports import Corpus
from bot.retrieval.ranking import about_other_licences
from bot.types import Hit, Passage

FAQ_MATCH = 0.80          # question-to-FAQ-question similarity for a direct FAQ answer
FAQ_WORDS = 0.5           # and the share of the question's weighted words the FAQ question contains
FAQ_CONSIDERED = 3        # FAQ entries among this many best hits are considered
FAQ_NEAR = 0.6            # ... and, further down, the closest FAQ question if this close
FAQ_NEAR_WORDS = 0.9      # and holding (nearly) all of the question's weighted words


@dataclass
class _Topics:
    generation: str
    entries: dict[tuple[str, str], Passage]  # (topic id, lang) -> FAQ passage


class FaqMatcher:
    def __init__(self, corpus: Corpus, sentence_vectors: SentenceVectors) -> None:
        self.corpus = corpus
        self.sentence_vectors = sentence_vectors
        self._topics: _Topics | None = None

    def best(self, hits: list[Hit], vector: list[float], judged: QueryGroups, lang: str,
             licences: set[str] | None = None) -> Hit | None:
        """The first of the top hits that is a FAQ entry asking the same thing, in the question's language.
        `licences`: the licence families the question names; an entry about other licences does not answer it."""
        query = np.asarray(vector, dtype=np.float32)
        for hit in hits[:FAQ_CONSIDERED]:
            question = hit.passage.extra.get("faq_question")
            if not question or about_other_licences(hit.passage, licences or set()):
                continue
            if float(self.sentence_vectors.vectors([question])[0] @ query) < FAQ_MATCH:
                continue
            if judged and weighted_overlap(judged, sentence_tokens(question), self.corpus.idf) < FAQ_WORDS:
                continue  # similar wording, different subject (e.g. 落户 vs 上市)
            return self.in_language(hit, lang)
        return None

    def closest(self, matches: list[FaqMatch], judged: QueryGroups, lang: str, licences: set[str],
                score: float) -> Hit | None:
        """The closest FAQ question when it says everything the question says, wherever retrieval ranked its
        entry: a long FAQ answer loses to short passages that repeat the question's words ("开源合规流程怎么建")."""
        best = max(matches, key=lambda m: m.similarity, default=None)
        if best is None or best.similarity < FAQ_NEAR or about_other_licences(best.passage, licences):
            return None
        if not judged or weighted_overlap(judged, sentence_tokens(best.question), self.corpus.idf) < FAQ_NEAR_WORDS:
            return None
        return self.in_language(Hit(passage=best.passage, score=score, dense_score=best.similarity), lang)

    def in_language(self, hit: Hit, lang: str) -> Hit:
        """A FAQ entry in the question's language: its topic's sibling when the hit is in the other one."""
        topic = hit.passage.extra.get("faq_id")
        if not topic or hit.passage.lang == lang:
            return hit
        sibling = self._entries().get((topic, lang))
        return Hit(passage=sibling, score=hit.score, dense_score=hit.dense_score,
                   bm25_score=hit.bm25_score) if sibling else hit

    def prefer_language(self, hits: list[Hit], lang: str) -> list[Hit]:
        """Every FAQ entry in the question's language; a topic found in both languages appears once."""
        out: dict[str, Hit] = {}
        for hit in hits:
            hit = self.in_language(hit, lang) if hit.passage.kind == "faq" else hit
            out.setdefault(hit.passage.id, hit)
        return list(out.values())

    def _entries(self) -> dict[tuple[str, str], Passage]:
        generation = self.corpus.generation
        if self._topics is None or self._topics.generation != generation:
            entries = {(p.extra["faq_id"], p.lang): p for p in self.corpus.passages()
                       if p.kind == "faq" and p.extra.get("faq_id")}
            self._topics = _Topics(generation, entries)
        return self._topics.entries
