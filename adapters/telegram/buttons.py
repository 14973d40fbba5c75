"""The buttons under an answer (👍/👎, Sources, "did you mean" suggestions) and the answers they point at.

A button's callback data carries only an answer id (Telegram allows 64 bytes), so each answer is kept in the
shared store for a week: by id, as the session's last answer (for /sources), and with one rating per person.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.format import t
from bot.stores.aio import AsyncStore
from bot.types import Answer

ANSWER_TTL = 7 * 24 * 3600  # how long the buttons under an answer keep working
MAX_SUGGESTION_BUTTONS = 3


class AnswerRecords:
    def __init__(self, store: AsyncStore, prefix: str, ttl: float = ANSWER_TTL) -> None:
        self.store = store
        self.prefix = prefix
        self.ttl = ttl

    async def remember(self, session: str, text: str, lang: str, answer: Answer) -> tuple[str, dict[str, Any]]:
        """Keep an answer for its buttons and for /sources; its id and record."""
        answer_id = secrets.token_urlsafe(9)  # 12 chars: callback data stays far below 64 bytes
        record = {
            "session_id": session,
            "question": text,
            "lang": lang,
            "answer": answer.model_dump(mode="json"),
        }
        await self.store.set(
            f"{self.prefix}:answer:{answer_id}", json.dumps(record, ensure_ascii=False), ttl=self.ttl
        )
        await self.store.set(f"{self.prefix}:last:{session}", answer_id, ttl=self.ttl)
        return answer_id, record

    async def load(self, answer_id: str | None) -> dict[str, Any] | None:
        if not answer_id:
            return None
        raw = await self.store.get(f"{self.prefix}:answer:{answer_id}")
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    async def last(self, session: str) -> dict[str, Any] | None:
        """The session's last answer (what /sources shows)."""
        answer_id = await self.store.get(f"{self.prefix}:last:{session}")
        return await self.load(answer_id) if answer_id else None

    async def rate_once(self, answer_id: str, user_id: int, rating: str) -> bool:
        """True the first time this person rates this answer."""
        return await self.store.set_if_absent(f"{self.prefix}:rated:{answer_id}:{user_id}", rating, ttl=self.ttl)

    async def unrate(self, answer_id: str, user_id: int) -> None:
        """Forget a rating that could not be recorded, so the person can try again."""
        await self.store.delete(f"{self.prefix}:rated:{answer_id}:{user_id}")


def answer_keyboard(answer_id: str, lang: str, record: dict[str, Any], *, rated: bool = False) -> InlineKeyboardMarkup:
    """Suggestions (one per row), then 👍/👎 (gone once rated) and Sources when the answer has any."""
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


def suggestion_buttons(answer_id: str, suggestions: list[str]) -> list[list[InlineKeyboardButton]]:
    """One button per "did you mean" question, in its own row; pressing it asks that question."""
    return [[InlineKeyboardButton(f"{i}. {_button_label(q)}", callback_data=f"sg:{answer_id}:{i}")]
            for i, q in enumerate(suggestions[:MAX_SUGGESTION_BUTTONS], start=1)]


def _button_label(question: str, limit: int = 60) -> str:
    return question if len(question) <= limit else question[: limit - 1] + "…"
