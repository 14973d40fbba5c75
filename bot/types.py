"""The nouns every layer shares. Pydantic models, so the HTTP API can return them as they are."""

from __future__ import annotations

import re
import time
import unicodedata
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


class Table(BaseModel):
    """A side-by-side comparison (licence facts): the same table the answer text shows in Markdown.

    Cells may carry citation markers [n] (n = the source's position, as in the answer text)."""

    columns: list[str]
    rows: list[list[str]] = Field(default_factory=list)

    def as_markdown(self) -> str:
        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

        return "\n".join([line(self.columns), line(["---"] * len(self.columns)), *(line(r) for r in self.rows)])

    def as_text(self, max_width: int = 60) -> str:
        """Plain text for chat apps: aligned columns when they fit `max_width` display cells (a Chinese
        character is two), else one block per row ("【专利授权】" then "  Apache-2.0：明确授予 [2]")."""
        widths = [max(_display_width(row[i]) for row in [self.columns, *self.rows]) for i in range(len(self.columns))]
        if sum(widths) + 2 * (len(widths) - 1) <= max_width:
            return "\n".join("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
                             for row in [self.columns, *self.rows])
        blocks = []
        for row in self.rows:
            blocks.append(f"【{row[0]}】")
            blocks.extend(f"  {name}：{cell}" for name, cell in zip(self.columns[1:], row[1:], strict=True))
        return "\n".join(blocks)


_MARKDOWN_TABLE = re.compile(r"(?:^\|.*\|[ \t]*(?:\n|$))+", re.MULTILINE)


def split_at_table(text: str) -> tuple[str, str] | None:
    """(text before, text after) the first Markdown table in an answer text, or None: chat channels show
    `Answer.table` there as plain text instead."""
    match = _MARKDOWN_TABLE.search(text)
    return None if match is None else (text[:match.start()], text[match.end():])


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


class Answer(BaseModel):
    answer: str
    status: AnswerStatus
    sources: list[Source] = Field(default_factory=list)
    license_check: LicenseCheck | None = None
    table: Table | None = Field(default=None, description="A comparison as structured data (columns, rows), when "
                                                           "the answer compares licences; the answer text has "
                                                           "the same table in Markdown.")
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
