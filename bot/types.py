"""The nouns every layer shares. Pydantic models, so the HTTP API can return them as they are."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, field_validator

MAX_QUESTION_CHARS = 2000  # one limit for every channel: longer questions are refused with a clear message
PROPRIETARY = "proprietary"  # the outbound "licence" of closed-source software

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
    family: str | None = Field(
        default=None, description="The licence family named without a version (e.g. 'LGPL'), when one side names one."
    )
    versions: list[LicenseCheck] = Field(
        default_factory=list, description="For a family: one check per common version, in the family's order."
    )


class LicenseInfo(BaseModel):
    """Facts about one licence: what `GET /api/licenses/{id}` returns."""

    id: str
    name: str
    spdx_id: str | None = None
    category: str
    category_sources: list[LicenseReference] = Field(default_factory=list)
    osi_approved: bool = False
    fsf_libre: bool = False
    deprecated: bool = False
    obligations: list[str] = Field(default_factory=list)
    text_url: str | None = None
    in_osadl_matrix: bool = False
    notes: list[str] = Field(default_factory=list)


class IdentifyCandidate(BaseModel):
    id: str
    name: str
    score: float


class IdentifyResult(BaseModel):
    """Which licence a pasted LICENSE text is (`POST /api/licenses/identify`)."""

    id: str | None = None
    name: str | None = None
    confidence: float = 0.0
    candidates: list[IdentifyCandidate] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class LicenseQuery:
    """A compatibility question found in free text: the code used (inbound) inside a project (outbound)."""

    inbound: str
    outbound: str
    use: str | None = None


@dataclass(frozen=True)
class LicenseMention:
    """A licence named in a text: where, and its canonical SPDX expression (or "proprietary").

    `family` is True when the text names a licence family without a version ("LGPL", "GPL v2"):
    `expression` is then the family's name, which `check` and `parse_question` accept as it is."""

    start: int
    end: int
    expression: str
    family: bool = False


class Answer(BaseModel):
    answer: str
    status: AnswerStatus
    sources: list[Source] = Field(default_factory=list)
    license_check: LicenseCheck | None = None
    mode: AnswerMode = "extractive"
    understood_question: str | None = Field(
        default=None, description="The standalone question used for retrieval when a follow-up was rewritten."
    )
    session_id: str | None = Field(
        default=None, description="The conversation this answer belongs to (HTTP API): send it back to ask a "
                                  "follow-up. Issued by the server; an unknown id starts a new conversation.")
    suggestions: list[str] = Field(
        default_factory=list, description="With status no_answer: questions the knowledge base does answer, closest "
                                          "first (\"did you mean\"). Ask one as it is, or reply with its number "
                                          "(\"1\") in the same session.")


TURN_ANSWER_CHARS = 500


class Turn(BaseModel):
    """One exchange of a conversation, kept so that the next message can be understood as a follow-up."""

    question: str
    standalone: str  # the (rewritten) question used for retrieval
    answer: str = ""  # the first TURN_ANSWER_CHARS characters
    topic_terms: list[str] = Field(default_factory=list)
    license: tuple[str, str] | None = None  # (inbound, outbound) of a licence check
    status: str = "answered"
    suggestions: list[str] = Field(default_factory=list)  # offered by this turn: "1" in the next picks one
    ts: float = Field(default_factory=time.time)

    @field_validator("answer")
    @classmethod
    def _clip(cls, value: str) -> str:
        return value[:TURN_ANSWER_CHARS]
