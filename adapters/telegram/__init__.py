"""Telegram adapter: python-telegram-bot v22, long polling (`yuanbot telegram`, adapters.telegram.cli) or
webhook (FastAPI, adapters.telegram.webhook). Import the module you need: the package itself loads nothing."""
