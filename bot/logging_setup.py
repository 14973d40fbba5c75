"""Logging with context: every line can carry channel, session and latency; JSON lines on request."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

from asgi_correlation_id.context import correlation_id

# query parameters that authenticate one request (WeChat's signature and nonce): a log reader could
# replay them within the timestamp window, so the access log shows only that they were there
SECRET_QUERY_PARAMS = ("signature", "msg_signature", "nonce", "echostr")
_SECRET_QUERY = re.compile(r"([?&](?:" + "|".join(SECRET_QUERY_PARAMS) + r")=)[^&\s\"]*", re.IGNORECASE)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class ContextFormatter(logging.Formatter):
    """Plain text with the `extra=` fields appended as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if extras:
            base += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        return base


class RedactQuery(logging.Filter):
    """Blanks the values of SECRET_QUERY_PARAMS in uvicorn's access lines (the path is one of the args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SECRET_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


def redact_access_log() -> None:
    """Install RedactQuery on uvicorn's access logger, once."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQuery) for f in access.filters):
        access.addFilter(RedactQuery())


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """One handler on the root logger for everything, uvicorn's own loggers included (the server is started
    with log_config=None, so they propagate here instead of printing plain text of their own)."""
    records_carry_request_id()
    redact_access_log()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("jieba", "chromadb", "httpx", "sentence_transformers", "urllib3", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


_records_carry_request_id = False


def records_carry_request_id() -> None:
    """Every log record made while a request runs gets `request_id` (the X-Request-ID that
    asgi-correlation-id keeps in a context variable), whatever handler prints it. Installed once."""
    global _records_carry_request_id
    if _records_carry_request_id:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        request_id = correlation_id.get()
        if request_id is not None:
            record.request_id = request_id
        return record

    logging.setLogRecordFactory(factory)
    _records_carry_request_id = True
