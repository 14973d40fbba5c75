"""The nouns every layer shares. Pydantic models, so the HTTP API can return them as they are."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["compatible", "incompatible", "conditional", "unknown"]
AnswerStatus = Literal["answered", "no_answer"]
AnswerMode = Literal["extractive", "llm"]
DocumentKind = Literal["policy", "standard", "license", "faq", "other"]


class Question(BaseModel):
    """One user message, from any channel."""

    text: str
    session_id: str | None = None
    channel: str = "api"
    lang: str | None = None  # "zh" / "en"; detected when None


class Passage(BaseModel):
    """A chunk of a knowledge document, as stored in the index."""

    id: str
    text: str
    doc_id: str
    title: str
    section: str = ""
    kind: DocumentKind = "other"
    url: str | None = None
    status: str = "in_force"
    lang: str = "zh"
    extra: dict[str, str] = Field(default_factory=dict)  # FAQ question/answer/source, licence id …


class Hit(BaseModel):
    """A passage with its relevance to one query (higher is better)."""

    passage: Passage
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None


class Source(BaseModel):
    """What a citation points at; `text` is the passage as stored."""

    id: str
    title: str
    section: str
    text: str
    score: float
    url: str | None = None
    kind: str | None = None
    status: str | None = None


class LicenseReference(BaseModel):
    """Where a licence rule comes from: the OSADL matrix pair, a licence clause, an FSF statement …"""

    title: str
    url: str | None = None


class LicenseCheck(BaseModel):
    verdict: Verdict
    inbound: str
    outbound: str
    explanation: str
    conditions: list[str] = Field(default_factory=list)
    sources: list[LicenseReference] = Field(default_factory=list)
    explanation_en: str | None = None
    notes: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    answer: str
    status: AnswerStatus
    sources: list[Source] = Field(default_factory=list)
    license_check: LicenseCheck | None = None
    mode: AnswerMode = "extractive"
    understood_question: str | None = Field(
        default=None, description="The standalone question used for retrieval when a follow-up was rewritten."
    )
