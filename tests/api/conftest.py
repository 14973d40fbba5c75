"""The real app around fake core services: protection and metrics as in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.api.app import create_app
from bot.api.metrics import install_metrics
from bot.api.protection import install_protection
from bot.services import Services
from bot.stores import InProcessStore
from bot.types import Answer, Question, Source
from tests.fakes import FakeAssistant, FakeQuestionLog, FakeSearcher
from tests.helpers import make_settings


def talent_answer(question: Question) -> Answer:
    if "weather" in question.text.lower():
        return Answer(answer="I can only answer open-source policy questions.", status="no_answer")
    return Answer(
        answer="开源人才可以申请人才公寓。",
        status="answered",
        understood_question=question.text,  # echoes user text back, as a rewritten follow-up would
        sources=[Source(id="p1", title="行动计划", section="人才", text="人才公寓", score=0.8)],
    )


def build(tmp_path: Path, *, store=None, assistant=None, metrics: bool = True, limiter=None, limit=None,
          routers=(), **settings_overrides):
    """The app with protection (and metrics) installed on a fake assistant; returns (app, services)."""
    settings = make_settings(tmp_path / "data", **settings_overrides)
    services = Services(settings=settings, assistant=assistant or FakeAssistant(talent_answer),
                        question_log=FakeQuestionLog(), searcher=FakeSearcher(),
                        store=store if store is not None else InProcessStore())
    app = create_app(services, routers=list(routers), protection=False)
    install_protection(app, settings, limiter=limiter, limit=limit)
    if metrics:
        install_metrics(app)
    return app, services


@pytest.fixture
def fake_assistant() -> FakeAssistant:
    return FakeAssistant(talent_answer)
