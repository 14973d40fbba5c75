"""Helpers shared by the test packages: settings, loopback servers, processes, the repository's paths."""

from __future__ import annotations

import contextlib
import select
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bot.api.server import SERVER_OPTIONS
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"
POLICY = KNOWLEDGE / "policy" / "nanjing-open-source-action-plan-2023-2025.md"
GROUPS = ("wechat", "telegram", "llm", "admin")


def make_settings(data_dir: Path | None = None, **values: Any) -> Settings:
    """Settings from the flat names the environment uses (`wechat_token=…` is `YUANBOT_WECHAT_TOKEN`),
    never read from a .env file or the environment of the machine running the tests."""
    flat: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        group, _, field = key.partition("_")
        if group in GROUPS and field:
            nested.setdefault(group, {})[field] = value
        else:
            flat[key] = value
    if data_dir is not None:
        flat["data_dir"] = data_dir
    return Settings(_env_file=None, **flat, **nested)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(app: Any, *, lifespan: str = "on", timeout: float = 30) -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = SERVER_OPTIONS | {"log_level": "warning", "lifespan": lifespan, "timeout_graceful_shutdown": 1}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), timeout, interval=0.01,
                   what="uvicorn to start")
        if not server.started:
            raise RuntimeError("uvicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05,
               what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


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


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def asgi_client(app: Any, peer: str = "203.0.113.7") -> httpx.AsyncClient:
    """An httpx client calling the app in process, as if from `peer`."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=10)


def stream_until_answered(sock: socket.socket, chunk: bytes, *, limit: int = 200 * 1024 * 1024) -> tuple[bytes, int]:
    """Send `chunk` as HTTP chunked body pieces until the server answers (or `limit` bytes went out): for
    upload caps that must cut a huge body off early. Returns (the first bytes of the response, bytes sent)."""
    sent = 0
    try:
        while sent < limit:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(10)
    response = b""
    with contextlib.suppress(OSError):
        response = sock.recv(65536)
    return response, sent
