"""Slow answers against WeChat's 5 s timeout and 3 deliveries (scaled: 1 s timeout, 0.4 s budget;
the margins are wide because the test machine is shared and busy)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from adapters.wechat.messages import PENDING_TEXT
from tests.fakes import FakeAssistant

from .conftest import running
from .simulator import BUSY, fixed_answer

pytestmark = pytest.mark.asyncio
ANSWER = "南京市支持开源项目。"
WECHAT_TIMEOUT = 1.0


async def until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


@pytest.mark.parametrize("delay, attempts", [(1.2, 2), (2.2, 3)])
async def test_subscription_answers_on_a_retry_once(delay, attempts):
    with running(FakeAssistant(fixed_answer(ANSWER), delay=delay)) as s:
        outcome = await s.simulator(mode="safe", timeout=WECHAT_TIMEOUT).send_text("u", "慢问题")
        assert outcome.shown == ANSWER
        assert outcome.attempts == attempts
        assert all(d.status is None for d in outcome.deliveries[:-1])  # earlier deliveries held open
        assert s.assistant.calls == 1


async def test_subscription_hands_a_very_slow_answer_to_the_next_message():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=3.2)) as s:
        sim = s.simulator(mode="compat", timeout=WECHAT_TIMEOUT)
        outcome = await sim.send_text("u", "很慢的问题")
        assert outcome.attempts == 3 and outcome.shown == PENDING_TEXT
        assert s.store.get("wechat:handoff:u")
        assert await until(lambda: s.assistant.finished == 1, 3)
        await asyncio.sleep(0.1)
        nxt = await sim.send_text("u", "好了吗")
        assert nxt.shown == ANSWER and nxt.attempts == 1
        assert s.assistant.calls == 1  # "好了吗" fetched the answer, it was not asked
        s.assistant.delay = 0
        again = await sim.send_text("u", "新问题")
        assert again.shown == ANSWER and s.assistant.calls == 2


async def test_service_account_replies_success_and_pushes_once():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=1.2), wechat_account_type="service") as s:
        outcome = await s.simulator(mode="safe", timeout=WECHAT_TIMEOUT).send_text("u", "慢问题")
        assert outcome.attempts == 1 and outcome.shown is None
        assert outcome.deliveries[0].body == b"success"
        assert await until(lambda: len(s.api.sent) == 1, 3)
        await asyncio.sleep(0.3)
        assert s.api.sent == [{"touser": "u", "msgtype": "text", "text": {"content": ANSWER}}]
        assert s.assistant.calls == 1 and s.api.token_calls == 1


async def test_service_account_retries_in_flight_are_answered_once():
    # WeChat gives up (0.3 s) before our budget (0.4 s): three deliveries overlap one slow answer
    with running(FakeAssistant(fixed_answer(ANSWER), delay=1.0), wechat_account_type="service") as s:
        outcome = await s.simulator(timeout=0.3).send_text("u", "慢问题")
        assert outcome.attempts == 3 and outcome.shown == BUSY
        assert await until(lambda: len(s.api.sent) == 1, 3)
        await asyncio.sleep(0.5)
        assert len(s.api.sent) == 1 and s.assistant.calls == 1


async def test_concurrent_duplicates_are_answered_by_one_piece_of_work():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=0.15)) as s:
        sim = s.simulator(mode="safe", timeout=2.0)
        url, body = sim.request(sim.text_xml("u", "同一条消息"))
        async with httpx.AsyncClient() as client:
            responses = await asyncio.gather(*(client.post(url, content=body) for _ in range(3)))
        # each passive reply goes back on its own connection, and only WeChat's latest one reaches the user
        assert [sim.shown(r.status_code, r.content) for r in responses] == [ANSWER] * 3
        assert s.assistant.calls == 1


@pytest.mark.parametrize("errcode", [48001, 45015, 45047])
async def test_failed_push_hands_the_answer_to_the_next_message(errcode):
    with running(FakeAssistant(fixed_answer(ANSWER), delay=1.0), wechat_account_type="service") as s:
        s.api.always_error = errcode
        sim = s.simulator(timeout=WECHAT_TIMEOUT)
        assert (await sim.send_text("u", "慢问题")).shown is None
        assert await until(lambda: s.store.get("wechat:handoff:u") is not None, 3)
        assert s.api.send_attempts == 1  # permanent errors are not retried
        assert (await sim.send_text("u", "在吗")).shown == ANSWER
        assert s.assistant.calls == 1


async def test_expired_token_is_refreshed_once():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=0.8), wechat_account_type="service") as s:
        s.api.send_errors = [42001]
        await s.simulator(timeout=WECHAT_TIMEOUT).send_text("u", "慢问题")
        assert await until(lambda: len(s.api.sent) == 1, 3)
        assert s.api.token_calls == 2 and s.api.send_attempts == 2


async def test_persistent_invalid_token_is_bounded():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=0.8), wechat_account_type="service") as s:
        s.api.always_error = 40001
        await s.simulator(timeout=WECHAT_TIMEOUT).send_text("u", "慢问题")
        assert await until(lambda: s.store.get("wechat:handoff:u") is not None, 3)
        await asyncio.sleep(0.3)
        assert s.api.send_attempts == 2 and s.api.token_calls == 2 and s.api.sent == []


async def test_next_message_while_the_handed_answer_is_still_running():
    with running(FakeAssistant(fixed_answer(ANSWER), delay=3.0)) as s:
        sim = s.simulator(timeout=WECHAT_TIMEOUT)
        assert (await sim.send_text("u", "很慢的问题")).shown == PENDING_TEXT  # ~2.4 s
        nxt = await sim.send_text("u", "好了吗")  # the answer lands during this message's deliveries
        assert nxt.shown == ANSWER
        assert s.assistant.calls == 1
