"""What people ask (the `yuanbot report` data for the charts and lists), CSV exports, and the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from adapters.console.common import ConsoleContext, problem
from bot.api.admin import to_csv
from bot.questionlog import Report, parse_since

ExportKind = Literal["questions", "feedback", "todo", "changes"]


def _todo_rows(report: Report) -> list[dict]:
    """The FAQ to-do lists as rows: list, count, most common wording, the other wordings."""
    rows = []
    for name, groups in (("unanswered", report.unanswered), ("downvoted", report.downvoted)):
        for group in groups:
            rows.append({"list": name, "count": group.count, "question": group.example,
                         "other_wordings": " | ".join(v for v in group.variants if v != group.example)})
    return rows


def build_report_router(ctx: ConsoleContext) -> APIRouter:
    services = ctx.services
    router = APIRouter(prefix="/admin/api", include_in_schema=False)

    def period(since: str):
        try:
            return parse_since(since)
        except ValueError as exc:
            raise problem(422, "bad_period", str(exc)) from None

    @router.get("/report")
    async def report(request: Request, since: str = Query("7d", max_length=20),
                     limit: int = Query(20, ge=1, le=200)) -> JSONResponse:
        await ctx.caller(request)
        result = await run_in_threadpool(services.question_log.report, period(since), limit=limit)
        return JSONResponse(result.to_dict())

    @router.get("/export")
    async def export(request: Request, kind: Annotated[ExportKind, Query()] = "questions",
                     since: Annotated[str, Query(max_length=20)] = "7d") -> Response:
        staff = await ctx.caller(request)
        delta = period(since)
        if kind == "todo":
            rows = _todo_rows(await run_in_threadpool(services.question_log.report, delta, limit=200))
        elif kind == "changes":
            rows = [e.model_dump() for e in await run_in_threadpool(services.audit_log.recent, 5000)]
        else:
            rows = await run_in_threadpool(services.question_log.export, delta, kind=kind)
        await ctx.record("export", staff, target=f"{kind} {since}", detail={"rows": len(rows)})
        body = "\ufeff" + to_csv(rows)  # the BOM tells Excel the file is UTF-8 (Chinese text)
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="yuanbot-{kind}-{since}.csv"', "Cache-Control": "no-store"})

    @router.get("/changes")
    async def changes(request: Request, limit: int = Query(300, ge=1, le=5000),
                      action: str | None = Query(None, max_length=40)) -> JSONResponse:
        await ctx.caller(request)
        events = await run_in_threadpool(services.audit_log.recent, limit, action)
        return JSONResponse({"events": [e.model_dump() for e in events]})

    return router
