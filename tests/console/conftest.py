"""Fixtures of the console tests: a real knowledge base (real embeddings, small corpus) and the full app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.wiring import build_app

from .support import build_knowledge, built_components, console_settings


@pytest.fixture(scope="module")
def console(tmp_path_factory, embeddings):
    """(settings, components, app) over a fresh small knowledge base, one per test module."""
    tmp = tmp_path_factory.mktemp("console")
    build_knowledge(tmp / "knowledge")
    settings = console_settings(tmp)
    components = built_components(settings, embeddings)
    app = build_app(settings, warm_up=False, components=components)
    return settings, components, app


@pytest.fixture
def client(console):
    with TestClient(console[2], base_url="http://testserver") as test_client:
        yield test_client

