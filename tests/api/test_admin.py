"""Admin endpoints: bearer auth, ingest trigger/status, exports, the report, and refusing weak tokens."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC

import pytest
from fastapi.testclient import TestClient

from bot.api import tokens
from bot.api.admin import build_admin_router
from bot.api.app import create_app
from bot.api.tokens import check_admin_token
from bot.errors import ConfigError
from bot.questionlog import QuestionLog
from bot.services import Services
from tests.fakes import FakeAssistant
from tests.helpers import make_settings

TOKEN = "qV7r-Lz2k_Wm9xPb4Nt6Hs8Jd"


def make_client(tmp_path, *, ingest=None, ingest_status=None, on_ingest=None, token=TOKEN):
    settings = make_settings(tmp_path, admin_token=token, admin_enabled=True)
    log = QuestionLog(tmp_path / "data", tz=UTC)
    router = build_admin_router(settings, log, ingest, ingest_status, on_ingest=on_ingest)
    app = create_app(Services(settings=settings, assistant=FakeAssistant(), question_log=log), routers=[router])
    return TestClient(app), log, router


AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer wrong-token-wrong-token"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": "Bearer 令牌令牌令牌令牌".encode()},
])
def test_admin_rejects_missing_or_wrong_token(tmp_path, headers):
    client, _, _ = make_client(tmp_path)
    for method, url in (("GET", "/admin/ingest"), ("POST", "/admin/ingest"), ("GET", "/admin/feedback"),
                        ("GET", "/admin/report")):
        response = client.request(method, url, headers=headers)
        assert response.status_code == 401, (method, url)
        assert response.headers["www-authenticate"] == "Bearer"


def test_admin_with_empty_configured_token_is_closed(tmp_path):
    client, _, _ = make_client(tmp_path, token=None)
    assert client.get("/admin/report", headers={"Authorization": "Bearer "}).status_code == 401
    assert client.get("/admin/report").status_code == 401


def test_admin_uses_a_timing_safe_compare(tmp_path, monkeypatch):
    calls = []
    real = tokens.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    client, _, _ = make_client(tmp_path)
    assert client.get("/admin/report", headers=AUTH).status_code == 200
    assert client.get("/admin/report", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/admin/report").status_code == 401  # compared even when the header is missing
    assert len(calls) == 3 and all(isinstance(a, bytes) for a, _ in calls)


def test_ingest_trigger_conflict_and_status(tmp_path):
    release = threading.Event()
    runs, outcomes = [], []

    def ingest():
        runs.append(1)
        release.wait(10)
        return {"added": 2, "changed": 1, "deleted": 0}

    client, _, router = make_client(tmp_path, ingest=ingest, ingest_status=lambda: {"documents": 12, "chunks": 340},
                                    on_ingest=outcomes.append)
    status = client.get("/admin/ingest", headers=AUTH).json()
    assert status["available"] is True and status["running"] is False and status["last"] is None
    assert status["index"] == {"documents": 12, "chunks": 340}
    started = client.post("/admin/ingest", headers=AUTH)
    assert started.status_code == 202 and started.json()["status"] == "started"
    assert client.post("/admin/ingest", headers=AUTH).status_code == 409
    assert client.get("/admin/ingest", headers=AUTH).json()["running"] is True
    release.set()
    router.ingest_runner.thread.join(10)
    status = client.get("/admin/ingest", headers=AUTH).json()
    assert status["running"] is False
    assert status["last"]["ok"] is True and status["last"]["result"]["added"] == 2
    assert outcomes == [True] and runs == [1]
    # and again, now that it finished
    assert client.post("/admin/ingest", headers=AUTH).status_code == 202
    router.ingest_runner.thread.join(10)


def test_ingest_failure_is_reported(tmp_path):
    outcomes = []

    def broken():
        raise RuntimeError("knowledge folder unreadable")

    client, _, router = make_client(tmp_path, ingest=broken, on_ingest=outcomes.append)
    assert client.post("/admin/ingest", headers=AUTH).status_code == 202
    router.ingest_runner.thread.join(10)
    last = client.get("/admin/ingest", headers=AUTH).json()["last"]
    assert last["ok"] is False and "unreadable" in last["error"]
    assert outcomes == [False]


def test_ingest_not_configured(tmp_path):
    client, _, _ = make_client(tmp_path)
    assert client.post("/admin/ingest", headers=AUTH).status_code == 501
    assert client.get("/admin/ingest", headers=AUTH).json()["available"] is False


def test_feedback_export_json_and_csv(tmp_path):
    client, log, _ = make_client(tmp_path)
    log.record_feedback(channel="web", session_id="user-42", question="=HYPERLINK(\"http://evil\")",
                        answer="a, with \"quotes\"\nand lines", rating="down")
    log.record_feedback(channel="wechat", session_id=None, question="开源人才住房", answer="b", rating="up")
    data = client.get("/admin/feedback?since=7d&format=json", headers=AUTH).json()
    assert data["count"] == 2 and data["items"][1]["question"] == "开源人才住房"
    assert "user-42" not in str(data)
    response = client.get("/admin/feedback", params={"since": "7d", "format": "csv"}, headers=AUTH)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["rating"] for r in rows] == ["down", "up"]
    assert rows[0]["question"].startswith("'=")  # no spreadsheet formula injection
    assert rows[0]["answer"] == "a, with \"quotes\"\nand lines"
    assert rows[1]["session_hash"] == ""
    questions = client.get("/admin/feedback?kind=questions&format=csv", headers=AUTH)
    assert questions.status_code == 200 and questions.text == ""
    for bad in ("?since=forever", "?format=xml", "?kind=secrets", "?since=0d"):
        bad_response = client.get("/admin/feedback" + bad, headers=AUTH)
        assert bad_response.status_code == 422


def test_report_endpoint(tmp_path):
    client, log, _ = make_client(tmp_path)
    for q in ("南京有开源基金会吗", "南京有开源基金会吗？", "MIT 能商用吗"):
        log.record_question(channel="api", session_id="s", question=q, status="no_answer", top_score=None,
                            latency_ms=3.0, mode="extractive")
    report = client.get("/admin/report?since=24h", headers=AUTH).json()
    assert report["total_questions"] == 3 and report["answer_rate"] == 0.0
    assert report["unanswered"][0]["count"] == 2
    assert client.get("/admin/report?since=1y", headers=AUTH).status_code == 422


@pytest.mark.parametrize("token", [None, "", "   ", "short", "changeme", "admin", "password", "yuanbot",
                                   "changemechangeme", "adminadminadmin1", "aaaaaaaaaaaaaaaaaaaa",
                                   "CHANGEME-CHANGEME", "0123012301230123", "Password12345678",
                                   "P@ssw0rd-P@ssw0rd", "Qwerty123456789!", "s3cr3t-Adm1n-T0ken-for-tests"])
def test_startup_refuses_weak_tokens(tmp_path, token):
    settings = make_settings(tmp_path, admin_enabled=True, admin_token=token)
    with pytest.raises(ConfigError, match="YUANBOT_ADMIN_TOKEN"):
        check_admin_token(settings.admin)


def test_startup_accepts_strong_token_or_disabled(tmp_path):
    check_admin_token(make_settings(tmp_path, admin_enabled=True, admin_token=TOKEN).admin)
    check_admin_token(make_settings(tmp_path, admin_enabled=True, admin_token="k9Zq-Wm2x_Lp7Rt4Vb8n").admin)
    check_admin_token(make_settings(tmp_path, admin_enabled=False, admin_token=None).admin)
    check_admin_token(make_settings(tmp_path, admin_enabled=False, admin_token="changeme").admin)


def test_tokens_from_the_recommended_command_are_accepted():
    import secrets

    assert all(tokens.weakness(secrets.token_urlsafe(32)) is None for _ in range(2000))
