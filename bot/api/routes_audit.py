"""`POST /api/licenses/audit`: an SBOM in, every component's verdict, the obligations and a NOTICE out.

Mount with `app.include_router(build_audit_router(advisor, texts_dir, max_upload_bytes))`. The route reads
its own body (streaming, with its own limit), so the app's global body cap must exempt its path.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from bot.api.upload import MULTIPART_OVERHEAD, read_upload
from bot.errors import LicenseError
from bot.licenses.audit import Auditor
from bot.licenses.audit_export import report_csv
from bot.licenses.audit_models import AuditReport, Use
from bot.licenses.sbom import SbomError
from bot.ports import LicenseAdvisor

log = logging.getLogger("yuanbot.audit")

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
AUDIT_PATH = "/api/licenses/audit"
MAX_CONCURRENT_AUDITS = 2  # CPU-bound: more at once only multiplies memory on a 2-core machine

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "suggestions": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}
_EXAMPLE_REPORT = {
    "summary": {
        "outbound": "GPL-2.0-only",
        "use": "binary",
        "source": {"format": "CycloneDX", "encoding": "JSON", "spec_version": "1.2",
                   "product": "dropwizard-parent 1.3.15", "components": 167},
        "total": 167,
        "counts": [
            {"verdict": "incompatible", "count": 114, "label_zh": "冲突", "label_en": "conflict"},
            {"verdict": "unresolved", "count": 34, "label_zh": "许可证未识别", "label_en": "licence not resolved"},
            {"verdict": "unknown", "count": 0, "label_zh": "无法确定", "label_en": "unknown"},
            {"verdict": "conditional", "count": 2, "label_zh": "有条件兼容", "label_en": "compatible under conditions"},
            {"verdict": "compatible", "count": 17, "label_zh": "兼容", "label_en": "compatible"},
        ],
        "conflicts": 114,
        "unresolved": 34,
        "passed": False,
        "headline_zh": "167 个组件（出站许可证 GPL-2.0-only，使用方式 binary）：114 个冲突，…",
        "headline_en": "167 components (outbound GPL-2.0-only, use binary): 114 conflict, …",
        "resolution": {"id": 113, "alias": 9, "name": 6, "url": 5, "unresolved": 34},
        "notes": [],
        "elapsed_ms": 150.2,
    },
    "components": [
        {
            "name": "com.fasterxml.jackson.core/jackson-databind",
            "version": "2.9.10.1",
            "purl": "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10.1?type=jar",
            "declared": "Apache-2.0",
            "expression": "Apache-2.0",
            "resolution": "id",
            "verdict": "incompatible",
            "reason": "OSADL 在逐条核对 GPL-2.0-only 的条款后明确认定：Apache-2.0 与 GPL-2.0-only 不兼容…",
            "reason_en": "OSADL's clause-by-clause checklist for GPL-2.0-only states explicitly that Apache-2.0 is "
                         "incompatible with GPL-2.0-only…",
            "conditions": [],
            "suggestions": [],
            "notes": [],
            "copyright": None,
        }
    ],
    "obligations": [
        {
            "license": "MIT",
            "verdict": "compatible",
            "component_count": 8,
            "components": ["org.slf4j/slf4j-api 1.7.26"],
            "obligations": [{"zh": "保留版权声明和许可声明（8 个 MIT 组件）",
                             "en": "Keep the copyright and licence notices (8 MIT components)"}],
        }
    ],
    "unresolved": [
        {"declared": "(none)", "reason_zh": "SBOM 没有给出许可证", "reason_en": "the SBOM gives no licence",
         "component_count": 34, "components": ["io.dropwizard/dropwizard-core 1.3.15"], "suggestions": []}
    ],
    "notice": "THIRD-PARTY SOFTWARE NOTICES AND INFORMATION\n第三方软件声明\n…",
}
_REQUEST_BODY = {
    "description": "The SBOM: a multipart form with the file in field `file`, or the file itself as the body "
                   "(any content type). CycloneDX 1.2–1.6 JSON/XML, SPDX 2.1–2.3 JSON/YAML/tag-value/RDF, or a "
                   "CSV/TSV/JSON list as pip-licenses or license-checker write it.",
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
                       "required": ["file"]}
        },
        "application/json": {"schema": {"type": "object"}, "example": {"bomFormat": "CycloneDX", "specVersion": "1.5",
                                                                        "components": []}},
        "application/xml": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}, "example": "Name,Version,License\nrequests,2.32.3,Apache Software License\n"},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}


def build_audit_router(
    advisor: LicenseAdvisor,
    texts_dir: Path,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    *,
    auditor: Auditor | None = None,
) -> APIRouter:
    """`texts_dir` is the licence texts folder (for the NOTICE); its sibling `engine/` has the alias table.

    Pass the process's `auditor` (bot.wiring builds one) so the API, chat and Telegram share one verdict
    cache; without it the router builds its own.
    """
    auditor = auditor if auditor is not None else Auditor(advisor, Path(texts_dir))
    gate = asyncio.Semaphore(MAX_CONCURRENT_AUDITS)
    router = APIRouter(tags=["licenses"])
    limit_mb = max_upload_bytes / 2**20

    @router.post(
        AUDIT_PATH,
        response_model=AuditReport,
        summary="Audit an SBOM's dependency licences / 依赖许可证审计",
        description=(
            "Upload an SBOM; every component's licence is resolved (SPDX ids, expressions, messy names, licence "
            "URLs, LicenseRef texts) and checked against your project's licence and use. Returns the summary "
            "(conflicts first), each component's verdict with reason and conditions, the obligations grouped by "
            "licence, the unresolved licences with suggestions, and a third-party NOTICE file. "
            f"Uploads above {limit_mb:.0f} MB get 413. `format=csv` returns the components as CSV, "
            "`format=notice` the NOTICE file alone."
        ),
        responses={
            200: {
                "description": "The audit report (JSON), or CSV / plain text with `format`",
                "content": {
                    "application/json": {"example": _EXAMPLE_REPORT},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/plain": {"schema": {"type": "string"}},
                },
            },
            413: {"description": "The upload is above the limit", "content": {"application/json": {"schema": _ERROR_SCHEMA}}},
            422: {
                "description": "Not an SBOM (one sentence saying why), or the outbound licence / use is not understood",
                "content": {"application/json": {"schema": _ERROR_SCHEMA, "example": {"detail": {
                    "code": "not_sbom",
                    "message": "这是 JSON 文件，但不是 SBOM（…） / The file is valid JSON but not an SBOM (…)"}}}},
            },
        },
        openapi_extra={"requestBody": _REQUEST_BODY},
        max_body_size=max_upload_bytes + MULTIPART_OVERHEAD,  # the app-wide cap is far smaller
    )
    async def audit_sbom(
        request: Request,
        outbound: Annotated[str, Query(
            min_length=1, max_length=200,
            description="Your project's licence: an SPDX id or expression, a common name, or `proprietary`",
            examples=["Apache-2.0", "GPL-2.0-only", "proprietary"],
        )],
        use: Annotated[Use | None, Query(description="How the product is shipped: binary, saas, static or dynamic")] = None,
        output: Annotated[Literal["json", "csv", "notice"], Query(
            alias="format", description="json (default), csv (one row per component) or notice (the NOTICE file)",
        )] = "json",
    ) -> Response:
        try:
            auditor.validate(outbound, use)
        except LicenseError as exc:
            raise _unprocessable(_licence_code(exc), str(exc), exc.suggestions) from None
        upload = await read_upload(request, max_upload_bytes)
        async with gate:
            try:
                report = await run_in_threadpool(
                    auditor.audit_bytes, upload.data, outbound, use,
                    filename=upload.filename, content_type=upload.content_type,
                )
            except SbomError as exc:
                log.info("audit refused: %s", exc.code, extra={"channel": "api", "sbom_file": upload.filename})
                raise _unprocessable(exc.code, str(exc)) from None
            except LicenseError as exc:
                raise _unprocessable(_licence_code(exc), str(exc), exc.suggestions) from None
        if output == "csv":
            return Response(report_csv(report), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="licence-audit.csv"'})
        if output == "notice":
            return PlainTextResponse(report.notice, headers={"Content-Disposition": 'attachment; filename="NOTICE.txt"'})
        return Response(report.model_dump_json(), media_type="application/json")

    return router


def _licence_code(exc: LicenseError) -> str:
    return "licence_family" if exc.family else "unknown_licence"


def _unprocessable(code: str, message: str, suggestions: list[str] | None = None) -> HTTPException:
    detail: dict[str, object] = {"code": code, "message": message}
    if suggestions:
        detail["suggestions"] = suggestions[:5]
    return HTTPException(status_code=422, detail=detail)
