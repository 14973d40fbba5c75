"""`POST /api/licenses/audit` on a bare FastAPI app with only the audit router."""

from __future__ import annotations

import csv
import io
import socket

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.routes_audit import build_audit_router
from tests.helpers import stream_until_answered
from tests.web.support import LiveServer

from .support import DATA, FIXTURES, HOSTILE, MISSHAPEN, TEXTS, read

URL = "/api/licenses/audit"


@pytest.fixture(scope="module")
def client(engine):
    app = FastAPI()
    app.include_router(build_audit_router(engine, TEXTS, max_upload_bytes=2 * 1024 * 1024))
    with TestClient(app) as client:
        yield client


def test_multipart_upload(client) -> None:
    with (DATA / FIXTURES["dropwizard"]).open("rb") as f:
        response = client.post(URL, params={"outbound": "GPL-2.0-only", "use": "binary"},
                               files={"file": ("dropwizard.cdx.json", f, "application/json")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"summary", "components", "obligations", "unresolved", "notice"}
    assert body["summary"]["total"] == 167 and not body["summary"]["passed"]
    guava = next(c for c in body["components"] if c["name"] == "com.google.guava/guava")
    assert guava["verdict"] == "incompatible" and guava["resolution"] == "id"
    assert body["notice"].startswith("THIRD-PARTY SOFTWARE NOTICES")


def test_raw_body_upload(client) -> None:
    response = client.post(URL, params={"outbound": "Apache-2.0"}, content=read(FIXTURES["example2"]),
                           headers={"Content-Type": "text/plain"})
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["source"]["encoding"] == "tag-value"


def test_other_form_fields_are_ignored(client) -> None:
    response = client.post(URL, params={"outbound": "MIT"}, data={"comment": "hello"},
                           files={"file": ("acme.json", read(FIXTURES["acme"]), "application/json")})
    assert response.status_code == 200 and response.json()["summary"]["total"] == 3


def test_csv_and_notice_formats(client) -> None:
    response = client.post(URL, params={"outbound": "MIT", "format": "csv"}, content=read(FIXTURES["laravel"]))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 62
    response = client.post(URL, params={"outbound": "MIT", "format": "notice"}, content=read(FIXTURES["laravel"]))
    assert response.status_code == 200 and response.text.startswith("THIRD-PARTY SOFTWARE NOTICES")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_422_with_one_sentence(client, name) -> None:
    data, code, words = HOSTILE[name]
    response = client.post(URL, params={"outbound": "MIT"}, files={"file": ("upload", data)})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == code and words in detail["message"] and "\n" not in detail["message"]


def test_unknown_outbound_and_use_are_422(client) -> None:
    response = client.post(URL, params={"outbound": "Frobnitz-9"}, content=read(FIXTURES["acme"]))
    assert response.status_code == 422 and response.json()["detail"]["code"] == "unknown_licence"
    response = client.post(URL, params={"outbound": "MIT", "use": "teleport"}, content=read(FIXTURES["acme"]))
    assert response.status_code == 422  # not one of binary / saas / static / dynamic
    response = client.post(URL, content=read(FIXTURES["acme"]))
    assert response.status_code == 422  # outbound is required


def test_multipart_without_a_file_is_422(client) -> None:
    response = client.post(URL, params={"outbound": "MIT"}, data={"comment": "no file here"},
                           files={"other": (None, "x")})
    assert response.status_code == 422 and "no file" in response.json()["detail"]["message"]


def test_too_large_by_content_length_is_413(client) -> None:
    big = b"x" * (2 * 1024 * 1024 + 1)
    response = client.post(URL, params={"outbound": "MIT"}, content=big)
    assert response.status_code == 413
    assert "2 MB" in response.json()["detail"]["message"]


def test_too_large_multipart_is_413(client) -> None:
    big = b"Name,Version,License\n" + b"pkg,1.0,MIT\n" * 200_000  # ~2.4 MB
    response = client.post(URL, params={"outbound": "MIT"}, files={"file": ("big.csv", big, "text/csv")})
    assert response.status_code == 413


def test_too_large_chunked_upload_is_cut_off_early(engine) -> None:
    """Over real HTTP (uvicorn): a 200 MB chunked upload gets 413 after ~the limit, not after 200 MB."""
    app = FastAPI()
    app.include_router(build_audit_router(engine, TEXTS, max_upload_bytes=1024 * 1024))
    chunk = b"y" * (256 * 1024)
    with LiveServer(app) as server, socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            f"POST {URL}?outbound=MIT HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        response, sent = stream_until_answered(sock, chunk)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert sent < 20 * 1024 * 1024  # stopped long before 200 MB


def test_openapi_documents_the_route(client) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][URL]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AuditReport")
    assert "example" in operation["responses"]["200"]["content"]["application/json"]
    assert {"413", "422"} <= set(operation["responses"])
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {p["name"] for p in operation["parameters"]} == {"outbound", "use", "format"}
    assert "AuditedComponent" in spec["components"]["schemas"]


@pytest.mark.parametrize("name", ["creationInfo a string", "relationships a number", "externalRefs a string"])
def test_misshapen_spdx_fields_are_a_report_not_a_500(client, name) -> None:
    data, words = MISSHAPEN[name]
    response = client.post(URL, params={"outbound": "Apache-2.0"}, files={"file": ("upload.spdx.json", data)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["name"] for c in body["components"]] == ["lib"]
    assert any(words in note for note in body["summary"]["notes"])


def test_the_router_uses_the_auditor_it_is_given(engine) -> None:
    """bot.wiring passes the process's Auditor, so the API and chat channels share one verdict cache."""
    from bot.licenses.audit import Auditor

    shared = Auditor(engine, TEXTS)
    app = FastAPI()
    app.include_router(build_audit_router(engine, TEXTS, auditor=shared))
    with TestClient(app) as own_client:
        response = own_client.post(URL, params={"outbound": "MIT"}, content=read(FIXTURES["acme"]))
    assert response.status_code == 200
    assert len(shared._checks) > 0  # the verdicts went into the shared cache
    before = shared._checks.hits
    shared.audit_bytes(read(FIXTURES["acme"]), "MIT")  # the chat channel's call reuses them
    assert shared._checks.hits > before
