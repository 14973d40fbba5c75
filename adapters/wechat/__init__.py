"""WeChat official account (公众号) adapter: mount `build_wechat_router(...)` on the main FastAPI app."""

from adapters.wechat.routes import build_wechat_router

__all__ = ["build_wechat_router"]
