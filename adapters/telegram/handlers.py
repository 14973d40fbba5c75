"""What the bot does with each update: commands, questions, the 👍/👎/Sources buttons."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from adapters.telegram.buttons import ANSWER_TTL, AnswerRecords, answer_keyboard
from adapters.telegram.format import (
    HELP,
    lang_for,
    lang_from_code,
    render_answer,
    render_sources,
    t,
)
from adapters.telegram.sending import keep_typing, send_text
from bot.errors import LicenseError, YuanbotError
from bot.ports import Assistant, FeedbackRecorder, KeyValueStore
from bot.stores.aio import AsyncStore
from bot.types import MAX_QUESTION_CHARS, Answer, Question

log = logging.getLogger("yuanbot.telegram")

CHANNEL = "telegram"
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
        self.records = AnswerRecords(AsyncStore(store), key_prefix, answer_ttl)  # async: on the event loop
        self.feedback = feedback
        self.max_question_chars = max_question_chars
        self.typing_interval = typing_interval

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
        record = await self.records.last(session)
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
            await self._rate(query, rest, lang)
        elif kind == "sg":  # a "did you mean" button: ask the question it offers
            answer_id, _, number = rest.partition(":")
            record = await self.records.load(answer_id)
            offered = (record or {}).get("answer", {}).get("suggestions") or []
            if not number.isdigit() or not 1 <= int(number) <= len(offered):
                await query.answer(t(lang, "expired"))
                return
            await query.answer()
            await self._answer(update, context, offered[int(number) - 1])
        elif kind == "src":
            record = await self.records.load(rest)
            if record is None:
                await query.answer(t(lang, "expired"))
                return
            await query.answer()
            chat_id = query.message.chat.id if query.message is not None else user.id
            await self._send_sources(context, chat_id, record, record.get("lang", lang))
        else:
            await query.answer()

    async def _rate(self, query: CallbackQuery, rest: str, lang: str) -> None:
        """👍/👎 under an answer: recorded once per person, then only the Sources button stays."""
        user = query.from_user
        rating, _, answer_id = rest.partition(":")
        record = await self.records.load(answer_id)
        if record is None or rating not in ("up", "down"):
            await query.answer(t(lang, "expired"))
            return
        lang = record.get("lang", lang)
        if not await self.records.rate_once(answer_id, user.id, rating):
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
            await self.records.unrate(answer_id, user.id)
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
                    reply_markup=answer_keyboard(answer_id, lang, record, rated=True)
                )

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
        answer, failure = await self._ask(context, chat.id, question, lang)
        if answer is None:
            await self._send(context, chat.id, failure, html=False, reply_to=reply_to)
            return
        answer_id, record = await self.records.remember(session, text, lang, answer)
        await self._send(
            context,
            chat.id,
            render_answer(answer, lang),
            reply_to=reply_to,
            reply_markup=answer_keyboard(answer_id, lang, record),
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

    async def _ask(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, question: Question, lang: str
    ) -> tuple[Answer | None, str]:
        """The assistant's answer (shown "typing" meanwhile), or None and what to tell the user instead."""
        session = question.session_id
        started = time.perf_counter()
        done = asyncio.Event()
        typing = asyncio.create_task(keep_typing(context.bot, chat_id, done, self.typing_interval))
        try:
            return await asyncio.to_thread(self.assistant.ask, question), ""
        except LicenseError as exc:
            message = str(exc)
            if exc.suggestions:
                message += "\n" + ", ".join(exc.suggestions[:5])
            log.info(
                "licence not understood: %s",
                exc,
                extra={"channel": CHANNEL, "session": session, "latency_ms": _ms(started)},
            )
            return None, message + "\n\n" + t(lang, "license_usage")
        except YuanbotError as exc:
            log.error(
                "assistant failed: %s",
                exc,
                extra={"channel": CHANNEL, "session": session, "latency_ms": _ms(started)},
            )
            return None, t(lang, "error")
        except Exception:
            log.exception(
                "assistant crashed",
                extra={"channel": CHANNEL, "session": session, "latency_ms": _ms(started)},
            )
            return None, t(lang, "error")
        finally:
            done.set()  # the typing loop finishes its current request (so "typing" precedes the answer)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(typing, timeout=5)

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
