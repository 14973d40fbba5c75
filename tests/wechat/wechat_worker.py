"""One API process for the scale-out tests: the real app + WeChat router over a shared RedisStore.

    python tests/wechat/wechat_worker.py --name A --redis-url redis://… --prefix p: --port-file f

It binds a free loopback port, writes the port to --port-file, and serves until killed (ready: GET /healthz).
The assistant sleeps --delay seconds and counts its calls in Redis (`<prefix>assistant:calls`), so the
parent test sees how often the work ran across all processes.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import uvicorn

from adapters.wechat import build_wechat_router
from bot.api.app import create_app
from bot.services import Services
from bot.stores import RedisStore
from bot.types import Answer, Question
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.helpers import make_settings

CALLS_KEY = "assistant:calls"
RAN_ON_KEY = "assistant:ran-on"


def counting_answer(store: RedisStore, name: str, text: str):
    """A responder that counts every call in the shared store, so the test sees which worker answered."""

    def respond(question: Question) -> Answer:
        store.incr(CALLS_KEY, ttl=3600)
        store.set(f"{RAN_ON_KEY}:{name}", question.text, ttl=3600)
        return Answer(answer=text, status="answered", sources=[])

    return respond


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

    settings = make_settings(wechat_token=args.token, wechat_appid=args.appid,
                        wechat_aes_key=args.aes_key, wechat_budget_seconds=args.budget,
                        wechat_account_type="subscription")
    store = RedisStore.from_url(args.redis_url, prefix=args.prefix)
    assistant = FakeAssistant(counting_answer(store, args.name, args.answer), delay=args.delay)
    services = Services(settings=settings, assistant=assistant, store=store, question_log=FakeQuestionLog())
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
