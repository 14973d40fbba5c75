"""Webhook mode through the real FastAPI app (create_app + our router + lifespan hook), and the CLI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from typer.testing import CliRunner

from adapters.telegram.cli import build_telegram_cli
from adapters.telegram.webhook import SECRET_HEADER, build_telegram_webhook
from bot.api.app import create_app
from bot.errors import ConfigError
from bot.services import Services
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.telegram.conftest import FAST, SECRET, make_settings
from tests.telegram.fake_bot_api import FakeBotApi

PRIVATE = 555
GROUP = -100999


@pytest.fixture
async def webhook_app(
    fake_api: FakeBotApi, assistant: FakeAssistant
) -> AsyncIterator[tuple[httpx.AsyncClient, Services]]:
    settings = make_settings(fake_api)
    store, feedback = InProcessStore(), FakeQuestionLog()
    router, hook = build_telegram_webhook(settings, assistant, store, feedback, **FAST)
    services = Services(
        settings=settings, assistant=assistant, store=store, question_log=feedback, lifespan_hooks=[hook]
    )
    app = create_app(services, routers=[router])
    async with app.router.lifespan_context(app):  # what uvicorn runs at startup / shutdown
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://yuanbot.test") as client:
            yield client, services


def _post(client: httpx.AsyncClient, update: dict, secret: str | None = SECRET):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post("/telegram/webhook", json=update, headers=headers)


async def test_webhook_answers_with_the_right_secret(
    webhook_app, fake_api: FakeBotApi, assistant: FakeAssistant
) -> None:
    client, services = webhook_app
    assert "getMe" in fake_api.method_names()  # initialized in the lifespan
    assert "getUpdates" not in fake_api.method_names()  # no polling inside uvicorn's loop
    update = {"update_id": 1, "message": fake_api.make_message(PRIVATE, "开源人才有什么政策？")}
    response = await _post(client, update)
    assert response.status_code == 200
    [msg] = await fake_api.wait_sent(PRIVATE)
    assert "Answer to: 开源人才有什么政策？" in msg.visible and msg.parse_mode == "HTML"
    assert assistant.questions[0].session_id == f"telegram:{PRIVATE}"

    # the 👍 button, also through the webhook
    up = msg.buttons()[0]
    query = {
        "id": "cb1",
        "chat_instance": "x",
        "data": up["callback_data"],
        "from": {"id": 42, "is_bot": False, "first_name": "Dev", "language_code": "zh"},
        "message": fake_api.bot_message(msg),
    }
    assert (await _post(client, {"update_id": 2, "callback_query": query})).status_code == 200
    await fake_api.wait_for(lambda s: len(s.callback_answers) == 1)
    assert services.question_log.items[0]["rating"] == "up"
    assert services.question_log.items[0]["session_id"] == f"telegram:{PRIVATE}"

    # the core API of the same app still works next to it
    assert (await client.get("/healthz")).status_code == 200


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1]])
async def test_webhook_rejects_wrong_secrets(
    webhook_app, fake_api: FakeBotApi, assistant: FakeAssistant, secret
) -> None:
    client, _ = webhook_app
    update = {"update_id": 7, "message": fake_api.make_message(PRIVATE, "hello")}
    response = await _post(client, update, secret=secret)
    assert response.status_code == 403
    await asyncio.sleep(0.2)
    assert assistant.questions == [] and fake_api.sent_to(PRIVATE) == []


async def test_webhook_bad_bodies_and_duplicates(
    webhook_app, fake_api: FakeBotApi, assistant: FakeAssistant
) -> None:
    client, _ = webhook_app
    bad = await client.post("/telegram/webhook", content=b"not json", headers={SECRET_HEADER: SECRET})
    assert bad.status_code == 400
    assert (await _post(client, {"message": "no update id"})).status_code == 400
    update = {
        "update_id": 99,
        "message": fake_api.make_message(GROUP, "/ask 开源人才有什么政策？", user_id=8),
    }
    assert (await _post(client, update)).status_code == 200
    assert (await _post(client, update)).status_code == 200  # Telegram redelivers: answered once
    [msg] = await fake_api.wait_sent(GROUP)
    assert msg.reply_to == update["message"]["message_id"]
    await asyncio.sleep(0.2)
    assert len(assistant.questions) == 1 and assistant.questions[0].session_id == f"telegram:{GROUP}:8"
    # groups: an unaddressed message is ignored in webhook mode too
    chatter = {"update_id": 100, "message": fake_api.make_message(GROUP, "just chatting", user_id=8)}
    assert (await _post(client, chatter)).status_code == 200
    await asyncio.sleep(0.3)
    assert len(fake_api.sent_to(GROUP)) == 1


async def test_webhook_hostile_bodies_are_4xx_not_500(webhook_app, assistant: FakeAssistant) -> None:
    """Issue 16 item 7: a deeply nested body was a 500 (RecursionError), a 10 MB body was read."""
    client, _ = webhook_app
    headers = {SECRET_HEADER: SECRET, "content-type": "application/json"}
    deep = b"[" * 20_000 + b"]" * 20_000  # under the body cap, far over the parser's recursion limit
    nested = b'{"update_id": 7, "message": ' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}"
    for body in (deep, nested, b"\xff\xfe\x00{", b'{"update_id": 8, "message": {"chat": 1}}'):
        response = await client.post("/telegram/webhook", content=body, headers=headers)
        assert response.status_code == 400, body[:40]
        assert response.json()["message"]
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"update_id": 9, "pad": "' + b"x" * 10_000_000 + b'"}'):
        response = await client.post("/telegram/webhook", content=body, headers=headers)
        assert response.status_code == 413 and "too large" in response.json()["message"]
    assert assistant.questions == []


async def test_a_refused_update_can_be_redelivered(
    webhook_app, fake_api: FakeBotApi, assistant: FakeAssistant
) -> None:
    """An update refused with 400 is not marked seen: its redelivery (same update id) is parsed again."""
    client, _ = webhook_app
    broken = {"update_id": 77, "message": {"chat": 1}}
    assert (await _post(client, broken)).status_code == 400
    assert (await _post(client, broken)).status_code == 400  # parsed again, not swallowed as a duplicate
    fixed = {"update_id": 77, "message": fake_api.make_message(PRIVATE, "开源人才有什么政策？")}
    assert (await _post(client, fixed)).status_code == 200
    [msg] = await fake_api.wait_sent(PRIVATE)
    assert "Answer to: 开源人才有什么政策？" in msg.visible
    assert (await _post(client, fixed)).status_code == 200  # a good one is still answered once
    await asyncio.sleep(0.2)
    assert len(assistant.questions) == 1


async def test_lifespan_stops_the_application(fake_api: FakeBotApi, assistant: FakeAssistant) -> None:
    _, hook = build_telegram_webhook(
        make_settings(fake_api), assistant, InProcessStore(), FakeQuestionLog(), **FAST
    )
    async with hook() as application:
        assert application.running
    assert not application.running


async def test_unreachable_telegram_does_not_block_the_app(assistant: FakeAssistant) -> None:
    with FakeBotApi() as api:
        settings = make_settings(api, telegram_token="999:wrong-token")  # getMe → 401
        router, hook = build_telegram_webhook(settings, assistant, **FAST)
    services = Services(settings=settings, assistant=assistant, question_log=FakeQuestionLog(), lifespan_hooks=[hook])
    app = create_app(services, routers=[router])
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        response = await client.post(
            "/telegram/webhook", json={"update_id": 1}, headers={SECRET_HEADER: SECRET}
        )
        assert response.status_code == 503  # Telegram will redeliver later
        assert (await client.get("/healthz")).status_code == 200


def test_webhook_requires_a_secret_and_a_token(fake_api: FakeBotApi, assistant: FakeAssistant) -> None:
    with pytest.raises(ConfigError):
        build_telegram_webhook(make_settings(fake_api, telegram_webhook_secret=None), assistant)
    with pytest.raises(ConfigError):
        build_telegram_webhook(make_settings(fake_api, telegram_token=None), assistant)


def test_cli_set_and_delete_webhook(fake_api: FakeBotApi) -> None:
    settings = make_settings(fake_api)
    cli = build_telegram_cli(services_factory=lambda s: pytest.fail("polling must not start"))
    runner = CliRunner()
    result = runner.invoke(cli, ["set-webhook", "https://bot.example.org/telegram/webhook"], obj=settings)
    assert result.exit_code == 0, result.output
    assert fake_api.state.webhook == {
        "url": "https://bot.example.org/telegram/webhook",
        "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query"],
    }
    assert runner.invoke(cli, ["set-webhook", "http://insecure.example.org/x"], obj=settings).exit_code == 2
    no_secret = make_settings(fake_api, telegram_webhook_secret=None)
    result = runner.invoke(cli, ["set-webhook", "https://bot.example.org/telegram/webhook"], obj=no_secret)
    assert result.exit_code == 2 and "SECRET" in result.output
    result = runner.invoke(cli, ["delete-webhook"], obj=settings)
    assert result.exit_code == 0 and fake_api.state.webhook == {}


def test_cli_polling_uses_the_services_factory(fake_api: FakeBotApi, monkeypatch) -> None:
    calls = []

    def fake_run_polling(settings, assistant, store, feedback, *, drop_pending_updates=False, audit=None):
        calls.append((settings, assistant, store, feedback, drop_pending_updates, audit))

    monkeypatch.setattr("adapters.telegram.cli.run_polling", fake_run_polling)
    monkeypatch.setattr("adapters.telegram.cli.configure_logging", lambda *a, **k: None)
    settings = make_settings(fake_api)
    audit = object()  # the SBOM document handler's runner is passed through as given
    services = Services(settings=settings, assistant=FakeAssistant(), store=InProcessStore(),
                        question_log=FakeQuestionLog(), audit=audit)
    cli = build_telegram_cli(services_factory=lambda s: services)
    result = CliRunner().invoke(cli, ["--drop-pending-updates"], obj=settings)
    assert result.exit_code == 0, result.output
    assert calls == [(settings, services.assistant, services.store, services.question_log, True, audit)]
