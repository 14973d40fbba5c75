"""A FAQ entry as staff write it, and as it is stored in its file (the models only; files are ingest's job).

They live in `bot` because the FAQ reviewer (`bot.faq_editor`) checks entries before they are saved, and
the centre must not import `ingest`; `ingest.faq` reads and writes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_QUESTION = 500
MAX_ANSWER = 4000
MAX_SOURCE = 500
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FaqEntry(BaseModel):
    """One question/answer pair and the clause it rests on (see knowledge/faq/README.md)."""

    model_config = ConfigDict(extra="ignore")

    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER)
    source: str = Field(min_length=1, max_length=MAX_SOURCE)
    tags: list[str] = Field(default_factory=list, max_length=20)
    lang: Literal["zh", "en"] = "zh"
    id: str | None = Field(default=None, max_length=80, description="topic id (licensing/standards files)")

    @field_validator("question", "source", "id", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        if value is None:
            return None
        text = " ".join(str(value).split())
        return text or None

    @field_validator("answer", mode="before")
    @classmethod
    def _answer(cls, value: Any) -> Any:
        return str(value).replace("\r\n", "\n").strip() if value is not None else value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = re.split(r"[,，、;；]", value)
        items = [" ".join(str(t).split()) for t in (value or [])]
        return list(dict.fromkeys(t[:40] for t in items if t))

    @field_validator("id")
    @classmethod
    def _kebab(cls, value: str | None) -> str | None:
        if value is not None and not _ID.match(value):
            raise ValueError("use a kebab-case topic name such as apache-notice")
        return value

    def version(self) -> str:
        return entry_version(self.model_dump())


class StoredEntry(BaseModel):
    """An entry as it is in its file, for the editor's list."""

    file: str  # relative to the knowledge folder, e.g. faq/policy.yaml
    index: int
    version: str
    entry: FaqEntry


def entry_version(raw: dict[str, Any]) -> str:
    """A hash of an entry's content: a save is refused when the entry changed since the form was opened."""
    keys = ("id", "question", "answer", "source", "tags", "lang")
    canonical = {k: raw.get(k) for k in keys}
    canonical["tags"] = list(canonical["tags"] or [])
    canonical["lang"] = canonical["lang"] or "zh"
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
