"""The FastAPI application: the public JSON API plus whatever routers the adapters bring."""

from __future__ import annotations

import logging
import time
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import __version__
from bot.api.limits import install_limits
from bot.api.metrics import install_metrics
from bot.api.schemas import AskRequest, FeedbackRequest, Health, SearchHit, SearchResponse
from bot.errors import KnowledgeError, YuanbotError
from bot.services import Services
from bot.types import Answer, Question

log = logging.getLogger("yuanbot.api")


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def _core_router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/ask", response_model=Answer, tags=["answers"], summary="Ask a question",
                 description="A grounded answer with numbered citations, or status `no_answer`. Licence "
                             "compatibility questions also fill `license_check` from the rule engine.")
    async def ask(body: AskRequest, request: Request, services: ServicesDep) -> Answer:
        if not body.question.strip():
            raise RequestValidationError([{"loc": ("body", "question"), "msg": "question is empty", "type": "value_error"}])
        question = Question(text=body.question, session_id=body.session_id, channel="api")
        started = time.perf_counter()
        answer = await run_in_threadpool(services.assistant.ask, question)
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info("answered", extra={"channel": "api", "session": body.session_id, "status": answer.status,
                                    "latency_ms": latency_ms})
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.observe_answer(answer.status, answer.mode, "api")
        return answer

    @router.get("/api/search", response_model=SearchResponse, tags=["answers"], summary="Search the knowledge base")
    async def search(
        services: ServicesDep,
        q: Annotated[str, Query(min_length=1, max_length=2000)],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> SearchResponse:
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
    async def feedback(body: FeedbackRequest, services: ServicesDep) -> None:
        services.feedback.record_feedback(
            channel=body.channel, session_id=body.session_id, question=body.question,
            answer=body.answer, rating=body.rating,
        )

    @router.get("/healthz", response_model=Health, tags=["ops"], summary="Readiness")
    async def healthz(services: ServicesDep) -> JSONResponse:
        if services.knowledge is None:
            return JSONResponse(Health(status="ok").model_dump())
        try:
            info = await run_in_threadpool(services.knowledge.health)
        except YuanbotError as exc:
            body = Health(status="unavailable", detail=str(exc)).model_dump() | {"message": str(exc)}
            return JSONResponse(body, status_code=503)
        return JSONResponse(Health(status="ok", **info).model_dump())

    return router


def create_app(services: Services, routers: list[APIRouter] | None = None, *, protection: bool = True) -> FastAPI:
    """The app; `protection=False` leaves out rate limits, body caps, shedding and metrics (tests add their own)."""
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
    )
    app.state.services = services
    app.include_router(_core_router())
    for router in routers or []:
        app.include_router(router)

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
        message = detail.get("message") if isinstance(detail, dict) else str(detail)
        return JSONResponse({"detail": detail, "message": message}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"message": "internal error; it has been logged"}, status_code=500)

    if protection:
        install_limits(app, services.settings, services.store)
        install_metrics(app, token=services.settings.metrics_token)
    return app
