"""Two workers sharing one store: a retry landing on the other worker still waits for the same answer."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.wechat import build_wechat_router
from bot.api.app import create_app
from bot.services import Services
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.helpers import make_settings, serve

from .conftest import AES_KEY, APPID, TOKEN
from .simulator import WeChatSimulator, fixed_answer

pytestmark = pytest.mark.asyncio


async def test_retry_on_another_worker_is_answered_once():
    settings = make_settings(wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=AES_KEY,
                        wechat_budget_seconds=0.4, wechat_account_type="subscription")
    store, assistant = InProcessStore(), FakeAssistant(fixed_answer("答案"), delay=1.2)

    def worker():
        services = Services(settings=settings, assistant=assistant, store=store, question_log=FakeQuestionLog())
        return create_app(services, routers=[build_wechat_router(settings, assistant, store)])

    with serve(worker()) as url_a, serve(worker()) as url_b:
        sim = WeChatSimulator(url_a, TOKEN, appid=APPID, aes_key=AES_KEY, mode="safe")
        url, body = sim.request(sim.text_xml("u", "慢问题"))
        async with httpx.AsyncClient() as client:
            first = asyncio.create_task(client.post(url, content=body))
            done, _ = await asyncio.wait({first}, timeout=1.0)
            assert not done  # worker A holds delivery 1 open; WeChat gives up and retries elsewhere
            retry = await client.post(url.replace(url_a, url_b), content=body)
            first.cancel()
        assert sim.shown(retry.status_code, retry.content) == "答案"
        assert assistant.calls == 1
