"""Sign-in, sign-out, the console's four pages and their static files."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.console.auth import COOKIE_PATH, SIGNIN_COOKIE, NotSignedIn, Staff, client_address
from adapters.console.common import ConsoleContext
from adapters.console.pages import PAGES, page_headers, read_static, render, static_files
from bot.audit_log import Outcome

MAX_TOKEN_FIELD = 1024


def build_pages_router(ctx: ConsoleContext) -> APIRouter:
    services, auth = ctx.services, ctx.auth
    settings = services.settings
    headers = page_headers(settings)
    assets = static_files()
    router = APIRouter(include_in_schema=False)

    @router.get("/admin/static/{name:path}")
    async def static(name: str) -> Response:
        media_type = assets.get(name)
        if media_type is None:
            raise HTTPException(status_code=404, detail="not found")
        return Response(read_static(name), media_type=media_type,
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})

    async def log_event(action: str, address: str, *, outcome: Outcome = "ok", detail: str = "") -> None:
        """Sign-in and sign-out happen before (or after) a session: logged as the console at the address."""
        await ctx.record(action, Staff(actor="console", address=address), outcome=outcome, detail=detail)

    def signin_page(request: Request, message: str = "", status_code: int = 200, next_path: str = "") -> HTMLResponse:
        nonce, form_value = auth.signin_nonce()
        page = render("signin.html", {"csrf": form_value, "message": message, "next": next_path,
                                      "minutes": str(settings.admin.session_minutes)})
        response = HTMLResponse(page, status_code=status_code, headers=headers)
        auth.set_signin_cookie(response, request, nonce)
        return response

    @router.get("/admin/signin")
    async def signin_form(request: Request, next: str = "") -> HTMLResponse:
        return signin_page(request, next_path=_safe_next(next))

    @router.post("/admin/signin")
    async def signin(request: Request) -> Response:
        address = client_address(request)
        form = await request.form(max_files=0, max_fields=5, max_part_size=MAX_TOKEN_FIELD)
        next_path = _safe_next(str(form.get("next") or ""))
        if await auth.blocked(address):
            await log_event("sign_in", address, outcome="refused", detail="too many failures")
            minutes = settings.admin.signin_window_minutes
            response = signin_page(request, f"登录失败次数过多，请 {minutes} 分钟后再试 / too many failed sign-ins; "
                                            f"try again in {minutes} minutes", 429, next_path)
            response.headers["Retry-After"] = str(minutes * 60)
            return response
        if not auth.signin_form_ok(request, str(form.get("csrf") or "")):
            await log_event("sign_in", address, outcome="refused", detail="csrf")
            return signin_page(request, "登录表单已过期，请重试 / the sign-in form expired; please try again", 403,
                               next_path)
        if not auth.token_ok(str(form.get("token") or "")[:MAX_TOKEN_FIELD]):
            await auth.failed(address)
            await log_event("sign_in", address, outcome="refused", detail="wrong token")
            return signin_page(request, "令牌不正确 / wrong token", 401, next_path)
        await auth.forget_failures(address)
        session_id, _ = await auth.start(address)
        await log_event("sign_in", address)
        response = RedirectResponse(next_path or "documents", status_code=303)
        auth.set_session_cookie(response, request, session_id)
        response.delete_cookie(SIGNIN_COOKIE, path=COOKIE_PATH)
        return response

    @router.post("/admin/signout")
    async def signout(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5, max_part_size=MAX_TOKEN_FIELD)
        try:
            staff = await auth.staff(request, form_csrf=str(form.get("csrf") or ""))
        except NotSignedIn:
            return RedirectResponse("signin", status_code=303)
        if staff.session_id:
            await auth.end(staff.session_id)
        await log_event("sign_out", staff.address)
        response = RedirectResponse("signin", status_code=303)
        auth.clear_session_cookie(response, request)
        return response

    @router.get("/admin")
    async def home() -> Response:
        return RedirectResponse("admin/documents", status_code=303)

    async def console_page(request: Request, page: str) -> Response:
        try:
            staff = await auth.staff(request)
        except NotSignedIn:
            return RedirectResponse(f"signin?next={quote(page)}", status_code=303)
        template, title = PAGES[page]
        values = {"csrf": staff.csrf, "title": title, "page": page,
                  "max_upload_bytes": str(settings.admin.max_upload_bytes),
                  "max_upload_mb": f"{settings.admin.max_upload_bytes / 2**20:.0f}",
                  "max_upload_files": str(settings.admin.max_upload_files),
                  "session_minutes": str(settings.admin.session_minutes)}
        return HTMLResponse(render(template, values), headers=headers)

    def page_route(page: str):
        async def show(request: Request) -> Response:
            return await console_page(request, page)

        return show

    for name in PAGES:  # one route each, so that /admin/<anything else> stays free for the admin API
        router.add_api_route(f"/admin/{name}", page_route(name), methods=["GET"], include_in_schema=False)

    return router


def _safe_next(value: str) -> str:
    """Back to a console page after signing in; never to another site."""
    return value if value in PAGES else ""
