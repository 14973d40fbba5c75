"""Request and response bodies of the public HTTP API (the contract adapters and evaluations rely on)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.types import MAX_QUESTION_CHARS, Answer, LicenseCheck, Source  # noqa: F401  (re-exported for OpenAPI)


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS, examples=["开源人才能享受哪些住房方面的支持？"])
    session_id: str | None = Field(default=None, max_length=200)


class SearchHit(BaseModel):
    id: str
    title: str
    section: str
    text: str
    score: float
    url: str | None = None


class SearchResponse(BaseModel):
    hits: list[SearchHit]


class FeedbackRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: str = Field(default="", max_length=20000)
    rating: Literal["up", "down"]
    session_id: str | None = Field(default=None, max_length=200)
    channel: str = Field(default="web", max_length=40)


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    documents: int = 0
    chunks: int = 0
    model: str | None = None
    detail: str | None = None
