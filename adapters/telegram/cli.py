"""`yuanbot telegram` (long polling) and `yuanbot telegram set-webhook URL` / `delete-webhook`.

bot/cli.py builds it with `build_telegram_cli` on first use of `yuanbot telegram`, so that the other
commands do not import python-telegram-bot.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any

import typer
from telegram import Bot
from telegram.error import TelegramError

from adapters.telegram.application import ALLOWED_UPDATES, build_application, file_url_for
from bot.errors import ConfigError
from bot.logging_setup import configure_logging
from bot.ports import Assistant, FeedbackRecorder, KeyValueStore
from bot.services import Services
from bot.settings import Settings, secret_value

log = logging.getLogger("yuanbot.telegram")


def run_polling(
    settings: Settings,
    assistant: Assistant,
    store: KeyValueStore | None = None,
    feedback: FeedbackRecorder | None = None,
    *,
    drop_pending_updates: bool = False,
    **application_options: Any,
) -> None:
    """Long-poll Telegram until Ctrl-C / SIGTERM (for a laptop or a server behind NAT). Blocks.

    Polling deletes any webhook first (Telegram allows only one of the two).
    """
    application = build_application(settings, assistant, store, feedback, **application_options)
    log.info("telegram bot polling %s", settings.telegram.api_url, extra={"channel": "telegram"})
    extra: dict[str, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        extra["stop_signals"] = None  # signal handlers can only be installed in the main thread
    application.run_polling(
        allowed_updates=ALLOWED_UPDATES, drop_pending_updates=drop_pending_updates, **extra
    )


def _settings(ctx: typer.Context) -> Settings:
    obj = ctx.obj
    if isinstance(obj, Settings):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("settings"), Settings):
        return obj["settings"]
    return Settings()


def _bot(settings: Settings) -> Bot:
    if not settings.telegram.token:
        raise ConfigError("YUANBOT_TELEGRAM_TOKEN is not set (create a bot with @BotFather)")
    return Bot(
        secret_value(settings.telegram.token),
        base_url=settings.telegram.api_url,
        base_file_url=file_url_for(settings.telegram.api_url),
    )


async def set_webhook(settings: Settings, url: str, *, drop_pending_updates: bool = False) -> bool:
    """Register `url` (…/telegram/webhook) with Telegram, with our secret token."""
    if not settings.telegram.webhook_secret:
        raise ConfigError("YUANBOT_TELEGRAM_WEBHOOK_SECRET must be set before registering a webhook")
    async with _bot(settings) as bot:
        return await bot.set_webhook(
            url=url,
            secret_token=secret_value(settings.telegram.webhook_secret),
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=drop_pending_updates,
        )


async def delete_webhook(settings: Settings, *, drop_pending_updates: bool = False) -> bool:
    async with _bot(settings) as bot:
        return await bot.delete_webhook(drop_pending_updates=drop_pending_updates)


def build_telegram_cli(
    services_factory: Callable[[Settings], Services] | None = None,
    assistant_factory: Callable[[Settings], Assistant] | None = None,
) -> typer.Typer:
    """The `telegram` sub-app. The composition root passes `services_factory` (everything the bot needs);
    tests may pass `assistant_factory` instead (an in-process store, feedback kept nowhere)."""
    app = typer.Typer(
        name="telegram",
        help="Run the Telegram bot (long polling) or manage its webhook.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @app.callback()
    def polling(
        ctx: typer.Context,
        drop_pending_updates: Annotated[
            bool, typer.Option("--drop-pending-updates", help="Skip messages sent while the bot was down.")
        ] = False,
    ) -> None:
        """Answer Telegram messages by long polling (no public URL needed)."""
        if ctx.invoked_subcommand is not None:
            return
        settings = _settings(ctx)
        configure_logging(settings.log_level, settings.log_json)
        if not settings.telegram.token:  # before loading the knowledge base
            typer.echo("error: YUANBOT_TELEGRAM_TOKEN is not set (create a bot with @BotFather)", err=True)
            raise typer.Exit(2)
        try:
            if assistant_factory is not None:
                run_polling(settings, assistant_factory(settings), drop_pending_updates=drop_pending_updates)
                return
            if services_factory is None:
                raise ConfigError("the telegram command was built without a way to build the assistant")
            services = services_factory(settings)
            run_polling(
                settings,
                services.assistant,
                services.store,
                services.question_log,
                drop_pending_updates=drop_pending_updates,
                audit=services.audit,
            )
        except ConfigError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc

    @app.command("set-webhook")
    def set_webhook_command(
        ctx: typer.Context,
        url: Annotated[
            str, typer.Argument(help="Public HTTPS URL, e.g. https://bot.example.org/telegram/webhook")
        ],
        drop_pending_updates: Annotated[bool, typer.Option("--drop-pending-updates")] = False,
    ) -> None:
        """Register the webhook (with YUANBOT_TELEGRAM_WEBHOOK_SECRET) so Telegram pushes updates to us."""
        if not url.lower().startswith("https://"):
            typer.echo("error: Telegram only delivers webhooks to https:// URLs", err=True)
            raise typer.Exit(2)
        settings = _settings(ctx)
        try:
            asyncio.run(set_webhook(settings, url, drop_pending_updates=drop_pending_updates))
        except ConfigError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        except TelegramError as exc:
            typer.echo(f"error: Telegram refused the webhook: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"webhook set: {url}")

    @app.command("delete-webhook")
    def delete_webhook_command(
        ctx: typer.Context,
        drop_pending_updates: Annotated[bool, typer.Option("--drop-pending-updates")] = False,
    ) -> None:
        """Remove the webhook (polling does this by itself)."""
        settings = _settings(ctx)
        try:
            asyncio.run(delete_webhook(settings, drop_pending_updates=drop_pending_updates))
        except ConfigError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        except TelegramError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo("webhook deleted")

    return app

