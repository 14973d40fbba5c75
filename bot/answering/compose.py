"""Turn evidence into an answer without an LLM: a FAQ entry with its clause, quoted sentences, document facts.

Every answer cites what it rests on as [n] = sources[n-1], and says when a cited policy is out of force.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answering.clauses import ClauseIndex
from bot.answering.documents import describe_document
from bot.answering.evidence import Retrieval, clause_relevance, judged_groups
from bot.answering.extractive import ExtractiveComposer, SentenceVectors, sentence_tokens, weighted_overlap
from bot.answering.prompts import render
from bot.ports import Corpus
from bot.retrieval.ranking import clause_mentions, covers, defined_terms, heading_term, passage_clauses
from bot.types import Answer, Hit, Passage, Source


class AnswerComposer:
    def __init__(self, corpus: Corpus, clauses: ClauseIndex, sentence_vectors: SentenceVectors, *,
                 top_k: int = 5, contact: str = "") -> None:
        self.corpus = corpus
        self.clauses = clauses
        self.sentence_vectors = sentence_vectors
        self.extractive = ExtractiveComposer(sentence_vectors, corpus.idf)
        self.top_k = top_k
        self.contact = contact

    def refusal(self, lang: str) -> Answer:
        return Answer(answer=render("refusal", lang, contact=self.contact), status="no_answer")

    def document(self, retrieval: Retrieval, aspects: list[str], lang: str) -> Answer | None:
        """Issuer, date, status, link or 文号 of the policy or standard the question is about: of the
        documents retrieved, the one whose title shares most of the question's words ("plan" -> 计划)."""
        documents: dict[str, Hit] = {}
        for hit in retrieval.hits:
            if hit.passage.kind in ("policy", "standard"):
                documents.setdefault(hit.passage.doc_id, hit)
        judged = judged_groups(retrieval.groups) or retrieval.groups
        ranked = sorted(documents.values(), key=lambda h: -weighted_overlap(
            judged, sentence_tokens(h.passage.title), self.corpus.idf))  # stable: retrieval order on ties
        for hit in ranked:
            meta = self.corpus.document(hit.passage.doc_id)
            body = describe_document(meta, aspects, lang) if meta else ""
            if body:
                return Answer(answer=f"{body}[1]", status="answered", sources=[to_source(hit)])
        return None

    def faq(self, retrieval: Retrieval, lang: str) -> Answer | None:
        """The FAQ entry that asks the same thing: its answer, citing the clauses it rests on, which are
        listed first and followed by the entry itself."""
        hit = retrieval.faq
        if hit is None:
            return None
        clauses = [Hit(passage=p, score=hit.score) for p in retrieval.faq_clauses or []]
        cited = clauses or [hit]
        listed = cited + ([hit] if clauses else [])
        rest = [h for h in retrieval.hits if h.passage.id not in {c.passage.id for c in listed}]
        markers = "".join(f"[{i}]" for i in range(1, len(cited) + 1))
        body = hit.passage.extra.get("faq_answer", "") + markers
        body += self.status_notes(cited, lang)
        return Answer(answer=body, status="answered",
                      sources=[to_source(h) for h in (listed + rest)[: max(self.top_k, len(listed))]])

    def quoted(self, text: str, retrieval: Retrieval, lang: str) -> Answer:
        """The sentences of the top passages that answer the question, each cited; of the clause it names,
        when it names one. A sentence of a FAQ answer cites the clause the entry rests on (the one the
        sentence names, if it names one), and the entry itself is listed right after that clause."""
        named = {p.id for p in retrieval.named or []}
        pool = [h for h in retrieval.hits if h.passage.id in named] or retrieval.hits  # a named clause speaks
        extract = self.extractive.extract(text, retrieval.groups, retrieval.vector, pool, _definitions(text, pool))
        if not extract.sentences:
            return self.refusal(lang)
        listed: list[Hit] = []
        pieces = []
        about = clause_relevance(retrieval.groups, self.corpus.idf)
        for sentence in extract.sentences:
            hit = pool[sentence.hit_index]
            clause = self._clause_of(hit, sentence.text, lang, about)
            number = _place(listed, Hit(passage=clause, score=hit.score) if clause else hit)
            if clause:
                _place(listed, hit)
            pieces.append(f"{sentence.text}[{number}]")
        if lang == "zh":
            body = "".join(pieces)
        else:
            body = "From the sources (quoted in their original language): " + " ".join(pieces)
        body += self.status_notes(listed, lang)
        shown = {h.passage.id for h in listed}
        rest = [h for h in retrieval.hits if h.passage.id not in shown]
        sources = [to_source(h) for h in (listed + rest)[: max(self.top_k, len(listed))]]
        return Answer(answer=body, status="answered", sources=sources)

    def _clause_of(self, hit: Hit, sentence: str, lang: str, about: Callable[[Passage], float]) -> Passage | None:
        """The clause a FAQ answer's sentence rests on: the one it names ("第4条(b)项"), else the first."""
        source = hit.passage.extra.get("faq_source")
        if not source:
            return None
        clauses = self.clauses.passages_for(source, lang, rank=about)
        named = clause_mentions(sentence)
        for passage in clauses:
            if any(covers(label, m) or covers(m, label) for label in passage_clauses(passage) for m in named):
                return passage
        return clauses[0] if clauses else None

    def generated(self, body: str, hits: list[Hit], lang: str) -> Answer:
        """An LLM's (already checked) answer over the same passages."""
        body += self.status_notes(hits[:3], lang)
        return Answer(answer=body, status="answered", sources=[to_source(h) for h in hits], mode="llm")

    def status_notes(self, cited: list[Hit], lang: str) -> str:
        """One line per cited document that is no longer in force."""
        notes = []
        for passage in {h.passage.doc_id: h.passage for h in cited}.values():
            if passage.status == "in_force":
                continue
            meta = self.corpus.document(passage.doc_id) or {}
            period = f"{meta.get('effective_from', '')}–{meta.get('effective_to', '')}".strip("–")
            if lang == "zh":
                state = "已被替代" if passage.status == "superseded" else "实施期已届满"
                notes.append(f"\n注意：《{passage.title}》{state}" + (f"（实施期 {period}）" if period else "")
                             + "，请以主管部门现行政策为准。")
            else:
                state = "has been superseded" if passage.status == "superseded" else "is past its effective period"
                notes.append(f"\nNote: “{passage.title}” {state}" + (f" ({period})" if period else "")
                             + "; check the authority's current policy.")
        return "".join(notes)


DEFINES = 0.15  # a question asking what a term means: the passage headed by the term, more so in a definitions section


def _definitions(question: str, hits: list[Hit]) -> dict[int, float]:
    """Extra weight for the passages that define the term a question asks about."""
    terms = defined_terms(question)
    if not terms:
        return {}
    out = {}
    for index, hit in enumerate(hits):
        if heading_term(hit.passage.section) in terms:
            in_definitions = re.search(r"定义|definition", hit.passage.section, re.IGNORECASE)
            out[index] = DEFINES * (2 if in_definitions else 1)
    return out


def _place(listed: list[Hit], hit: Hit) -> int:
    """The citation number of a hit in the sources list, adding it at the end when it is new."""
    for number, known in enumerate(listed, 1):
        if known.passage.id == hit.passage.id:
            return number
    listed.append(hit)
    return len(listed)


def to_source(hit: Hit) -> Source:
    p = hit.passage
    return Source(id=p.id, title=p.title, section=p.section, text=p.text, score=round(hit.score, 4), url=p.url,
                  kind=p.kind, status=p.status)
