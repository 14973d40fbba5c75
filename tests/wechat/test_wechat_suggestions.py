""""Did you mean" in WeChat: the numbered questions are shown as text, and replying "1" asks the first one,
also when the reply lands on another worker (the offered questions live in the shared session store)."""

from __future__ import annotations

import pytest

from adapters.wechat import build_wechat_router
from bot.api.app import create_app
from bot.services import Services
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant, FakeQuestionLog, suggesting
from tests.helpers import make_settings, serve

from .conftest import AES_KEY, APPID, TOKEN
from .simulator import WeChatSimulator

pytestmark = pytest.mark.asyncio

OFFERED = ["我们想在南京办一场开源大会，能获得什么支持？", "上市“绿色通道”怎么申请？需要什么条件？"]


def worker(settings, store, assistant):
    services = Services(settings=settings, assistant=assistant, store=store, question_log=FakeQuestionLog())
    return create_app(services, routers=[build_wechat_router(settings, assistant, store)])


async def test_replying_a_number_on_another_worker_asks_that_question():
    settings = make_settings(wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=AES_KEY,
                             wechat_budget_seconds=2.0, wechat_account_type="subscription")
    store = InProcessStore()  # shared by both workers, as Redis is in production
    assistant_a = FakeAssistant(suggesting(store, OFFERED, near=lambda text: "黑客松" in text))
    assistant_b = FakeAssistant(suggesting(store, OFFERED, near=lambda text: "黑客松" in text))
    with serve(worker(settings, store, assistant_a)) as url_a, serve(worker(settings, store, assistant_b)) as url_b:
        on_a = WeChatSimulator(url_a, TOKEN, appid=APPID, aes_key=AES_KEY, mode="safe")
        on_b = WeChatSimulator(url_b, TOKEN, appid=APPID, aes_key=AES_KEY, mode="safe")

        offer = await on_a.send_text("user-1", "想办个黑客松，场地能帮忙解决不？")
        assert "您是不是想问" in offer.shown
        assert f"① {OFFERED[0]}" in offer.shown and f"② {OFFERED[1]}" in offer.shown

        picked = await on_b.send_text("user-1", "1")
        assert picked.shown.startswith(f"关于“{OFFERED[0]}”")
        assert assistant_b.questions[-1].text == "1"
        assert assistant_b.questions[-1].session_id == "wechat:user-1"

        # the pick answered; a second "2" has nothing pending and is an ordinary question
        again = await on_a.send_text("user-1", "2")
        assert again.shown == "Answer to: 2"


async def test_a_number_picks_only_from_the_same_users_offer():
    settings = make_settings(wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=AES_KEY,
                             wechat_budget_seconds=2.0)
    store = InProcessStore()
    assistant = FakeAssistant(suggesting(store, OFFERED, near=lambda text: "黑客松" in text))
    with serve(worker(settings, store, assistant)) as url:
        sim = WeChatSimulator(url, TOKEN, appid=APPID, aes_key=AES_KEY, mode="safe")
        await sim.send_text("alice", "黑客松 场地")
        assert (await sim.send_text("bob", "2")).shown == "Answer to: 2"
        assert (await sim.send_text("alice", "②")).shown.startswith(f"关于“{OFFERED[1]}”")
