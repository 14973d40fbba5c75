"""The documents page's JSON: the list, upload / replace / delete, metadata, sync, and job progress (SSE).

Every change is an ingest job (202 with the job; 409 when another ingest runs or the form is stale);
`GET /admin/api/jobs/{id}/events` streams its progress until the per-file result.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from adapters.console.common import ConsoleContext, problem
from bot.api.upload import read_uploads
from bot.errors import EditRejected
from ingest.changes import Upload
from ingest.jobs import JobState, job_key
from ingest.loaders import SUFFIXES, size_text, too_large
from ingest.metadata import DocumentFields, read_fields, where_stored

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
MAX_STREAM_SECONDS = 3600.0


class DocumentRef(BaseModel):
    doc_id: str = Field(min_length=1, max_length=500)
    version: str = Field(min_length=1, max_length=64)


class MetadataRequest(DocumentRef):
    shown_title: str = Field(default="", max_length=300)
    fields: DocumentFields


async def _read_files(request: Request, max_bytes: int, max_files: int):
    """The form's files; past the console's cap, 413 with the reason `yuanbot ingest` gives for such a file."""
    try:
        return await read_uploads(request, max_bytes, max_files)
    except HTTPException as exc:
        if exc.status_code != 413:
            raise
        declared = request.headers.get("content-length", "")
        size = int(declared) if declared.isdigit() and int(declared) > max_bytes else None  # None: streamed
        raise problem(413, "too_large", f"文件超过 {size_text(max_bytes)} 上限，未保存 / {too_large(size, max_bytes)}",
                      limit_bytes=max_bytes) from None


def _sse(event: str, data: str) -> bytes:
    return f"event: {event}\ndata: {data}\n\n".encode()


def build_documents_router(ctx: ConsoleContext) -> APIRouter:
    services = ctx.services
    settings = services.settings
    router = APIRouter(prefix="/admin/api", include_in_schema=False)
    max_bytes = settings.admin.max_upload_bytes
    # read_uploads enforces YUANBOT_ADMIN_MAX_UPLOAD_BYTES itself (declared or streamed, 413 in Chinese and
    # English); the route's own cap only lifts the app-wide 64 KB one, and must stay out of its way: Starlette
    # turns every response to a request declaring more than the route's cap into a bare "Content Too Large"
    body_cap = 2**40

    @router.get("/documents")
    async def documents(request: Request) -> JSONResponse:
        await ctx.caller(request)
        rows = await run_in_threadpool(services.catalog.rows)
        folders = await run_in_threadpool(services.catalog.folders)
        latest = await run_in_threadpool(services.jobs.latest)
        return JSONResponse({
            "documents": [r.model_dump() for r in rows], "folders": folders,
            "suffixes": sorted(SUFFIXES), "max_upload_bytes": max_bytes,
            "max_upload_files": settings.admin.max_upload_files,
            "writable": os.access(services.knowledge_dir, os.W_OK), "knowledge_dir": str(services.knowledge_dir),
            "job": latest.model_dump() if latest else None})

    @router.post("/documents", max_body_size=body_cap)
    async def upload(request: Request) -> JSONResponse:
        staff = await ctx.caller(request)
        form = await _read_files(request, max_bytes, settings.admin.max_upload_files)
        folder = form.fields.get("folder", "").strip().strip("/")
        uploads = [Upload(name=f.filename or "upload", data=f.data) for f in form.files]
        names = ", ".join(u.name for u in uploads)
        return await ctx.start_job(
            staff, "upload", f"{folder}/: {names}", f"上传 {len(uploads)} 个文件 / upload {len(uploads)} file(s)",
            lambda: services.editor.upload(folder, uploads),
            precheck=lambda: services.editor.ensure_writable(services.editor.folder(folder)),
            detail={"folder": folder, "files": [u.name for u in uploads], "bytes": sum(len(u.data) for u in uploads)})

    @router.post("/documents/replace", max_body_size=body_cap)
    async def replace(request: Request) -> JSONResponse:
        staff = await ctx.caller(request)
        form = await _read_files(request, max_bytes, 1)
        doc_id, version = form.fields.get("doc_id", ""), form.fields.get("version", "")
        upload = Upload(name=form.files[0].filename or "upload", data=form.files[0].data)
        return await ctx.start_job(
            staff, "replace", doc_id, f"替换 / replace {doc_id}",
            lambda: services.editor.replace(doc_id, version, upload),
            precheck=lambda: services.editor.check_version(doc_id, version),
            detail={"file": upload.name, "bytes": len(upload.data)})

    @router.post("/documents/delete")
    async def delete(request: Request, body: DocumentRef) -> JSONResponse:
        staff = await ctx.caller(request)
        return await ctx.start_job(
            staff, "delete", body.doc_id, f"删除 / delete {body.doc_id}",
            lambda: services.editor.delete(body.doc_id, body.version),
            precheck=lambda: services.editor.check_version(body.doc_id, body.version))

    @router.get("/documents/metadata")
    async def metadata(request: Request, doc_id: str = Query(min_length=1, max_length=500)) -> JSONResponse:
        await ctx.caller(request)

        def read() -> dict:
            row = services.catalog.row(doc_id)
            if row is None or row.version is None:
                raise EditRejected(f"{doc_id} 不存在 / {doc_id} does not exist")
            path = services.catalog.path_of(doc_id)
            return {"doc_id": doc_id, "version": row.version, "shown_title": row.title,
                    "stored_in": where_stored(path), "fields": read_fields(path, row.title).model_dump(mode="json")}

        try:
            return JSONResponse(await run_in_threadpool(read))
        except (EditRejected, ValueError) as exc:
            raise problem(404, "not_found", str(exc)) from None

    @router.post("/documents/metadata")
    async def save_metadata(request: Request, body: MetadataRequest) -> JSONResponse:
        staff = await ctx.caller(request)
        return await ctx.start_job(
            staff, "metadata", body.doc_id, f"修改元数据 / edit metadata of {body.doc_id}",
            lambda: services.editor.edit_metadata(body.doc_id, body.version, body.fields, body.shown_title),
            precheck=lambda: services.editor.check_version(body.doc_id, body.version),
            detail=body.fields.model_dump(mode="json"))

    @router.post("/sync")
    async def sync_all(request: Request) -> JSONResponse:
        staff = await ctx.caller(request)
        return await ctx.start_job(staff, "sync", ".", "同步整个知识库 / sync the knowledge folder",
                                   services.editor.everything)

    # --- jobs -----------------------------------------------------------------------------------
    async def job_or_404(job_id: str) -> JobState:
        raw = await ctx.store.get(job_key(job_id))
        if not raw:
            raise problem(404, "no_job", "没有这个任务 / no such job")
        return JobState.model_validate_json(raw)

    @router.get("/jobs/latest")
    async def latest_job(request: Request) -> JSONResponse:
        await ctx.caller(request)
        job = await run_in_threadpool(services.jobs.latest)
        return JSONResponse({"job": job.model_dump() if job else None})

    @router.get("/jobs/{job_id}")
    async def job(request: Request, job_id: str) -> JSONResponse:
        await ctx.caller(request)
        return JSONResponse({"job": (await job_or_404(job_id)).model_dump()})

    @router.get("/jobs/{job_id}/events")
    async def job_events(request: Request, job_id: str) -> StreamingResponse:
        await ctx.caller(request)
        await job_or_404(job_id)
        return StreamingResponse(_progress(request, ctx, job_id), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router


async def _progress(request: Request, ctx: ConsoleContext, job_id: str) -> AsyncIterator[bytes]:
    """`progress` events (the job's state) whenever it changes, then one `end` event with the result."""
    key = job_key(job_id)
    last = ""
    started = quiet_since = time.monotonic()
    while time.monotonic() - started < MAX_STREAM_SECONDS:
        raw = await ctx.store.get(key) or ""
        if raw and raw != last:
            last = raw
            quiet_since = time.monotonic()
            state = json.loads(raw)
            finished = state.get("state") in ("done", "failed")
            yield _sse("end" if finished else "progress", raw)
            if finished:
                return
        elif time.monotonic() - quiet_since > HEARTBEAT_SECONDS:
            quiet_since = time.monotonic()
            yield b": still working\n\n"
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_SECONDS)
