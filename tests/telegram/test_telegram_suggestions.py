""""Did you mean" in Telegram: the offered questions come as inline buttons under the reply; pressing one asks
that question, and replying with its number ("1") works too (the offer lives in the session store)."""

from __future__ import annotations

from tests.fakes import suggesting
from tests.telegram.conftest import RunningBot

PRIVATE = 777
OFFERED = ["我们想在南京办一场开源大会，能获得什么支持？", "上市“绿色通道”怎么申请？需要什么条件？",
           "开源企业落户南京能拿到多少钱的奖励或补贴？"]


def near(text: str) -> bool:
    return "黑客松" in text


async def test_suggestion_buttons_ask_the_question_they_offer(polling_bot: RunningBot) -> None:
    api, assistant = polling_bot.api, polling_bot.assistant
    assistant.respond = suggesting(polling_bot.store, OFFERED, near=near)
    api.push_text(PRIVATE, "想办个黑客松，场地能帮忙解决不？")
    [offer] = await api.wait_sent(PRIVATE)
    assert "您是不是想问" in offer.visible and f"② {OFFERED[1]}" in offer.visible
    buttons = offer.buttons()
    assert [b["text"] for b in buttons[:3]] == [f"{i}. {q}" for i, q in enumerate(OFFERED, 1)]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)

    api.push_callback(offer, buttons[1]["callback_data"])
    answer = (await api.wait_sent(PRIVATE, 2))[1]
    assert assistant.questions[-1].text == OFFERED[1]
    assert assistant.questions[-1].session_id == f"telegram:{PRIVATE}"
    assert answer.visible.startswith("Answer to: " + OFFERED[1])
    await api.wait_for(lambda s: len(s.callback_answers) == 1)

    api.push_callback(offer, "sg:doesnotexist:1")  # an expired offer is said so, nothing is asked
    await api.wait_for(lambda s: len(s.callback_answers) == 2)
    assert "expired" in api.state.callback_answers[1]["text"]
    assert assistant.calls == 2


async def test_replying_with_the_number_picks_the_question(polling_bot: RunningBot) -> None:
    api, assistant = polling_bot.api, polling_bot.assistant
    assistant.respond = suggesting(polling_bot.store, OFFERED, near=near)
    api.push_text(PRIVATE, "黑客松 场地")
    await api.wait_sent(PRIVATE)
    api.push_text(PRIVATE, "3")
    picked = (await api.wait_sent(PRIVATE, 2))[1]
    assert picked.visible.startswith(f"关于“{OFFERED[2]}”")
    assert not [b for b in picked.buttons() if b["callback_data"].startswith("sg:")]
