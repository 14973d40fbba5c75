"""What the console's routers share: the caller, the audit log, starting ingest jobs, errors as JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from adapters.console.auth import ConsoleAuth, NotSignedIn, Staff
from adapters.console.services import StaffServices
from bot.audit_log import Outcome
from bot.errors import EditRejected, IngestBusy, StaleEdit, YuanbotError
from bot.stores.aio import AsyncStore
from ingest.changes import Change
from ingest.jobs import JobState

log = logging.getLogger("yuanbot.console")


def problem(status: int, code: str, message: str, **extra: object) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "message": message, **extra})


# why a job was not started, most specific first: (error, HTTP status, problem code, audit-log outcome)
_JOB_REFUSALS: tuple[tuple[type[YuanbotError], int, str, Outcome], ...] = (
    (IngestBusy, 409, "busy", "refused"),
    (StaleEdit, 409, "stale", "refused"),  # a kind of EditRejected: before it
    (EditRejected, 422, "rejected", "refused"),
    (YuanbotError, 503, "unavailable", "failed"),
)


@dataclass
class ConsoleContext:
    services: StaffServices
    auth: ConsoleAuth
    store: AsyncStore

    async def caller(self, request: Request) -> Staff:
        """The signed-in staff member (or a bearer-token script); 401 JSON otherwise."""
        try:
            return await self.auth.staff(request)
        except NotSignedIn:
            raise problem(401, "signed_out", "请先登录 / please sign in") from None

    async def record(self, action: str, staff: Staff, *, target: str = "", outcome: Outcome = "ok",
                     detail: str | dict = "") -> None:
        text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, default=str)
        await run_in_threadpool(self.services.audit_log.record, action, target=target, outcome=outcome,
                                address=staff.address, actor=staff.actor, detail=text)

    async def start_job(self, staff: Staff, action: str, target: str, label: str, apply: Callable[[], Change],
                        precheck: Callable[[], None] | None = None, detail: str | dict = "") -> JSONResponse:
        """Start an ingest job (202 with its state) or say why not: 409 busy or stale, 422 invalid."""
        try:
            job: JobState = await run_in_threadpool(
                lambda: self.services.jobs.start(action, label, staff.actor, apply, precheck, address=staff.address))
        except YuanbotError as exc:
            status, code, outcome = next(answer for kind, *answer in _JOB_REFUSALS if isinstance(exc, kind))
            await self.record(action, staff, target=target, outcome=outcome, detail=str(exc))
            raise problem(status, code, str(exc)) from None
        await self.record(action, staff, target=target, detail={"job": job.id, **(
            detail if isinstance(detail, dict) else {"note": detail} if detail else {})})
        return JSONResponse({"job": job.model_dump()}, status_code=202)
