"""Web channel: the embeddable Q&A widget, its chat page and the landing page (see docs/web.md)."""

from adapters.web.routes import build_web_router
from adapters.web.security import apply_cors

__all__ = ["apply_cors", "build_web_router"]
