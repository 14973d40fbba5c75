"""The composition root: build the real collaborators from Settings (heavy imports happen here, lazily)."""

from __future__ import annotations

import logging
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

        return load_embeddings(self.settings.embedding_model, self.settings.embed_batch_size)

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

        return HybridSearcher(self.knowledge, candidates=self.settings.candidates)

    @cached_property
    def licenses(self):
        from bot.licenses.engine import LicenseEngine

        return LicenseEngine.load(LICENSE_DATA, LICENSE_TEXTS)

    @cached_property
    def store(self):
        from bot.store import MemoryStore

        return MemoryStore()

    @cached_property
    def assistant(self):
        from bot.answering.assistant import RetrievalAssistant
        from bot.answering.prompts import validate_all

        validate_all()
        return RetrievalAssistant(self.knowledge, self.searcher, top_k=self.settings.top_k,
                                  contact=self.settings.contact, license_engine=self.licenses)


def build_services(settings: Settings, components: Components | None = None):
    from bot.services import Services

    parts = components or Components(settings)
    return Services(settings=settings, assistant=parts.assistant, searcher=parts.searcher,
                    knowledge=parts.knowledge, licenses=parts.licenses, store=parts.store)


def build_app(settings: Settings, *, warm_up: bool = True):
    """The full HTTP app: the core API, licences, the web widget, and the chat adapters that are configured."""
    from adapters.web import apply_cors, build_web_router
    from bot.api.app import create_app
    from bot.api.routes_licenses import build_license_router

    components = Components(settings)
    services = build_services(settings, components)
    if warm_up:
        services.assistant.warm_up()
    routers = [build_license_router(services.licenses), build_web_router(settings)]
    from adapters.wechat.routes import build_wechat_router

    routers.append(build_wechat_router(settings, services.assistant, services.store))
    if settings.telegram_token and settings.telegram_webhook_secret:
        from adapters.telegram.webhook import build_telegram_webhook

        router, hook = build_telegram_webhook(settings, services.assistant, services.store, services.feedback)
        routers.append(router)
        services.lifespan_hooks.append(hook)
    app = create_app(services, routers=routers)
    apply_cors(app, settings)
    return app
