"""Find the passages a FAQ entry says it rests on ("《title》三、保障措施 > （四）引培开源人才").

A FAQ answer is a paraphrase; the clause behind it is what makes it grounded, so it is cited and shown.
"""

from __future__ import annotations

import re

from bot.ports import Corpus
from bot.types import Passage

MAX_CLAUSES = 3


class ClauseIndex:
    """Non-FAQ passages grouped by normalised document title; rebuilt when the corpus changes."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._built: tuple[str, dict[str, list[tuple[str, Passage]]]] | None = None

    def passages_for(self, faq_source: str) -> list[Passage]:
        sections = self._sections_by_title()
        out: list[Passage] = []
        title = ""
        for reference in re.split(r"[；;]", faq_source):
            title_match = re.search(r"《([^》]+)》", reference)
            title = _norm(title_match.group(1)) if title_match else title  # "《T》一、…；二、…" shares T
            section = _norm(re.sub(r"《[^》]+》", "", reference))
            if not section or not title:
                continue
            for passage_section, passage in sections.get(title, []):
                if passage_section == section or (passage_section.endswith(section) and len(section) > 4):
                    out.append(passage)
        return list({p.id: p for p in out}.values())[:MAX_CLAUSES]

    def _sections_by_title(self) -> dict[str, list[tuple[str, Passage]]]:
        generation = self.corpus.generation
        if self._built is not None and self._built[0] == generation:
            return self._built[1]
        table: dict[str, list[tuple[str, Passage]]] = {}
        for passage in self.corpus.passages():
            if passage.kind != "faq":
                table.setdefault(_norm(passage.title), []).append((_norm(passage.section), passage))
        self._built = (generation, table)
        return table


def _norm(text: str) -> str:
    return re.sub(r"[\s>]", "", text)
