"""Admin endpoints behind a bearer token: re-ingest, ingest status, feedback export, the staff report.

    if settings.admin.enabled:
        check_admin_token(settings.admin)      # refuses to start with an empty or guessable token
        routers.append(build_admin_router(settings, question_log, ingest=..., ingest_status=...))

GET  /admin/ingest                         status of the last / running ingest (+ ingest_status())
POST /admin/ingest                         start `ingest()` in a background thread; 409 while one runs
GET  /admin/feedback?since=7d&format=csv   export (kind=feedback|questions; format=json|csv)
GET  /admin/report?since=7d                the Report as JSON
"""

from __future__ import annotations

import csv
import io
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from bot.api.tokens import bearer_token, token_matches
from bot.ports import QuestionLog
from bot.questionlog import parse_since
from bot.settings import Settings, secret_value

log = logging.getLogger("yuanbot.admin")

class _IngestRunner:
    def __init__(self, ingest: Callable[[], dict] | None, on_done: Callable[[bool], None] | None) -> None:
        self.ingest = ingest
        self.on_done = on_done
        self.lock = threading.Lock()
        self.running = False
        self.thread: threading.Thread | None = None
        self.last: dict[str, Any] | None = None
        self.current: dict[str, Any] | None = None

    def start(self) -> dict[str, Any] | None:
        """The run's record, or None when one is already running."""
        with self.lock:
            if self.running:
                return None
            self.running = True
            self.current = {"started_at": time.time(), "state": "running"}
            run = dict(self.current)
        self.thread = threading.Thread(target=self._run, name="yuanbot-admin-ingest", daemon=True)
        self.thread.start()
        return run

    def _run(self) -> None:
        assert self.ingest is not None
        record: dict[str, Any] = dict(self.current or {})
        ok = False
        try:
            result = self.ingest()
            record.update(state="done", ok=True, result=result)
            ok = True
        except Exception as exc:
            log.exception("admin-triggered ingest failed")
            record.update(state="failed", ok=False, error=str(exc) or type(exc).__name__)
        record["finished_at"] = time.time()
        with self.lock:
            self.last = record
            self.current = None
            self.running = False
        if self.on_done is not None:
            try:
                self.on_done(ok)
            except Exception:
                log.exception("ingest metrics callback failed")

    def status(self) -> dict[str, Any]:
        with self.lock:
            return {"running": self.running, "current": self.current, "last": self.last}


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    # spreadsheet formula injection: user text starting with = + - @ (or tab/CR) is prefixed with '
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def build_admin_router(
    settings: Settings,
    question_log: QuestionLog,
    ingest: Callable[[], dict] | None = None,
    ingest_status: Callable[[], dict] | None = None,
    *,
    on_ingest: Callable[[bool], None] | None = None,
) -> APIRouter:
    """The /admin routes. `on_ingest(ok)` is called after each run (e.g. metrics.observe_ingest)."""
    runner = _IngestRunner(ingest, on_ingest)

    def require_admin(request: Request) -> None:
        expected = secret_value(settings.admin.token)
        # always run the comparison (also for a missing header) so timing says nothing about the cause
        ok = token_matches(bearer_token(request.headers) or "", expected)
        if not expected or not ok:
            raise HTTPException(
                status_code=401, detail="a valid admin token is required", headers={"WWW-Authenticate": "Bearer"}
            )

    router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])

    def _since(value: str) -> timedelta:
        try:
            return parse_since(value)
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None

    @router.get("/ingest", summary="Ingest status")
    async def ingest_get() -> JSONResponse:
        payload: dict[str, Any] = {"available": ingest is not None, **runner.status()}
        if ingest_status is not None:
            try:
                payload["index"] = ingest_status()
            except Exception as exc:  # noqa: BLE001
                payload["index"] = {"error": str(exc) or type(exc).__name__}
        return JSONResponse(payload)

    @router.post("/ingest", status_code=202, summary="Re-ingest the knowledge folder in the background")
    async def ingest_post() -> JSONResponse:
        if ingest is None:
            raise HTTPException(status_code=501, detail="ingest is not available in this deployment")
        run = runner.start()
        if run is None:
            raise HTTPException(status_code=409, detail="an ingest is already running")
        log.info("admin ingest started")
        return JSONResponse({"status": "started", **run}, status_code=202)

    @router.get("/feedback", summary="Export feedback or questions (JSON or CSV)")
    async def feedback_export(
        since: str = Query("7d", max_length=20),
        format: Literal["json", "csv"] = Query("json"),
        kind: Literal["feedback", "questions"] = Query("feedback"),
    ) -> Response:
        rows = question_log.export(_since(since), kind=kind)
        if format == "csv":
            return Response(
                to_csv(rows), media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="yuanbot-{kind}-{since}.csv"'},
            )
        return JSONResponse({"since": since, "kind": kind, "count": len(rows), "items": rows})

    @router.get("/report", summary="The staff report: answer rate, trend, FAQ to-do list")
    async def report(since: str = Query("7d", max_length=20), limit: int = Query(20, ge=1, le=200)) -> JSONResponse:
        return JSONResponse(question_log.report(_since(since), limit=limit).to_dict())

    router.ingest_runner = runner  # type: ignore[attr-defined]  # for tests and graceful shutdown
    return router
