"""The console's HTML: the sign-in form, the four pages, and their static files (no CDN, no inline code).

Templates are files with `{{name}}` placeholders, filled with HTML-escaped values, and `{{>partial}}`
includes of other template files (trusted, ours). Pages load their data from the JSON endpoints and put
every text into the page with `textContent`, so nothing staff or citizens typed is ever read as HTML.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from adapters.web.rendering import Templates
from adapters.web.security import security_headers
from bot.settings import Settings

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", "": "text/plain; charset=utf-8"}

PAGES = {  # path -> (template, title)
    "documents": ("documents.html", "文档 · Documents"),
    "faq": ("faq.html", "常见问题 · FAQ"),
    "questions": ("questions.html", "用户提问 · What people ask"),
    "changes": ("changes.html", "操作记录 · Change log"),
}


def static_files() -> dict[str, str]:
    """Every file under static/ (vendored libraries and their licences included) -> its media type."""
    out = {}
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            out[path.relative_to(STATIC_DIR).as_posix()] = _TYPES.get(path.suffix, "application/octet-stream")
    return out


@cache
def read_static(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


render = Templates(TEMPLATES_DIR).render


def page_headers(settings: Settings) -> dict[str, str]:
    """The widget pages' CSP, except that nobody may frame the console; nothing is cached."""
    headers = security_headers(settings)
    csp = re.sub(r"frame-ancestors [^;]*", "frame-ancestors 'none'", headers["Content-Security-Policy"])
    return headers | {"Content-Security-Policy": csp, "X-Frame-Options": "DENY", "Cache-Control": "no-store",
                      "Referrer-Policy": "same-origin"}
