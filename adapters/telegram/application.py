"""Building the python-telegram-bot Application (shared by polling and webhook mode)."""

from __future__ import annotations

import datetime as dtm
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault
from telegram.error import RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from adapters.telegram.audit import AuditRunner, TelegramAuditHandler
from adapters.telegram.handlers import TelegramHandlers
from bot.errors import ConfigError
from bot.ports import Assistant, FeedbackRecorder, KeyValueStore
from bot.settings import Settings, secret_value
from bot.stores import InProcessStore

log = logging.getLogger("yuanbot.telegram")

ALLOWED_UPDATES = ["message", "callback_query"]

COMMANDS = {
    "zh": [
        ("ask", "提问：/ask 开源人才有什么政策？"),
        ("license", "许可证兼容性：/license Apache-2.0 GPL-2.0-only"),
        ("sources", "上一条回答的完整来源"),
        ("help", "能回答什么、示例"),
    ],
    "en": [
        ("ask", "Ask: /ask Is MPL-2.0 compatible with GPL-3.0?"),
        ("license", "Licence compatibility: /license Apache-2.0 GPL-2.0-only"),
        ("sources", "Full sources of the last answer"),
        ("help", "What I answer, with examples"),
    ],
}


class FloodWaitTooLong(TelegramError):
    """Telegram asked us to wait longer than we are willing to (the request is dropped)."""


def _retry_seconds(exc: RetryAfter) -> float:
    value = getattr(exc, "_retry_after", None)  # a timedelta in PTB 22; `retry_after` may warn
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class BoundedRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (Telegram's flood limits, retries on 429) with a cap on how long we wait.

    A 429 with `retry_after` above `max_retry_after` seconds is not slept on: it fails at once, so a
    handler never hangs for minutes; others are retried up to `max_retries` times.
    """

    def __init__(self, *, max_retries: int = 3, max_retry_after: float = 30.0, **kwargs: Any) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self.max_retry_after = max_retry_after

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        cap = self.max_retry_after

        async def bounded(*a: Any, **kw: Any) -> Any:
            try:
                return await callback(*a, **kw)
            except RetryAfter as exc:
                seconds = _retry_seconds(exc)
                if seconds > cap:
                    raise FloodWaitTooLong(
                        f"Flood control: Telegram asks to wait {seconds:.0f}s on {endpoint} (cap {cap:.0f}s)"
                    ) from exc
                raise

        return await super().process_request(bounded, args, kwargs, endpoint, data, rate_limit_args)


def file_url_for(api_url: str) -> str:
    """https://api.telegram.org/bot → https://api.telegram.org/file/bot (same for a local Bot API server)."""
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("bot")] + "file/bot"
    return base + "/file/bot"


async def register_commands(application: Application) -> None:
    """Publish the command menu (Chinese for zh users, English otherwise); failure is only logged."""
    try:
        for lang, commands in COMMANDS.items():
            await application.bot.set_my_commands(
                [BotCommand(name, desc) for name, desc in commands],
                scope=BotCommandScopeDefault(),
                language_code="zh" if lang == "zh" else None,
            )
    except TelegramError as exc:
        log.warning("could not register the bot commands: %s", exc, extra={"channel": "telegram"})


def build_application(
    settings: Settings,
    assistant: Assistant,
    store: KeyValueStore | None = None,
    feedback: FeedbackRecorder | None = None,
    *,
    webhook: bool = False,
    rate_limiter: BaseRateLimiter | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 10.0,
    write_timeout: float = 10.0,
    pool_timeout: float = 5.0,
    get_updates_read_timeout: float = 5.0,
    concurrent_updates: int = 4,
    typing_interval: float = 4.0,
    audit: AuditRunner | None = None,
) -> Application:
    """The PTB Application with our handlers; `webhook=True` builds it without an Updater.

    `rate_limiter` defaults to `BoundedRateLimiter()` (flood limits + bounded 429 retries).
    `audit` (file bytes, file name, outbound, use) -> AuditReport enables the SBOM document handler.
    """
    if not settings.telegram.token:
        raise ConfigError("YUANBOT_TELEGRAM_TOKEN is not set (create a bot with @BotFather)")
    if store is None:
        store = InProcessStore()
    builder = (
        ApplicationBuilder()
        .token(secret_value(settings.telegram.token))
        .base_url(settings.telegram.api_url)
        .base_file_url(file_url_for(settings.telegram.api_url))
        .rate_limiter(rate_limiter if rate_limiter is not None else BoundedRateLimiter())
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .write_timeout(write_timeout)
        .pool_timeout(pool_timeout)
        .concurrent_updates(concurrent_updates)
        .post_init(register_commands)
    )
    if webhook:
        builder = builder.updater(None)
    else:
        builder = (
            builder.get_updates_connect_timeout(connect_timeout)
            .get_updates_read_timeout(get_updates_read_timeout)
            .get_updates_write_timeout(write_timeout)
            .get_updates_pool_timeout(pool_timeout)
        )
    application = builder.build()

    bot_id = secret_value(settings.telegram.token).split(":", 1)[0]
    handlers = TelegramHandlers(
        assistant,
        store,
        feedback,
        max_question_chars=settings.max_question_chars,
        typing_interval=typing_interval,
        key_prefix=f"telegram:{bot_id}",
    )
    application.bot_data["yuanbot_handlers"] = handlers
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", handlers.start, filters=new_messages))
    application.add_handler(CommandHandler("help", handlers.help, filters=new_messages))
    application.add_handler(CommandHandler("ask", handlers.ask, filters=new_messages))
    application.add_handler(CommandHandler(["license", "licence"], handlers.license, filters=new_messages))
    application.add_handler(CommandHandler("sources", handlers.sources, filters=new_messages))
    application.add_handler(MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, handlers.text))
    if audit is not None:  # an SBOM sent as a document, the outbound licence as its caption
        auditing = TelegramAuditHandler(audit)
        application.bot_data["yuanbot_audit"] = auditing
        application.add_handler(MessageHandler(new_messages & filters.Document.ALL, auditing.document))
    # an unknown /command in a private chat gets the help text (in groups it may be another bot's)
    application.add_handler(
        MessageHandler(new_messages & filters.COMMAND & filters.ChatType.PRIVATE, handlers.help)
    )
    application.add_handler(CallbackQueryHandler(handlers.callback))
    application.add_error_handler(handlers.on_error)
    return application
