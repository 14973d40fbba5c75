"""End to end in polling mode: the real PTB Application long-polls the fake Bot API over loopback HTTP."""

from __future__ import annotations

import asyncio
import logging
import threading

from adapters.telegram import cli
from adapters.telegram.application import build_application
from bot.errors import KnowledgeError
from bot.types import Answer, Source
from tests.telegram.conftest import FAST, RunningBot, make_settings
from tests.telegram.fake_bot_api import BOT_ID, BOT_USERNAME, parse_html, utf16_len

PRIVATE = 777
GROUP = -100200300


async def test_startup_deletes_webhook_and_registers_commands(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    await api.wait_for(lambda s: any(m == "getUpdates" for m, _ in s.calls))
    names = api.method_names()
    assert "getMe" in names and "deleteWebhook" in names
    commands = api.calls_of("setMyCommands")
    assert {c.get("language_code") for c in commands} == {"zh", None}
    assert any(cmd["command"] == "license" for cmd in commands[0]["commands"])


async def test_private_question_answered_with_sources_and_keyboard(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(PRIVATE, "开源人才有什么政策？", language_code="zh-hans")
    [msg] = await api.wait_sent(PRIVATE)
    assert msg.parse_mode == "HTML"
    assert not api.state.rejected  # the strict fake parser accepted our HTML
    assert "Answer to: 开源人才有什么政策？ <b>&</b>" in msg.visible  # the core's text, escaped
    assert "南京市开源人才政策 <2024> & more" in msg.visible and "来源" in msg.visible
    assert '<a href="https://example.gov.cn/policy?a=1&amp;b=2">' in msg.text  # tappable source
    labels = [b["text"] for b in msg.buttons()]
    assert labels == ["👍", "👎", "📚 来源"]
    [question] = polling_bot.assistant.questions
    assert question.session_id == f"telegram:{PRIVATE}" and question.channel == "telegram"
    actions = api.state.chat_actions
    assert actions and actions[0]["action"] == "typing" and int(actions[0]["chat_id"]) == PRIVATE
    assert msg.reply_to is None  # private chats: no reply quote


async def test_start_and_help_in_users_language(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(PRIVATE, "/start", language_code="zh-hans")
    api.push_text(PRIVATE + 1, "/help", language_code="en")
    [zh] = await api.wait_sent(PRIVATE)
    [en] = await api.wait_sent(PRIVATE + 1)
    assert "源问" in zh.visible and "/license" in zh.visible and "开源人才有什么政策" in zh.visible
    assert "Is MPL-2.0 compatible with GPL-3.0?" in en.visible and "Commands" in en.visible
    api.push_text(PRIVATE + 1, "/frobnicate", language_code="en")  # unknown command: help again
    sent = await api.wait_sent(PRIVATE + 1, 2)
    assert sent[1].text == en.text
    assert polling_bot.assistant.questions == []


async def test_ask_and_license_commands(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(PRIVATE, "/license Apache-2.0 GPL-2.0-only", language_code="en")
    [lic] = await api.wait_sent(PRIVATE)
    assert polling_bot.assistant.questions[0].text == "/license Apache-2.0 GPL-2.0-only"
    assert "Apache-2.0 → GPL-2.0-only" in lic.visible and "incompatible" in lic.visible
    assert "Relicense as GPL-3.0 & keep NOTICE" in lic.visible
    assert '<a href="https://www.gnu.org/licenses/license-list.html#apache2">FSF licence list</a>' in lic.text
    assert [b["text"] for b in lic.buttons()] == ["👍", "👎", "📚 Sources"]

    api.push_text(PRIVATE, "/license Apache-2.0", language_code="en")
    api.push_text(PRIVATE, "/ask", language_code="en")
    sent = await api.wait_sent(PRIVATE, 3)
    usages = [m.visible for m in sent[1:]]
    assert any("Usage: /license" in u for u in usages) and any("Usage: /ask" in u for u in usages)

    api.push_text(PRIVATE, "/ask Is MPL-2.0 compatible with GPL-3.0?", language_code="zh")
    sent = await api.wait_sent(PRIVATE, 4)
    assert "Answer to: Is MPL-2.0 compatible with GPL-3.0?" in sent[3].visible
    assert "Sources" in sent[3].visible  # labels follow the question's language
    assert len(polling_bot.assistant.questions) == 2


async def test_unknown_licence_gets_a_helpful_message(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(PRIVATE, "/license Nonsense-1.0 MIT")
    [msg] = await api.wait_sent(PRIVATE)
    assert "unknown licence: Nonsense-1.0" in msg.visible and "NCSA" in msg.visible


async def test_sources_command_and_button(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(PRIVATE, "/sources")
    [none] = await api.wait_sent(PRIVATE)
    assert "Ask a question first" in none.visible

    api.push_text(PRIVATE, "What funding exists?")
    answer = (await api.wait_sent(PRIVATE, 2))[1]
    api.push_text(PRIVATE, "/sources")
    full = (await api.wait_sent(PRIVATE, 3))[2]
    assert "Sources in full" in full.visible
    assert "原文 <script>x</script> & 条款" in full.visible and "Guide without URL" in full.visible
    assert "<blockquote expandable>" in full.text

    [src_button] = [b for b in answer.buttons() if b["text"] == "📚 Sources"]
    api.push_callback(answer, src_button["callback_data"])
    again = (await api.wait_sent(PRIVATE, 4))[3]
    assert again.text == full.text
    await api.wait_for(lambda s: len(s.callback_answers) == 1)


async def test_feedback_buttons_are_recorded_once(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(PRIVATE, "How do I apply?")
    [answer] = await api.wait_sent(PRIVATE)
    up, down = answer.buttons()[:2]
    api.push_callback(answer, down["callback_data"])
    await api.wait_for(lambda s: len(s.callback_answers) == 1)
    assert api.state.callback_answers[0]["text"] == "Thanks for the feedback!"
    assert polling_bot.feedback.items == [
        {
            "channel": "telegram",
            "session_id": f"telegram:{PRIVATE}",
            "question": "How do I apply?",
            "answer": "Answer to: How do I apply? <b>&</b>",
            "rating": "down",
        }
    ]
    # the rating buttons are removed, Sources stays
    await api.wait_for(lambda s: len(s.edited_markups) == 1)
    markup = api.state.edited_markups[0]["reply_markup"]
    assert [b["text"] for row in markup["inline_keyboard"] for b in row] == ["📚 Sources"]

    api.push_callback(answer, up["callback_data"])  # a second tap by the same user
    await api.wait_for(lambda s: len(s.callback_answers) == 2)
    assert "already" in api.state.callback_answers[1]["text"]
    assert len(polling_bot.feedback.items) == 1

    api.push_callback(answer, "fb:up:doesnotexist")
    await api.wait_for(lambda s: len(s.callback_answers) == 3)
    assert "expired" in api.state.callback_answers[2]["text"]


async def test_group_only_answers_when_addressed(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.push_text(GROUP, "anyone know about MPL?", user_id=1)  # not for us
    api.push_text(GROUP, "/ask@SomeOtherBot what?", user_id=1)  # another bot's command
    api.push_text(GROUP, f"@{BOT_USERNAME} Is MPL-2.0 compatible with GPL-3.0?", user_id=1)
    [first] = await api.wait_sent(GROUP)
    assert "Answer to: Is MPL-2.0 compatible with GPL-3.0?" in first.visible  # mention stripped
    assert first.reply_to is not None  # replies to the asker

    api.push_text(GROUP, "and for LGPL?", user_id=2, reply_to=api.bot_message(first))
    api.push_text(GROUP, f"/license@{BOT_USERNAME} MPL-2.0 GPL-3.0-only", user_id=3)
    api.push_text(GROUP, "/ask 开源人才有什么政策？", user_id=4)
    sent = await api.wait_sent(GROUP, 4)
    sessions = sorted(q.session_id for q in polling_bot.assistant.questions)
    assert sessions == sorted(f"telegram:{GROUP}:{u}" for u in (1, 2, 3, 4))
    texts = sorted(q.text for q in polling_bot.assistant.questions)
    assert texts == sorted(
        [
            "Is MPL-2.0 compatible with GPL-3.0?",
            "and for LGPL?",
            "/license MPL-2.0 GPL-3.0-only",
            "开源人才有什么政策？",
        ]
    )
    assert len(sent) == 4
    # a reply to someone else's message is still ignored
    api.push_text(GROUP, "thanks", user_id=5, reply_to=api.make_message(GROUP, "hi", user_id=1))
    api.push_text(PRIVATE, "ping")  # barrier: handled after the group message
    await api.wait_sent(PRIVATE)
    assert len(api.sent_to(GROUP)) == 4


async def test_long_answer_is_split_and_every_part_accepted(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    long_text = "\n\n".join(
        f"第{i}段：开源政策 <tag> & “quotes” 😀👩‍💻 Sentence one. Sentence two! " + "词" * 300
        for i in range(16)
    )
    assert len(long_text) > 5000
    polling_bot.assistant.replies["long"] = Answer(
        answer=long_text,
        status="answered",
        sources=[Source(id="s", title="<T>", section="", text="x", score=1, url="https://e.org")],
    )
    api.push_text(PRIVATE, "long")
    await api.wait_for(lambda s: any(m.buttons() for m in s.sent if m.chat_id == PRIVATE))
    sent = api.sent_to(PRIVATE)
    assert len(sent) >= 2 and not api.state.rejected
    assert all(utf16_len(m.text) <= 4096 for m in sent)
    joined = "".join(m.visible for m in sent)
    assert "".join(long_text.split()) in "".join(joined.split())
    assert [bool(m.buttons()) for m in sent] == [False] * (len(sent) - 1) + [True]  # keyboard on the last


async def test_rejected_html_is_resent_as_plain_text(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.fail_next(
        "sendMessage", 400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3'
    )
    api.push_text(PRIVATE, "Is MPL fine?")
    [msg] = await api.wait_sent(PRIVATE)
    assert msg.parse_mode is None
    assert "Answer to: Is MPL fine? <b>&</b>" in msg.text  # readable, not entity soup
    assert "https://example.gov.cn/policy?a=1&b=2" in msg.text  # the link target kept in plain text
    assert [b["text"] for b in msg.buttons()] == ["👍", "👎", "📚 Sources"]


async def test_flood_limit_429_is_retried(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    api.push_text(PRIVATE, "hello")
    [msg] = await api.wait_sent(PRIVATE, timeout=8)
    assert "Answer to: hello" in msg.visible
    assert len(api.calls_of("sendMessage")) == 2


async def test_flood_wait_longer_than_the_cap_is_not_slept_on(polling_bot: RunningBot, caplog) -> None:
    api = polling_bot.api
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 600", retry_after=600)
    with caplog.at_level(logging.ERROR, logger="yuanbot.telegram"):
        api.push_text(PRIVATE, "hello")
        # the answer is dropped (logged); the friendly error message still gets through
        [msg] = await api.wait_sent(PRIVATE, timeout=5)
    assert "Sorry" in msg.visible
    assert any("Flood control" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


async def test_assistant_errors_never_leak(polling_bot: RunningBot, caplog) -> None:
    api = polling_bot.api
    polling_bot.assistant.replies["出错了"] = RuntimeError("db password=hunter2 at /srv/secret.py")
    polling_bot.assistant.replies["kb"] = KnowledgeError("index missing at /data/chroma")
    with caplog.at_level(logging.INFO, logger="yuanbot.telegram"):
        api.push_text(PRIVATE, "出错了", language_code="en")
        api.push_text(PRIVATE + 1, "kb")
        [zh] = await api.wait_sent(PRIVATE)
        [en] = await api.wait_sent(PRIVATE + 1)
    assert "hunter2" not in zh.text and "抱歉" in zh.text
    assert "chroma" not in en.text and "Sorry" in en.text
    crash = [r for r in caplog.records if r.getMessage() == "assistant crashed"]
    assert crash and crash[0].session == f"telegram:{PRIVATE}" and crash[0].channel == "telegram"
    assert "hunter2" in str(crash[0].exc_info[1]) and crash[0].latency_ms >= 0


async def test_typing_is_repeated_while_a_slow_answer_is_computed(polling_bot: RunningBot) -> None:
    api = polling_bot.api
    polling_bot.assistant.delay = 0.7  # typing_interval is 0.2 s in the tests
    api.push_text(PRIVATE, "slow one")
    await api.wait_sent(PRIVATE)
    assert len([a for a in api.state.chat_actions if int(a["chat_id"]) == PRIVATE]) >= 2


async def test_answer_log_line_has_context(polling_bot: RunningBot, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="yuanbot.telegram"):
        polling_bot.api.push_text(PRIVATE, "hi there")
        await polling_bot.api.wait_sent(PRIVATE)
        await polling_bot.api.wait_for(lambda s: any(r.getMessage() == "answered" for r in caplog.records))
    [line] = [r for r in caplog.records if r.getMessage() == "answered"]
    assert line.channel == "telegram" and line.session == f"telegram:{PRIVATE}" and line.status == "answered"
    assert isinstance(line.latency_ms, float)


def test_fake_validates_what_the_bot_sends() -> None:
    assert parse_html("<b>x</b>") == "x" and BOT_ID > 0


async def test_run_polling_end_to_end(fake_api, assistant, monkeypatch) -> None:
    """`run_polling` (what `yuanbot telegram` calls) in a thread, stopped like Ctrl-C would."""
    started: dict = {}

    def capturing_build(*args, **kwargs):
        application = build_application(*args, **kwargs)
        original = application.post_init

        async def post_init(app):
            started["loop"] = asyncio.get_running_loop()
            started["app"] = app
            await original(app)

        application.post_init = post_init
        return application

    monkeypatch.setattr(cli, "build_application", capturing_build)
    thread = threading.Thread(
        target=cli.run_polling,
        args=(make_settings(fake_api), assistant, None, None),
        kwargs=FAST,
        daemon=True,
    )
    try:
        thread.start()
        fake_api.push_text(PRIVATE, "Is MPL-2.0 compatible with GPL-3.0?")
        [msg] = await fake_api.wait_sent(PRIVATE)
        assert "Answer to: Is MPL-2.0 compatible with GPL-3.0?" in msg.visible
    finally:
        if "loop" in started:
            started["loop"].call_soon_threadsafe(started["app"].stop_running)
        await asyncio.to_thread(thread.join, 10)
    assert not thread.is_alive()
    assert "deleteWebhook" in fake_api.method_names()
