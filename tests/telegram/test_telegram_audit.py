"""SBOM audit over Telegram: a document with the outbound licence as caption, against the fake Bot API
(getFile, the file download and sendDocument as the real Bot API does them), with the real Auditor."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.telegram.application import BoundedRateLimiter, build_application
from adapters.telegram.audit import parse_caption
from bot.licenses.audit import Auditor
from bot.licenses.engine import LicenseEngine
from bot.stores import InProcessStore
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.telegram.conftest import FAST, make_settings
from tests.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi
from tests.telegram.fakes import telegram_reply

ROOT = Path(__file__).resolve().parents[2]
LICENSES = ROOT / "knowledge" / "licenses"
DROPWIZARD = (ROOT / "tests" / "audit" / "data" / "dropwizard-1.3.15.cdx.json").read_bytes()
PRIVATE = 4242
GROUP = -100777


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    return Auditor(LicenseEngine(LICENSES / "engine", LICENSES / "texts"), LICENSES / "texts")


@pytest.fixture
async def bot(fake_api: FakeBotApi, auditor: Auditor) -> AsyncIterator[FakeBotApi]:
    calls: list[tuple[str, str, str | None]] = []

    def audit(data: bytes, filename: str, outbound: str, use: str | None):
        calls.append((filename, outbound, use))
        return auditor.audit_bytes(data, outbound, use, filename=filename)

    application = build_application(
        make_settings(fake_api), FakeAssistant(telegram_reply), InProcessStore(), FakeQuestionLog(),
        rate_limiter=BoundedRateLimiter(max_retries=2, max_retry_after=3), audit=audit, **FAST,
    )
    await application.initialize()
    await application.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=["message"])
    await application.start()
    fake_api.audit_calls = calls  # type: ignore[attr-defined]
    try:
        yield fake_api
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def test_sbom_document_gets_summary_and_csv_report(bot: FakeBotApi) -> None:
    document = bot.add_file(DROPWIZARD, "dropwizard.cdx.json", "application/json")
    bot.push_document(PRIVATE, document, caption="GPL-2.0-only use=binary", language_code="zh-hans")
    await bot.wait_for(lambda s: len(s.documents) == 1)
    [summary] = bot.sent_to(PRIVATE)
    assert summary.parse_mode == "HTML" and not bot.state.rejected
    assert "167 个组件（出站许可证 GPL-2.0-only，使用方式 binary）" in summary.visible
    assert "🔴 114 冲突" in summary.visible and "冲突" in summary.visible
    assert "ch.qos.logback/logback-access 1.2.3" in summary.visible
    # 34 components without a licence and 2 that name only the BSD family (its versions disagree on GPL-2.0)
    assert "另有 104 个冲突" in summary.visible and "36 个组件的许可证未能识别" in summary.visible
    [sent] = bot.state.documents
    assert sent.chat_id == PRIVATE and sent.filename == "licence-audit.csv"
    rows = list(csv.DictReader(io.StringIO(sent.data.decode("utf-8-sig"))))
    assert len(rows) == 167 and rows[0]["verdict"] == "incompatible"
    assert bot.audit_calls == [("dropwizard.cdx.json", "GPL-2.0-only", "binary")]  # type: ignore[attr-defined]
    names = bot.method_names()
    assert names.index("getFile") < names.index("downloadFile") < names.index("sendDocument")


async def test_json_report_and_saas_in_english(bot: FakeBotApi) -> None:
    document = bot.add_file(DROPWIZARD, "bom.json")
    bot.push_document(PRIVATE, document, caption="proprietary saas json", language_code="en")
    await bot.wait_for(lambda s: len(s.documents) == 1)
    [summary] = bot.sent_to(PRIVATE)
    assert "167 components (outbound proprietary, use saas)" in summary.visible
    [sent] = bot.state.documents
    report = json.loads(sent.data)
    assert sent.filename == "licence-audit.json" and report["summary"]["passed"] is True


async def test_no_caption_gets_usage_and_no_download(bot: FakeBotApi) -> None:
    bot.push_document(PRIVATE, bot.add_file(DROPWIZARD, "bom.json"), language_code="en")
    [usage] = await bot.wait_sent(PRIVATE)
    assert "Send the SBOM as a file with your project's licence as its caption" in usage.visible
    assert "getFile" not in bot.method_names() and bot.state.documents == []


async def test_not_an_sbom_gets_the_sentence(bot: FakeBotApi) -> None:
    package_json = json.dumps({"name": "app", "dependencies": {"left-pad": "1.3.0"}}).encode()
    bot.push_document(PRIVATE, bot.add_file(package_json, "package.json"), caption="MIT", language_code="en")
    [reply] = await bot.wait_sent(PRIVATE)
    assert reply.visible.startswith("The file is valid JSON but not an SBOM")
    assert bot.state.documents == []


async def test_unknown_outbound_is_explained(bot: FakeBotApi) -> None:
    bot.push_document(PRIVATE, bot.add_file(DROPWIZARD, "bom.json"), caption="Frobnitz-9", language_code="en")
    [reply] = await bot.wait_sent(PRIVATE)
    assert "outbound licence 'Frobnitz-9' is not recognised" in reply.visible


async def test_groups_need_a_mention(bot: FakeBotApi) -> None:
    bot.push_document(GROUP, bot.add_file(DROPWIZARD, "bom.json"), caption="MIT", language_code="en")
    bot.push_document(GROUP, bot.add_file(DROPWIZARD, "bom.json"), caption=f"@{BOT_USERNAME} MIT",
                      language_code="en")
    await bot.wait_for(lambda s: len(s.documents) == 1)
    [summary] = bot.sent_to(GROUP)
    assert "167 components (outbound MIT)" in summary.visible
    assert summary.reply_to is not None  # replies to the document in groups
    assert bot.audit_calls == [("bom.json", "MIT", None)]  # type: ignore[attr-defined]


async def test_too_big_for_the_bot_api(bot: FakeBotApi) -> None:
    document = bot.add_file(b"x" * 10, "huge.json")
    document["file_size"] = 30 * 1024 * 1024  # as Telegram reports it
    bot.push_document(PRIVATE, document, caption="MIT", language_code="en")
    [reply] = await bot.wait_sent(PRIVATE)
    assert "larger than 20 MB" in reply.visible and "getFile" not in bot.method_names()


def test_parse_caption() -> None:
    assert parse_caption("Apache-2.0") == ("Apache-2.0", None, False)
    assert parse_caption("proprietary use=saas") == ("proprietary", "saas", False)
    assert parse_caption("/audit GPL-3.0-only dynamic json") == ("GPL-3.0-only", "dynamic", True)
    assert parse_caption(f"@{BOT_USERNAME} closed source use: static", BOT_USERNAME) == ("closed source", "static", False)
    assert parse_caption("  ") == ("", None, False)
