"""`yuanbot report`: the FAQ to-do list and trends in a terminal, or as JSON."""

from __future__ import annotations

import json
from datetime import UTC

from typer.testing import CliRunner

from bot.questionlog import QuestionLog
from bot.report_cli import report_app

runner = CliRunner()


def seed(data_dir):
    log = QuestionLog(data_dir, tz=UTC)
    for q, status in [("南京有开源基金会吗", "no_answer"), ("南京有开源基金会吗？", "no_answer"),
                      ("开源人才住房支持", "answered"), ("今天天气", "no_answer")]:
        log.record_question(channel="api", session_id="s", question=q, status=status, top_score=None,
                            latency_ms=12.5, mode="extractive")
    log.record_feedback(channel="web", session_id="s", question="开源人才住房支持", answer="a", rating="down")
    log.record_feedback(channel="web", session_id="s", question="MIT 商用", answer="a", rating="up")
    log.close()


def test_report_tables(tmp_path):
    seed(tmp_path)
    result = runner.invoke(report_app, ["--since", "7d", "--data-dir", str(tmp_path)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "FAQ to-do" in out and "南京有开源基金会吗" in out
    assert "down-voted" in out and "开源人才住房支持" in out
    assert "Trend per day" in out and "25.0%" in out


def test_report_json(tmp_path):
    seed(tmp_path)
    result = runner.invoke(report_app, ["--since", "24h", "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_questions"] == 4 and data["answered"] == 1
    assert data["unanswered"][0] == {"example": "南京有开源基金会吗", "count": 2,
                                     "variants": ["南京有开源基金会吗", "南京有开源基金会吗？"]}
    assert data["feedback_down"] == 1 and data["downvoted"][0]["example"] == "开源人才住房支持"


def test_report_empty_log(tmp_path):
    result = runner.invoke(report_app, ["--data-dir", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert "nothing unanswered" in result.output


def test_report_bad_since(tmp_path):
    for bad in ("7", "seven days", "0d", "-3h", "1y"):
        result = runner.invoke(report_app, ["--since", bad, "--data-dir", str(tmp_path)])
        assert result.exit_code == 2, (bad, result.output)
        assert "invalid duration" in result.output
    assert not (tmp_path / "questions.sqlite3").exists()  # nothing created on a usage error


def test_report_uses_settings_data_dir(tmp_path, monkeypatch):
    seed(tmp_path)
    monkeypatch.setenv("YUANBOT_DATA_DIR", str(tmp_path))
    result = runner.invoke(report_app, ["--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["total_questions"] == 4
