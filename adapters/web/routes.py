"""The web channel: the one-line embeddable widget (`/widget.js`), its chat page (`/embed`), the landing page (`/`)
and the dependency licence audit page (`/audit`, which posts to `/api/licenses/audit`).

Pages are plain HTML templates with a few `{{placeholders}}` filled in with HTML-escaped values; every script
and style sheet is a file under `static/`, so the pages run under `script-src 'self'` with no inline code.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from adapters.web.rendering import Templates
from adapters.web.security import allowed_origins, security_headers
from bot.settings import Settings
from bot.text import normalise_lang

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"

# the files served under /widget/<name>; nothing else is reachable (no directory listing, no traversal)
ASSETS = {
    "embed.js": "text/javascript; charset=utf-8",
    "embed.css": "text/css; charset=utf-8",
    "index.js": "text/javascript; charset=utf-8",
    "index.css": "text/css; charset=utf-8",
    "audit.js": "text/javascript; charset=utf-8",
    "audit.css": "text/css; charset=utf-8",
}

DEFAULT_TITLES = {"zh": "源问 · 开源政策问答", "en": "YuanBot · Open-source Q&A"}
DEFAULT_COLOR = "#0b5cad"
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


render = Templates(TEMPLATES_DIR).render


def clean_color(value: str | None) -> str:
    return value if value and _COLOR.match(value) else DEFAULT_COLOR


def build_web_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["web"])
    headers = security_headers(settings)
    # origins allowed to host the widget and so to talk to the chat page with postMessage
    parent_origins = json.dumps(allowed_origins(settings))

    @router.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return Response(
            _read(STATIC_DIR / "widget.js"),
            media_type="text/javascript; charset=utf-8",
            headers={
                "Cache-Control": "public, max-age=300",
                "X-Content-Type-Options": "nosniff",
                # host pages on other origins load this script
                "Cross-Origin-Resource-Policy": "cross-origin",
            },
        )

    @router.get("/widget/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise HTTPException(status_code=404, detail="not found")
        return Response(
            _read(STATIC_DIR / name),
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
        )

    @router.get("/embed", include_in_schema=False)
    async def embed(
        lang: str | None = Query(default=None, max_length=10),
        title: str | None = Query(default=None, max_length=80),
        color: str | None = Query(default=None, max_length=10),
        host: str | None = Query(default=None, max_length=300),
    ) -> HTMLResponse:
        lang = normalise_lang(lang)
        page = render(
            "embed.html",
            {
                "lang": lang,
                "html_lang": "en" if lang == "en" else "zh-CN",
                "title": (title or "").strip() or DEFAULT_TITLES[lang],
                "color": clean_color(color),
                "host": host or "",
                "parent_origins": parent_origins,
                "max_chars": str(settings.max_question_chars),
            },
        )
        return HTMLResponse(page, headers={**headers, "Cache-Control": "no-cache"})

    @router.get("/audit", include_in_schema=False)
    async def audit_page() -> HTMLResponse:
        max_bytes = settings.audit_max_upload_bytes
        return HTMLResponse(render("audit.html", {"max_bytes": str(int(max_bytes))}), headers=headers)

    @router.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(render(
            "index.html",
            # the docs link is only shown when /docs is served
            {"contact": settings.contact, "docs_hidden": "" if settings.docs_enabled else "hidden"},
        ), headers=headers)

    return router
