"""Fixtures for memory, shared state and LLM tests: a throwaway redis-server and a fake LLM endpoint."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.redis_store import RedisStore
from bot.store import MemoryStore
from tests.netutil import free_port


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` (CI installs it)", pytrace=False)
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"redis://127.0.0.1:{port}/0"
    probe = RedisStore.from_url(url, socket_timeout=0.5)
    deadline = time.monotonic() + 10
    while not probe.ping():
        if proc.poll() is not None:
            pytest.fail(f"redis-server exited: {proc.stderr.read().decode(errors='replace')[:500]}", pytrace=False)
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("redis-server did not answer within 10 s", pytrace=False)
        time.sleep(0.05)
    probe.close()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def redis_store(redis_url):
    """A RedisStore with its own key prefix, so tests never see each other's keys."""
    from bot.redis_store import RedisStore as _RS

    store = _RS.from_url(redis_url, prefix=f"test:{uuid.uuid4().hex[:12]}:")
    yield store
    store.close()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        return MemoryStore()
    return request.getfixturevalue("redis_store")


@pytest.fixture
def fake_llm(fake_llm_server):
    fake_llm_server.script()
    yield fake_llm_server
    fake_llm_server.script()
