"""Builds the real app (create_app + the WeChat router) on loopback, with the fake WeChat API beside it.

The account runs in compat mode unless a test says otherwise, so every delivery format is accepted.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest

from adapters.wechat import build_wechat_router
from bot.api.app import create_app
from bot.conversation import SessionConversation, SessionHistory
from bot.services import Services
from bot.settings import Settings, secret_value
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.helpers import make_settings, serve

from .simulator import FakeApiState, WeChatSimulator, fake_wechat_api, fixed_answer

TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
SECRET = "s3cret"


@dataclass
class Stack:
    url: str
    assistant: FakeAssistant
    store: InProcessStore
    api: FakeApiState
    settings: Settings
    router: object
    app: object
    conversation: SessionConversation

    def simulator(self, **kwargs) -> WeChatSimulator:
        kwargs.setdefault("appid", APPID)
        kwargs.setdefault("aes_key", secret_value(self.settings.wechat.aes_key))
        return WeChatSimulator(self.url, secret_value(self.settings.wechat.token), **kwargs)


@contextlib.contextmanager
def running(assistant: FakeAssistant | None = None, *, clock=None, store: InProcessStore | None = None,
            **settings_overrides):
    api_state = FakeApiState(appid=APPID, secret=SECRET)
    with serve(fake_wechat_api(api_state)) as api_url:
        values = {"wechat_token": TOKEN, "wechat_appid": APPID, "wechat_secret": SECRET,
                  "wechat_aes_key": AES_KEY, "wechat_api_base_url": api_url,
                  "wechat_account_type": "subscription", "wechat_budget_seconds": 0.4, "wechat_mode": "compat"}
        values.update(settings_overrides)
        settings = make_settings(**values)
        assistant = assistant or FakeAssistant(fixed_answer())
        store = store if store is not None else InProcessStore()
        conversation = SessionConversation(SessionHistory(store, ttl=600))
        router = build_wechat_router(settings, assistant, store, forget_session=conversation.forget,
                                     **({"clock": clock} if clock else {}))
        services = Services(settings=settings, assistant=assistant, store=store, question_log=FakeQuestionLog())
        app = create_app(services, routers=[router])
        with serve(app) as url:
            yield Stack(url, assistant, store, api_state, settings, router, app, conversation)


@pytest.fixture
def stack():
    with running() as s:
        yield s
