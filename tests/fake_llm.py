"""A scriptable OpenAI-compatible chat server for the tests: real HTTP on loopback, uvicorn in a thread."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Self

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay: float = 0.0          # seconds before answering (timeouts)
    chunk_size: int = 8         # characters per streamed chunk


@dataclass
class FakeLLM:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests.clear()

    def _next(self) -> Reply:
        return self.replies.pop(0) if self.replies else Reply("(no scripted reply)")


def _completion(model: str, content: str) -> dict:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict, finish: str | None = None) -> str:
    body = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def make_app(state: FakeLLM) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request):
        body = await request.json()
        state.requests.append(body)
        reply = state._next()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        model = body.get("model", "fake")
        if reply.status != 200:
            return JSONResponse({"error": {"message": "scripted failure", "type": "server_error"}},
                                status_code=reply.status)
        if not body.get("stream"):
            return _completion(model, reply.content)

        async def events():
            yield _chunk(model, {"role": "assistant", "content": ""})
            text = reply.content
            for i in range(0, len(text), reply.chunk_size):
                yield _chunk(model, {"content": text[i : i + reply.chunk_size]})
            yield _chunk(model, {}, "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


class ServerThread:
    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("fake LLM server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()
