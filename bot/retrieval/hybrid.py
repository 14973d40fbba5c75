"""Hybrid retrieval: dense (Chroma) and BM25 (jieba tokens), fused by reciprocal rank fusion.

Each channel recalls a wide candidate set (settings.candidates, 50 by default), so asking for a
different k never reorders the head of the list. Out-of-force documents are moved below the in-force
documents of the same kind that also match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.retrieval.glossary import query_terms
from bot.retrieval.knowledge import KnowledgeBase
from bot.types import Hit

RRF_K = 60


class HybridSearcher:
    """The Searcher port over a KnowledgeBase."""

    def __init__(self, knowledge: KnowledgeBase, candidates: int = 50, dense_weight: float = 1.0,
                 sparse_weight: float = 1.0) -> None:
        self.knowledge = knowledge
        self.candidates = candidates
        self.dense_weight = dense_weight
        self.sparse_weight = sparse_weight

    def search(self, query: str, k: int = 5, *, vector: Sequence[float] | None = None,
               terms: Sequence[str] | None = None) -> list[Hit]:
        """The k best of all fused candidates (recall does not depend on k, so k never reorders the head)."""
        dense = self.knowledge.dense(query, self.candidates, vector)
        sparse = self.knowledge.sparse(terms if terms is not None else query_terms(query), self.candidates)
        hits: dict[str, Hit] = {}
        for rank, (passage, similarity) in enumerate(dense):
            hit = hits.setdefault(passage.id, Hit(passage=passage, score=0.0))
            hit.dense_score = similarity
            hit.score += self.dense_weight / (RRF_K + rank + 1)
        for rank, (passage, score) in enumerate(sparse):
            hit = hits.setdefault(passage.id, Hit(passage=passage, score=0.0))
            hit.bm25_score = score
            hit.score += self.sparse_weight / (RRF_K + rank + 1)
        boost_referenced_sections(query, hits.values())
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.passage.id))
        return demote_out_of_force(ranked)[:k]


_REFERENCE = re.compile(r"第\s*(\d{1,3})\s*[条节款章]|(?:section|article|clause|§)\s*(\d{1,3})", re.IGNORECASE)
_LICENCE_ID = re.compile(r"[A-Za-z][A-Za-z0-9.+]*-\d[A-Za-z0-9.+-]*")


def boost_referenced_sections(query: str, hits) -> None:
    """"GPL-3.0 第7条" / "section 7 of Apache-2.0": lift the passages of that numbered section.

    Worth two extra first places in the fusion, and only for passages of the named licence when the
    question names one.
    """
    numbers = {a or b for a, b in _REFERENCE.findall(query)}
    if not numbers:
        return
    ids = [m.lower() for m in _LICENCE_ID.findall(query)]
    for hit in hits:
        last = hit.passage.section.rsplit(" > ", 1)[-1].strip()
        number = re.match(r"(?:第\s*)?(?:section\s+|article\s+)?(\d{1,3})\b", last, re.IGNORECASE)
        if not number or number.group(1) not in numbers:
            continue
        title = hit.passage.title.lower()
        if ids and not any(i in title for i in ids):
            continue
        hit.score += 2.0 / (RRF_K + 1)


DEMOTE_WITHIN = 0.8  # "also match": an in-force passage scoring at least this share of the out-of-force one


def demote_out_of_force(hits: list[Hit]) -> list[Hit]:
    """Within each kind, in-force documents that match about as well come before expired or superseded ones.

    "About as well": a fused score of at least DEMOTE_WITHIN of the out-of-force passage's. The successor of
    an expired plan, saying nearly the same, goes first; an unrelated in-force policy that barely matched does
    not push the only passage that answers the question out of the answer (it is cited with a validity note).
    """
    position: dict[str, float] = {}
    for i, hit in enumerate(hits):
        position[hit.passage.id] = i
        if hit.passage.status == "in_force":
            continue
        bar = hit.score * DEMOTE_WITHIN
        later = [j for j in range(i + 1, len(hits)) if hits[j].passage.kind == hit.passage.kind
                 and hits[j].passage.status == "in_force" and hits[j].score >= bar]
        if later:
            position[hit.passage.id] = later[-1] + 0.5 + i / (len(hits) + 1)  # after it, in the order they came
    return sorted(hits, key=lambda h: position[h.passage.id])
