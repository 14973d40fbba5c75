"""The staff console at /admin: sign in with the admin token, keep the knowledge base current, read the report.

    routers.append(build_console_router(components.staff))   # bot.wiring, when YUANBOT_ADMIN_ENABLED

Pages: /admin/signin, /admin/documents, /admin/faq, /admin/questions, /admin/changes (static files under
/admin/static/). Their JSON lives under /admin/api/ (session cookie + CSRF header, or a bearer token). The
console is an adapter: every action goes through the services in `adapters.console.services` (the same sync, report and
clause resolver as the CLI and the assistant).
"""

from __future__ import annotations

from fastapi import APIRouter

from adapters.console.auth import ConsoleAuth
from adapters.console.common import ConsoleContext
from adapters.console.routes_documents import build_documents_router
from adapters.console.routes_faq import build_faq_router
from adapters.console.routes_pages import build_pages_router
from adapters.console.routes_report import build_report_router
from adapters.console.services import StaffServices
from bot.stores.aio import AsyncStore
from ingest.jobs import JobState


def build_console_router(services: StaffServices) -> APIRouter:
    store = AsyncStore(services.store)
    ctx = ConsoleContext(services=services, auth=ConsoleAuth(services.settings, store), store=store)
    router = APIRouter(include_in_schema=False)

    def record_end(job: JobState) -> None:  # the job thread: a plain (blocking) write is fine
        result = job.result
        detail = job.error or (f"added {len(result.added)}, updated {len(result.updated)}, removed "
                               f"{len(result.removed)}, failed {len(result.failed)}" if result else "")
        if result and result.failed:
            detail += "; " + "; ".join(f"{f.path}: {f.reason}" for f in result.failed)
        services.audit_log.record("job_end", target=job.label, outcome="ok" if job.state == "done" else "failed",
                                  address=job.address, actor=job.actor, detail=detail)

    services.jobs.observers.append(record_end)

    for build in (build_pages_router, build_documents_router, build_faq_router, build_report_router):
        router.include_router(build(ctx))
    return router
