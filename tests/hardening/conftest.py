"""Fixtures for the hardening tests: a fake assistant behind the real app, limits and metrics installed."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from bot.api.app import create_app
from bot.api.limits import install_limits
from bot.api.metrics import install_metrics
from bot.services import MemoryFeedback, Services
from bot.settings import Settings
from bot.store import MemoryStore
from bot.types import Answer, Hit, Passage, Question, Source


class HardeningSettings(Settings):
    """The settings the lead adds to bot.settings.Settings (declared here until then)."""

    rate_limit_per_minute: int = 120
    max_inflight_asks: int = 16
    max_body_bytes: int = 65536
    max_identify_body_bytes: int = 3 * 1024 * 1024
    trusted_proxies: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    admin_enabled: bool = False


def make_settings(tmp_path: Path, **overrides) -> HardeningSettings:
    return HardeningSettings(_env_file=None, data_dir=tmp_path / "data", **overrides)


class FakeAssistant:
    """Answers instantly; `gate` (an Event) makes every ask block until it is set."""

    def __init__(self) -> None:
        self.gate: threading.Event | None = None
        self.started = threading.Semaphore(0)
        self.questions: list[Question] = []

    def ask(self, question: Question) -> Answer:
        self.questions.append(question)
        self.started.release()
        if self.gate is not None:
            self.gate.wait(10)
        if "weather" in question.text.lower():
            return Answer(answer="I can only answer open-source policy questions.", status="no_answer")
        return Answer(
            answer="开源人才可以申请人才公寓。",
            status="answered",
            understood_question=question.text,  # echoes user text back, as a rewritten follow-up would
            sources=[Source(id="p1", title="行动计划", section="人才", text="人才公寓", score=0.8)],
        )

    def warm_up(self) -> None:  # pragma: no cover - parity with the real assistant
        pass


class FakeSearcher:
    def search(self, query: str, k: int = 5) -> list[Hit]:
        passage = Passage(id="p1", text="人才公寓", doc_id="d1", title="行动计划")
        return [Hit(passage=passage, score=0.5)][:k]


def build(tmp_path: Path, *, store=None, assistant=None, metrics: bool = True, clock=None, **settings_overrides):
    settings = make_settings(tmp_path, **settings_overrides)
    store = store if store is not None else MemoryStore()
    services = Services(settings=settings, assistant=assistant or FakeAssistant(), searcher=FakeSearcher(),
                        store=store, feedback=MemoryFeedback())
    app = create_app(services, protection=False)
    kwargs = {"clock": clock} if clock is not None else {}
    install_limits(app, settings, store, **kwargs)
    if metrics:
        install_metrics(app)
    return app, services


def client_for(app, peer: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=10)


@pytest.fixture
def fake_assistant() -> FakeAssistant:
    return FakeAssistant()
