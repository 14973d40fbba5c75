"""Builds the real app (create_app + the WeChat router) on loopback, with the fake WeChat API beside it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest

from adapters.wechat import build_wechat_router
from bot.api.app import create_app
from bot.services import Services
from bot.settings import Settings
from bot.store import MemoryStore

from .simulator import FakeApiState, FakeAssistant, WeChatSimulator, fake_wechat_api, serve

TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
SECRET = "s3cret"


@dataclass
class Stack:
    url: str
    assistant: FakeAssistant
    store: MemoryStore
    api: FakeApiState
    settings: Settings
    router: object

    def simulator(self, **kwargs) -> WeChatSimulator:
        kwargs.setdefault("appid", APPID)
        kwargs.setdefault("aes_key", self.settings.wechat_aes_key)
        return WeChatSimulator(self.url, self.settings.wechat_token, **kwargs)


@contextlib.contextmanager
def running(assistant: FakeAssistant | None = None, **settings_overrides):
    api_state = FakeApiState(appid=APPID, secret=SECRET)
    with serve(fake_wechat_api(api_state)) as api_url:
        values = dict(wechat_token=TOKEN, wechat_appid=APPID, wechat_secret=SECRET, wechat_aes_key=AES_KEY,
                      wechat_api_base_url=api_url, wechat_account_type="subscription", wechat_budget_seconds=0.4)
        values.update(settings_overrides)
        settings = Settings(_env_file=None, **values)
        assistant = assistant or FakeAssistant()
        store = MemoryStore()
        router = build_wechat_router(settings, assistant, store)
        app = create_app(Services(settings=settings, assistant=assistant, store=store), routers=[router])
        with serve(app) as url:
            yield Stack(url, assistant, store, api_state, settings, router)


@pytest.fixture
def stack():
    with running() as s:
        yield s
