"""Extractive grounded answers: the sentences of the top passages that answer the question, cited [n].

No LLM: every sentence of an answer is a sentence of a source, so the answer can never say more than
the knowledge base does. Sentences are scored by how much of the question's (IDF-weighted) vocabulary
they contain and by embedding similarity, with a small prior for better-ranked passages.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.answering.text import clean_sentence, split_sentences
from bot.retrieval.ranking import licences_cited, names_a_standard
from bot.retrieval.tokenize import tokenize
from bot.text import cjk_count
from bot.types import Hit, Passage

MAX_SENTENCES = 4
MAX_PER_PASSAGE = 3
PASSAGES_CONSIDERED = 5
RANK_PRIOR = (0.08, 0.04, 0.02, 0.0, 0.0)
KEEP_RATIO = 0.8
ASIDE = 1.0  # a licence answer's side remark about a standard or tool the question does not name: left out
# not SPDX: "SPDX-License-Identifier" is how licence answers say to mark a file
_STANDARD_OR_TOOL = re.compile(r"OpenChain|ISO/?IEC|\b(?:5230|18974)\b|\bREUSE\b", re.IGNORECASE)
_COUNT_QUESTION = re.compile(r"几|多少|哪一年|何时|什么时候|how many|how much|when|number of", re.IGNORECASE)


@dataclass
class Candidate:
    hit_index: int
    position: int
    text: str
    score: float = 0.0


@dataclass
class Extract:
    sentences: list[Candidate]
    cited_hits: list[int]  # indexes into the hits, in citation order


class SentenceVectors:
    """Embeddings of source sentences, cached (LRU): the same clauses answer many questions."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]], size: int = 20000) -> None:
        self._embed = embed
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, sentences: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [s for s in dict.fromkeys(sentences) if s not in self._cache]
        fresh = dict(zip(missing, self._embed(missing), strict=True)) if missing else {}
        with self._lock:
            for sentence, vector in fresh.items():
                self._cache[sentence] = np.asarray(vector, dtype=np.float32)
            rows = []
            for sentence in sentences:
                vector = self._cache.get(sentence)
                if vector is None:  # evicted meanwhile by another thread
                    vector = np.asarray(self._embed([sentence])[0], dtype=np.float32)
                self._cache[sentence] = vector
                self._cache.move_to_end(sentence)
                rows.append(vector)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, 1), np.float32)

    def warm(self, sentences: Sequence[str]) -> None:
        for start in range(0, len(sentences), 256):
            self.vectors(list(sentences[start:start + 256]))


QueryGroups = list[tuple[str, frozenset[str]]]


@lru_cache(maxsize=20000)
def sentence_tokens(sentence: str) -> frozenset[str]:
    """Tokens of a source sentence, cached: the same clauses are scored for many questions."""
    return frozenset(tokenize(sentence))


def weighted_overlap(groups: QueryGroups, text_tokens: set[str], idf: Callable[[str], float]) -> float:
    """Share of the question's IDF weight found in a text (0..1); a token counts if any equivalent is there."""
    total = sum(idf(token) for token, _ in groups)
    if total <= 0:
        return 0.0
    return sum(idf(token) for token, terms in groups if terms & text_tokens) / total


class ExtractiveComposer:
    def __init__(self, sentence_vectors: SentenceVectors, idf: Callable[[str], float]) -> None:
        self.sentence_vectors = sentence_vectors
        self.idf = idf

    def candidates(self, hits: list[Hit]) -> list[Candidate]:
        out = []
        for hit_index, hit in enumerate(hits[:PASSAGES_CONSIDERED]):
            text = hit.passage.extra.get("faq_answer") or hit.passage.text  # a FAQ's answer, not its question
            for position, sentence in enumerate(split_sentences(text)):
                sentence = clean_sentence(sentence)
                if len(sentence) >= 6 and not _is_heading(sentence, hit.passage.section) and not _lead_in(sentence):
                    out.append(Candidate(hit_index, position, sentence))
        return out

    def extract(self, question: str, groups: QueryGroups, query_vector: Sequence[float],
                hits: list[Hit], bonus: dict[int, float] | None = None) -> Extract:
        """`bonus`: extra score for the sentences of some hits (by index), e.g. the entry defining a term."""
        candidates = self.candidates(hits)
        if not candidates:
            return Extract([], [])
        vectors = self.sentence_vectors.vectors([c.text for c in candidates])
        similarity = vectors @ np.asarray(query_vector, dtype=np.float32)
        counting = bool(_COUNT_QUESTION.search(question))
        asks_standard = names_a_standard(question)
        for candidate, sim in zip(candidates, similarity, strict=True):
            lexical = weighted_overlap(groups, sentence_tokens(candidate.text), self.idf)
            candidate.score = 0.5 * lexical + 0.5 * float(sim) + RANK_PRIOR[min(candidate.hit_index, len(RANK_PRIOR) - 1)]
            candidate.score += (bonus or {}).get(candidate.hit_index, 0.0)
            if not asks_standard and _aside(candidate.text, hits[candidate.hit_index].passage):
                candidate.score -= ASIDE
            if counting and re.search(r"\d|[一二三四五六七八九十百]+[个项家]", candidate.text):
                candidate.score += 0.1
        ranked = sorted(candidates, key=lambda c: -c.score)
        best = ranked[0].score
        chosen: list[Candidate] = []
        per_passage: dict[int, int] = {}
        for candidate in ranked:
            if len(chosen) >= MAX_SENTENCES or candidate.score < best * KEEP_RATIO:
                break
            if per_passage.get(candidate.hit_index, 0) >= MAX_PER_PASSAGE:
                continue
            if any(_similar(candidate.text, other.text) for other in chosen):
                continue  # a FAQ answer restating a clause already quoted
            per_passage[candidate.hit_index] = per_passage.get(candidate.hit_index, 0) + 1
            chosen.append(candidate)
        # the passage holding the best sentence is cited first; sentences keep document order within it
        best_of: dict[int, float] = {}
        for candidate in chosen:
            best_of[candidate.hit_index] = max(best_of.get(candidate.hit_index, 0.0), candidate.score)
        cited = sorted(best_of, key=lambda i: (-best_of[i], i))
        chosen.sort(key=lambda c: (cited.index(c.hit_index), c.position))
        return Extract(chosen, cited)


def _aside(sentence: str, passage: Passage) -> bool:
    """"若 REUSE 检查工具提示 GPL 未被使用…" in a FAQ answer about LGPL-3.0 and GPL-3.0: a sentence of a
    licence text or of a FAQ entry citing licence clauses that turns to a standard or tool, asked about a
    question that names none. It shares the licence names with the question, so it scores well, but it
    answers a question nobody asked."""
    return bool(_STANDARD_OR_TOOL.search(sentence)) and bool(licences_cited(passage))


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\W", "", text.lower())
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _similar(a: str, b: str, threshold: float = 0.5) -> bool:
    """Near-duplicate sentences: character-bigram overlap relative to the shorter one."""
    x, y = _bigrams(a), _bigrams(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= threshold


def _lead_in(sentence: str) -> bool:
    """"ISC License:" / "核查材料：" / '("ISC")': a short line that introduces what follows, or a fragment of a
    few words, says nothing by itself."""
    if len(sentence) < 30 and sentence.rstrip().endswith((":", "：")):
        return True
    return len(re.findall(r"[A-Za-z]+", sentence)) < 4 and cjk_count(sentence) < 6


def _is_heading(sentence: str, section: str) -> bool:
    last = section.rsplit(" > ", 1)[-1].strip()
    core = sentence.rstrip("。.：:")
    return bool(last) and (core == last or core.endswith(last) and len(core) <= len(last) + 4)
