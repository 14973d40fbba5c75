"""Signing in to the console: the token for a session cookie (its flags), CSRF, sign-in limits, the audit log."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.console.auth import SESSION_COOKIE, SIGNIN_COOKIE, ConsoleAuth
from bot.stores import InProcessStore
from bot.stores.aio import AsyncStore
from bot.wiring import build_app
from tests.helpers import make_settings

from .support import TOKEN, csrf_of, sign_in


def _cookie(response, name: str) -> dict[str, str]:
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            morsel = jar[name]
            flags = {k.lower(): str(v) for k, v in morsel.items() if v}
            lowered = header.lower()
            flags["httponly"] = "true" if "httponly" in lowered else ""
            flags["secure"] = "true" if "; secure" in lowered else ""
            return {"value": morsel.value, **flags}
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def test_pages_need_a_sign_in(client) -> None:
    for page in ("documents", "faq", "questions", "changes"):
        response = client.get(f"/admin/{page}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"signin?next={page}"
    assert client.get("/admin/api/documents").status_code == 401
    assert client.get("/admin/api/report").json()["detail"]["code"] == "signed_out"


def test_session_cookie_flags(client, console) -> None:
    form = client.get("/admin/signin")
    assert form.status_code == 200 and "frame-ancestors 'none'" in form.headers["content-security-policy"]
    response = client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": TOKEN, "next": "faq"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "faq"
    cookie = _cookie(response, SESSION_COOKIE)
    assert len(cookie["value"]) >= 40
    assert cookie["httponly"] and cookie["samesite"].lower() == "strict" and cookie["path"] == "/admin"
    assert cookie["max-age"] == str(console[0].admin.session_minutes * 60)
    assert not cookie["secure"]  # plain HTTP here: a Secure cookie would never come back
    assert client.get("/admin/documents").status_code == 200


def test_cookie_is_secure_behind_https(console) -> None:
    with TestClient(console[2], base_url="https://console.example") as client:
        form = client.get("/admin/signin")
        assert _cookie(form, "yuanbot_console_signin")["secure"]
        response = client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": TOKEN},
                               follow_redirects=False)
        assert _cookie(response, SESSION_COOKIE)["secure"]


def test_wrong_token_and_forged_sign_in_form(client) -> None:
    form = client.get("/admin/signin")
    wrong = client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": TOKEN + "x"})
    assert wrong.status_code == 401 and "令牌不正确 / wrong token" in wrong.text
    assert f"{SESSION_COOKIE}=" not in wrong.headers.get("set-cookie", "")
    # a sign-in form posted from elsewhere (no matching pre-session cookie) is refused even with the token
    fresh = TestClient(client.app, base_url="http://testserver")
    forged = fresh.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": TOKEN})
    assert forged.status_code == 403 and f"{SESSION_COOKIE}=" not in forged.headers.get("set-cookie", "")
    cross = client.post("/admin/signin", data={"csrf": csrf_of(client.get("/admin/signin").text), "token": TOKEN},
                        headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403


def test_failed_sign_ins_are_rate_limited(console) -> None:
    settings, components, app = console
    peer = ("198.51.100.23", 5000)
    with TestClient(app, base_url="http://testserver", client=peer) as client:
        for _ in range(settings.admin.signin_attempts):
            form = client.get("/admin/signin")
            assert client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": "guess"}).status_code == 401
        form = client.get("/admin/signin")
        blocked = client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": TOKEN})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) == settings.admin.signin_window_minutes * 60
        assert "登录失败次数过多" in blocked.text and f"{SESSION_COOKIE}=" not in blocked.headers.get("set-cookie", "")
    with TestClient(app, base_url="http://testserver", client=("198.51.100.24", 5000)) as other:
        sign_in(other)  # another address is not blocked
    refused = [e for e in components.staff.audit_log.recent(50, "sign_in") if e.address == peer[0]]
    assert [e.detail for e in refused][:2] == ["too many failures", "wrong token"]
    assert all(e.outcome == "refused" for e in refused)


@pytest.mark.parametrize("headers", [
    {},  # no token
    {"X-CSRF-Token": "not-the-token"},
    {"Origin": "https://evil.example"},  # the right token would not help from another site
    {"Sec-Fetch-Site": "cross-site"},
])
def test_state_changes_without_csrf_are_refused(client, headers) -> None:
    csrf = sign_in(client)
    if "Origin" in headers or "Sec-Fetch-Site" in headers:
        headers = {**headers, "X-CSRF-Token": csrf}
    for url, body in (("/admin/api/sync", {}), ("/admin/api/documents/delete", {"doc_id": "x.md", "version": "v"}),
                      ("/admin/api/faq/check", {"file": "faq/policy.yaml", "entry": {
                          "question": "q", "answer": "a", "source": "s"}})):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 403, (url, response.text)
        assert response.json()["detail"]["code"] == "csrf"
    signout = client.post("/admin/signout", data={"csrf": "forged"}, follow_redirects=False)
    assert signout.status_code == 403
    assert client.get("/admin/api/documents").status_code == 200  # still signed in


def test_csrf_token_lets_the_change_through_and_sign_out_ends_the_session(client) -> None:
    csrf = sign_in(client)
    checked = client.post("/admin/api/faq/check", headers={"X-CSRF-Token": csrf}, json={
        "file": "faq/policy.yaml", "entry": {"question": "开源人才有住房补贴吗？", "answer": "有。",
                                             "source": "《加快开源软件发展三年行动计划（2023-2025年）》三、保障措施 > （四）引培开源人才"}})
    assert checked.status_code == 200 and checked.json()["clauses"]
    out = client.post("/admin/signout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "signin"
    assert 'max-age=0' in out.headers["set-cookie"].lower()
    client.cookies.clear()
    assert client.get("/admin/api/documents").status_code == 401


def test_bearer_token_works_without_a_session_or_csrf(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/admin/api/documents", headers=auth).status_code == 200
    assert client.get("/admin/api/documents", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/admin/report", headers=auth).status_code == 200  # the admin API is unchanged


def test_session_expires_and_token_rotation_ends_sessions() -> None:
    now = [1000.0]
    store = AsyncStore(InProcessStore(clock=lambda: now[0]))
    settings = make_settings(None, admin_enabled=True, admin_token=TOKEN, admin_session_minutes=30)
    auth = ConsoleAuth(settings, store, clock=lambda: now[0])

    async def scenario():
        session_id, session = await auth.start("203.0.113.9")
        assert (await auth.session(session_id)) == session
        now[0] += 29 * 60
        assert await auth.session(session_id) is not None
        rotated = ConsoleAuth(make_settings(None, admin_enabled=True, admin_token="k9Zq-Wm2x_Lp7Rt4Vb8n-x"),
                              store, clock=lambda: now[0])
        assert await rotated.session(session_id) is None  # a new token ends the old sessions
        now[0] += 2 * 60
        assert await auth.session(session_id) is None  # 31 minutes: expired
        assert await auth.session("") is None and await auth.session("x" * 500) is None

    asyncio.run(scenario())


def test_sign_ins_and_sign_outs_are_in_the_audit_log(client, console) -> None:
    client.post("/admin/signin", data={"csrf": csrf_of(client.get("/admin/signin").text), "token": "wrong"})
    csrf = sign_in(client)
    events = client.get("/admin/api/changes?action=sign_in&limit=2").json()["events"]
    assert [(e["outcome"], e["detail"]) for e in events] == [("ok", ""), ("refused", "wrong token")]
    assert events[0]["address"] == "testclient" and events[0]["actor"] == "console"
    assert events[0]["time"].endswith("+00:00")
    client.post("/admin/signout", data={"csrf": csrf})
    assert console[1].staff.audit_log.recent(1)[0].action == "sign_out"


def test_cookies_are_secure_when_a_trusted_proxy_says_https(console) -> None:
    """Behind a TLS-terminating proxy the app is reached over plain HTTP: X-Forwarded-Proto from a proxy in
    YUANBOT_TRUSTED_PROXIES makes the cookies Secure; the same header from anyone else changes nothing."""
    settings, components, _ = console
    proxy = "198.51.100.10"
    app = build_app(settings.model_copy(update={"trusted_proxies": [proxy]}), warm_up=False, components=components)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.33"}
    for peer, secure in ((proxy, True), ("203.0.113.50", False)):
        with TestClient(app, base_url="http://testserver", client=(peer, 5000)) as client:
            form = client.get("/admin/signin", headers=forwarded)
            nonce = _cookie(form, SIGNIN_COOKIE)
            assert bool(nonce["secure"]) is secure, peer
            response = client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": TOKEN},
                                   headers={**forwarded, "Cookie": f"{SIGNIN_COOKIE}={nonce['value']}"},
                                   follow_redirects=False)
            assert response.status_code == 303, response.text
            assert bool(_cookie(response, SESSION_COOKIE)["secure"]) is secure, peer


def test_no_console_without_an_admin_token(console) -> None:
    """The console stays off unless a token is configured: /admin/signin does not exist."""
    settings, components, _ = console
    off = settings.model_copy(update={"admin": settings.admin.model_copy(update={"enabled": False, "token": None})})
    app = build_app(off, warm_up=False, components=components)
    with TestClient(app, base_url="http://testserver") as client:
        for path in ("/admin/signin", "/admin/documents", "/admin/api/documents"):
            assert client.get(path).status_code == 404, path
        assert client.post("/admin/signin", data={"token": TOKEN}).status_code == 404
        assert client.get("/healthz").status_code in (200, 503)  # the app itself is up


def test_serve_refuses_a_weak_token_at_start_up(tmp_path, monkeypatch) -> None:
    """`yuanbot serve` with a guessable token exits with a message that names the variable; no server starts."""
    import uvicorn

    from bot.cli import app as cli

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(a))
    monkeypatch.setattr("bot.wiring.build_app", lambda *a, **k: started.append(a))
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    for name, value in {"YUANBOT_ADMIN_ENABLED": "true", "YUANBOT_ADMIN_TOKEN": "Password12345678",
                        "YUANBOT_DATA_DIR": str(tmp_path / "data"), "YUANBOT_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(name, value)
    with restored_logging():
        result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code != 0 and started == []
    message = " ".join(result.output.split())
    assert "YUANBOT_ADMIN_TOKEN is too weak" in message, message
    assert "secrets.token_urlsafe" in message, message  # and says how to make a good one


@contextlib.contextmanager
def restored_logging():
    """`yuanbot serve` configures the root and uvicorn loggers; put them back for the other tests."""
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level, logging.getLogger(n).propagate)
             for n in names}
    try:
        yield
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:], logger.propagate = handlers, propagate
            logger.setLevel(level)


def test_full_app_audit_route_uses_the_process_auditor(client, console) -> None:
    """Not about sign-in: it reuses this module's full app. `build_app` hands `components.auditor` to the audit
    router, so the API, chat and Telegram channels share one verdict cache (not one per channel)."""
    components = console[1]
    sbom = b"Name,Version,License\nleft-pad,1.3.0,MIT\nright-pad,2.0.0,ISC\n"
    before = len(components.auditor._checks)
    response = client.post("/api/licenses/audit", params={"outbound": "Apache-2.0"}, content=sbom)
    assert response.status_code == 200, response.text
    assert len(components.auditor._checks) > before  # the verdicts landed in the process's cache
