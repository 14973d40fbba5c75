"""The staff feedback loop: every question and every 👍/👎, in SQLite, read back as a to-do list for the FAQ.

    log = QuestionLog(settings.data_dir)               # data/questions.sqlite3 (WAL) + data/questions.salt
    qid = log.record_question(channel="api", session_id=sid, question=q, status="answered",
                              top_score=0.71, latency_ms=35.2, mode="extractive")
    log.record_feedback(channel="web", session_id=sid, question=q, answer=a, rating="down")  # FeedbackRecorder
    report = log.report(timedelta(days=7))               # totals, answer rate, trend, grouped to-do lists
    rows = log.export(timedelta(days=7))                 # for the admin export (JSON / CSV)

Session and user ids are never stored: only sha256(salt + id), the salt a random per-install file.
Writes never raise into the caller (a broken log must not break answering): failures are logged.
Safe for several threads (one connection behind a lock) and several processes (WAL, busy timeout).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger("yuanbot.questionlog")

DB_NAME = "questions.sqlite3"
SALT_NAME = "questions.salt"
MAX_STORED_CHARS = 4000
SIMILARITY = 0.6
MAX_DISTINCT_FOR_GROUPING = 3000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    session_hash TEXT,
    question TEXT NOT NULL,
    norm TEXT NOT NULL,
    status TEXT NOT NULL,
    top_score REAL,
    latency_ms REAL,
    mode TEXT
);
CREATE INDEX IF NOT EXISTS questions_ts ON questions(ts);
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    session_hash TEXT,
    question TEXT NOT NULL,
    norm TEXT NOT NULL,
    answer TEXT,
    rating TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_ts ON feedback(ts);
"""

# ------------------------------------------------------------------------------------------------
# --since parsing (shared by the CLI and the admin API)

_SINCE = re.compile(r"^\s*(\d{1,6})\s*([wdhm])\s*$", re.IGNORECASE)
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
MAX_SINCE = timedelta(days=3660)


def parse_since(text: str) -> timedelta:
    """'7d', '24h', '30m', '2w' -> timedelta. ValueError with a readable message otherwise."""
    match = _SINCE.match(text or "")
    if not match:
        raise ValueError(f"invalid duration {text!r}: use a number and a unit, e.g. 7d, 24h, 30m or 2w")
    amount = int(match.group(1)) * _UNITS[match.group(2).lower()]
    if amount <= timedelta(0):
        raise ValueError(f"invalid duration {text!r}: must be more than zero")
    if amount > MAX_SINCE:
        raise ValueError(f"invalid duration {text!r}: at most {MAX_SINCE.days} days")
    return amount


# ------------------------------------------------------------------------------------------------
# normalising and grouping near-duplicate questions


def normalise(text: str) -> str:
    """NFKC, casefold, drop punctuation, symbols, whitespace and control characters."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNM")


def bigrams(norm: str) -> frozenset[str]:
    if len(norm) < 2:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass
class QuestionGroup:
    example: str  # the most frequent wording
    count: int
    variants: list[str] = field(default_factory=list)  # distinct wordings, most frequent first


def group_questions(
    texts: Iterable[str], *, threshold: float = SIMILARITY, limit: int | None = 20, max_variants: int = 10
) -> list[QuestionGroup]:
    """Group near-duplicates (character-bigram Jaccard of the normalised text >= threshold), biggest first.

    Greedy and cheap: distinct normalised forms in order of frequency; each joins the first group whose
    representative (its most frequent form) is similar enough, else starts a group. No chaining.
    """
    by_norm: dict[str, Counter[str]] = {}
    for text in texts:
        norm = normalise(text)
        if not norm:
            continue
        by_norm.setdefault(norm, Counter())[text.strip()] += 1
    ordered = sorted(by_norm.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ordered = ordered[:MAX_DISTINCT_FOR_GROUPING]
    reps: list[frozenset[str]] = []
    members: list[list[Counter[str]]] = []
    for norm, wordings in ordered:
        grams = bigrams(norm)
        for i, rep in enumerate(reps):
            if jaccard(grams, rep) >= threshold:
                members[i].append(wordings)
                break
        else:
            reps.append(grams)
            members.append([wordings])
    groups: list[QuestionGroup] = []
    for parts in members:
        total: Counter[str] = Counter()
        for wordings in parts:
            total.update(wordings)
        ranked = [w for w, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))]
        groups.append(QuestionGroup(example=ranked[0], count=sum(total.values()), variants=ranked[:max_variants]))
    groups.sort(key=lambda g: (-g.count, g.example))
    return groups if limit is None else groups[:limit]


# ------------------------------------------------------------------------------------------------
# the report


@dataclass
class DayTrend:
    day: str  # YYYY-MM-DD in the log's time zone
    questions: int
    answered: int
    answered_share: float | None
    up: int
    down: int
    channels: dict[str, int] = field(default_factory=dict)  # questions per channel that day


@dataclass
class Report:
    since: str  # ISO timestamps
    until: str
    total_questions: int
    answered: int
    no_answer: int
    answer_rate: float | None
    feedback_up: int
    feedback_down: int
    by_channel: dict[str, int]
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    trend: list[DayTrend]
    unanswered: list[QuestionGroup]  # the FAQ to-do list: most frequent questions without an answer
    downvoted: list[QuestionGroup]  # answers people disliked, grouped by question
    top_questions: list[QuestionGroup] = field(default_factory=list)  # what is asked most, answered or not

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return round(values[index], 1)


# ------------------------------------------------------------------------------------------------


class QuestionLog:
    """SQLite question and feedback log; implements the FeedbackRecorder port."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        tz: tzinfo | None = None,
        filename: str = DB_NAME,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / filename
        self._clock = clock
        self._tz = tz
        self._salt = self._load_salt()
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0, isolation_level=None)
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_SCHEMA)

    # --- identity ----------------------------------------------------------------------------

    def _load_salt(self) -> bytes:
        path = self.data_dir / SALT_NAME
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(50):  # another process may be writing it right now
                value = path.read_text(encoding="ascii").strip()
                if value:
                    return bytes.fromhex(value)
                time.sleep(0.01)
            raise RuntimeError(f"{path} is empty; delete it to make a new salt") from None
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            value = secrets.token_hex(32)
            handle.write(value)
        return bytes.fromhex(value)

    def hash_id(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return hashlib.sha256(self._salt + value.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    # --- writing -------------------------------------------------------------------------------

    @staticmethod
    def _clean(text: str | None, limit: int = MAX_STORED_CHARS) -> str:
        text = (text or "")[:limit]
        return text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored as TEXT

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        try:
            with self._lock:
                self._conn.execute(sql, params)
        except sqlite3.Error:
            log.exception("question log write failed")

    def record_question(
        self,
        *,
        channel: str,
        session_id: str | None,
        question: str,
        status: str,
        top_score: float | None,
        latency_ms: float,
        mode: str,
    ) -> str:
        qid = uuid.uuid4().hex
        text = self._clean(question)
        self._write(
            "INSERT INTO questions (id, ts, channel, session_hash, question, norm, status, top_score, latency_ms, mode)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (qid, self._clock(), self._clean(channel, 40), self.hash_id(session_id), text, normalise(text),
             self._clean(status, 20), None if top_score is None else float(top_score), float(latency_ms),
             self._clean(mode, 20)),
        )
        return qid

    def record_feedback(
        self, *, channel: str, session_id: str | None, question: str, answer: str, rating: str
    ) -> None:
        text = self._clean(question)
        self._write(
            "INSERT INTO feedback (id, ts, channel, session_hash, question, norm, answer, rating)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (uuid.uuid4().hex, self._clock(), self._clean(channel, 40), self.hash_id(session_id), text,
             normalise(text), self._clean(answer, 20000), self._clean(rating, 10)),
        )

    def purge(self, older_than: timedelta) -> int:
        """Delete records older than `older_than`; returns how many went."""
        cutoff = self._clock() - older_than.total_seconds()
        with self._lock:
            n = self._conn.execute("DELETE FROM questions WHERE ts < ?", (cutoff,)).rowcount
            n += self._conn.execute("DELETE FROM feedback WHERE ts < ?", (cutoff,)).rowcount
        return n

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- reading -------------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]  # type: ignore[misc]

    def _day(self, ts: float) -> str:
        moment = datetime.fromtimestamp(ts, self._tz) if self._tz else datetime.fromtimestamp(ts).astimezone()
        return moment.strftime("%Y-%m-%d")

    def _iso(self, ts: float) -> str:
        return datetime.fromtimestamp(ts, self._tz or UTC).isoformat(timespec="seconds")

    def report(self, since: timedelta, *, limit: int = 20) -> Report:
        now = self._clock()
        start = now - since.total_seconds()
        questions = self._rows(
            "SELECT ts, channel, question, status, latency_ms FROM questions WHERE ts >= ? ORDER BY ts", (start,)
        )
        feedback = self._rows("SELECT ts, question, rating FROM feedback WHERE ts >= ? ORDER BY ts", (start,))
        total = len(questions)
        answered = sum(1 for q in questions if q["status"] == "answered")
        up = sum(1 for f in feedback if f["rating"] == "up")
        down = sum(1 for f in feedback if f["rating"] == "down")
        days: dict[str, dict[str, int]] = {}
        channels: dict[str, Counter[str]] = {}
        for q in questions:
            key = self._day(q["ts"])
            day = days.setdefault(key, {"questions": 0, "answered": 0, "up": 0, "down": 0})
            day["questions"] += 1
            day["answered"] += q["status"] == "answered"
            channels.setdefault(key, Counter())[q["channel"]] += 1
        for f in feedback:
            day = days.setdefault(self._day(f["ts"]), {"questions": 0, "answered": 0, "up": 0, "down": 0})
            if f["rating"] in ("up", "down"):
                day[f["rating"]] += 1
        trend = [
            DayTrend(day=d, questions=v["questions"], answered=v["answered"],
                     answered_share=round(v["answered"] / v["questions"], 4) if v["questions"] else None,
                     up=v["up"], down=v["down"], channels=dict(channels.get(d, Counter()).most_common()))
            for d, v in sorted(days.items())
        ]
        latencies = [float(q["latency_ms"]) for q in questions if q["latency_ms"] is not None]
        return Report(
            since=self._iso(start),
            until=self._iso(now),
            total_questions=total,
            answered=answered,
            no_answer=total - answered,
            answer_rate=round(answered / total, 4) if total else None,
            feedback_up=up,
            feedback_down=down,
            by_channel=dict(Counter(q["channel"] for q in questions).most_common()),
            latency_p50_ms=_percentile(latencies, 0.5),
            latency_p95_ms=_percentile(latencies, 0.95),
            trend=trend,
            unanswered=group_questions((q["question"] for q in questions if q["status"] != "answered"), limit=limit),
            downvoted=group_questions((f["question"] for f in feedback if f["rating"] == "down"), limit=limit),
            top_questions=group_questions((q["question"] for q in questions), limit=limit),
        )

    def export(
        self, since: timedelta, kind: Literal["feedback", "questions"] = "feedback"
    ) -> list[dict[str, Any]]:
        """Records of the period, oldest first, with hashed session ids and ISO timestamps."""
        start = self._clock() - since.total_seconds()
        if kind == "questions":
            rows = self._rows(
                "SELECT id, ts, channel, session_hash, question, status, top_score, latency_ms, mode"
                " FROM questions WHERE ts >= ? ORDER BY ts", (start,),
            )
        elif kind == "feedback":
            rows = self._rows(
                "SELECT id, ts, channel, session_hash, question, answer, rating FROM feedback"
                " WHERE ts >= ? ORDER BY ts", (start,),
            )
        else:
            raise ValueError(f"unknown export kind {kind!r}")
        return [{"time": self._iso(row.pop("ts")), **row} for row in rows]
