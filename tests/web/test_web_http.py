"""Plain HTTP tests of the web adapter: pages, assets, CSP `frame-ancestors`, CORS."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from adapters.web.security import allowed_origins, frame_ancestors, normalize_origin
from bot.settings import Settings
from tests.fakes import FakeQuestionLog
from tests.helpers import make_settings

from .support import FakeAssistant, make_app, web_reply

ALLOWED = "https://www.nanjing.gov.cn"
OTHER = "https://evil.example.com"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(data_dir=tmp_path, allowed_origins=[ALLOWED + "/"])


@pytest.fixture
def client(settings) -> TestClient:
    with TestClient(make_app(settings, FakeAssistant(web_reply), FakeQuestionLog())) as c:
        yield c


def test_widget_js_is_served_as_javascript(client):
    r = client.get("/widget.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "window.YuanBot = {" in r.text and "attachShadow" in r.text
    assert len(r.content) < 12_000  # small


def test_embed_has_frame_ancestors_and_no_inline_code(client):
    r = client.get("/embed")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {ALLOWED}" in csp  # trailing slash normalised away
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # every <script> is a file; no event-handler attributes, so script-src 'self' suffices
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.text, re.DOTALL)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son\w+\s*=", r.text)
    assert 'data-parent-origins="[&quot;https://www.nanjing.gov.cn&quot;]"' in r.text


def test_embed_escapes_its_parameters(client):
    r = client.get("/embed", params={"title": '<script>alert(1)</script>"', "color": "red;x", "lang": "en",
                                     "host": '"><script>'})
    assert "<script>alert(1)" not in r.text and '"><script>' not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in r.text
    assert 'data-color="#0b5cad"' in r.text  # invalid colour replaced by the default
    assert '<html lang="en">' in r.text and 'data-lang="en"' in r.text


def test_placeholders_are_filled_once(client):
    r = client.get("/embed", params={"title": "{{host}}", "host": "https://x.example"})
    assert "<title>{{host}}</title>" in r.text
    assert "{{" not in r.text.replace("<title>{{host}}</title>", "").replace(">{{host}}</h1>", "")


def test_embed_defaults(client):
    r = client.get("/embed", params={"color": "#C8102E"})
    assert "源问 · 开源政策问答" in r.text and 'data-color="#C8102E"' in r.text and 'data-lang="zh"' in r.text


@pytest.mark.parametrize("name,ctype", [("embed.js", "text/javascript"), ("embed.css", "text/css"),
                                        ("index.js", "text/javascript"), ("index.css", "text/css")])
def test_assets(client, name, ctype):
    r = client.get(f"/widget/{name}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)


@pytest.mark.parametrize("path", ["/widget/secret.py", "/widget/..%2Froutes.py", "/widget/../routes.py",
                                  "/widget/%2e%2e%2fsecurity.py"])
def test_no_other_files_are_reachable(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "def " not in r.text


def test_embed_js_never_uses_innerhtml():
    from adapters.web.routes import STATIC_DIR

    for name in ("embed.js", "widget.js", "index.js"):
        source = (STATIC_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", source), name


def test_landing_page(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "frame-ancestors" in r.headers["content-security-policy"]
    for q in ["开源人才能享受哪些住房方面的支持？", "我们公司想上市，市里有什么扶持？",
              "Apache-2.0 的库能用在 GPL-2.0-only 项目里吗？"]:
        assert f'data-question="{q}"' in r.text
    examples = re.findall(r'data-question="([^"]+)"', r.text)
    assert any(q.isascii() and "GPL" in q for q in examples), examples  # an English licence example too
    assert 'href="docs"' in r.text
    assert re.search(r'<script src="widget.js"[^>]*data-title="[^"]+"[^>]*defer></script>', r.text)
    assert "南京市工业和信息化局" in r.text  # settings.contact, escaped into the page
    assert client.get("/docs").status_code == 200


def test_cors_preflight_allowed_origin(client):
    r = client.options("/api/ask", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in r.headers["access-control-allow-methods"]


def test_cors_preflight_disallowed_origin(client):
    r = client.options("/api/ask", headers={"Origin": OTHER, "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 400
    assert "access-control-allow-origin" not in r.headers


def test_cors_simple_requests(client):
    ok = client.post("/api/ask", json={"question": "开源人才住房"}, headers={"Origin": ALLOWED})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == ALLOWED
    other = client.post("/api/ask", json={"question": "开源人才住房"}, headers={"Origin": OTHER})
    assert "access-control-allow-origin" not in other.headers


def test_no_origins_configured_means_self_only(tmp_path):
    settings = make_settings(data_dir=tmp_path, allowed_origins=[])
    with TestClient(make_app(settings, FakeAssistant(web_reply), FakeQuestionLog())) as c:
        assert "frame-ancestors 'self';" in c.get("/embed").headers["content-security-policy"] + ";"
        r = c.options("/api/feedback", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in r.headers


def test_allowed_origins_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("YUANBOT_ALLOWED_ORIGINS", '["https://www.nanjing.gov.cn", "http://localhost:8080"]')
    settings = make_settings(data_dir=tmp_path)
    assert frame_ancestors(settings) == "frame-ancestors 'self' https://www.nanjing.gov.cn http://localhost:8080"


@pytest.mark.parametrize("raw,expected", [
    ("https://WWW.Nanjing.gov.cn/", "https://www.nanjing.gov.cn"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("http://[::1]:8000", "http://[::1]:8000"),
    ("*", "*"),
    ("https://a.example; script-src *", None),
    ("https://a.example/path", None),
    ("javascript:alert(1)", None),
    ("a.example", None),
    ("https://user:pw@a.example", None),
    ("https://a.example:99999", None),
    ("https://a exa.example", None),
])
def test_normalize_origin(raw, expected):
    assert normalize_origin(raw) == expected


def test_invalid_origins_never_reach_the_header(tmp_path):
    settings = make_settings(data_dir=tmp_path, allowed_origins=["https://ok.example", "https://x.example; script-src *",
                                                            "https://ok.example/"])
    assert allowed_origins(settings) == ["https://ok.example"]
    assert frame_ancestors(settings) == "frame-ancestors 'self' https://ok.example"


def test_api_errors_still_json(client):
    r = client.post("/api/ask", json={"question": "x" * 2001})
    assert r.status_code == 422 and "message" in r.json()


@pytest.mark.parametrize("docs_enabled", [True, False])
def test_landing_page_links_the_audit_page_and_the_docs_only_when_served(tmp_path, docs_enabled):
    settings = make_settings(data_dir=tmp_path, docs_enabled=docs_enabled)
    with TestClient(make_app(settings, FakeAssistant(web_reply), FakeQuestionLog())) as c:
        landing = c.get("/").text
        assert 'href="audit"' in landing and c.get("/audit").status_code == 200
        docs_line = re.search(r'<p class="api-docs"([^>]*)>', landing)
        assert docs_line is not None
        assert ("hidden" in docs_line.group(1)) is not docs_enabled
