"""Fixtures: the fake Bot API server, a fake assistant, and a polling bot running against them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from adapters.telegram.application import BoundedRateLimiter, build_application
from bot.settings import Settings
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.helpers import make_settings as settings_from
from tests.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.fakes import telegram_reply

SECRET = "s3cret-Token_42"


@dataclass
class RunningBot:
    api: FakeBotApi
    assistant: FakeAssistant
    store: InProcessStore
    feedback: FakeQuestionLog
    settings: Settings


def make_settings(api: FakeBotApi, **overrides) -> Settings:
    values = {"telegram_token": TOKEN, "telegram_api_url": api.base_url, "telegram_webhook_secret": SECRET}
    values.update(overrides)
    return settings_from(**values)


FAST = {
    "connect_timeout": 2.0,
    "read_timeout": 3.0,
    "write_timeout": 3.0,
    "pool_timeout": 2.0,
    "get_updates_read_timeout": 2.0,
    "typing_interval": 0.2,
}


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant(telegram_reply)


@pytest.fixture
async def polling_bot(fake_api: FakeBotApi, assistant: FakeAssistant) -> AsyncIterator[RunningBot]:
    """The real PTB Application, long-polling the fake API (as `yuanbot telegram` does)."""
    settings = make_settings(fake_api)
    store, feedback = InProcessStore(), FakeQuestionLog()
    application = build_application(
        settings,
        assistant,
        store,
        feedback,
        rate_limiter=BoundedRateLimiter(max_retries=2, max_retry_after=3),
        **FAST,
    )
    await application.initialize()
    await application.post_init(application)
    await application.updater.start_polling(
        poll_interval=0.0, timeout=1, allowed_updates=["message", "callback_query"]
    )
    await application.start()
    try:
        yield RunningBot(fake_api, assistant, store, feedback, settings)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
