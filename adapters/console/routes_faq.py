"""The FAQ editor's JSON: the entries of every FAQ file, checking an entry, saving and deleting one.

Saving checks again on the server (the cited clause exists, no duplicate question); an entry that fails is
refused with 422 and the review, so the page shows what to fix. A saved entry is synced like any change.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from adapters.console.common import ConsoleContext, problem
from bot.errors import EditRejected
from ingest.faq import FaqEntry, faq_files, read_entries


class EntryRef(BaseModel):
    file: str = Field(min_length=1, max_length=300)
    index: int | None = Field(default=None, ge=0, le=100_000)


class CheckRequest(EntryRef):
    entry: FaqEntry


class SaveRequest(CheckRequest):
    version: str | None = Field(default=None, max_length=64)


class DeleteRequest(EntryRef):
    index: int = Field(ge=0, le=100_000)
    version: str = Field(min_length=1, max_length=64)


def build_faq_router(ctx: ConsoleContext) -> APIRouter:
    services = ctx.services
    router = APIRouter(prefix="/admin/api/faq", include_in_schema=False)

    @router.get("")
    async def entries(request: Request) -> JSONResponse:
        await ctx.caller(request)

        def read() -> list[dict]:
            root = services.knowledge_dir
            files = []
            for path in faq_files(root):
                relative = path.relative_to(root).as_posix()
                try:
                    files.append({"file": relative, "error": None,
                                  "entries": [e.model_dump() for e in read_entries(path, root)]})
                except EditRejected as exc:
                    files.append({"file": relative, "error": str(exc), "entries": []})
            return files

        return JSONResponse({"files": await run_in_threadpool(read)})

    @router.post("/check")
    async def check(request: Request, body: CheckRequest) -> JSONResponse:
        await ctx.caller(request)
        review = await run_in_threadpool(services.faq.review, body.entry, body.file, body.index)
        return JSONResponse(review.model_dump(mode="json"))

    @router.post("/save")
    async def save(request: Request, body: SaveRequest) -> JSONResponse:
        staff = await ctx.caller(request)
        target = f"{body.file}#{'new' if body.index is None else body.index + 1}"
        review = await run_in_threadpool(lambda: services.faq.review(body.entry, body.file, body.index,
                                                                     with_current=False))
        if not review.ok:
            await ctx.record("faq_save", staff, target=target, outcome="refused", detail="; ".join(review.errors))
            raise problem(422, "invalid", "；".join(review.errors), review=review.model_dump(mode="json"))
        action = "新增" if body.index is None else "修改"
        return await ctx.start_job(
            staff, "faq_save", target, f"{action} FAQ / save FAQ entry: {body.entry.question[:40]}",
            lambda: services.editor.save_faq(body.file, body.entry, body.index, body.version),
            precheck=lambda: services.editor.check_faq_version(body.file, body.index, body.version),
            detail=body.entry.model_dump())

    @router.post("/delete")
    async def delete(request: Request, body: DeleteRequest) -> JSONResponse:
        staff = await ctx.caller(request)
        return await ctx.start_job(
            staff, "faq_delete", f"{body.file}#{body.index + 1}", f"删除 FAQ / delete FAQ entry {body.index + 1}",
            lambda: services.editor.delete_faq(body.file, body.index, body.version),
            precheck=lambda: services.editor.check_faq_version(body.file, body.index, body.version))

    return router
