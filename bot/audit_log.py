"""The staff console's audit log: every sign-in (and failed one) and every change, when, what, from where.

    trail = AuditLog(settings.data_dir)                    # data/admin-audit.sqlite3 (WAL)
    trail.record("upload", target="policy/new-plan.docx", address="203.0.113.7", actor="console",
                 outcome="ok", detail="job 4f2a…")
    trail.recent(limit=200)                                # newest first, for the console's log page

SQLite so that several worker processes append safely and the page can filter. Unlike the question log,
a write that fails is raised: a change that cannot be recorded should not be made silently.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

DB_NAME = "admin-audit.sqlite3"
MAX_TEXT = 2000
Outcome = Literal["ok", "refused", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    address TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
"""


class AuditEvent(BaseModel):
    id: int
    time: str  # ISO 8601, UTC
    action: str  # sign_in, sign_out, upload, replace, delete, metadata, faq_save, faq_delete, sync …
    target: str
    outcome: Outcome
    address: str
    actor: str
    detail: str


class AuditLog:
    def __init__(self, data_dir: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0, isolation_level=None)
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_SCHEMA)

    def record(self, action: str, *, target: str = "", outcome: Outcome = "ok", address: str = "",
               actor: str = "", detail: str = "") -> None:
        row = (self._clock(), action[:40], target[:MAX_TEXT], outcome, address[:64], actor[:80], detail[:MAX_TEXT])
        with self._lock:
            self._conn.execute(
                "INSERT INTO events (ts, action, target, outcome, address, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                row)

    def recent(self, limit: int = 200, action: str | None = None) -> list[AuditEvent]:
        sql = "SELECT id, ts, action, target, outcome, address, actor, detail FROM events"
        params: tuple = ()
        if action:
            sql += " WHERE action = ?"
            params = (action,)
        sql += " ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._conn.execute(sql, (*params, max(1, min(limit, 5000)))).fetchall()
        return [AuditEvent(id=r[0], time=datetime.fromtimestamp(r[1], UTC).isoformat(timespec="seconds"),
                           action=r[2], target=r[3], outcome=r[4], address=r[5], actor=r[6], detail=r[7])
                for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
