"""Fixtures shared by several test packages."""

from __future__ import annotations

import pytest

from tests.memory.fake_llm import FakeLLM, ServerThread, make_app


@pytest.fixture(scope="session")
def fake_llm_server():
    """A scriptable OpenAI-compatible chat server on loopback (real HTTP, for the real langchain client)."""
    state = FakeLLM()
    with ServerThread(make_app(state)) as server:
        state.url = f"http://127.0.0.1:{server.port}/v1"
        yield state
