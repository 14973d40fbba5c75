"""Turn evidence into an answer without an LLM: a FAQ entry with its clause, quoted sentences, document facts.

Every answer cites what it rests on as [n] = sources[n-1], and says when a cited policy is out of force.
"""

from __future__ import annotations

import numpy as np

from bot.answering.clauses import ClauseIndex
from bot.answering.documents import describe_document
from bot.answering.evidence import TOP_FOR_GATE, Retrieval, judged_groups
from bot.answering.extractive import ExtractiveComposer, SentenceVectors, sentence_tokens, weighted_overlap
from bot.answering.prompts import render
from bot.ports import Corpus
from bot.types import Answer, Hit, Source

FAQ_MATCH = 0.80          # question-to-FAQ-question similarity for a direct FAQ answer
FAQ_WORDS = 0.5           # and the share of the question's weighted words the FAQ question contains


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
        """Issuer, date, status or link of the policy or standard the question is about."""
        for hit in retrieval.hits[:TOP_FOR_GATE]:
            if hit.passage.kind in ("policy", "standard"):
                meta = self.corpus.document(hit.passage.doc_id)
                if meta:
                    body = describe_document(meta, aspects, lang)
                    if body:
                        return Answer(answer=f"{body}[1]", status="answered", sources=[to_source(hit)])
        return None

    def faq(self, retrieval: Retrieval, lang: str) -> Answer | None:
        """A FAQ entry that asks the same thing: its answer, citing the clause it rests on first."""
        for hit in retrieval.hits[:TOP_FOR_GATE]:
            faq_question = hit.passage.extra.get("faq_question")
            if not faq_question:
                continue
            vector = self.sentence_vectors.vectors([faq_question])[0]
            if float(vector @ np.asarray(retrieval.vector, dtype=np.float32)) < FAQ_MATCH:
                continue
            judged = judged_groups(retrieval.groups)
            if judged and weighted_overlap(judged, sentence_tokens(faq_question), self.corpus.idf) < FAQ_WORDS:
                continue  # similar wording, different subject (e.g. 落户 vs 上市)
            clauses = self.clauses.passages_for(hit.passage.extra.get("faq_source", ""))
            cited = [Hit(passage=p, score=hit.score) for p in clauses] or [hit]
            rest = [h for h in retrieval.hits if h.passage.id not in {c.passage.id for c in cited}]
            markers = "".join(f"[{i}]" for i in range(1, len(cited) + 1))
            body = hit.passage.extra.get("faq_answer", "") + markers
            body += self.status_notes(cited, lang)
            return Answer(answer=body, status="answered",
                          sources=[to_source(h) for h in (cited + rest)[: max(self.top_k, len(cited))]])
        return None

    def quoted(self, text: str, retrieval: Retrieval, lang: str) -> Answer:
        """The sentences of the top passages that answer the question, each cited."""
        hits = retrieval.hits
        extract = self.extractive.extract(text, retrieval.groups, retrieval.vector, hits)
        if not extract.sentences:
            return self.refusal(lang)
        order = extract.cited_hits + [i for i in range(len(hits)) if i not in extract.cited_hits]
        number = {hit_index: n for n, hit_index in enumerate(extract.cited_hits, 1)}
        pieces = [f"{s.text}[{number[s.hit_index]}]" for s in extract.sentences]
        if lang == "zh":
            body = "".join(pieces)
        else:
            body = "From the sources (quoted in their original language): " + " ".join(pieces)
        cited = [hits[i] for i in extract.cited_hits]
        body += self.status_notes(cited, lang)
        sources = [to_source(hits[i]) for i in order[: max(self.top_k, len(cited))]]
        return Answer(answer=body, status="answered", sources=sources)

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


def to_source(hit: Hit) -> Source:
    p = hit.passage
    return Source(id=p.id, title=p.title, section=p.section, text=p.text, score=round(hit.score, 4), url=p.url,
                  kind=p.kind, status=p.status)
