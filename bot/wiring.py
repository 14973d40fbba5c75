"""The composition root: build the real collaborators from Settings (heavy imports happen here, lazily)."""

from __future__ import annotations

import logging
import os
from functools import cached_property

from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger("yuanbot.wiring")

LICENSE_DATA = PROJECT_ROOT / "knowledge" / "licenses" / "engine"
LICENSE_TEXTS = PROJECT_ROOT / "knowledge" / "licenses" / "texts"


class Components:
    """Lazily built, shared parts of a running YuanBot; one instance per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embeddings(self):
        from bot.retrieval.embedding import load_embeddings

        return load_embeddings(self.settings.embedding_model, self.settings.embed_batch_size,
                               self.settings.embed_threads)

    @cached_property
    def index(self):
        from bot.retrieval.chroma_index import ChromaIndex

        return ChromaIndex(self.settings, self.embeddings)

    def sync(self):
        from ingest.sync import KnowledgeSync

        return KnowledgeSync(self.index, self.settings.knowledge_dir)

    @cached_property
    def knowledge(self):
        from bot.retrieval.knowledge import KnowledgeBase

        return KnowledgeBase(self.index)

    @cached_property
    def searcher(self):
        from bot.retrieval.hybrid import HybridSearcher

        return HybridSearcher(self.knowledge, candidates=self.settings.candidates,
                              sparse_weight=self.settings.sparse_weight)

    @cached_property
    def licenses(self):
        from bot.licenses.engine import LicenseEngine

        return LicenseEngine.load(LICENSE_DATA, LICENSE_TEXTS)

    @cached_property
    def store(self):
        from bot.redis_store import make_store

        return make_store(self.settings)

    @cached_property
    def memory(self):
        from bot.memory import ConversationMemory

        return ConversationMemory(self.store, ttl=self.settings.session_ttl, max_turns=self.settings.session_max_turns)

    @cached_property
    def llm(self):
        if not (self.settings.llm_base_url and self.settings.llm_model):
            return None
        from bot.answering.llm import LLMGenerator

        return LLMGenerator.from_settings(self.settings)

    @cached_property
    def question_log(self):
        from bot.questionlog import QuestionLog

        return QuestionLog.from_settings(self.settings)

    @cached_property
    def assistant(self):
        from bot.answering.assistant import RetrievalAssistant
        from bot.answering.prompts import validate_all
        from bot.answering.recording import RecordingAssistant

        validate_all()
        core = RetrievalAssistant(self.knowledge, self.searcher, top_k=self.settings.top_k,
                                  contact=self.settings.contact, license_engine=self.licenses,
                                  memory=self.memory, llm=self.llm,
                                  slots=self.settings.answer_slots or os.cpu_count() or 1)
        return RecordingAssistant(core, self.question_log)


class SystemHealth:
    """/healthz: the index answers, the vector store is reachable, the shared store is reachable."""

    def __init__(self, components: Components) -> None:
        self.components = components

    def health(self) -> dict:
        from bot.errors import KnowledgeError
        from bot.redis_store import store_ping

        info = self.components.knowledge.health()
        try:
            self.components.index.client.heartbeat()
        except Exception as exc:
            raise KnowledgeError(f"the vector store is unreachable: {exc}") from exc
        if not store_ping(self.components.store):
            raise KnowledgeError("the shared store (Redis) is unreachable")
        return info


def build_services(settings: Settings, components: Components | None = None):
    from bot.services import Services

    parts = components or Components(settings)
    return Services(settings=settings, assistant=parts.assistant, searcher=parts.searcher,
                    knowledge=SystemHealth(parts), licenses=parts.licenses, store=parts.store,
                    feedback=parts.question_log, question_log=parts.question_log)


def build_app(settings: Settings, *, warm_up: bool = True):
    """The full HTTP app: the core API, licences, the web widget, and the chat adapters that are configured."""
    from adapters.web import apply_cors, build_web_router
    from bot.api.admin import build_admin_router, check_admin_token
    from bot.api.app import create_app
    from bot.api.routes_licenses import build_license_router

    check_admin_token(settings)
    components = Components(settings)
    services = build_services(settings, components)
    if warm_up:
        services.assistant.warm_up()
    from bot.api.routes_stream import build_stream_router

    routers = [build_license_router(services.licenses), build_stream_router(), build_web_router(settings)]
    if settings.admin_enabled:
        routers.append(build_admin_router(
            settings, services.question_log, ingest=lambda: _admin_ingest(components),
            ingest_status=lambda: components.index.state() | components.knowledge.health(),
            on_ingest=lambda ok: app.state.metrics.observe_ingest(ok)))
    from adapters.wechat.routes import build_wechat_router

    routers.append(build_wechat_router(settings, services.assistant, services.store))
    if settings.telegram_token and settings.telegram_webhook_secret:
        from adapters.telegram.webhook import build_telegram_webhook

        router, hook = build_telegram_webhook(settings, services.assistant, services.store, services.feedback)
        routers.append(router)
        services.lifespan_hooks.append(hook)
    app = create_app(services, routers=routers)
    apply_cors(app, settings)

    def count_chat_answers(question, answer) -> None:  # /api/ask counts its own in the route
        if question.channel != "api":
            app.state.metrics.observe_answer(answer.status, answer.mode, question.channel)

    if hasattr(services.assistant, "observers"):
        services.assistant.observers.append(count_chat_answers)
    return app


def _admin_ingest(components: Components) -> dict:
    """Sync the knowledge folder, then swap in a fresh snapshot for this process."""
    report = components.sync().sync([components.settings.knowledge_dir])
    components.knowledge.reload()
    return report.as_dict()
