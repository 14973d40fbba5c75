"""One API process for the scale-out tests: the real app + WeChat router over a shared RedisStore.

    python tests/scaleout/wechat_worker.py --name A --redis-url redis://… --prefix p: --port-file f

It binds a free loopback port, writes the port to --port-file, and serves until killed (ready: GET /healthz).
The assistant sleeps --delay seconds and counts its calls in Redis (`<prefix>assistant:calls`), so the
parent test sees how often the work ran across all processes.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import uvicorn

from adapters.wechat import build_wechat_router
from bot.api.app import create_app
from bot.redis_store import RedisStore
from bot.services import Services
from bot.settings import Settings
from bot.types import Answer, Question

CALLS_KEY = "assistant:calls"
RAN_ON_KEY = "assistant:ran-on"


class SlowCountingAssistant:
    """Counts every call in the shared store, then answers `text` after `delay` seconds."""

    def __init__(self, store: RedisStore, name: str, text: str, delay: float):
        self.store, self.name, self.text, self.delay = store, name, text, delay

    def ask(self, question: Question) -> Answer:
        self.store.incr(CALLS_KEY, ttl=3600)
        self.store.set(f"{RAN_ON_KEY}:{self.name}", question.text, ttl=3600)
        time.sleep(self.delay)
        return Answer(answer=self.text, status="answered", sources=[])

    def warm_up(self) -> None:  # pragma: no cover - not used by create_app
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--appid", required=True)
    parser.add_argument("--aes-key", required=True)
    parser.add_argument("--answer", required=True)
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--budget", type=float, default=0.4)
    args = parser.parse_args()

    settings = Settings(_env_file=None, wechat_token=args.token, wechat_appid=args.appid,
                        wechat_aes_key=args.aes_key, wechat_budget_seconds=args.budget,
                        wechat_account_type="subscription")
    store = RedisStore.from_url(args.redis_url, prefix=args.prefix)
    assistant = SlowCountingAssistant(store, args.name, args.answer, args.delay)
    services = Services(settings=settings, assistant=assistant, store=store)
    app = create_app(services, routers=[build_wechat_router(settings, assistant, store)])

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    Path(args.port_file + ".tmp").write_text(str(port))
    Path(args.port_file + ".tmp").replace(args.port_file)  # atomic; the parent then polls /healthz
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).run(sockets=[sock])


if __name__ == "__main__":
    main()
