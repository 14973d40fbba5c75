"""Issue 16 item 1 through HTTP: one `POST /api/ask` of 2,000 characters of number-like or id-like tokens
causes a bounded amount of work, counted (never timed) on the real assistant and licence engine:

- licence-name lookups (the engine's cached name index, hits and misses alike) stay within the reader's
  per-text budget, and "did you mean" suggestions (difflib, where the time went) are never computed;
- what reaches the embedding model is the question's bounded focus, not 2,000 characters.

bench/ask_cost.py measures the time; this test fails when a bound is removed.
"""

from __future__ import annotations

import difflib
import random
import string

import pytest
from fastapi.testclient import TestClient

from bot.answering.assistant import RetrievalAssistant
from bot.answering.evidence import FOCUS_CHARS
from bot.api.app import create_app
from bot.licenses import questions
from bot.licenses.engine import LicenseEngine
from bot.resources import license_data_dir, license_texts_dir
from bot.services import Services
from bot.types import MAX_QUESTION_CHARS
from tests.fakes import FakeQuestionLog


def fill(make, limit: int = MAX_QUESTION_CHARS) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < limit:
        parts.append(make())
    return " ".join(parts)[:limit]


def number_like(rng: random.Random) -> str:
    """~200 tokens such as `4821.37`, `GPL 3.14`, `v2.0.71`: what the probe sent."""
    return fill(lambda: rng.choice(["", "v", "GPL ", "MIT-", "Apache "]) + f"{rng.randint(0, 9999)}.{rng.randint(0, 99)}")


def id_like(rng: random.Random) -> str:
    """Upper-case ids that look like licences and are not: each one would be a lookup."""
    return fill(lambda: "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + f"-{rng.randint(1, 9)}.0")


class CountingEmbedder:
    """The real model, with every query text it is given recorded."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def served(small_kb):
    engine = LicenseEngine(license_data_dir(), license_texts_dir())  # its own caches, counted below
    embedder = CountingEmbedder(small_kb["index"].embeddings)
    assistant = RetrievalAssistant(small_kb["knowledge"], small_kb["searcher"], embedder, licences=engine)
    services = Services(settings=small_kb["settings"], assistant=assistant, licenses=engine,
                        question_log=FakeQuestionLog())
    with TestClient(create_app(services, protection=False)) as client:
        yield client, engine, embedder


def name_calls(engine: LicenseEngine) -> int:
    """Calls into the licence name index so far (cache hits and misses alike)."""
    return sum(info.hits + info.misses for info in (engine.catalog.lookup.cache_info(),
                                                    engine.catalog.family.cache_info()))


@pytest.mark.parametrize("make", [number_like, id_like])
@pytest.mark.parametrize("seed", [1, 2])
def test_an_adversarial_question_does_bounded_work(served, monkeypatch, make, seed):
    client, engine, embedder = served
    reader = engine.questions
    resolved: list[str] = []  # candidate strings resolved against the licence names (a token or an expression)
    for name in ("_token", "_expression"):
        real_resolve = getattr(reader, name)
        monkeypatch.setattr(reader, name, lambda text, _r=real_resolve: resolved.append(text) or _r(text))
    suggested = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: suggested.append(a) or real(*a, **k))
    question = make(random.Random(seed))
    assert len(question) == MAX_QUESTION_CHARS and len(question.split()) >= 150
    scans, calls, embedder.queries[:] = reader._scan.cache_info().misses, name_calls(engine), []
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    scans = reader._scan.cache_info().misses - scans
    calls = name_calls(engine) - calls
    # texts read for licences: the question (and at most one rewrite of it), each within the reader's budget
    assert 1 <= scans <= 2, scans
    assert len(resolved) <= scans * questions.MAX_CANDIDATES, len(resolved)
    assert calls <= 3 * len(resolved), (calls, len(resolved))  # a name, a family, an expression's operand
    assert suggested == []  # no "did you mean" while reading free text
    assert embedder.queries and all(len(q) <= 2 * FOCUS_CHARS for q in embedder.queries), \
        [len(q) for q in embedder.queries]
