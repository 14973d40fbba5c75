from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.routes_licenses import build_license_router

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def client(engine):
    app = FastAPI()
    app.include_router(build_license_router(engine))
    return TestClient(app)


def test_compatibility_ok(client):
    r = client.get("/api/licenses/compatibility", params={"inbound": "MIT", "outbound": "GPL-3.0-only"})
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] == "compatible"
    assert body["inbound"] == "MIT" and body["outbound"] == "GPL-3.0-only"
    assert body["explanation"] and body["explanation_en"]
    assert body["sources"] and body["sources"][0]["url"]
    assert isinstance(body["conditions"], list) and isinstance(body["notes"], list)


def test_compatibility_common_names_expression_and_use(client):
    r = client.get(
        "/api/licenses/compatibility",
        params={"inbound": "Apache 2 OR MIT", "outbound": "GPLv2", "use": "binary"},
    )
    assert r.status_code == 200
    assert r.json()["verdict"] == "compatible"
    assert r.json()["inbound"] == "Apache-2.0 OR MIT"
    r = client.get(
        "/api/licenses/compatibility",
        params={"inbound": "LGPL-2.1-only", "outbound": "闭源", "use": "dynamic"},
    )
    assert r.json()["verdict"] == "conditional"
    r = client.get(
        "/api/licenses/compatibility",
        params={"inbound": "GPL-3.0-only", "outbound": "proprietary", "use": "saas"},
    )
    assert r.json()["verdict"] == "compatible"


@pytest.mark.parametrize("inbound", ["Foo-1.0", "MIT AND", "((", "x" * 1500])
def test_compatibility_errors_are_422_with_suggestions(client, inbound):
    r = client.get("/api/licenses/compatibility", params={"inbound": inbound, "outbound": "MIT"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail["message"], str) and isinstance(detail["suggestions"], list)


def test_compatibility_suggestions_content(client):
    r = client.get("/api/licenses/compatibility", params={"inbound": "Apache-3.0", "outbound": "MIT"})
    assert r.status_code == 422
    assert "Apache-2.0" in r.json()["detail"]["suggestions"]
    r = client.get("/api/licenses/compatibility", params={"inbound": "MIT", "outbound": "MIT", "use": "nope"})
    assert r.status_code == 422


def test_missing_parameter_is_422(client):
    assert client.get("/api/licenses/compatibility", params={"inbound": "MIT"}).status_code == 422


def test_describe(client):
    r = client.get("/api/licenses/Apache-2.0")
    assert r.status_code == 200
    body = r.json()
    assert body["spdx_id"] == "Apache-2.0" and body["name"] == "Apache License 2.0"
    assert body["category"] == "permissive" and body["osi_approved"] is True and body["fsf_libre"] is True
    assert body["text_url"] == "https://spdx.org/licenses/Apache-2.0.html"
    assert body["obligations"]
    assert client.get("/api/licenses/gpl-3.0-or-later").json()["category"] == "strong copyleft"


def test_describe_unknown_is_422_with_suggestions(client):
    r = client.get("/api/licenses/Apache-3.0")
    assert r.status_code == 422
    assert "Apache-2.0" in r.json()["detail"]["suggestions"]


def test_identify(client):
    text = (
        (DATA / "texts" / "MIT.txt")
        .read_text(encoding="utf-8")
        .replace("<year> <copyright holders>", "2024 ACME")
    )
    r = client.post("/api/licenses/identify", json={"text": text})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "MIT" and body["confidence"] > 0.9
    assert body["candidates"][0]["id"] == "MIT"
    r = client.post("/api/licenses/identify", json={"text": "lorem ipsum dolor sit amet " * 20})
    assert r.status_code == 200 and r.json()["id"] is None
    assert client.post("/api/licenses/identify", json={}).status_code == 422
