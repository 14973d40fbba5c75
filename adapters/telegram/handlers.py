"""What the bot does with each update: commands, questions, the 👍/👎/Sources buttons."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import time
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from adapters.telegram.format import (
    HELP,
    TELEGRAM_LIMIT,
    html_to_text,
    lang_for,
    lang_from_code,
    render_answer,
    render_sources,
    split_message,
    suggestion_buttons,
    t,
)
from bot.errors import LicenseError, YuanbotError
from bot.ports import Assistant, FeedbackRecorder, KeyValueStore
from bot.stores.aio import AsyncStore
from bot.types import MAX_QUESTION_CHARS, Answer, Question

log = logging.getLogger("yuanbot.telegram")

CHANNEL = "telegram"
ANSWER_TTL = 7 * 24 * 3600  # how long the buttons under an answer keep working
_ARROWS = {"->", "→", "=>", "to", "into", "vs", "与", "和"}


def session_id_for(chat: Chat, user: User | None) -> str:
    """One conversation per private chat; per member in groups (so follow-ups don't mix people)."""
    if chat.type == Chat.PRIVATE or user is None:
        return f"telegram:{chat.id}"
    return f"telegram:{chat.id}:{user.id}"


class TelegramHandlers:
    """The callbacks registered on the PTB Application (see application.py)."""

    def __init__(
        self,
        assistant: Assistant,
        store: KeyValueStore,
        feedback: FeedbackRecorder | None,
        *,
        max_question_chars: int = MAX_QUESTION_CHARS,
        answer_ttl: float = ANSWER_TTL,
        typing_interval: float = 4.0,
        key_prefix: str = "telegram",
    ) -> None:
        self.assistant = assistant
        self.store = AsyncStore(store)  # the handlers run on the event loop
        self.feedback = feedback
        self.max_question_chars = max_question_chars
        self.answer_ttl = answer_ttl
        self.typing_interval = typing_interval
        self.prefix = key_prefix

    # --- commands ---------------------------------------------------------------------------------

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.help(update, context)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = lang_from_code(user.language_code if user else None)
        await self._send(context, update.effective_chat.id, HELP[lang], reply_to=self._reply_target(update))

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = " ".join(context.args or []).strip()
        if not text:
            lang = lang_from_code(update.effective_user.language_code if update.effective_user else None)
            await self._send(
                context,
                update.effective_chat.id,
                t(lang, "ask_usage"),
                html=False,
                reply_to=self._reply_target(update),
            )
            return
        await self._answer(update, context, text)

    async def license(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = lang_from_code(user.language_code if user else None)
        args = [a for a in (context.args or []) if a.lower() not in _ARROWS]
        if len(args) != 2:
            await self._send(
                context,
                update.effective_chat.id,
                t(lang, "license_usage"),
                html=False,
                reply_to=self._reply_target(update),
            )
            return
        inbound, outbound = args
        await self._answer(update, context, f"/license {inbound} {outbound}", lang=lang, question_lang=lang)

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = lang_from_code(user.language_code if user else None)
        session = session_id_for(update.effective_chat, user)
        answer_id = await self.store.get(f"{self.prefix}:last:{session}")
        record = await self._load(answer_id) if answer_id else None
        await self._send_sources(
            context, update.effective_chat.id, record, lang, reply_to=self._reply_target(update)
        )

    # --- plain text -------------------------------------------------------------------------------

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        text = message.text
        if update.effective_chat.type != Chat.PRIVATE:
            addressed, text = self._addressed(message, context)
            if not addressed:
                return
        text = text.strip()
        if not text:
            await self.help(update, context)
            return
        await self._answer(update, context, text)

    def _addressed(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> tuple[bool, str]:
        """In a group: is this message for us (@mention or reply to one of ours)? Returns the text sans mention."""
        bot = context.bot
        username = (bot.username or "").lower()
        text = message.text or ""
        addressed = False
        mentions = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
        for entity, value in mentions.items():
            if (entity.type == MessageEntity.MENTION and username and value.lower() == f"@{username}") or (
                entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id
            ):
                addressed = True
                if entity.type == MessageEntity.MENTION:
                    text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            addressed = True
        return addressed, re.sub(r"\s+", " ", text).strip() if addressed else text

    # --- callbacks (inline keyboard) ----------------------------------------------------------------

    async def callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        user = query.from_user
        lang = lang_from_code(user.language_code if user else None)
        kind, _, rest = (query.data or "").partition(":")
        if kind == "fb":
            rating, _, answer_id = rest.partition(":")
            record = await self._load(answer_id)
            if record is None or rating not in ("up", "down"):
                await query.answer(t(lang, "expired"))
                return
            lang = record.get("lang", lang)
            first = await self.store.set_if_absent(
                f"{self.prefix}:rated:{answer_id}:{user.id}", rating, ttl=self.answer_ttl
            )
            if not first:
                await query.answer(t(lang, "already"))
                return
            try:
                if self.feedback is not None:
                    await asyncio.to_thread(
                        self.feedback.record_feedback,
                        channel=CHANNEL,
                        session_id=record["session_id"],
                        question=record["question"],
                        answer=record["answer"]["answer"],
                        rating=rating,
                    )
            except Exception:
                await self.store.delete(f"{self.prefix}:rated:{answer_id}:{user.id}")
                log.exception(
                    "feedback could not be recorded",
                    extra={"channel": CHANNEL, "session": record["session_id"]},
                )
                await query.answer(t(lang, "error"))
                return
            log.info(
                "feedback", extra={"channel": CHANNEL, "session": record["session_id"], "rating": rating}
            )
            await query.answer(t(lang, "thanks"))
            # leave only the Sources button under a rated answer
            if query.message is not None:
                with contextlib.suppress(TelegramError):
                    await query.edit_message_reply_markup(
                        reply_markup=self._keyboard(answer_id, lang, record, rated=True)
                    )
        elif kind == "sg":  # a "did you mean" button: ask the question it offers
            answer_id, _, number = rest.partition(":")
            record = await self._load(answer_id)
            offered = (record or {}).get("answer", {}).get("suggestions") or []
            if not number.isdigit() or not 1 <= int(number) <= len(offered):
                await query.answer(t(lang, "expired"))
                return
            await query.answer()
            await self._answer(update, context, offered[int(number) - 1])
        elif kind == "src":
            record = await self._load(rest)
            if record is None:
                await query.answer(t(lang, "expired"))
                return
            await query.answer()
            chat_id = query.message.chat.id if query.message is not None else user.id
            await self._send_sources(context, chat_id, record, record.get("lang", lang))
        else:
            await query.answer()

    # --- answering --------------------------------------------------------------------------------

    async def _answer(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        text: str,
        *,
        lang: str | None = None,
        question_lang: str | None = None,
    ) -> None:
        chat = update.effective_chat
        user = update.effective_user
        session = session_id_for(chat, user)
        lang = lang or lang_for(text, user.language_code if user else None)
        reply_to = self._reply_target(update)
        if len(text) > self.max_question_chars:
            await self._send(
                context,
                chat.id,
                t(lang, "too_long", n=self.max_question_chars),
                html=False,
                reply_to=reply_to,
            )
            return
        question = Question(text=text, session_id=session, channel=CHANNEL, lang=question_lang)
        started = time.perf_counter()
        done = asyncio.Event()
        typing = asyncio.create_task(self._keep_typing(context, chat.id, done))
        try:
            answer: Answer = await asyncio.to_thread(self.assistant.ask, question)
        except LicenseError as exc:
            message = str(exc)
            if exc.suggestions:
                message += "\n" + ", ".join(exc.suggestions[:5])
            log.info(
                "licence not understood: %s",
                exc,
                extra={"channel": CHANNEL, "session": session, "latency_ms": _ms(started)},
            )
            await self._send(
                context, chat.id, message + "\n\n" + t(lang, "license_usage"), html=False, reply_to=reply_to
            )
            return
        except YuanbotError as exc:
            log.error(
                "assistant failed: %s",
                exc,
                extra={"channel": CHANNEL, "session": session, "latency_ms": _ms(started)},
            )
            await self._send(context, chat.id, t(lang, "error"), html=False, reply_to=reply_to)
            return
        except Exception:
            log.exception(
                "assistant crashed",
                extra={"channel": CHANNEL, "session": session, "latency_ms": _ms(started)},
            )
            await self._send(context, chat.id, t(lang, "error"), html=False, reply_to=reply_to)
            return
        finally:
            done.set()  # the typing loop finishes its current request (so "typing" precedes the answer)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(typing, timeout=5)

        answer_id = secrets.token_urlsafe(9)  # 12 chars: callback data stays far below 64 bytes
        record = {
            "session_id": session,
            "question": text,
            "lang": lang,
            "answer": answer.model_dump(mode="json"),
        }
        await self.store.set(
            f"{self.prefix}:answer:{answer_id}", json.dumps(record, ensure_ascii=False), ttl=self.answer_ttl
        )
        await self.store.set(f"{self.prefix}:last:{session}", answer_id, ttl=self.answer_ttl)
        await self._send(
            context,
            chat.id,
            render_answer(answer, lang),
            reply_to=reply_to,
            reply_markup=self._keyboard(answer_id, lang, record),
        )
        log.info(
            "answered",
            extra={
                "channel": CHANNEL,
                "session": session,
                "status": answer.status,
                "latency_ms": _ms(started),
            },
        )

    async def _keep_typing(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, done: asyncio.Event
    ) -> None:
        """`sendChatAction(typing)` now and every few seconds (Telegram shows it ~5 s) until `done`."""
        while not done.is_set():
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=self.typing_interval)

    def _keyboard(
        self, answer_id: str, lang: str, record: dict[str, Any], *, rated: bool = False
    ) -> InlineKeyboardMarkup:
        answer = record["answer"]
        has_sources = bool(answer.get("sources")) or bool((answer.get("license_check") or {}).get("sources"))
        row = []
        if not rated:
            row += [
                InlineKeyboardButton("👍", callback_data=f"fb:up:{answer_id}"),
                InlineKeyboardButton("👎", callback_data=f"fb:down:{answer_id}"),
            ]
        if has_sources:
            row.append(InlineKeyboardButton(t(lang, "sources_button"), callback_data=f"src:{answer_id}"))
        offered = suggestion_buttons(answer_id, answer.get("suggestions") or [])
        return InlineKeyboardMarkup(offered + ([row] if row else []))

    async def _load(self, answer_id: str | None) -> dict[str, Any] | None:
        if not answer_id:
            return None
        raw = await self.store.get(f"{self.prefix}:answer:{answer_id}")
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    async def _send_sources(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        record: dict[str, Any] | None,
        lang: str,
        *,
        reply_to: int | None = None,
    ) -> None:
        if record is None:
            await self._send(context, chat_id, t(lang, "no_last"), html=False, reply_to=reply_to)
            return
        answer = Answer.model_validate(record["answer"])
        body = render_sources(answer, lang)
        if body is None:
            await self._send(context, chat_id, t(lang, "no_sources"), html=False, reply_to=reply_to)
            return
        await self._send(context, chat_id, body, reply_to=reply_to)

    @staticmethod
    def _reply_target(update: Update) -> int | None:
        """In groups the answer replies to the question, so it is clear whom it is for."""
        chat = update.effective_chat
        message = update.effective_message
        if chat is None or message is None or chat.type == Chat.PRIVATE:
            return None
        return message.message_id

    async def _send(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        text: str,
        *,
        html: bool = True,
        reply_to: int | None = None,
        reply_markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        await send_text(context.bot, chat_id, text, html=html, reply_to=reply_to, reply_markup=reply_markup)

    # --- errors -----------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Last resort: log the details, tell the user something friendly (never the exception)."""
        session = None
        chat_id = None
        lang = "en"
        if isinstance(update, Update) and update.effective_chat is not None:
            session = session_id_for(update.effective_chat, update.effective_user)
            chat_id = update.effective_chat.id
            if update.effective_user is not None:
                lang = lang_from_code(update.effective_user.language_code)
        log.error(
            "error while handling an update",
            exc_info=context.error,
            extra={"channel": CHANNEL, "session": session},
        )
        if chat_id is None or isinstance(context.error, Forbidden):
            return
        with contextlib.suppress(Exception):
            await context.bot.send_message(chat_id=chat_id, text=t(lang, "error"))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


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
