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
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from bot.api.deps import ServicesDep, SessionsDep, web_question
from bot.api.schemas import AskRequest
from bot.errors import YuanbotError
from bot.ports import Assistant
from bot.types import Answer, Question

log = logging.getLogger("yuanbot.api")

INTERNAL_ERROR = "internal error; it has been logged"


def sse(event: str, data: str) -> bytes:
    """One server-sent event; `data` is single-line JSON (json.dumps escapes newlines)."""
    return f"event: {event}\ndata: {data}\n\n".encode()


def _delta(text: str) -> bytes:
    return sse("delta", json.dumps({"text": text}, ensure_ascii=False))


async def _items(assistant: Assistant, question: Question) -> AsyncIterator[str | Answer]:
    """The assistant's stream, advanced in a worker thread (never on the event loop)."""
    items = assistant.stream(question)
    try:
        async for item in iterate_in_threadpool(items):
            yield item
    finally:
        try:
            items.close()  # type: ignore[attr-defined]  # a generator
        except (AttributeError, ValueError):  # not a generator, or still running in its thread: GC closes it
            pass


async def _events(request: Request, assistant: Assistant, question: Question,
                  session_id: str) -> AsyncIterator[bytes]:
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
    answer = answer.model_copy(update={"session_id": session_id})
    log.info("answered", extra={"channel": question.channel, "session": question.session_id,
                                "status": answer.status, "stream": True,
                                "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
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
    async def ask_stream(body: AskRequest, request: Request, services: ServicesDep,
                         sessions: SessionsDep) -> StreamingResponse:
        question, public_id = web_question(body, sessions, services.settings.max_question_chars)
        return StreamingResponse(
            _events(request, services.assistant, question, public_id), media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router
