"""Webhook mode: `POST /telegram/webhook` on the main FastAPI app, the PTB Application in its lifespan."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from telegram import Update
from telegram.error import TelegramError

from adapters.telegram.application import build_application
from bot.errors import ConfigError
from bot.ports import Assistant, FeedbackRecorder, KeyValueStore
from bot.settings import Settings, secret_value
from bot.stores import InProcessStore
from bot.stores.aio import AsyncStore

log = logging.getLogger("yuanbot.telegram")

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_telegram_webhook(
    settings: Settings,
    assistant: Assistant,
    store: KeyValueStore | None = None,
    feedback: FeedbackRecorder | None = None,
    *,
    path: str = WEBHOOK_PATH,
    **application_options: Any,
) -> tuple[APIRouter, Callable[[], AbstractAsyncContextManager[Any]]]:
    """The router to include in the app and the lifespan hook that runs the PTB Application.

    Mount: `services.lifespan_hooks.append(hook)` and `create_app(services, routers=[router])`.
    `application_options` go to `build_application` (timeouts, rate limiter …).
    """
    if not settings.telegram.webhook_secret:
        raise ConfigError("YUANBOT_TELEGRAM_WEBHOOK_SECRET must be set to receive Telegram webhooks")
    secret = secret_value(settings.telegram.webhook_secret).encode()
    store = store if store is not None else InProcessStore()
    updates_seen = AsyncStore(store)
    application = build_application(settings, assistant, store, feedback, webhook=True, **application_options)
    bot_id = secret_value(settings.telegram.token).split(":", 1)[0]
    router = APIRouter(tags=["telegram"])

    @router.post(path, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            log.warning("telegram webhook call with a wrong secret", extra={"channel": "telegram"})
            return JSONResponse({"message": "forbidden"}, status_code=403)
        if not application.running:
            # Telegram retries later; the log says why the application is not running
            return JSONResponse({"message": "telegram bot is not running"}, status_code=503)
        try:  # the app's body cap (413) applies before this; what remains may still be hostile
            data = json.loads(await request.body())
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to parse
            return JSONResponse({"message": "body is not JSON"}, status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return JSONResponse({"message": "not a Telegram update"}, status_code=400)
        try:
            update = Update.de_json(data, application.bot)
        except Exception:
            log.warning(
                "unparseable telegram update %s",
                data.get("update_id"),
                exc_info=True,
                extra={"channel": "telegram"},
            )
            return JSONResponse({"message": "not a Telegram update"}, status_code=400)
        # Telegram redelivers an update it thinks failed; several workers may share the store. Marked seen
        # only once parsed: a delivery refused with 400 stays retryable under the same update id
        if not await updates_seen.set_if_absent(f"telegram:{bot_id}:update:{data['update_id']}", "1",
                                                ttl=24 * 3600):
            return Response(status_code=200)
        await application.update_queue.put(update)
        return Response(status_code=200)

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[Any]:
        try:
            await application.initialize()  # getMe: the bot's id and username (for group mentions)
        except TelegramError as exc:
            # the HTTP API must come up even when Telegram is unreachable: webhook calls get 503
            log.error("telegram bot could not start: %s", exc, extra={"channel": "telegram"})
            yield application
            return
        try:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            log.info(
                "telegram webhook bot started as @%s", application.bot.username, extra={"channel": "telegram"}
            )
            yield application
        finally:
            if application.running:
                await application.stop()
            await application.shutdown()

    return router, lifespan
