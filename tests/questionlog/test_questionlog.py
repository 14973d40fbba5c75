"""The staff feedback loop: the SQLite question log, hashing, grouping, trends and export."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, timedelta

import pytest

from bot.ports import FeedbackRecorder
from bot.questionlog import QuestionLog, bigrams, group_questions, jaccard, normalise, parse_since

DAY = 86400.0
T0 = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_log(tmp_path, clock=None) -> QuestionLog:
    return QuestionLog(tmp_path / "data", clock=clock or Clock(), tz=UTC)


def ask(log, question, status="answered", session="sess-1", channel="api"):
    return log.record_question(channel=channel, session_id=session, question=question, status=status,
                               top_score=0.5 if status == "answered" else 0.1, latency_ms=20.0, mode="extractive")


def test_parse_since():
    assert parse_since("7d") == timedelta(days=7)
    assert parse_since("24h") == timedelta(hours=24)
    assert parse_since("30m") == timedelta(minutes=30)
    assert parse_since(" 2W ") == timedelta(weeks=2)
    for bad in ("", "7", "d", "-1d", "0d", "1y", "7 days", "1.5h", "99999d", "7d;drop"):
        with pytest.raises(ValueError, match="invalid duration"):
            parse_since(bad)


def test_normalise_and_similarity():
    assert normalise("  开源人才，有住房支持吗？ ") == "开源人才有住房支持吗"
    assert normalise("What IS the MIT licence?!") == "whatisthemitlicence"
    assert normalise("ＭＩＴ　许可证") == "mit许可证"  # full-width folded by NFKC
    a, b = bigrams(normalise("开源人才有住房支持吗？")), bigrams(normalise("开源人才有没有住房支持"))
    assert jaccard(a, b) >= 0.6
    assert jaccard(bigrams("mit许可证"), bigrams("南京天气")) == 0.0


def test_grouping_near_duplicates():
    texts = (
        ["开源人才有住房支持吗？"] * 3
        + ["开源人才有住房支持吗"]  # same after normalising
        + ["开源人才有没有住房支持？"] * 2  # near duplicate
        + ["GPL 和 MIT 兼容吗？", "gpl和mit兼容吗"]
        + ["明天天气怎么样"]
        + ["？？？", ""]  # nothing left after normalising: ignored
    )
    groups = group_questions(texts)
    assert [g.count for g in groups] == [6, 2, 1]
    housing = groups[0]
    assert housing.example == "开源人才有住房支持吗？"
    assert set(housing.variants) == {"开源人才有住房支持吗？", "开源人才有住房支持吗", "开源人才有没有住房支持？"}
    assert groups[1].count == 2 and len(groups[1].variants) == 2
    assert group_questions(texts, limit=1)[0].count == 6


def test_records_and_hashes_session_ids(tmp_path):
    log = make_log(tmp_path)
    assert isinstance(log, FeedbackRecorder)
    secret = "wx-openid-oABCDEF1234567890"
    qid = ask(log, "南京开源政策有哪些？", session=secret)
    log.record_feedback(channel="wechat", session_id=secret, question="南京开源政策有哪些？", answer="…", rating="up")
    assert len(qid) == 32
    rows = log.export(timedelta(days=1), kind="questions")
    assert rows[0]["id"] == qid and rows[0]["session_hash"] == log.hash_id(secret)
    assert rows[0]["session_hash"] != secret and len(rows[0]["session_hash"]) == 32
    log.close()
    # the raw id is in none of the files (database, WAL, salt)
    for path in (tmp_path / "data").iterdir():
        assert secret.encode() not in path.read_bytes(), path
    # the salt is per install: the same id hashes differently elsewhere, the same here after a restart
    again = QuestionLog(tmp_path / "data", tz=UTC)
    other = QuestionLog(tmp_path / "other", tz=UTC)
    assert again.hash_id(secret) == rows[0]["session_hash"]
    assert other.hash_id(secret) != rows[0]["session_hash"]
    assert again.hash_id(None) is None
    with sqlite3.connect(tmp_path / "data" / "questions.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_report_totals_groups_and_trend(tmp_path):
    clock = Clock(T0 - 2 * DAY)
    log = make_log(tmp_path, clock)
    # day 1: 3 questions, 1 answered, one down-vote
    ask(log, "开源人才有住房支持吗？", "answered")
    ask(log, "南京有开源基金会吗", "no_answer")
    ask(log, "南京有开源基金会吗？", "no_answer")
    log.record_feedback(channel="web", session_id="s", question="开源人才有住房支持吗？", answer="a", rating="down")
    clock.now = T0 - DAY
    # day 2: 2 questions, both answered, votes
    ask(log, "MIT 能商用吗", "answered", channel="wechat")
    ask(log, "Apache 兼容 GPL 吗", "answered", channel="wechat")
    log.record_feedback(channel="web", session_id="s", question="MIT 能商用吗", answer="a", rating="up")
    log.record_feedback(channel="web", session_id="s", question="开源人才有住房支持吗", answer="a", rating="down")
    clock.now = T0
    ask(log, "南京有没有开源基金会", "no_answer")
    ask(log, "今天天气", "no_answer")
    clock.now = T0 - 10 * DAY
    ask(log, "too old to count", "no_answer")
    clock.now = T0 + 60

    report = log.report(timedelta(days=7))
    assert report.total_questions == 7
    assert report.answered == 3 and report.no_answer == 4
    assert report.answer_rate == round(3 / 7, 4)
    assert (report.feedback_up, report.feedback_down) == (1, 2)
    assert report.by_channel == {"api": 5, "wechat": 2}
    assert report.unanswered[0].count == 3  # the three foundation questions, one group
    assert "基金会" in report.unanswered[0].example
    assert report.unanswered[1].example == "今天天气"
    assert report.downvoted[0].count == 2 and len(report.downvoted[0].variants) == 2
    days = {d.day: d for d in report.trend}
    assert list(days) == ["2025-06-13", "2025-06-14", "2025-06-15"]
    assert (days["2025-06-13"].questions, days["2025-06-13"].answered, days["2025-06-13"].down) == (3, 1, 1)
    assert days["2025-06-14"].answered_share == 1.0 and days["2025-06-14"].up == 1
    assert days["2025-06-15"].answered_share == 0.0
    assert report.latency_p50_ms == 20.0
    d = report.to_dict()
    assert d["unanswered"][0]["count"] == 3 and d["trend"][0]["day"] == "2025-06-13"
    # a shorter period
    assert log.report(timedelta(hours=1)).total_questions == 2
    empty = make_log(tmp_path / "empty").report(timedelta(days=7))
    assert empty.total_questions == 0 and empty.answer_rate is None and empty.unanswered == []


def test_export_and_purge(tmp_path):
    clock = Clock(T0 - 3 * DAY)
    log = make_log(tmp_path, clock)
    log.record_feedback(channel="web", session_id="s1", question="old", answer="a", rating="up")
    clock.now = T0
    log.record_feedback(channel="web", session_id="s1", question="new", answer="a", rating="down")
    rows = log.export(timedelta(days=1))
    assert [r["question"] for r in rows] == ["new"]
    assert set(rows[0]) == {"time", "id", "channel", "session_hash", "question", "answer", "rating"}
    assert rows[0]["time"].startswith("2025-06-15T")
    assert len(log.export(timedelta(days=7))) == 2
    with pytest.raises(ValueError):
        log.export(timedelta(days=1), kind="everything")  # type: ignore[arg-type]
    assert log.purge(timedelta(days=2)) == 1
    assert len(log.export(timedelta(days=7))) == 1


def test_hostile_text_is_stored(tmp_path):
    log = make_log(tmp_path)
    ask(log, "lone \ud800 surrogate \x00 nul " + "x" * 10000)
    log.record_feedback(channel="web", session_id="\udfff", question="q\ud800", answer="\x00", rating="down")
    rows = log.export(timedelta(days=1), kind="questions")
    assert rows[0]["question"].startswith("lone ? surrogate \x00 nul") and len(rows[0]["question"]) == 4000
    assert log.report(timedelta(days=1)).feedback_down == 1


def test_write_errors_do_not_raise(tmp_path, caplog):
    log = make_log(tmp_path)
    log.close()
    ask(log, "still returns an id")  # logged, not raised: answering must not break
    assert "question log write failed" in caplog.text


def test_many_threads(tmp_path):
    log = make_log(tmp_path)

    def writer(n):
        for i in range(40):
            ask(log, f"question {n} {i}", "answered" if i % 2 else "no_answer", session=f"s{n}")
            if i % 10 == 0:
                log.record_feedback(channel="web", session_id=f"s{n}", question="q", answer="a", rating="up")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    report = log.report(timedelta(days=1))
    assert report.total_questions == 320 and report.answered == 160 and report.feedback_up == 32
    second = QuestionLog(tmp_path / "data", tz=UTC)  # another "worker" on the same file
    assert second.report(timedelta(days=365 * 30)).total_questions == 320
