"""Dependency audit over Telegram: an SBOM sent as a document, the project's licence as its caption.

Caption: `Apache-2.0`, `proprietary use=saas`, `GPL-3.0-only dynamic json` (the last word asks for the full
report as JSON instead of CSV). The summary and the top conflicts come back as a message, the full report
as a CSV (or JSON) document. The adapter never builds the engine: it is given `audit`, a callable
(file bytes, file name, outbound licence, use or None) -> AuditReport that raises SbomError for a file
that is not an SBOM and LicenseError for a licence or use it does not understand.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import time
from collections.abc import Callable

from telegram import Chat, InputFile, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.telegram.format import escape, lang_from_code
from bot.errors import LicenseError
from bot.licenses.audit_export import report_csv
from bot.licenses.audit_models import VERDICT_LABELS, AuditReport
from bot.licenses.sbom import SbomError

log = logging.getLogger("yuanbot.telegram")

AuditRunner = Callable[[bytes, str, str, str | None], AuditReport]
CHANNEL = "telegram"
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile serves files up to 20 MB
TOP_CONFLICTS = 10
USES = ("binary", "saas", "static", "dynamic")
_USE = re.compile(r"^(?:use\s*[=:]\s*)?(binary|saas|static|dynamic)$", re.IGNORECASE)

TEXT = {
    "zh": {
        "usage": "请把 SBOM 作为文件发送，并在文件说明里写上项目的许可证，例如 <code>Apache-2.0</code> 或 "
                 "<code>proprietary use=saas</code>（末尾加 <code>json</code> 可获得 JSON 报告）。\n"
                 "支持 CycloneDX、SPDX 以及 pip-licenses / license-checker 的 CSV。",
        "too_big": "文件超过 {mb} MB，无法在 Telegram 中审计；请使用网页 /audit 或命令行。",
        "working": "正在审计 {name}…",
        "failed": "审计失败，请稍后再试。",
        "conflicts": "冲突",
        "more": "另有 {n} 个冲突，见附件。",
        "unresolved": "{n} 个组件的许可证未能识别。",
        "file": "完整报告见附件（每个组件一行）。",
    },
    "en": {
        "usage": "Send the SBOM as a file with your project's licence as its caption, e.g. <code>Apache-2.0</code> "
                 "or <code>proprietary use=saas</code> (add <code>json</code> for a JSON report).\n"
                 "CycloneDX, SPDX and pip-licenses / license-checker CSV are accepted.",
        "too_big": "The file is larger than {mb} MB, too big to audit over Telegram; use the /audit web page "
                   "or the command line.",
        "working": "Auditing {name}…",
        "failed": "The audit failed; please try again later.",
        "conflicts": "Conflicts",
        "more": "{n} more conflicts in the attached report.",
        "unresolved": "{n} components' licences could not be resolved.",
        "file": "The full report is attached (one row per component).",
    },
}


def parse_caption(caption: str, bot_username: str | None = None) -> tuple[str, str | None, bool]:
    """(outbound licence, use or None, JSON wanted) from a caption such as `MIT use=saas json`."""
    text = caption.strip()
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"^/audit(@\w+)?\b", " ", text.strip(), flags=re.IGNORECASE)
    words = re.sub(r"\buse\s*[=:：]\s*", "use=", text, flags=re.IGNORECASE).split()
    use = None
    want_json = False
    kept = []
    for word in words:
        match = _USE.match(word)
        if match:
            use = match.group(1).lower()
        elif word.lower() in ("json", "--json"):
            want_json = True
        elif word.lower() in ("csv", "--csv"):
            want_json = False
        else:
            kept.append(word)
    return " ".join(kept), use, want_json


class TelegramAuditHandler:
    """The document handler registered by build_application when an `audit` callable is given."""

    def __init__(self, audit: AuditRunner, *, max_bytes: int = BOT_API_DOWNLOAD_LIMIT) -> None:
        self.audit = audit
        self.max_bytes = min(max_bytes, BOT_API_DOWNLOAD_LIMIT)

    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if message is None or message.document is None or chat is None:
            return
        if chat.type != Chat.PRIVATE and not self._addressed(message, context):
            return  # in groups, only documents that mention the bot in their caption
        user = update.effective_user
        lang = lang_from_code(user.language_code if user else None)
        reply_to = message.message_id if chat.type != Chat.PRIVATE else None
        outbound, use, want_json = parse_caption(message.caption or "", context.bot.username)
        if not outbound:
            await self._say(context, chat.id, TEXT[lang]["usage"], reply_to, html=True)
            return
        document = message.document
        name = (document.file_name or "sbom")[:200]
        if document.file_size and document.file_size > self.max_bytes:
            await self._say(context, chat.id, TEXT[lang]["too_big"].format(mb=self.max_bytes // 2**20), reply_to)
            return
        started = time.perf_counter()
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat_id=chat.id, action=ChatAction.UPLOAD_DOCUMENT)
        try:
            telegram_file = await context.bot.get_file(document.file_id)
            data = bytes(await telegram_file.download_as_bytearray())
            report = await asyncio.to_thread(self.audit, data, name, outbound, use)
        except SbomError as exc:
            log.info("audit refused: %s", exc.code, extra={"channel": CHANNEL, "chat": chat.id})
            await self._say(context, chat.id, exc.zh if lang == "zh" else exc.en, reply_to)
            return
        except LicenseError as exc:
            hint = ("\n" + ", ".join(exc.suggestions[:5])) if exc.suggestions else ""
            await self._say(context, chat.id, f"{exc}{hint}", reply_to)
            return
        except TelegramError as exc:
            log.warning("could not fetch the SBOM from Telegram: %s", exc, extra={"channel": CHANNEL, "chat": chat.id})
            await self._say(context, chat.id, TEXT[lang]["failed"], reply_to)
            return
        await self._say(context, chat.id, render_summary(report, lang), reply_to, html=True)
        await self._send_report(context, chat.id, report, lang, want_json)
        log.info(
            "audit sent",
            extra={"channel": CHANNEL, "chat": chat.id, "components": report.summary.total,
                   "conflicts": report.summary.conflicts,
                   "latency_ms": round((time.perf_counter() - started) * 1000, 1)},
        )

    async def _send_report(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, report: AuditReport, lang: str, want_json: bool
    ) -> None:
        if want_json:
            payload, filename = report.model_dump_json(indent=1).encode("utf-8"), "licence-audit.json"
        else:  # with a BOM, so spreadsheets read the UTF-8 correctly
            payload, filename = ("\ufeff" + report_csv(report)).encode("utf-8"), "licence-audit.csv"
        await context.bot.send_document(
            chat_id=chat_id,
            document=InputFile(io.BytesIO(payload), filename=filename),
            caption=TEXT[lang]["file"],
        )

    @staticmethod
    def _addressed(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
        username = (context.bot.username or "").lower()
        mentions = message.parse_caption_entities([MessageEntity.MENTION])
        return bool(username) and any(value.lower() == f"@{username}" for value in mentions.values())

    @staticmethod
    async def _say(
        context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, reply_to: int | None, *, html: bool = False
    ) -> None:
        await context.bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode=ParseMode.HTML if html else None,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None,
        )


def render_summary(report: AuditReport, lang: str, top: int = TOP_CONFLICTS) -> str:
    """The summary message (Telegram HTML): headline, counts, the first conflicts, unresolved."""
    s = report.summary
    zh = lang == "zh"
    lines = [f"<b>{escape(s.headline_zh if zh else s.headline_en)}</b>"]
    lines.append(escape(f"SBOM: {s.source.format} {s.source.spec_version or ''} {s.source.encoding}".replace("  ", " ")
                        + (f" · {s.source.product}" if s.source.product else "")))
    icons = {"incompatible": "🔴", "unresolved": "🟣", "unknown": "⚪", "conditional": "🟠", "compatible": "🟢"}
    lines.append(" ".join(
        f"{icons[c.verdict]} {c.count} {escape(VERDICT_LABELS[c.verdict][0 if zh else 1])}"
        for c in s.counts if c.count
    ))
    conflicts = [c for c in report.components if c.verdict == "incompatible"]
    if conflicts:
        lines.append("")
        lines.append(f"<b>{TEXT[lang]['conflicts']}</b>")
        for c in conflicts[:top]:
            version = f" {c.version}" if c.version else ""
            licence = (c.expression or c.declared)[:120]
            lines.append(f"• <code>{escape(c.name[:100])}{escape(version[:40])}</code> — {escape(licence)}")
        if len(conflicts) > top:
            lines.append(escape(TEXT[lang]["more"].format(n=len(conflicts) - top)))
    if s.unresolved:
        lines.append("")
        lines.append(escape(TEXT[lang]["unresolved"].format(n=s.unresolved)))
    return "\n".join(lines)
