"""Hybrid retrieval: dense (Chroma) and BM25 (jieba tokens), fused by reciprocal rank fusion.

Each channel recalls a wide candidate set (settings.candidates, 50 by default), so asking for a
different k never reorders the head of the list. Then (`ranking.py`): variants of one text give way to
the best of them, a licence named by its SPDX id and a clause named by its number go up, and
out-of-force documents are moved below the in-force documents of the same kind that also match.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.retrieval.glossary import query_terms
from bot.retrieval.knowledge import KnowledgeBase
from bot.retrieval.ranking import (
    RRF_K,
    boost_defined_terms,
    boost_named_clauses,
    boost_named_licences,
    collapse_variants,
    named_licence_families,
)
from bot.types import Hit


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
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.passage.id))
        kept, variants = collapse_variants(ranked)
        boost_named_licences(kept, named_licence_families(query, self.knowledge.licence_ids()))
        boost_named_clauses(query, kept)
        boost_defined_terms(query, kept)
        kept.sort(key=lambda h: (-h.score, h.passage.id))
        return (demote_out_of_force(kept) + variants)[:k]


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
