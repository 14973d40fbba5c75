"""Who may use the console: the admin token traded for a session cookie, CSRF checks, sign-in limits.

* Sign-in: the form posts the token; a match (constant time) starts a session, a random id in a cookie that
  is HttpOnly, SameSite=Strict, Path=/admin, Secure when the request came over HTTPS (directly or from a
  trusted proxy), and expires after YUANBOT_ADMIN_SESSION_MINUTES. Sessions live in the key-value store
  (shared by workers with Redis) under a hash of their id, with a fingerprint of the token: rotating the
  token ends every session.
* CSRF: every state-changing request with a session must carry the session's token in `X-CSRF-Token` (or
  a `csrf` form field) and must not come from another site (`Origin`, `Sec-Fetch-Site`). The sign-in form
  itself is bound to a pre-session cookie (double submit, signed with a key derived from the admin token).
* Failed sign-ins per client address are counted in the store; past YUANBOT_ADMIN_SIGNIN_ATTEMPTS in the
  window the form answers 429 without looking at the token.
* Scripts may use `Authorization: Bearer <token>` instead of a session (no cookie, so no CSRF check).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response
from pydantic import BaseModel, ValidationError

from bot.api.tokens import bearer_token, token_matches
from bot.settings import Settings, secret_value
from bot.stores.aio import AsyncStore

SESSION_COOKIE = "yuanbot_console"
SIGNIN_COOKIE = "yuanbot_console_signin"
COOKIE_PATH = "/admin"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class StaffSession(BaseModel):
    csrf: str
    created: float
    expires: float
    address: str
    token_fp: str


@dataclass
class Staff:
    """The person (or script) behind a request."""

    actor: str  # "console" (a signed-in session) or "token" (a bearer token)
    address: str
    csrf: str = ""
    session_id: str | None = None


class NotSignedIn(Exception):
    """No valid session: pages redirect to the sign-in form, JSON calls get 401."""


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


class ConsoleAuth:
    def __init__(self, settings: Settings, store: AsyncStore, *, clock=time.time) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        token = secret_value(settings.admin.token)
        self._token = token
        self._token_fp = _digest("fingerprint:" + token)[:16]
        self._signin_key = hashlib.sha256(("yuanbot-console-signin:" + token).encode()).digest()
        self.session_seconds = settings.admin.session_minutes * 60
        self.window_seconds = settings.admin.signin_window_minutes * 60

    # --- the token ------------------------------------------------------------------------------
    def token_ok(self, supplied: str) -> bool:
        ok = token_matches(supplied, self._token)  # always compared, also for an empty value
        return bool(self._token) and ok

    # --- sign-in limits ---------------------------------------------------------------------------
    def _failures_key(self, address: str) -> str:
        return f"console:signin-failures:{_digest(address)[:24]}"

    async def blocked(self, address: str) -> bool:
        count = await self.store.get(self._failures_key(address))
        return count is not None and int(count) >= self.settings.admin.signin_attempts

    async def failed(self, address: str) -> None:
        await self.store.incr(self._failures_key(address), ttl=self.window_seconds)

    async def forget_failures(self, address: str) -> None:
        await self.store.delete(self._failures_key(address))

    # --- the sign-in form's own CSRF token (before there is a session) -----------------------------
    def signin_nonce(self) -> tuple[str, str]:
        """(cookie value, form value)."""
        nonce = secrets.token_urlsafe(24)
        return nonce, self._sign(nonce)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._signin_key, nonce.encode(), hashlib.sha256).hexdigest()

    def signin_form_ok(self, request: Request, form_value: str) -> bool:
        nonce = request.cookies.get(SIGNIN_COOKIE, "")
        expected = self._sign(nonce) if nonce else ""
        return bool(nonce) and token_matches(form_value, expected) and same_site(request)

    # --- sessions ---------------------------------------------------------------------------------
    async def start(self, address: str) -> tuple[str, StaffSession]:
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        session = StaffSession(csrf=secrets.token_urlsafe(32), created=now, expires=now + self.session_seconds,
                               address=address, token_fp=self._token_fp)
        await self.store.set(self._session_key(session_id), session.model_dump_json(), ttl=self.session_seconds)
        return session_id, session

    async def end(self, session_id: str) -> None:
        await self.store.delete(self._session_key(session_id))

    async def session(self, session_id: str | None) -> StaffSession | None:
        if not session_id or len(session_id) > 100:
            return None
        raw = await self.store.get(self._session_key(session_id))
        if not raw:
            return None
        try:
            session = StaffSession.model_validate_json(raw)
        except ValidationError:
            return None
        if session.expires <= self.clock() or not hmac.compare_digest(session.token_fp, self._token_fp):
            return None
        return session

    @staticmethod
    def _session_key(session_id: str) -> str:
        return f"console:session:{_digest(session_id)}"

    # --- per request ------------------------------------------------------------------------------
    async def staff(self, request: Request, *, form_csrf: str | None = None) -> Staff:
        """The caller, or NotSignedIn; HTTPException 403 for a state-changing request failing the CSRF checks."""
        address = client_address(request)
        supplied = bearer_token(request.headers)
        if supplied is not None:
            if self.token_ok(supplied):
                return Staff(actor="token", address=address)
            raise HTTPException(status_code=401, detail="a valid admin token is required",
                                headers={"WWW-Authenticate": "Bearer"})
        session_id = request.cookies.get(SESSION_COOKIE)
        session = await self.session(session_id)
        if session is None:
            raise NotSignedIn
        if request.method in UNSAFE:
            supplied_csrf = request.headers.get(CSRF_HEADER) or form_csrf or ""
            if not same_site(request) or not hmac.compare_digest(supplied_csrf.encode(), session.csrf.encode()):
                raise HTTPException(status_code=403, detail={
                    "code": "csrf", "message": "请求未通过 CSRF 校验，请刷新页面后重试 / the request failed the CSRF "
                                               "check; reload the page and try again"})
        return Staff(actor="console", address=address, csrf=session.csrf, session_id=session_id)

    # --- cookies ----------------------------------------------------------------------------------
    def set_session_cookie(self, response: Response, request: Request, session_id: str) -> None:
        response.set_cookie(SESSION_COOKIE, session_id, max_age=self.session_seconds, path=COOKIE_PATH,
                            secure=request.url.scheme == "https", httponly=True, samesite="strict")

    @staticmethod
    def clear_session_cookie(response: Response, request: Request) -> None:
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, secure=request.url.scheme == "https",
                               httponly=True, samesite="strict")

    @staticmethod
    def set_signin_cookie(response: Response, request: Request, nonce: str) -> None:
        response.set_cookie(SIGNIN_COOKIE, nonce, max_age=3600, path=COOKIE_PATH,
                            secure=request.url.scheme == "https", httponly=True, samesite="strict")


def same_site(request: Request) -> bool:
    """The request was not sent by a page of another site (checked when the browser says where it came from)."""
    if request.headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin.rstrip("/").lower() == own.lower()
