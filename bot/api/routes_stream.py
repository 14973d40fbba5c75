"""POST /api/ask/stream: the /api/ask answer as server-sent events, text first, the full Answer last.

Events, in order:

* `event: delta`, `data: {"text": "..."}` — answer text as it is produced (zero or more);
* `event: answer`, `data: <Answer JSON>` — the complete answer, exactly what /api/ask would return. It is
  authoritative: when a streamed LLM answer fails the citation check, this is the extractive answer and
  the client replaces what it showed;
* or `event: error`, `data: {"message": "..."}` — instead of `answer`, when answering failed.

Validation errors are a 422 JSON response before any event, as on /api/ask.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from bot.api.schemas import AskRequest
from bot.errors import YuanbotError
from bot.types import Answer, Question

log = logging.getLogger("yuanbot.api")

INTERNAL_ERROR = "internal error; it has been logged"


def sse(event: str, data: str) -> bytes:
    """One server-sent event; `data` is single-line JSON (json.dumps escapes newlines)."""
    return f"event: {event}\ndata: {data}\n\n".encode()


def _delta(text: str) -> bytes:
    return sse("delta", json.dumps({"text": text}, ensure_ascii=False))


async def _items(assistant, question: Question) -> AsyncIterator[str | Answer]:
    """The assistant's `stream(question)` when it has one, else its `ask` answer as one piece; never on the loop."""
    stream = getattr(assistant, "stream", None)
    if not callable(stream):
        answer = await run_in_threadpool(assistant.ask, question)
        yield answer.answer
        yield answer
        return
    items: Iterator[str | Answer] = await run_in_threadpool(stream, question)
    try:
        async for item in iterate_in_threadpool(items):
            yield item
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            try:
                close()
            except ValueError:  # still running in its worker thread (client went away); GC closes it
                pass


async def _events(request: Request, assistant, question: Question) -> AsyncIterator[bytes]:
    started = time.perf_counter()
    answer: Answer | None = None
    try:
        async for item in _items(assistant, question):
            if isinstance(item, Answer):
                answer = item
                break
            if isinstance(item, str) and item:
                yield _delta(item)
        if answer is None:
            raise RuntimeError("the assistant's stream ended without an Answer")
    except YuanbotError as exc:  # ours: meant to be read (the JSON API shows them too)
        log.warning("stream failed: %s", exc)
        yield sse("error", json.dumps({"message": str(exc)}, ensure_ascii=False))
        return
    except Exception:
        log.exception("stream failed on %s", request.url.path)
        yield sse("error", json.dumps({"message": INTERNAL_ERROR}))
        return
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    log.info("answered", extra={"channel": "api", "session": question.session_id, "status": answer.status,
                                "latency_ms": latency_ms, "stream": True})
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.observe_answer(answer.status, answer.mode, "api")
    yield sse("answer", answer.model_dump_json())


def build_stream_router() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/api/ask/stream", tags=["answers"], summary="Ask a question, streamed (server-sent events)",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}},
                         "description": "`delta` events ({\"text\"}), then one `answer` event (the Answer JSON, "
                                        "authoritative) or one `error` event ({\"message\"})."}},
    )
    async def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
        if not body.question.strip():
            raise RequestValidationError([{"loc": ("body", "question"), "msg": "question is empty", "type": "value_error"}])
        assistant = request.app.state.services.assistant
        question = Question(text=body.question, session_id=body.session_id, channel="api")
        return StreamingResponse(
            _events(request, assistant, question), media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router
