"""Licence facts with their clauses (`knowledge/licenses/facts/facts.yaml`): what the licence engine does not
say — which clause grants patents, how far the copyleft reaches, trademarks, NOTICE, governing language.

Each fact is a short table cell and one sentence, in Chinese and English, and the clause it rests on in the
FAQ clause grammar ("Apache-2.0 §3"). A bad file is a clear error at start-up, never a half-read table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from bot.errors import KnowledgeError
from bot.retrieval.ranking import base_licence_id

Aspect = Literal["scope", "patents", "retaliation", "trademarks", "notices", "licence_copy", "notice_file",
                 "changes", "source", "network", "endorsement", "language"]
ASPECTS: tuple[str, ...] = Aspect.__args__  # type: ignore[attr-defined]  # display order
ScopeLevel = Literal["none", "file", "library", "project", "network", "public-domain"]


class Wording(BaseModel):
    cell: str
    sentence: str


class Fact(BaseModel):
    ref: str                      # "Apache-2.0 §3": the clause the fact rests on
    zh: Wording
    en: Wording
    level: ScopeLevel | None = None  # scope facts only

    @field_validator("zh", "en", mode="before")
    @classmethod
    def _pair(cls, value: object) -> object:
        """[cell, sentence] in the file."""
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("a fact's zh/en is [short cell, one sentence]")
            return {"cell": value[0], "sentence": value[1]}
        return value

    def wording(self, lang: str) -> Wording:
        return self.zh if lang == "zh" else self.en


class FactsFile(BaseModel):
    families: dict[str, str] = Field(default_factory=dict)
    licences: dict[str, dict[Aspect, Fact]] = Field(default_factory=dict)


class LicenceFacts:
    """The facts of the licences the file covers; `-or-later` and deprecated ids share their `-only` text's."""

    def __init__(self, data: FactsFile) -> None:
        self.data = data

    @classmethod
    def load(cls, path: Path) -> LicenceFacts:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls(FactsFile.model_validate(raw))
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise KnowledgeError(f"licence facts in {path} cannot be read: {exc}") from exc

    def facts(self, spdx_id: str) -> dict[str, Fact]:
        for candidate in (spdx_id, base_licence_id(spdx_id) + "-only", base_licence_id(spdx_id)):
            if candidate in self.data.licences:
                return dict(self.data.licences[candidate])
        return {}

    def family(self, word: str) -> str | None:
        """A bare family name ("GPL") -> the licence described for it ("GPL-3.0-only")."""
        return self.data.families.get(word.upper())

    def references(self) -> list[tuple[str, str, Fact]]:
        """(licence, aspect, fact) for every fact: what the lint checks."""
        return [(licence, aspect, fact) for licence, facts in self.data.licences.items()
                for aspect, fact in facts.items()]
