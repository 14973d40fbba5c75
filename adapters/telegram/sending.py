"""Delivering to Telegram: long texts split into messages, HTML that Telegram rejects resent as plain text,
and the "typing…" indicator while an answer is being prepared."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from adapters.telegram.format import TELEGRAM_LIMIT, html_to_text, split_message

log = logging.getLogger("yuanbot.telegram")

CHANNEL = "telegram"


async def keep_typing(bot: Any, chat_id: int, done: asyncio.Event, interval: float) -> None:
    """`sendChatAction(typing)` now and every few seconds (Telegram shows it ~5 s) until `done`."""
    while not done.is_set():
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=interval)


async def send_text(
    bot: Any,
    chat_id: int,
    text: str,
    *,
    html: bool = True,
    reply_to: int | None = None,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send `text` as one or more messages; the keyboard goes under the last, the reply on the first.

    If Telegram rejects our HTML ("can't parse entities") the part is resent as plain text.
    """
    parts = split_message(text, TELEGRAM_LIMIT, is_html=html)
    sent: list[Message] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        kwargs: dict[str, Any] = {
            "chat_id": chat_id,
            "reply_markup": reply_markup if last else None,
            "reply_parameters": ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None and i == 0
            else None,
            "link_preview_options": LinkPreviewOptions(is_disabled=True),
        }
        if not html:
            sent.append(await bot.send_message(text=part, **kwargs))
            continue
        try:
            sent.append(await bot.send_message(text=part, parse_mode=ParseMode.HTML, **kwargs))
        except BadRequest as exc:
            description = str(exc).lower()
            if "parse entities" not in description and "too long" not in description:
                raise
            log.warning(
                "telegram rejected a message (%s); resending as plain text", exc, extra={"channel": CHANNEL}
            )
            plain_parts = split_message(html_to_text(part), TELEGRAM_LIMIT, is_html=False)
            for j, plain in enumerate(plain_parts):
                kwargs["reply_markup"] = reply_markup if last and j == len(plain_parts) - 1 else None
                sent.append(await bot.send_message(text=plain, **kwargs))
                kwargs["reply_parameters"] = None
    return sent
