"""Who may embed the widget: `frame-ancestors` for the chat page and CORS for the JSON API.

Both read `Settings.allowed_origins` (env `YUANBOT_ALLOWED_ORIGINS`, a JSON list such as
`["https://www.nanjing.gov.cn"]`). Entries are normalised to `scheme://host[:port]`; anything that is not a
plain http(s) origin is dropped (with a warning) so a typo can never inject extra CSP directives.
The single entry `"*"` means "any site may embed and call the API" and must be asked for explicitly.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from bot.settings import Settings

log = logging.getLogger("yuanbot.web")

_HOST = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$")


def normalize_origin(value: str) -> str | None:
    """`https://Example.gov.cn/` → `https://example.gov.cn`; None when `value` is not an http(s) origin."""
    value = value.strip()
    if value == "*":
        return "*"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    host = host.rsplit(":", 1)[0] if port is not None and not host.endswith("]") else host
    if not _HOST.match(host):
        return None
    origin = f"{parts.scheme.lower()}://{host.lower()}"
    if port is not None:
        origin += f":{port}"
    return origin


def allowed_origins(settings: Settings) -> list[str]:
    """The configured origins, normalised and de-duplicated, in order."""
    result: list[str] = []
    for raw in settings.allowed_origins:
        origin = normalize_origin(raw)
        if origin is None:
            log.warning("ignoring invalid entry in YUANBOT_ALLOWED_ORIGINS: %r", raw)
        elif origin not in result:
            result.append(origin)
    return result


def frame_ancestors(settings: Settings) -> str:
    """`frame-ancestors 'self' https://a.example …` (or `*` when any site may embed)."""
    origins = allowed_origins(settings)
    if "*" in origins:
        return "frame-ancestors *"
    return " ".join(["frame-ancestors", "'self'", *origins])


def page_csp(settings: Settings) -> str:
    """The Content-Security-Policy of the pages this adapter serves (`/embed`, `/`).

    Scripts and styles come only from our own files; the page talks only to our own API.
    """
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            frame_ancestors(settings),
        ]
    )


def security_headers(settings: Settings) -> dict[str, str]:
    return {
        "Content-Security-Policy": page_csp(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


def apply_cors(app: FastAPI, settings: Settings) -> None:
    """Let browsers on the allowed origins call the JSON API (`/api/ask`, `/api/feedback` …) directly.

    Requests from any other origin get no `Access-Control-Allow-Origin`, so the browser withholds the
    response; preflights from them are refused with 400. The widget itself does not need CORS: its iframe
    is served from the API's own origin.
    """
    origins = allowed_origins(settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "Accept", "Accept-Language"],
        allow_credentials=False,
        max_age=600,
    )
