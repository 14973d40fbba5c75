"""What the knowledge base offers for one question: the ranked passages and how relevant they really are.

Pinyin typos are corrected first ("生太" -> "生态"); hybrid search then ranks passages, with the question's
everyday words mapped to the documents' terms. A clause the question names ("GPL-3.0 第7条", "MPL 3.3")
comes first, then the clause of a FAQ entry that asks the same thing; any other FAQ entry brings the clause
it rests on right before it; variants of one text give way to the best of them. The signals of the
relevance gate (gate.py) are measured here, and places: a question about another city's policy is not
answered with Nanjing's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.answering.clauses import ClauseIndex
from bot.answering.extractive import QueryGroups, weighted_overlap
from bot.answering.faq_bank import FaqBank
from bot.answering.faq_match import FaqMatcher
from bot.answering.gate import Relevance, names_the_domain, runs_an_errand
from bot.answering.named_clauses import NamedClauses
from bot.ports import Corpus, Embedder, Searcher
from bot.retrieval.glossary import (
    SCOPE_WORDS,
    expanded_question,
    other_places,
    other_subjects,
    query_groups,
    search_terms,
    vocabulary,
)
from bot.retrieval.ranking import (
    boost_about_licences,
    boost_about_standards,
    collapse_variants,
    family_word_key,
    licence_family,
    names_a_standard,
)
from bot.retrieval.tokenize import is_dictionary_word, tokenize
from bot.retrieval.typos import TypoCorrector
from bot.text import is_cjk_char, question_language
from bot.types import Hit, Passage

TOP_FOR_GATE = 3
COVERAGE_HITS = 5  # the passages an extractive answer quotes from: one of them must cover the question
RESULT_HITS = 10
DOMAIN_KINDS = ("policy", "faq")


@dataclass
class Retrieval:
    hits: list[Hit]
    groups: QueryGroups
    vector: list[float]
    relevance: Relevance
    other_places: set[str]
    text: str = ""  # the question as searched (pinyin typos corrected)
    faq: Hit | None = None  # the FAQ entry that asks the same thing, if any
    faq_clauses: list[Passage] | None = None  # the passages it rests on, in the question's language first
    named: list[Passage] | None = None  # the clauses the question names ("GPL-3.0 第7条"): the answer quotes them


FOCUS_CHARS = 300  # questions are short; a long one (pasted text) is read by its beginning and its end


def focus(text: str) -> str:
    """What retrieval reads of a question: all of it, or the beginning and end of a very long one.

    Retrieval's work (embedding, segmentation, vocabulary, scoring) grows with the text; bounding it keeps
    one 2,000-character message from costing the CPU of dozens of ordinary questions.
    """
    if len(text) <= FOCUS_CHARS:
        return text
    half = FOCUS_CHARS // 2
    return f"{text[:half]}\n{text[-half:]}"


class EvidenceFinder:
    def __init__(self, corpus: Corpus, searcher: Searcher, embedder: Embedder, clauses: ClauseIndex,
                 faq_bank: FaqBank, faqs: FaqMatcher, named: NamedClauses) -> None:
        self.corpus = corpus
        self.searcher = searcher
        self.embedder = embedder
        self.clauses = clauses
        self.faq_bank = faq_bank
        self.faqs = faqs
        self.named = named
        self.typos = TypoCorrector(corpus)
        self.domain = DomainWords(corpus)

    def retrieve(self, text: str) -> Retrieval:
        text = self.typos.correct(text).text
        vector = self.embedder.embed_query(expanded_question(text))
        lang = question_language(text)
        groups = query_groups(text)
        terms = search_terms(groups)
        judged_words = judged_groups(groups)
        judged = judged_words or groups
        about = clause_relevance(judged, self.corpus.idf)
        licences = self.named.licences_named(text)
        found = self.faqs.prefer_language(self.searcher.search(text, RESULT_HITS, vector=vector, terms=terms), lang)
        families = {licence_family(spdx) for spdx in licences}
        families |= {family_word_key(word) for word in self.named.families_named(text)}
        found = boost_about_licences(found, families)
        if names_a_standard(text):
            found = boost_about_standards(found)
        faq = self.faqs.best(found, vector, judged_words, lang, families) or self.faqs.closest(
            self.faq_bank.matches(vector), judged_words, lang, families, found[0].score if found else 0.0)
        faq_clauses = self.clauses.passages_for(faq.passage.extra.get("faq_source", ""), lang, rank=about) \
            if faq else []
        named = self.named.passages(text, lang, licences)
        lead = found[0].score if found else 0.0
        first = [Hit(passage=p, score=lead) for p in named]
        first += [Hit(passage=p, score=faq.score, dense_score=faq.dense_score) for p in faq_clauses] if faq else []
        kept, variants = collapse_variants(self._with_faq_clauses(first + found, lang, about))
        hits = kept + variants
        top = hits[:TOP_FOR_GATE]
        covering = hits[:COVERAGE_HITS]
        missing = [h for h in top if h.dense_score is None]
        if missing:  # ranked high by words alone, or brought in as a clause: measure their meaning too
            measured = self.corpus.similarities([h.passage.id for h in missing], vector)
            for hit in missing:
                hit.dense_score = measured.get(hit.passage.id)
        dense = max((h.dense_score or 0.0 for h in top), default=0.0)
        top_tokens = [passage_tokens(h.passage) for h in covering]
        coverage = max((weighted_overlap(judged, tokens, self.corpus.idf) for tokens in top_tokens), default=0.0)
        relevance = Relevance(dense, coverage, faq=self.faq_bank.best_similarity(vector),
                              anchor=names_the_domain(text), errand=runs_an_errand(text),
                              alien=self.domain.alien_share(judged_words, other_subjects(text)))
        places = {p for p in other_places(text, [t for t, _ in groups])
                  if not any(p in tokens for tokens in top_tokens)}
        return Retrieval(hits, groups, vector, relevance, places, text, faq, faq_clauses, named)

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
    """The words relevance is judged on: not the city's own name, not colloquial fillers, not single characters."""
    fillers = vocabulary().fillers
    return [g for g in groups if g[0] not in SCOPE_WORDS and g[0] not in fillers and not is_cjk_char(g[0])]


class DomainWords:
    """The words of the policy and FAQ texts: a question whose weighted words fall outside them is about
    something else (公租房, 低保, 驾照), however many other words it shares. Rebuilt when the corpus changes."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._built: tuple[str, frozenset[str]] | None = None

    def alien_share(self, groups: QueryGroups, subjects: set[str] | frozenset[str] = frozenset()) -> float:
        """The IDF-weighted share of words that neither the domain texts nor their equivalents contain, or that
        belong to a public service the documents never address (`subjects`: 公租房, though 租房 maps to 住房).

        English words count as alien only when no document uses them at all: the policy is in Chinese and the
        glossary maps only the domain's words, so "recruit" or "abroad" say nothing about the subject. Chinese
        words count only when they are words of the language (jieba's dictionary), not pieces that its HMM
        guessed from colloquial or mistyped text (拉点, 人帮, 品酷).
        """
        words = self.words()
        total = sum(self.corpus.idf(token) for token, _ in groups)
        if total <= 0:
            return 0.0
        return sum(self.corpus.idf(token) for token, terms in groups
                   if self._alien(token, terms, words) or any(token in s or s in token for s in subjects)) / total

    def _alien(self, token: str, terms: frozenset[str], words: frozenset[str]) -> bool:
        if terms & words:
            return False
        if token.isascii():
            return self.corpus.idf(token) >= self._unseen()
        composed = any(token[:i] in words and token[i:] in words for i in range(2, len(token) - 1))
        return is_dictionary_word(token) and not composed  # 适配测试 = 适配 + 测试: the documents' words

    def _unseen(self) -> float:
        return self.corpus.idf("\u0000")  # the weight of a word no document has

    def words(self) -> frozenset[str]:
        generation = self.corpus.generation
        built = self._built
        if built is None or built[0] != generation:
            words: set[str] = set()
            for passage in self.corpus.passages():
                if passage.kind in DOMAIN_KINDS:
                    words |= passage_tokens(passage)
            built = self._built = (generation, frozenset(words))
        return built[1]


def passage_tokens(passage: Passage) -> set[str]:
    tokens = passage.extra.get("tokens")
    return set(tokens.split()) if tokens else set(tokenize(f"{passage.title} {passage.section} {passage.text}"))
