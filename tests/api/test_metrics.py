"""/metrics: per-app registry, requests by route template and status, answers, ingest runs."""

from __future__ import annotations

import re

from bot.api.metrics import install_metrics
from tests.api.conftest import build
from tests.helpers import asgi_client as client_for


def sample(text: str, name: str, **labels) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    return None


async def test_metrics_count_requests_by_route_and_status(tmp_path):
    app, _ = build(tmp_path, rate_limit_per_minute=2)
    metrics = app.state.metrics
    async with client_for(app) as c:
        await c.post("/api/ask", json={"question": "开源"})
        await c.post("/api/ask", json={"question": ""})  # 422
        await c.post("/api/ask", json={"question": "x"})  # 429 (limit 2)
        await c.get("/nope/123")
        # the composition root tells the metrics of every channel's answers (RecordingAssistant observers):
        metrics.observe_answer("answered", "extractive", "api")
        metrics.observe_answer("no_answer", "extractive", "wechat")
        metrics.observe_ingest(ok=True)
        response = await c.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    total = "yuanbot_http_requests_total"
    assert sample(text, total, method="POST", route="/api/ask", status="200") == 1.0
    assert sample(text, total, method="POST", route="/api/ask", status="422") == 1.0
    assert sample(text, total, method="POST", route="/api/ask", status="429") == 1.0
    assert sample(text, total, method="GET", route="unmatched", status="404") == 1.0
    assert "/nope/123" not in text  # raw paths never become labels
    assert sample(text, "yuanbot_http_request_duration_seconds_count", method="POST", route="/api/ask") == 3.0
    assert sample(text, "yuanbot_answers_total", status="answered", mode="extractive", channel="api") == 1.0
    assert sample(text, "yuanbot_answers_total", status="no_answer", channel="wechat") == 1.0
    assert sample(text, "yuanbot_ingest_runs_total", result="ok") == 1.0
    assert sample(text, "yuanbot_ingest_runs_total", result="failed") == 0.0
    assert sample(text, "yuanbot_http_requests_in_progress") == 1.0  # the scrape itself


async def test_route_templates_not_paths(tmp_path):
    from fastapi import APIRouter

    app, _ = build(tmp_path)
    router = APIRouter()

    @router.get("/api/licenses/{license_id:path}")
    async def info(license_id: str) -> dict:
        return {"id": license_id}

    app.include_router(router)
    async with client_for(app) as c:
        await c.get("/api/licenses/MIT")
        await c.get("/api/licenses/GPL-3.0-only")
        text = (await c.get("/metrics")).text
    assert sample(text, "yuanbot_http_requests_total", route="/api/licenses/{license_id:path}", status="200") == 2.0


async def test_each_app_has_its_own_registry(tmp_path):
    app1, _ = build(tmp_path / "a", rate_limit_per_minute=0)
    app2, _ = build(tmp_path / "b", rate_limit_per_minute=0)
    async with client_for(app1) as c1, client_for(app2) as c2:
        for _ in range(3):
            await c1.get("/healthz")
        text2 = (await c2.get("/metrics")).text
    assert sample(text2, "yuanbot_http_requests_total", route="/healthz") is None


async def test_metrics_token(tmp_path):
    app, _ = build(tmp_path, metrics=False)
    install_metrics(app, token="scrape-token-0123456789")
    async with client_for(app) as c:
        assert (await c.get("/metrics")).status_code == 401
        ok = await c.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"})
        assert ok.status_code == 200 and "yuanbot_http_requests_total" in ok.text
        for scheme in ("bearer", "BEARER", "bEaReR"):  # the scheme is case-insensitive (RFC 7235)
            ok = await c.get("/metrics", headers={"Authorization": f"{scheme} scrape-token-0123456789"})
            assert ok.status_code == 200, scheme
        for header in ("Bearer scrape-token-012345678", "Basic scrape-token-0123456789", "scrape-token-0123456789"):
            assert (await c.get("/metrics", headers={"Authorization": header})).status_code == 401, header
