"""What the knowledge base offers for one question: the ranked passages and how relevant they really are.

Hybrid search ranks passages. A clause the question names ("GPL-3.0 第7条", "MPL 3.3") comes first, then
the clause of a FAQ entry that asks the same thing; any other FAQ entry brings the clause it rests on
right before it. The relevance gate then judges the top passages on two cheap signals (embedding
similarity and the share of the question's weighted vocabulary they contain), and on places: a question
about another city's policy is not answered with Nanjing's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.answering.clauses import ClauseIndex
from bot.answering.extractive import QueryGroups, weighted_overlap
from bot.answering.faq_match import FaqMatcher
from bot.answering.gate import Relevance
from bot.answering.named_clauses import NamedClauses
from bot.ports import Corpus, Embedder, Searcher
from bot.retrieval.glossary import SCOPE_WORDS, other_places, query_groups
from bot.retrieval.ranking import boost_about_licences, collapse_variants, licence_family
from bot.retrieval.tokenize import tokenize
from bot.text import is_cjk_char, question_language
from bot.types import Hit, Passage

TOP_FOR_GATE = 3
RESULT_HITS = 10


@dataclass
class Retrieval:
    hits: list[Hit]
    groups: QueryGroups
    vector: list[float]
    relevance: Relevance
    other_places: set[str]
    faq: Hit | None = None  # the FAQ entry that asks the same thing, if any
    faq_clauses: list[Passage] | None = None  # the passages it rests on, in the question's language first
    named: list[Passage] | None = None  # the clauses the question names ("GPL-3.0 第7条"): the answer quotes them


class EvidenceFinder:
    def __init__(self, corpus: Corpus, searcher: Searcher, embedder: Embedder, clauses: ClauseIndex,
                 faqs: FaqMatcher, named: NamedClauses) -> None:
        self.corpus = corpus
        self.searcher = searcher
        self.embedder = embedder
        self.clauses = clauses
        self.faqs = faqs
        self.named = named

    def retrieve(self, text: str) -> Retrieval:
        vector = self.embedder.embed_query(text)
        lang = question_language(text)
        groups = query_groups(text)
        terms = list(dict.fromkeys(t for token, equivalents in groups for t in [token, *sorted(equivalents)]))
        named = self.named.licences_named(text)
        found = self.faqs.prefer_language(self.searcher.search(text, RESULT_HITS, vector=vector, terms=terms), lang)
        found = boost_about_licences(found, {licence_family(spdx) for spdx in named})
        judged = judged_groups(groups) or groups
        about = clause_relevance(judged, self.corpus.idf)
        faq = self.faqs.best(found, vector, judged_groups(groups), lang)
        faq_clauses = self.clauses.passages_for(faq.passage.extra.get("faq_source", ""), lang, rank=about) \
            if faq else []
        lead = found[0].score if found else 0.0
        named_clauses = self.named.passages(text, lang, named)
        first = [Hit(passage=p, score=lead) for p in named_clauses]
        first += [Hit(passage=p, score=faq.score, dense_score=faq.dense_score) for p in faq_clauses] if faq else []
        hits = self._with_faq_clauses(first + found, lang, about)
        kept, variants = collapse_variants(hits)
        hits = kept + variants
        top = hits[:TOP_FOR_GATE]
        missing = [h for h in top if h.dense_score is None]
        if missing:  # ranked high by words alone, or brought in as a clause: measure their meaning too
            measured = self.corpus.similarities([h.passage.id for h in missing], vector)
            for hit in missing:
                hit.dense_score = measured.get(hit.passage.id)
        dense = max((h.dense_score or 0.0 for h in top), default=0.0)
        top_tokens = [passage_tokens(h.passage) for h in top]
        coverage = max((weighted_overlap(judged, tokens, self.corpus.idf) for tokens in top_tokens), default=0.0)
        places = {p for p in other_places(text, [t for t, _ in groups])
                  if not any(p in tokens for tokens in top_tokens)}
        return Retrieval(hits, groups, vector, Relevance(dense, coverage), places, faq, faq_clauses, named_clauses)

    def _with_faq_clauses(self, hits: list[Hit], lang: str, about: Callable[[Passage], float]) -> list[Hit]:
        """A FAQ entry stands for the clause it rests on: put that clause right before it."""
        out: dict[str, Hit] = {}
        for hit in hits:
            source = hit.passage.extra.get("faq_source")
            if source:
                for clause in self.clauses.passages_for(source, lang, limit=1, rank=about):
                    out.setdefault(clause.id, Hit(passage=clause, score=hit.score, dense_score=hit.dense_score,
                                                  bm25_score=hit.bm25_score))
            out.setdefault(hit.passage.id, hit)
        return list(out.values())


def clause_relevance(groups: QueryGroups, idf: Callable[[str], float]) -> Callable[[Passage], float]:
    """How much of the question a clause passage covers: picks, of a clause in several chunks, the right one."""
    return lambda passage: weighted_overlap(groups, passage_tokens(passage), idf)


def judged_groups(groups: QueryGroups) -> QueryGroups:
    """The words relevance is judged on: not the city's own name, not single characters."""
    return [g for g in groups if g[0] not in SCOPE_WORDS and not is_cjk_char(g[0])]


def passage_tokens(passage: Passage) -> set[str]:
    tokens = passage.extra.get("tokens")
    return set(tokens.split()) if tokens else set(tokenize(f"{passage.title} {passage.section} {passage.text}"))
