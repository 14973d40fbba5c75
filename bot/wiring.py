"""The composition root: the one place that builds concrete classes from Settings and hands out ports.

Everything else depends on `bot.ports` only. Heavy libraries (torch via sentence-transformers, chromadb,
langchain, wechatpy, telegram) are imported when the part that needs them is first built, so
`yuanbot license check` starts in a fraction of a second.
"""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI

from bot.answering.recording import AnswerObserver, RecordingAssistant
from bot.errors import KnowledgeError, YuanbotError
from bot.logging_setup import configure_logging
from bot.ports import (
    Assistant,
    Conversation,
    Corpus,
    Embedder,
    Generator,
    KeyValueStore,
    LicenseAdvisor,
    Searcher,
)
from bot.questionlog import QuestionLog
from bot.resources import bundled_knowledge_dir, licence_facts_file, license_data_dir, license_texts_dir
from bot.services import Services
from bot.settings import Settings

if TYPE_CHECKING:  # the concrete classes are imported where they are built (heavy libraries load on first use)
    from adapters.console.services import StaffServices
    from bot.answering.assistant import RetrievalAssistant
    from bot.retrieval.chroma_index import ChromaIndex
    from bot.retrieval.knowledge import KnowledgeBase
    from ingest.catalog import FailureLedger
    from ingest.jobs import IngestJobs
    from ingest.lock import IngestLock
    from ingest.sync import KnowledgeSync

log = logging.getLogger("yuanbot.wiring")


class Components:
    """Lazily built, shared parts of a running YuanBot; one instance per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.answer_observers: list[AnswerObserver] = []  # e.g. metrics, told of every channel's answers

    @property
    def knowledge_dir(self) -> Path:
        return self.settings.knowledge_dir or bundled_knowledge_dir()

    @cached_property
    def embedder(self) -> Embedder:
        from bot.retrieval.embedding import load_embeddings

        return load_embeddings(self.settings.embedding_model, self.settings.embed_batch_size,
                               self.settings.embed_threads)

    @cached_property
    def index(self) -> ChromaIndex:  # the Chroma index: ingest writes it, the knowledge base reads it
        from bot.retrieval.chroma_index import ChromaIndex

        return ChromaIndex(self.settings, self.embedder)

    def sync(self) -> KnowledgeSync:
        from ingest.sync import KnowledgeSync

        return KnowledgeSync(self.index, self.knowledge_dir, max_document_bytes=self.settings.max_document_bytes)

    @cached_property
    def knowledge(self) -> KnowledgeBase:  # the Corpus, plus reload() for ingest jobs
        from bot.retrieval.knowledge import KnowledgeBase

        return KnowledgeBase(self.index)

    @property
    def corpus(self) -> Corpus:
        return self.knowledge

    @cached_property
    def searcher(self) -> Searcher:
        from bot.retrieval.hybrid import HybridSearcher

        return HybridSearcher(self.knowledge, candidates=self.settings.candidates,
                              sparse_weight=self.settings.sparse_weight)

    @cached_property
    def licences(self) -> LicenseAdvisor:
        from bot.licenses.engine import LicenseEngine

        return LicenseEngine(license_data_dir(), license_texts_dir())

    @cached_property
    def store(self) -> KeyValueStore:
        from bot.stores import make_store

        return make_store(self.settings.redis_url)

    @cached_property
    def conversation(self) -> Conversation:
        from bot.conversation import SessionConversation, SessionHistory

        history = SessionHistory(self.store, ttl=self.settings.session_ttl,
                                 max_turns=self.settings.session_max_turns)
        return SessionConversation(history, self.licences)

    @cached_property
    def generator(self) -> Generator | None:
        if not self.settings.llm.enabled:
            return None
        from bot.answering.llm import LLMGenerator

        return LLMGenerator.from_settings(self.settings.llm)

    @cached_property
    def question_log(self) -> QuestionLog:
        return QuestionLog(self.settings.data_dir)

    @cached_property
    def core_assistant(self) -> RetrievalAssistant:  # also warmed up and used by the calibration bench
        from bot.answering.assistant import RetrievalAssistant
        from bot.answering.licence_facts_data import LicenceFacts
        from bot.answering.prompts import validate_all

        validate_all()
        return RetrievalAssistant(self.corpus, self.searcher, self.embedder, top_k=self.settings.top_k,
                                  contact=self.settings.contact, licences=self.licences,
                                  licence_facts=LicenceFacts.load(licence_facts_file()),
                                  conversation=self.conversation, generator=self.generator,
                                  slots=self.settings.answer_slots or os.cpu_count() or 1)

    @cached_property
    def assistant(self) -> Assistant:
        return RecordingAssistant(self.core_assistant, self.question_log, self.answer_observers)

    @cached_property
    def auditor(self):  # the dependency audit over the licence engine, one verdict cache per process
        from bot.licenses.audit import Auditor

        return Auditor(self.licences, license_texts_dir())

    def audit_runner(self, data: bytes, filename: str, outbound: str, use: str | None):
        return self.auditor.audit_bytes(data, outbound, use, filename=filename)

    def health(self) -> SystemHealth:
        return SystemHealth(self)

    # --- keeping the knowledge base current (admin API, staff console, CLI) --------------------
    @cached_property
    def ingest_lock(self) -> IngestLock:
        from ingest.lock import make_ingest_lock

        return make_ingest_lock(self.settings)

    @cached_property
    def failure_ledger(self) -> FailureLedger:
        from ingest.catalog import FailureLedger

        return FailureLedger(self.settings.data_dir)

    @cached_property
    def ingest_jobs(self) -> IngestJobs:
        from ingest.jobs import IngestJobs

        return IngestJobs(self.store, self.ingest_lock, self.sync, self.knowledge.reload, self.failure_ledger,
                          settle_seconds=self.knowledge.refresh_interval)

    @cached_property
    def staff(self) -> StaffServices:
        from adapters.console.services import StaffServices
        from bot.audit_log import AuditLog
        from bot.faq_editor import FaqReviewer
        from ingest.catalog import DocumentCatalog
        from ingest.changes import KnowledgeEditor
        from ingest.faq import faq_entries_of

        catalog = DocumentCatalog(self.sync(), self.failure_ledger)
        entries = faq_entries_of(catalog.root)
        core = self.core_assistant
        reviewer = FaqReviewer(self.corpus, core.sentence_vectors.vectors, entries,
                               status_notes=core.composer.status_notes, ask=core.ask)
        return StaffServices(settings=self.settings, store=self.store, catalog=catalog,
                             editor=KnowledgeEditor(catalog), jobs=self.ingest_jobs, faq=reviewer,
                             question_log=self.question_log, audit_log=AuditLog(self.settings.data_dir))


class SystemHealth:
    """/healthz: the index answers, the vector store is reachable, the shared store is reachable."""

    def __init__(self, components: Components) -> None:
        self.components = components

    def health(self) -> dict:
        info = self.components.knowledge.health()
        try:
            self.components.index.client.heartbeat()
        except Exception as exc:
            raise KnowledgeError(f"the vector store is unreachable: {exc}") from exc
        if not self.components.store.ping():
            raise KnowledgeError("the shared store (Redis) is unreachable")
        return info


def build_services(settings: Settings, components: Components | None = None) -> Services:
    parts = components or Components(settings)
    return Services(settings=settings, assistant=parts.assistant, question_log=parts.question_log,
                    searcher=parts.searcher, health=parts.health(), licenses=parts.licences, store=parts.store,
                    audit=parts.audit_runner)


def build_app(settings: Settings, *, warm_up: bool = True, components: Components | None = None) -> FastAPI:
    """The full HTTP app: the core API, licences, the web widget, and the chat adapters that are configured."""
    from adapters.console import build_console_router
    from adapters.web import apply_cors, build_web_router
    from adapters.wechat.routes import build_wechat_router
    from bot.api.admin import build_admin_router
    from bot.api.app import create_app
    from bot.api.routes_audit import build_audit_router
    from bot.api.routes_licenses import build_license_router
    from bot.api.tokens import check_admin_token

    check_admin_token(settings.admin)
    components = components or Components(settings)
    services = build_services(settings, components)
    if warm_up:
        components.core_assistant.warm_up()
    routers = [build_audit_router(services.licenses, license_texts_dir(), settings.audit_max_upload_bytes,
                                  auditor=components.auditor),
               build_license_router(services.licenses, max_identify_bytes=settings.max_identify_body_bytes),
               build_web_router(settings),
               build_wechat_router(settings, services.assistant, services.store,
                                   forget_session=lambda session: components.conversation.forget(session))]
    if settings.admin.enabled:
        routers.append(build_admin_router(
            settings, services.question_log, ingest=lambda: _admin_ingest(components),
            ingest_status=lambda: components.index.state() | components.knowledge.health()))
        routers.append(build_console_router(components.staff))  # the staff console, beside the admin API
        components.ingest_jobs.observers.append(lambda job: app.state.metrics.observe_ingest(job.state == "done"))
    if settings.telegram.token and settings.telegram.webhook_secret:
        from adapters.telegram.webhook import build_telegram_webhook

        router, hook = build_telegram_webhook(settings, services.assistant, services.store, services.question_log,
                                              audit=services.audit)
        routers.append(router)
        services.lifespan_hooks.append(hook)
    app = create_app(services, routers=routers)
    apply_cors(app, settings)

    def count_answer(question, answer) -> None:  # every channel's answers, in one place
        app.state.metrics.observe_answer(answer.status, answer.mode, question.channel)

    components.answer_observers.append(count_answer)
    return app


def asgi_app() -> FastAPI:
    """The ASGI factory for `uvicorn.run("bot.wiring:asgi_app", factory=True)` (each worker builds its own)."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    return build_app(settings)


def _admin_ingest(components: Components) -> dict:
    """Sync the knowledge folder as a job (the shared ingest lock, then a fresh snapshot); its result."""
    from ingest.changes import Change

    job = components.ingest_jobs.run("sync", "sync the knowledge folder", "admin API",
                                     lambda: Change(paths=[components.knowledge_dir]))
    if job.state != "done" or job.result is None:
        raise YuanbotError(job.error or "the ingest failed")
    return job.result.as_dict()
