"""`GET /wechat` (URL verification) and `POST /wechat` (messages) on the main FastAPI app.

Every failure is a 4xx or "success", never a 500: WeChat shows the user "该公众号暂时无法提供服务"
for anything it cannot read, and a hostile sender learns nothing from a crash. A delivery must carry a
valid signature over a fresh timestamp (codec.py) and a nonce not used before with another body (replay.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException

from adapters.wechat.codec import MAX_BODY_BYTES, BadMessage, Codec, Forbidden, text_reply_xml
from adapters.wechat.handler import ForgetSession, WeChatService
from adapters.wechat.messages import ERROR_TEXT
from adapters.wechat.replay import ReplayGuard
from adapters.wechat.sender import WeChatApi
from bot.ports import Assistant, KeyValueStore
from bot.settings import Settings, secret_value

log = logging.getLogger("yuanbot.wechat")


def _text(status: int, body: str) -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status)


async def _admitted(replay: ReplayGuard, timestamp: str, nonce: str, body: bytes) -> bool:
    """The nonce check; with the shared store down the delivery goes on, and the handler, which needs the
    store too, answers with the error notice: a replay then gets nothing but that notice."""
    try:
        return await replay.admit(timestamp, nonce, body)
    except Exception:
        log.warning("nonce cache unavailable; delivery not checked for replay", exc_info=True,
                    extra={"channel": "wechat"})
        return True


def build_wechat_router(
    settings: Settings,
    assistant: Assistant,
    store: KeyValueStore,
    *,
    http_client_factory: Callable[[], httpx.AsyncClient] | None = None,
    hold_seconds: float | None = None,
    forget_session: ForgetSession | None = None,
    clock: Callable[[], float] = time.time,
) -> APIRouter:
    """The WeChat router; without a token it answers 503 (not configured) rather than failing startup.

    `forget_session` (the Conversation port's `forget`) drops a user's conversation when they unsubscribe;
    `clock` is the wall clock for the timestamp window (tests pass a fixed one).
    """
    wechat = settings.wechat
    codec = (
        Codec(secret_value(wechat.token), wechat.appid, secret_value(wechat.aes_key) or None,
              secret_value(wechat.previous_aes_key) or None, mode=wechat.mode,
              timestamp_window=wechat.timestamp_window, clock=clock)
        if wechat.token
        else None
    )
    replay = ReplayGuard(store, wechat.timestamp_window)
    api = (
        WeChatApi(wechat.api_base_url, wechat.appid, secret_value(wechat.secret), store,
                  http_client_factory)
        if wechat.appid and wechat.secret
        else None
    )
    service = WeChatService(
        assistant, store, api,
        account_type=wechat.account_type,
        budget=wechat.budget_seconds,
        hold_seconds=hold_seconds,
        max_question_chars=settings.max_question_chars,
        forget_session=forget_session,
    )
    router = APIRouter(tags=["wechat"])
    router.wechat_service = service  # type: ignore[attr-defined]  # for tests and diagnostics

    @router.get("/wechat", response_class=PlainTextResponse, summary="WeChat URL verification")
    async def verify(signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
        if codec is None:
            log.warning("wechat is not configured (YUANBOT_WECHAT_TOKEN)", extra={"channel": "wechat"})
            return _text(503, "wechat not configured")
        if not codec.verify_url(signature, timestamp, nonce):
            log.warning("wechat URL verification: bad signature", extra={"channel": "wechat"})
            return _text(403, "forbidden")
        return _text(200, echostr)

    @router.post("/wechat", response_class=PlainTextResponse, summary="WeChat message push",
                 max_body_size=MAX_BODY_BYTES)
    async def receive(request: Request) -> Response:
        started = time.monotonic()
        if codec is None:
            log.warning("wechat is not configured (YUANBOT_WECHAT_TOKEN)", extra={"channel": "wechat"})
            return _text(503, "wechat not configured")
        try:
            # the app's body cap (max_body_size, at most MAX_BODY_BYTES here) stops a huge body early
            body = await request.body()
            inbound = codec.decode(dict(request.query_params), body)
            if not await _admitted(replay, inbound.timestamp, inbound.nonce, body):
                raise Forbidden("timestamp and nonce already used with another body (a replay)")
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            log.warning("wechat body too large, refused", extra={"channel": "wechat"})
            return _text(413, "too large")
        except Forbidden as exc:
            log.warning("wechat delivery refused: %s", exc, extra={"channel": "wechat"})
            return _text(403, "forbidden")
        except BadMessage as exc:
            log.warning("wechat delivery malformed: %s", exc, extra={"channel": "wechat"})
            return _text(400, "bad request")
        except Exception:
            log.exception("wechat delivery could not be decoded", extra={"channel": "wechat"})
            return _text(400, "bad request")
        message = inbound.message
        openid = message.get("FromUserName", "")
        extra = {"channel": "wechat", "session": f"wechat:{openid}", "mode": inbound.mode}
        try:
            content = await service.respond(message, started)
            if content is None:
                reply = "success"
            else:
                xml = text_reply_xml(openid, message.get("ToUserName", ""), content)
                reply = codec.encode(inbound, xml)
        except Exception:
            log.exception("wechat reply failed", extra=extra)
            reply, content = "success", None
            try:  # tell the user instead of leaving them with silence (e.g. the shared store is down)
                xml = text_reply_xml(openid, message.get("ToUserName", ""), ERROR_TEXT)
                reply, content = codec.encode(inbound, xml), ERROR_TEXT
            except Exception:
                log.exception("wechat error reply failed", extra=extra)
        latency = round((time.monotonic() - started) * 1000, 1)
        log.info("wechat reply", extra={**extra, "latency_ms": latency, "passive": content is not None})
        media = "text/plain" if content is None else "application/xml"
        return Response(reply, media_type=media)

    return router
