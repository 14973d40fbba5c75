"""How YuanBot runs under uvicorn, in one place (the CLI and the tests' live servers use the same)."""

from __future__ import annotations

from typing import Any

# The app reads X-Forwarded-For itself, only from YUANBOT_TRUSTED_PROXIES (one layer decides the client
# address); uvicorn's own proxy handling would trust 127.0.0.1 by default. Logging goes through the root
# logger configured by bot.logging_setup, so uvicorn installs no handlers of its own.
SERVER_OPTIONS: dict[str, Any] = {"proxy_headers": False, "log_config": None}
