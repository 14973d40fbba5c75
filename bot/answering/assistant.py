"""The Assistant: route a question to the licence engine, document metadata or grounded retrieval.

Every answer is built from the knowledge base: licence verdicts from the rule engine, document facts
from the manifest, everything else from retrieved passages quoted with citations. Below the relevance
gate the answer is an honest `no_answer`: near it, with the closest questions the knowledge base does
answer ("did you mean", picked by number in the next message); far from it, with what the assistant
covers. An optional LLM only rephrases the same passages, and its answer is used only when every
citation checks out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator as Gen
from collections.abc import Iterator

from bot.answering.audit_pointer import audit_pointer
from bot.answering.citations import CitationCheck, SentenceSplitter
from bot.answering.clause_digest import ClauseDigest, asks_only_for_clause
from bot.answering.clauses import ClauseIndex
from bot.answering.compose import AnswerComposer
from bot.answering.documents import document_aspects
from bot.answering.evidence import EvidenceFinder, Retrieval, focus
from bot.answering.extractive import SentenceVectors
from bot.answering.faq_bank import FaqBank
from bot.answering.faq_match import FaqMatcher
from bot.answering.licence import LicenceAnswers
from bot.answering.licence_facts import LicenceFactAnswers
from bot.answering.licence_facts_data import FactsFile, LicenceFacts
from bot.answering.licence_names import LicenceNames
from bot.answering.named_clauses import NamedClauses
from bot.answering.suggestions import Suggester, chosen_suggestion
from bot.conversation import make_turn
from bot.errors import GenerationError
from bot.ports import Conversation, Corpus, Embedder, Generator, LicenseAdvisor, Searcher
from bot.text import question_language
from bot.types import Answer, Hit, Passage, Question, Turn

log = logging.getLogger("yuanbot.assistant")

WARM_UP_QUESTION = "开源人才有哪些支持政策？"


class RetrievalAssistant:
    """Implements the Assistant port."""

    def __init__(self, corpus: Corpus, searcher: Searcher, embedder: Embedder, *, top_k: int = 5,
                 contact: str = "", licences: LicenseAdvisor | None = None,
                 licence_facts: LicenceFacts | None = None,
                 conversation: Conversation | None = None, generator: Generator | None = None,
                 slots: int = 2) -> None:
        self.corpus = corpus
        self.top_k = top_k
        self.conversation = conversation
        self.generator = generator
        # CPU-bound work: more questions at once than cores only makes every one of them slower
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self.sentence_vectors = SentenceVectors(embedder.embed_documents)
        clauses = ClauseIndex(corpus)
        names = LicenceNames(licences) if licences is not None else None
        self.faq_bank = FaqBank(corpus, self.sentence_vectors)
        self.evidence = EvidenceFinder(corpus, searcher, embedder, clauses, self.faq_bank,
                                       FaqMatcher(corpus, self.sentence_vectors), NamedClauses(clauses, names))
        self.suggester = Suggester(self.faq_bank)
        self.composer = AnswerComposer(corpus, clauses, self.sentence_vectors, top_k=top_k, contact=contact)
        self.names = names
        self.digest = ClauseDigest(corpus, clauses, self.composer)
        self.facts = LicenceFactAnswers(licence_facts or LicenceFacts(FactsFile()), licences, clauses, names) \
            if licences is not None else None
        self.licences = LicenceAnswers(licences, corpus, self.facts) if licences is not None else None

    def warm_up(self) -> None:
        """Load the snapshot and embed the sentences of policy and FAQ passages before the first user."""
        sentences = []
        for passage in self.corpus.passages():
            if passage.kind in ("policy", "faq"):
                sentences.extend(c.text for c in self.composer.extractive.candidates([Hit(passage=passage, score=0)]))
                if passage.extra.get("faq_question"):
                    sentences.append(passage.extra["faq_question"])
        self.sentence_vectors.warm(sentences)
        self.ask(Question(text=WARM_UP_QUESTION))

    def retrieve(self, text: str) -> Retrieval:
        return self.evidence.retrieve(text)

    # --- the Assistant port ----------------------------------------------------------------
    def ask(self, question: Question) -> Answer:
        started = time.perf_counter()
        text, lang, history = self._begin(question)
        picked, lang = self._picked(question, text, history, lang)
        with self._slots:
            standalone = picked or self._standalone(text, history, lang)
            query = standalone or text
            answer = self._licence(query, lang)
            if answer is None:
                answer, retrieval = self._grounded(query, lang)
                if retrieval is not None and self.generator is not None:
                    answer = self._generated(query, retrieval, lang) or answer
        return self._finish(question, text, standalone, answer, lang, started)

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """`ask`, with an LLM answer yielded sentence by sentence as it is produced; the last item is the Answer.

        Each sentence is checked (cites a passage it agrees with, quotes only links from it) before it is
        yielded, so no unchecked text reaches the client. The Answer is authoritative: when the LLM fails
        (endpoint error, a sentence or the whole answer failing the check), it is the extractive answer and
        the caller replaces the checked sentences it showed. Without an LLM, and for licence, document,
        refusal and extractive-only answers, the whole text comes as one piece. Nothing is yielded while
        the CPU slot is held, so a client that goes away never keeps it.
        """
        started = time.perf_counter()
        text, lang, history = self._begin(question)
        picked, lang = self._picked(question, text, history, lang)
        retrieval = None
        with self._slots:
            standalone = picked or self._standalone(text, history, lang)
            query = standalone or text
            answer = self._licence(query, lang)
            if answer is None:
                answer, retrieval = self._grounded(query, lang)
        if retrieval is None or self.generator is None:  # nothing for an LLM to phrase: one piece
            answer = self._finish(question, text, standalone, answer, lang, started, streamed=True)
            yield answer.answer
            yield answer
            return
        lead = _lead(text, standalone, lang)
        if lead:
            yield lead
        hits = retrieval.hits[: self.top_k]
        try:
            body = yield from self._checked_sentences(query, [h.passage for h in hits], lang)
            answer = self.composer.generated(body, hits, lang)
        except GenerationError as exc:
            log.info("llm fallback to extractive", extra={"reason": str(exc)})
        yield self._finish(question, text, standalone, answer, lang, started, streamed=True)

    def _checked_sentences(self, query: str, passages: list[Passage], lang: str) -> Gen[str, None, str]:
        """Yield the LLM's sentences one by one, each only after it passed the check; return the whole text.
        GenerationError as soon as a sentence (or, at the end, the whole answer) fails."""
        assert self.generator is not None
        check, splitter, shown = CitationCheck(passages), SentenceSplitter(), []

        def checked(sentence: str) -> str:
            reason = check.text(sentence)
            if reason:
                raise GenerationError(f"LLM answer rejected: {reason}")
            shown.append(sentence)
            return sentence

        for piece in self.generator.stream_answer(query, passages, lang):
            for sentence in splitter.feed(piece):
                yield checked(sentence)
        rest = splitter.rest()
        if rest:
            yield checked(rest)
        body = "".join(shown).strip()
        reason = check.answer(body)
        if reason:
            raise GenerationError(f"LLM answer rejected: {reason}")
        return body

    # --- steps ---------------------------------------------------------------------------------
    def _begin(self, question: Question) -> tuple[str, str, list[Turn]]:
        text = question.text.strip()
        lang = question.lang or question_language(text)
        history = self.conversation.history(question.session_id) if self.conversation else []
        return text, lang, history

    def _finish(self, question: Question, text: str, standalone: str | None, answer: Answer, lang: str,
                started: float, **log_extra: object) -> Answer:
        """Say which question was understood, remember the turn, log it: the same for ask and stream."""
        lead = _lead(text, standalone, lang)
        if lead:
            answer.understood_question = standalone
            answer.answer = lead + answer.answer
        if self.conversation and question.session_id:
            self.conversation.remember(question.session_id, make_turn(text, standalone, answer))
        log.info("ask", extra={"channel": question.channel, "session": question.session_id,
                               "status": answer.status, "mode": answer.mode, **log_extra,
                               "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
        return answer

    @staticmethod
    def _picked(question: Question, text: str, history: list[Turn], lang: str) -> tuple[str | None, str]:
        """The suggestion a reply such as "1" picks (answered in that question's language), or None."""
        picked = chosen_suggestion(text, history)
        if picked is None or question.lang:
            return picked, lang
        return picked, question_language(picked)

    def _standalone(self, text: str, history: list[Turn], lang: str) -> str | None:
        """A follow-up rewritten into a question that stands alone (None when it already does)."""
        if not history or self.conversation is None:
            return None
        rewritten = self.conversation.standalone(text, history)
        if self.generator is not None and rewritten is not None:
            try:
                return self.generator.condense(text, history, lang) or rewritten
            except GenerationError as exc:
                log.info("llm condense failed; using the rule-based rewrite", extra={"reason": str(exc)})
        return rewritten

    def _answerable(self, question: str) -> bool:
        """A suggestion must not be a question the licence route turns down (e.g. "GPL" without a version)."""
        routed = self._licence(question, question_language(question))
        return routed is None or routed.status == "answered"

    def _licence(self, text: str, lang: str) -> Answer | None:
        """A whole-SBOM request goes to the audit; a pair question to the rule engine; a question about
        a licence's facts (what it is, its duties, patents, X vs Y) to the facts with their clauses."""
        if self.licences is None or self.facts is None:
            return None
        return audit_pointer(text, lang) or self.licences.answer(text, lang) or self.facts.answer(text, lang)

    def _grounded(self, text: str, lang: str) -> tuple[Answer, Retrieval | None]:
        """The answer without an LLM, and the retrieval an LLM may phrase it from (None when it may not:
        document facts, refusals, or nothing answered)."""
        text = focus(text)
        retrieval = self.evidence.retrieve(text)
        aspects = document_aspects(text)
        if aspects:
            answer = self.composer.document(retrieval, aspects, lang)
            if answer:
                return answer, None
        if not retrieval.hits or not retrieval.relevance.passes or retrieval.other_places:
            log.info("refused", extra={"relevance": retrieval.relevance.as_dict(),
                                       "other_places": sorted(retrieval.other_places)})
            return self.suggester.offer(retrieval, lang, self._answerable) or self.composer.refusal(lang), None
        answer = (self.digest.answer(retrieval, lang, self._only_the_clause(retrieval))
                  or self.composer.faq(retrieval, lang) or self.composer.quoted(text, retrieval, lang))
        return answer, retrieval if answer.status == "answered" else None

    def _only_the_clause(self, retrieval: Retrieval) -> bool:
        """Does the question name a clause and ask nothing more specific than what it says?"""
        if not retrieval.named or self.names is None:
            return False
        spans = [(m.start, m.end) for m in self.names.mentions(retrieval.text)]
        return asks_only_for_clause(retrieval.text, spans)

    def _generated(self, text: str, retrieval: Retrieval, lang: str) -> Answer | None:
        """A fluent answer over the same passages; any failure falls back to the extractive answer."""
        assert self.generator is not None
        hits = retrieval.hits[: self.top_k]
        try:
            body = self.generator.answer(text, [h.passage for h in hits], lang)
        except GenerationError as exc:
            log.info("llm fallback to extractive", extra={"reason": str(exc)})
            return None
        return self.composer.generated(body, hits, lang)


def _lead(text: str, standalone: str | None, lang: str) -> str:
    """The line that says which question a rewritten follow-up was understood as."""
    if not standalone or standalone == text:
        return ""
    return f"（理解为：{standalone}）\n" if lang == "zh" else f"(Understood as: {standalone})\n"
