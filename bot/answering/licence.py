"""Licence-compatibility questions answered by the rule engine, never by text similarity.

The verdict, its reasons and conditions come from the LicenseAdvisor; the licence texts involved are
added as sources so the user can read the clauses themselves.
"""

from __future__ import annotations

import re

from bot.answering.compose import to_source
from bot.answering.licence_facts import LicenceFactAnswers
from bot.errors import LicenseError
from bot.licenses.render import render_license_answer
from bot.ports import Corpus, LicenseAdvisor
from bot.retrieval.ranking import base_licence_id
from bot.types import Answer, Hit, Source

_LICENCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")
_OPERATORS = {"AND", "OR", "WITH"}


# the facts a compatibility answer grounds in their clauses: how far the copyleft reaches, what to keep, source
GROUNDED_ASPECTS = ("scope", "notices", "licence_copy", "notice_file", "changes", "source", "network")


class LicenceAnswers:
    def __init__(self, advisor: LicenseAdvisor, corpus: Corpus, facts: LicenceFactAnswers | None = None) -> None:
        self.advisor = advisor
        self.corpus = corpus
        self.facts = facts

    def answer(self, text: str, lang: str) -> Answer | None:
        """The verdict for a compatibility question; None when the text asks something else."""
        try:
            query = self.advisor.parse_question(text)
            if query is None:
                return None
            check = self.advisor.check(query.inbound, query.outbound, query.use)
        except LicenseError as exc:
            return self._cannot_check(exc, lang)
        body = render_license_answer(check, lang)
        # a family ("LGPL") is checked per version: each version's duties rest on its own clauses
        inbound = _one_per_text([v.inbound for v in check.versions] or [check.inbound])
        lines, sources = self._clauses(inbound, lang)
        if lines:  # the inbound licence's duties, each cited with the clause that imposes it
            head = "**条款依据（被使用的许可证）**" if lang == "zh" else "**The clauses (licence of the code used)**"
            body = _before_disclaimer(body, "\n".join([head, *lines]))
        # the texts named, one per text (-only / -or-later are one text), unless their clauses are already there
        cited = {s.id.split("::", 1)[0] for s in sources}
        named = _one_per_text([check.inbound, check.outbound, *(v.outbound for v in check.versions), *inbound])
        sources += [s for s in self._text_sources(*named)
                    if s.id not in {x.id for x in sources} and s.id.split("::", 1)[0] not in cited]
        return Answer(answer=body, status="answered", license_check=check, sources=sources)

    def _clauses(self, inbound: list[str], lang: str) -> tuple[list[str], list[Source]]:
        ids = [i.strip() for i in inbound if _LICENCE_ID.fullmatch(i.strip())]
        if self.facts is None or not ids:
            return [], []
        return self.facts.clauses_of_versions(ids, GROUNDED_ASPECTS, lang)

    @staticmethod
    def _cannot_check(exc: LicenseError, lang: str) -> Answer:
        hint = ""
        if exc.suggestions:
            hint = ("您是否指：" if lang == "zh" else "Did you mean: ") + ", ".join(exc.suggestions[:5])
        lead = "无法判断许可证兼容性：" if lang == "zh" else "Cannot check licence compatibility: "
        return Answer(answer=f"{lead}{exc}\n{hint}".strip(), status="no_answer")

    def _text_sources(self, *expressions: str) -> list[Source]:
        """The first passage of each licence text named in the expressions."""
        sources: list[Source] = []
        for spdx_id in dict.fromkeys(_LICENCE_ID.findall(" ".join(expressions))):
            if spdx_id.upper() in _OPERATORS:
                continue
            doc_id = f"licenses/texts/{spdx_id}.txt"
            meta = self.corpus.document(doc_id)
            if not meta:
                continue
            passage = self.corpus.passage(f"{doc_id}::{str(meta['hash'])[:16]}::00000")
            if passage is not None:
                sources.append(to_source(Hit(passage=passage, score=1.0)))
        return sources




def _one_per_text(ids: list[str]) -> list[str]:
    """-only / -or-later variants of one licence are one text: keep the -only one (or the first)."""
    chosen: dict[str, str] = {}
    for spdx_id in ids:
        base = base_licence_id(spdx_id)
        if base not in chosen or spdx_id.strip().endswith("-only"):
            chosen[base] = spdx_id.strip()
    return list(chosen.values())


def _before_disclaimer(body: str, section: str) -> str:
    """Insert a section before the closing italic disclaimer line (or at the end when there is none)."""
    lines = body.rstrip().split("\n")
    if lines and lines[-1].startswith("_"):
        return "\n".join([*lines[:-1], section, "", lines[-1]])
    return "\n".join([*lines, "", section])
