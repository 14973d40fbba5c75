"""The FastAPI application: the public JSON API plus whatever routers the adapters bring."""

from __future__ import annotations

import logging
import time
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import __version__
from bot.api.deps import ServicesDep, SessionsDep, check_length, web_question
from bot.api.docs import install_docs
from bot.api.metrics import install_metrics
from bot.api.protection import install_json_errors, install_protection
from bot.api.routes_stream import build_stream_router
from bot.api.schemas import AskRequest, FeedbackRequest, Health, SearchHit, SearchResponse
from bot.api.sessions import WebSessions
from bot.errors import KnowledgeError, YuanbotError
from bot.services import Services
from bot.settings import secret_value
from bot.types import MAX_QUESTION_CHARS, Answer

log = logging.getLogger("yuanbot.api")

def _core_router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/ask", response_model=Answer, tags=["answers"], summary="Ask a question",
                 description="A grounded answer with numbered citations, or status `no_answer`. Licence "
                             "compatibility questions also fill `license_check` from the rule engine. "
                             "`session_id` in the answer continues the conversation when sent back.")
    async def ask(body: AskRequest, services: ServicesDep, sessions: SessionsDep) -> Answer:
        question, public_id = web_question(body, sessions, services.settings.max_question_chars)
        started = time.perf_counter()
        answer = await run_in_threadpool(services.assistant.ask, question)
        answer = answer.model_copy(update={"session_id": public_id})
        log.info("answered", extra={"channel": question.channel, "session": question.session_id,
                                    "status": answer.status,
                                    "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
        return answer

    @router.get("/api/search", response_model=SearchResponse, tags=["answers"], summary="Search the knowledge base")
    async def search(
        services: ServicesDep,
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS)],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> SearchResponse:
        check_length(q, services.settings.max_question_chars, ("query", "q"))
        if services.searcher is None:
            raise KnowledgeError("search is not available: the knowledge base is not loaded")
        hits = await run_in_threadpool(services.searcher.search, q, k)
        return SearchResponse(
            hits=[
                SearchHit(id=h.passage.id, title=h.passage.title, section=h.passage.section,
                          text=h.passage.text, score=round(h.score, 4), url=h.passage.url)
                for h in hits
            ]
        )

    @router.post("/api/feedback", status_code=204, tags=["feedback"], summary="Rate an answer 👍/👎")
    async def feedback(body: FeedbackRequest, services: ServicesDep, sessions: SessionsDep) -> None:
        session = sessions.internal(body.session_id) if body.session_id else None
        await run_in_threadpool(
            services.question_log.record_feedback, channel=body.channel, session_id=session,
            question=body.question, answer=body.answer, rating=body.rating)

    @router.get("/healthz", response_model=Health, tags=["ops"], summary="Readiness")
    async def healthz(services: ServicesDep) -> JSONResponse:
        if services.health is None:
            return JSONResponse(Health(status="ok").model_dump())
        try:
            info = await run_in_threadpool(services.health.health)
        except YuanbotError as exc:
            body = Health(status="unavailable", detail=str(exc)).model_dump() | {"message": str(exc)}
            return JSONResponse(body, status_code=503)
        return JSONResponse(Health(status="ok", **info).model_dump())

    return router


def create_app(services: Services, routers: list[APIRouter] | None = None, *, protection: bool = True) -> FastAPI:
    """The app; `protection=False` leaves out rate limits, shedding and metrics (tests add their own)."""
    settings = services.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with AsyncExitStack() as stack:
            for hook in services.lifespan_hooks:
                await stack.enter_async_context(hook())
            yield

    app = FastAPI(
        title="YuanBot 源问 API",
        version=__version__,
        description="Grounded answers on Nanjing's open-source policy, open-source licences and standards.",
        lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served from local assets by install_docs
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    app.state.services = services
    app.state.sessions = WebSessions(services.store, ttl=settings.session_ttl)
    # every route gets the body cap (a route may set a larger one, e.g. for pasted licence texts); set per
    # router rather than app-wide so that the 413 passes through TooLargeAsJson like any other response
    for router in [_core_router(), build_stream_router(), *(routers or [])]:
        app.include_router(router, max_body_size=settings.max_body_bytes)
    _install_error_handlers(app)
    install_json_errors(app, settings)
    if settings.docs_enabled:
        install_docs(app)
    if protection:
        install_protection(app, settings)
        install_metrics(app, token=secret_value(settings.metrics_token) or None)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    """Every error is JSON with a `message` a person can read; nothing else leaks."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        first = errors[0] if errors else {"msg": "invalid request"}
        message = f"{'.'.join(str(p) for p in first.get('loc', [])[1:]) or 'request'}: {first['msg']}"
        return JSONResponse({"detail": errors, "message": message}, status_code=422)

    @app.exception_handler(KnowledgeError)
    async def _knowledge(request: Request, exc: KnowledgeError) -> JSONResponse:
        log.error("knowledge base unavailable: %s", exc)
        return JSONResponse({"message": str(exc)}, status_code=503)

    @app.exception_handler(YuanbotError)
    async def _ours(request: Request, exc: YuanbotError) -> JSONResponse:
        return JSONResponse({"message": str(exc)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 413 and not isinstance(detail, dict):  # dict: an upload route's own message
            detail = "request body too large"
        message = detail.get("message") if isinstance(detail, dict) else str(detail)
        return JSONResponse({"detail": detail, "message": message}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"message": "internal error; it has been logged"}, status_code=500)
