"""The access token is fetched by one worker at a time and shared through the store."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.wechat.sender import TOKEN_KEY, SendError, WeChatApi
from bot.stores import InProcessStore
from tests.helpers import serve

from .conftest import APPID, SECRET
from .simulator import FakeApiState, fake_wechat_api

pytestmark = pytest.mark.asyncio


@pytest.fixture
def fake_api():
    state = FakeApiState(appid=APPID, secret=SECRET)
    with serve(fake_wechat_api(state)) as url:
        yield url, state


async def test_one_refresher_for_many_workers(fake_api):
    url, state = fake_api
    store = InProcessStore()
    workers = [WeChatApi(url, APPID, SECRET, store) for _ in range(4)]
    tokens = await asyncio.gather(*(w.access_token() for w in workers for _ in range(5)))
    assert set(tokens) == {"TOKEN-1"} and state.token_calls == 1
    assert store.get(TOKEN_KEY) == "TOKEN-1"
    await workers[3].send_text("u", "你好")
    assert state.sent[0]["text"]["content"] == "你好" and state.token_calls == 1


async def test_token_errors_are_mapped_and_bounded(fake_api):
    url, state = fake_api
    bad = WeChatApi(url, APPID, "wrong-secret", InProcessStore())
    with pytest.raises(SendError) as info:
        await bad.send_text("u", "x")
    assert info.value.errcode == 40013
    api = WeChatApi(url, APPID, SECRET, InProcessStore())
    state.always_error = 45047
    with pytest.raises(SendError) as info:
        await api.send_text("u", "x")
    assert info.value.errcode == 45047 and state.send_attempts == 1


async def test_unreachable_api_fails_fast():
    api = WeChatApi("http://127.0.0.1:9", APPID, SECRET, InProcessStore())
    with pytest.raises((SendError, httpx.HTTPError)):
        await asyncio.wait_for(api.send_text("u", "x"), 10)
