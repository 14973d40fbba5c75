"""The Assistant: route a question to the licence engine, document metadata or grounded retrieval.

Every answer is built from the knowledge base: licence verdicts from the rule engine, document facts
from the manifest, everything else from retrieved passages quoted with citations. Below the relevance
gate the answer is an honest `no_answer` with what the assistant does cover.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bot.answering.documents import describe_document, document_aspects
from bot.answering.extractive import (
    ExtractiveComposer,
    QueryGroups,
    SentenceVectors,
    sentence_tokens,
    weighted_overlap,
)
from bot.answering.gate import Relevance
from bot.answering.prompts import render
from bot.answering.text import question_language
from bot.errors import GenerationError, LicenseError
from bot.retrieval.glossary import SCOPE_WORDS, other_places, query_groups
from bot.retrieval.hybrid import HybridSearcher
from bot.retrieval.knowledge import KnowledgeBase
from bot.retrieval.tokenize import tokenize
from bot.types import Answer, Hit, Passage, Question, Source

log = logging.getLogger("yuanbot.assistant")

FAQ_MATCH = 0.80          # question-to-FAQ-question similarity for a direct FAQ answer
FAQ_WORDS = 0.5           # and the share of the question's weighted words the FAQ question contains
TOP_FOR_GATE = 3
RESULT_HITS = 10


@dataclass
class Retrieval:
    hits: list[Hit]
    groups: QueryGroups
    vector: list[float]
    relevance: Relevance
    other_places: set[str]


class RetrievalAssistant:
    def __init__(self, knowledge: KnowledgeBase, searcher: HybridSearcher, *, top_k: int = 5,
                 contact: str = "", license_engine=None, memory=None, llm=None, slots: int = 2) -> None:
        self.knowledge = knowledge
        self.searcher = searcher
        self.embeddings = knowledge.index.embeddings
        self.top_k = top_k
        self.contact = contact
        self.licenses = license_engine
        self.memory = memory  # bot.memory.ConversationMemory, for follow-up questions
        self.llm = llm        # bot.answering.llm.LLMGenerator when LLM mode is configured
        # CPU-bound work: more questions at once than cores only makes every one of them slower
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self.sentence_vectors = SentenceVectors(self.embeddings.embed_documents)
        self.composer = ExtractiveComposer(self.sentence_vectors, self._idf)

    def _idf(self, token: str) -> float:
        return self.knowledge.snapshot.bm25.idf(token)

    def warm_up(self) -> None:
        """Load the snapshot and embed the sentences of policy and FAQ passages before the first user."""
        snapshot = self.knowledge.snapshot
        sentences = []
        for passage in snapshot.passages:
            if passage.kind in ("policy", "faq"):
                sentences.extend(c.text for c in self.composer.candidates([Hit(passage=passage, score=0)]))
                if passage.extra.get("faq_question"):
                    sentences.append(passage.extra["faq_question"])
        self.sentence_vectors.warm(sentences)
        self.ask(Question(text="开源人才有哪些支持政策？"))

    # --- the one entry point ---------------------------------------------------------------
    def ask(self, question: Question) -> Answer:
        started = time.perf_counter()
        text = question.text.strip()
        lang = question.lang or question_language(text)
        history = self.memory.history(question.session_id) if self.memory and question.session_id else []
        with self._slots:
            standalone = self._standalone(text, history, lang) if history else None
            query = standalone or text
            answer = self._licence(query, lang) or self._answer(query, lang)
        return self._finish(question, text, standalone, answer, lang, started)

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """`ask`, with an LLM answer's text yielded as it is produced; the last item is the Answer.

        The Answer is authoritative: when the streamed LLM text fails (endpoint error or citation check),
        it is the extractive answer and the caller replaces what it showed. Without an LLM, and for
        licence, document, refusal and extractive-only answers, the whole text comes as one piece.
        Nothing is yielded while the CPU slot is held, so a client that goes away never keeps it.
        """
        if self.llm is None:
            answer = self.ask(question)
            yield answer.answer
            yield answer
            return
        from bot.answering.llm import check_citations

        started = time.perf_counter()
        text = question.text.strip()
        lang = question.lang or question_language(text)
        history = self.memory.history(question.session_id) if self.memory and question.session_id else []
        retrieval = None
        with self._slots:
            standalone = self._standalone(text, history, lang) if history else None
            query = standalone or text
            answer = self._licence(query, lang)
            if answer is None:
                answer, retrieval = self._grounded(query, lang)
        if retrieval is None:  # nothing for the LLM to phrase: the answer in one piece
            answer = self._finish(question, text, standalone, answer, lang, started, streamed=True)
            yield answer.answer
            yield answer
            return
        lead = _lead(text, standalone, lang)
        if lead:
            yield lead
        hits = retrieval.hits[: self.top_k]
        passages = [h.passage for h in hits]
        parts: list[str] = []
        try:
            for piece in self.llm.stream_answer(query, passages, lang):
                parts.append(piece)
                yield piece
            body = "".join(parts).strip()
            reason = check_citations(body, passages)
            if reason:
                raise GenerationError(f"LLM answer rejected: {reason}")
            answer = self._llm_result(body, hits, lang)
        except GenerationError as exc:
            log.info("llm fallback to extractive", extra={"reason": str(exc)})
        yield self._finish(question, text, standalone, answer, lang, started, streamed=True)

    def _finish(self, question: Question, text: str, standalone: str | None, answer: Answer, lang: str,
                started: float, **log_extra) -> Answer:
        """Say which question was understood, remember the turn, log it: the same for ask and stream."""
        lead = _lead(text, standalone, lang)
        if lead:
            answer.understood_question = standalone
            answer.answer = lead + answer.answer
        if self.memory and question.session_id:
            from bot.memory import make_turn

            self.memory.remember(question.session_id, make_turn(text, standalone, answer))
        log.info("ask", extra={"channel": question.channel, "session": question.session_id,
                               "status": answer.status, "mode": answer.mode, **log_extra,
                               "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
        return answer

    def _standalone(self, text: str, history: list, lang: str) -> str | None:
        """A follow-up rewritten into a question that stands alone (None when it already does)."""
        from bot.memory import license_resolver, rewrite_followup

        resolver = license_resolver(self.licenses) if self.licenses is not None else None
        rewritten = rewrite_followup(text, history, resolver)
        if self.llm is not None and rewritten is not None:
            try:
                return self.llm.condense(text, history, lang) or rewritten
            except GenerationError as exc:
                log.info("llm condense failed; using the rule-based rewrite", extra={"reason": str(exc)})
        return rewritten

    # --- licence compatibility -------------------------------------------------------------
    def _licence(self, text: str, lang: str) -> Answer | None:
        if self.licenses is None:
            return None
        from bot.licenses.questions import parse_license_question
        from bot.licenses.render import render_license_answer

        try:
            query = parse_license_question(text, self.licenses)
        except LicenseError as exc:
            return self._licence_error(exc, lang)
        if query is None:
            return None
        try:
            check = self.licenses.check(query.inbound, query.outbound, query.use)
        except LicenseError as exc:
            return self._licence_error(exc, lang)
        return Answer(answer=render_license_answer(check, lang), status="answered", license_check=check,
                      sources=self._licence_text_sources(check.inbound, check.outbound))

    def _licence_error(self, exc: LicenseError, lang: str) -> Answer:
        hint = ""
        if exc.suggestions:
            hint = ("您是否指：" if lang == "zh" else "Did you mean: ") + ", ".join(exc.suggestions[:5])
        lead = "无法判断许可证兼容性：" if lang == "zh" else "Cannot check licence compatibility: "
        return Answer(answer=f"{lead}{exc}\n{hint}".strip(), status="no_answer")

    def _licence_text_sources(self, *expressions: str) -> list[Source]:
        snapshot = self.knowledge.snapshot
        sources: list[Source] = []
        for spdx_id in dict.fromkeys(re.findall(r"[A-Za-z0-9][A-Za-z0-9.+-]*", " ".join(expressions))):
            if spdx_id.upper() in ("AND", "OR", "WITH"):
                continue
            meta = snapshot.manifest.get(f"licenses/texts/{spdx_id}.txt")
            if not meta:
                continue
            chunk_id = f"licenses/texts/{spdx_id}.txt::{str(meta['hash'])[:16]}::00000"
            position = snapshot.position.get(chunk_id)
            if position is not None:
                sources.append(_source(Hit(passage=snapshot.passages[position], score=1.0)))
        return sources

    # --- retrieval-backed answers --------------------------------------------------------------
    def retrieve(self, text: str) -> Retrieval:
        vector = self.embeddings.embed_query(text)
        groups = query_groups(text)
        terms = list(dict.fromkeys(t for token, equivalents in groups for t in [token, *sorted(equivalents)]))
        hits = self._with_faq_clauses(self.searcher.search_all(text, vector, terms)[:RESULT_HITS])
        top = hits[:TOP_FOR_GATE]
        missing = [h for h in top if h.dense_score is None]
        if missing:  # ranked high by words alone: measure their meaning too
            found = self.knowledge.similarities([h.passage.id for h in missing], vector)
            for hit in missing:
                hit.dense_score = found.get(hit.passage.id)
        dense = max((h.dense_score or 0.0 for h in top), default=0.0)
        top_tokens = [_passage_tokens(h.passage) for h in top]
        judged = _judged(groups) or groups
        coverage = max((weighted_overlap(judged, tokens, self._idf) for tokens in top_tokens), default=0.0)
        places = {p for p in other_places(text, [t for t, _ in groups])
                  if not any(p in tokens for tokens in top_tokens)}
        return Retrieval(hits, groups, vector, Relevance(dense, coverage), places)

    def _with_faq_clauses(self, hits: list[Hit]) -> list[Hit]:
        """A FAQ entry that matches stands for the clause it rests on: put that clause right before it."""
        out: dict[str, Hit] = {}
        for hit in hits:
            source = hit.passage.extra.get("faq_source")
            if source:
                for clause in self._clause_passages(source):
                    out.setdefault(clause.id, Hit(passage=clause, score=hit.score, dense_score=hit.dense_score,
                                                  bm25_score=hit.bm25_score))
            out.setdefault(hit.passage.id, hit)
        return list(out.values())

    def _answer(self, text: str, lang: str) -> Answer:
        answer, retrieval = self._grounded(text, lang)
        if retrieval is None:
            return answer
        return self._llm_answer(text, retrieval, lang) or answer

    def _grounded(self, text: str, lang: str) -> tuple[Answer, Retrieval | None]:
        """The answer without an LLM, and the retrieval an LLM may phrase it from (None when it may not:
        document facts, refusals, or no LLM configured)."""
        retrieval = self.retrieve(text)
        aspects = document_aspects(text)
        if aspects:
            answer = self._document_answer(retrieval, aspects, lang)
            if answer:
                return answer, None
        if not retrieval.hits or not retrieval.relevance.passes or retrieval.other_places:
            log.info("refused", extra={"relevance": retrieval.relevance.as_dict(),
                                       "other_places": sorted(retrieval.other_places)})
            return self.refusal(lang), None
        extractive = self._faq_answer(text, retrieval, lang) or self._extractive_answer(text, retrieval, lang)
        if self.llm is None or extractive.status != "answered":
            return extractive, None
        return extractive, retrieval

    def _llm_answer(self, text: str, retrieval: Retrieval, lang: str) -> Answer | None:
        """A fluent answer over the same passages; any failure falls back to the extractive answer."""
        hits = retrieval.hits[: self.top_k]
        try:
            body = self.llm.answer(text, [h.passage for h in hits], lang)
        except GenerationError as exc:
            log.info("llm fallback to extractive", extra={"reason": str(exc)})
            return None
        return self._llm_result(body, hits, lang)

    def _llm_result(self, body: str, hits: list[Hit], lang: str) -> Answer:
        body += self._status_notes(hits[:3], lang)
        return Answer(answer=body, status="answered", sources=[_source(h) for h in hits], mode="llm")

    def refusal(self, lang: str) -> Answer:
        return Answer(answer=render("refusal", lang, contact=self.contact), status="no_answer")

    def _document_answer(self, retrieval: Retrieval, aspects: list[str], lang: str) -> Answer | None:
        for hit in retrieval.hits[:TOP_FOR_GATE]:
            if hit.passage.kind in ("policy", "standard"):
                meta = self.knowledge.document(hit.passage.doc_id)
                if meta:
                    body = describe_document(meta, aspects, lang)
                    if body:
                        return Answer(answer=f"{body}[1]", status="answered", sources=[_source(hit)])
        return None

    def _faq_answer(self, text: str, retrieval: Retrieval, lang: str) -> Answer | None:
        for hit in retrieval.hits[:TOP_FOR_GATE]:
            faq_question = hit.passage.extra.get("faq_question")
            if not faq_question:
                continue
            vector = self.sentence_vectors.vectors([faq_question])[0]
            if float(vector @ np.asarray(retrieval.vector, dtype=np.float32)) < FAQ_MATCH:
                continue
            judged = _judged(retrieval.groups)
            if judged and weighted_overlap(judged, sentence_tokens(faq_question), self._idf) < FAQ_WORDS:
                continue  # similar wording, different subject (e.g. 落户 vs 上市)
            clauses = self._clause_passages(hit.passage.extra.get("faq_source", ""))
            cited = [Hit(passage=p, score=hit.score) for p in clauses] or [hit]
            rest = [h for h in retrieval.hits if h.passage.id not in {c.passage.id for c in cited}]
            markers = "".join(f"[{i}]" for i in range(1, len(cited) + 1))
            body = hit.passage.extra.get("faq_answer", "") + markers
            body += self._status_notes(cited, lang)
            return Answer(answer=body, status="answered",
                          sources=[_source(h) for h in (cited + rest)[: max(self.top_k, len(cited))]])
        return None

    def _extractive_answer(self, text: str, retrieval: Retrieval, lang: str) -> Answer:
        hits = retrieval.hits
        extract = self.composer.extract(text, retrieval.groups, retrieval.vector, hits)
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
        body += self._status_notes(cited, lang)
        sources = [_source(hits[i]) for i in order[: max(self.top_k, len(cited))]]
        return Answer(answer=body, status="answered", sources=sources)

    def _status_notes(self, cited: list[Hit], lang: str) -> str:
        notes = []
        for passage in {h.passage.doc_id: h.passage for h in cited}.values():
            if passage.status == "in_force":
                continue
            meta = self.knowledge.document(passage.doc_id) or {}
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

    def _clause_passages(self, faq_source: str) -> list[Passage]:
        """The policy passages a FAQ entry says it rests on ("《title》三、保障措施 > （四）引培开源人才")."""
        sections = self._sections_by_title()
        out: list[Passage] = []
        title = ""
        for reference in re.split(r"[；;]", faq_source):
            title_match = re.search(r"《([^》]+)》", reference)
            title = _norm(title_match.group(1)) if title_match else title  # "《T》一、…；二、…" shares T
            section = _norm(re.sub(r"《[^》]+》", "", reference))
            if not section or not title:
                continue
            for passage_section, passage in sections.get(title, []):
                if passage_section == section or (passage_section.endswith(section) and len(section) > 4):
                    out.append(passage)
        return list({p.id: p for p in out}.values())[:3]

    def _sections_by_title(self) -> dict[str, list[tuple[str, Passage]]]:
        """Non-FAQ passages grouped by normalised document title; rebuilt when the snapshot changes."""
        snapshot = self.knowledge.snapshot
        cached = getattr(self, "_section_index", None)
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        table: dict[str, list[tuple[str, Passage]]] = {}
        for passage in snapshot.passages:
            if passage.kind != "faq":
                table.setdefault(_norm(passage.title), []).append((_norm(passage.section), passage))
        self._section_index = (snapshot, table)
        return table


def _lead(text: str, standalone: str | None, lang: str) -> str:
    """The line that says which question a rewritten follow-up was understood as."""
    if not standalone or standalone == text:
        return ""
    return f"（理解为：{standalone}）\n" if lang == "zh" else f"(Understood as: {standalone})\n"


def _judged(groups: QueryGroups) -> QueryGroups:
    """The words relevance is judged on: not the city's own name, not single characters."""
    return [g for g in groups if g[0] not in SCOPE_WORDS and not _single_cjk(g[0])]


def _single_cjk(token: str) -> bool:
    return len(token) == 1 and "\u4e00" <= token <= "\u9fff"


def _norm(text: str) -> str:
    return re.sub(r"[\s>]", "", text)


def _passage_tokens(passage: Passage) -> set[str]:
    tokens = passage.extra.get("tokens")
    return set(tokens.split()) if tokens else set(tokenize(f"{passage.title} {passage.section} {passage.text}"))


def _source(hit: Hit) -> Source:
    p = hit.passage
    return Source(id=p.id, title=p.title, section=p.section, text=p.text, score=round(hit.score, 4), url=p.url,
                  kind=p.kind, status=p.status)
