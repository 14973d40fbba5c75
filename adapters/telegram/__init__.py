"""Telegram adapter: python-telegram-bot v22, long polling (`yuanbot telegram`) or webhook (FastAPI)."""

from adapters.telegram.application import build_application
from adapters.telegram.webhook import build_telegram_webhook

__all__ = ["build_application", "build_telegram_webhook", "run_polling", "telegram_app"]


def __getattr__(name: str):  # typer is only imported when the CLI is wanted
    if name in ("run_polling", "telegram_app"):
        from adapters.telegram import cli

        return getattr(cli, name)
    raise AttributeError(name)
