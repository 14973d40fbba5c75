"""Fixtures for scale-out tests: real redis-server / `chroma run` processes and separate API processes.

Everything listens on loopback ports chosen at start-up; every process is killed in teardown.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.redis_store import RedisStore
from tests.netutil import free_port  # re-exported for the scale-out tests

HERE = Path(__file__).resolve().parent

PROJECT_ROOT = HERE.parents[1]


def stop_process(proc: subprocess.Popen | None, timeout: float = 10) -> None:
    """Terminate one process we started (by its handle), killing it if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- redis ---------------------------------------------------------------------------------------
@dataclass
class RedisServer:
    """A redis-server on a fixed loopback port that a test may stop and start again."""

    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: `apt-get install redis-server` (CI installs it)",
                        pytrace=False)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        probe = RedisStore.from_url(self.url, socket_timeout=0.5)
        try:
            deadline = time.monotonic() + timeout
            while not probe.ping():
                if self.proc.poll() is not None:
                    pytest.fail(f"redis-server exited: {self.proc.stderr.read().decode(errors='replace')[:500]}",
                                pytrace=False)
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"redis-server did not answer within {timeout:.0f} s", pytrace=False)
                time.sleep(0.05)
        finally:
            probe.close()

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One redis-server for the session (tests isolate themselves with key prefixes)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server for one test only, which the test may stop and restart (same port)."""
    server = RedisServer(tmp_path / "redis")
    server.workdir.mkdir()
    server.start()
    yield server
    server.stop()


# --- uvicorn in a thread ---------------------------------------------------------------------------
@contextlib.contextmanager
def serve(app, timeout: float = 30):
    """Run `app` with uvicorn on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), timeout, what="uvicorn to start")
        if not server.started:
            raise RuntimeError("uvicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
