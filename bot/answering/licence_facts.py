"""Licence facts as structured answers: what a licence is, what it asks of you, its patents and trademarks,
and two licences side by side.

The category, OSI and FSF status come from the licence engine; everything else from the facts file
(`licence_facts_data.py`), each fact cited [n] with the clause it rests on, whose text is a source. A
comparison is a table: Markdown in the answer text and the same cells in `Answer.table`.
"""

from __future__ import annotations

from bot.answering.clauses import ClauseIndex
from bot.answering.compose import to_source
from bot.answering.licence_facts_data import ASPECTS, Fact, LicenceFacts
from bot.answering.licence_intents import FactsQuestion, family_words, read_intent
from bot.answering.licence_names import LicenceNames
from bot.errors import LicenseError
from bot.ports import LicenseAdvisor
from bot.retrieval.clause_refs import parse_source
from bot.retrieval.tokenize import tokenize
from bot.types import Answer, Hit, LicenseInfo, Passage, Source, Table

LABELS: dict[str, tuple[str, str]] = {
    "category": ("类型", "Category"), "scope": ("copyleft 范围", "Copyleft scope"),
    "patents": ("专利授权", "Patent grant"), "retaliation": ("专利报复", "Patent retaliation"),
    "trademarks": ("商标", "Trademarks"), "notices": ("保留声明", "Notices"),
    "licence_copy": ("附许可证副本", "Copy of the licence"), "notice_file": ("NOTICE 文件", "NOTICE file"),
    "changes": ("标注修改", "Marking changes"), "source": ("提供源代码", "Source code"),
    "network": ("网络使用", "Network use"), "endorsement": ("背书限制", "Endorsement"),
    "language": ("语言版本", "Governing language"),
}
CATEGORY: dict[str, tuple[str, str]] = {
    "permissive": ("宽松型", "permissive"), "weak copyleft": ("弱 copyleft", "weak copyleft"),
    "strong copyleft": ("强 copyleft", "strong copyleft"), "network copyleft": ("网络 copyleft", "network copyleft"),
    "public domain": ("公共领域（放弃权利）", "public domain"), "non-free": ("非自由", "non-free"),
    "unclassified": ("未分类", "unclassified"),
}


class LicenceFactAnswers:
    def __init__(self, facts: LicenceFacts, advisor: LicenseAdvisor, clauses: ClauseIndex,
                 names: LicenceNames | None = None) -> None:
        self.facts = facts
        self.advisor = advisor
        self.clauses = clauses
        self.names = names or LicenceNames(advisor)

    def answer(self, text: str, lang: str) -> Answer | None:
        """A structured answer for a licence-fact question; None when the text asks something else."""
        licences, families = self._licences(text)
        intent = read_intent(text, licences, families)
        if intent is None:
            return None
        if intent.kind == "compare":
            return self._compare(intent, lang)
        return self._describe(intent, lang)

    def clauses_of_versions(self, spdx_ids: list[str], aspects: tuple[str, ...],
                            lang: str) -> tuple[list[str], list[Source]]:
        """Bullet lines ("- 保留声明：… [1]") and their sources for some facts of licences (the compatibility
        answer's conditions, grounded in the clauses), with one numbering; with more than one licence, each
        licence's bullets come under its id (a family checked per version: LGPL-2.1's §6, LGPL-3.0's §4)."""
        citations = _Citations(self.clauses, lang)
        lines: list[str] = []
        for spdx_id in spdx_ids:
            facts = self.facts.facts(spdx_id)
            bullets = [_bullet(aspect, facts[aspect], citations, lang) for aspect in aspects if aspect in facts]
            if bullets and len(spdx_ids) > 1:
                lines.append(f"{spdx_id}：" if lang == "zh" else f"{spdx_id}:")
            lines.extend(bullets)
        return lines, citations.sources()

    # --- which licences ------------------------------------------------------------------------
    def _licences(self, text: str) -> tuple[list[str], dict[str, str]]:
        """SPDX ids the text names, in order; a bare family name ("GPL") read as its facts' default."""
        found = self.names.ids(text)
        families: dict[str, str] = {}
        named_families = self.names.families(text) or [(text.upper().find(w), w) for w in family_words(text)]
        for position, word in named_families:
            target = self.facts.family(word)
            if target and target not in {spdx for _, spdx in found}:
                families[word] = target
                found.append((position, target))
        found.sort(key=lambda item: item[0])
        return list(dict.fromkeys(spdx for _, spdx in found)), families

    def _info(self, spdx_id: str) -> LicenseInfo | None:
        try:
            return self.advisor.describe(spdx_id)
        except LicenseError:
            return None

    # --- one licence ---------------------------------------------------------------------------
    def _describe(self, intent: FactsQuestion, lang: str) -> Answer | None:
        spdx_id = intent.licences[0]
        facts = self.facts.facts(spdx_id)
        info = self._info(spdx_id)
        if info is None:
            return None
        wanted = list(ASPECTS) if intent.kind == "summary" else intent.aspects
        present = [a for a in wanted if a in facts]
        if intent.kind == "aspects" and not present:
            return None  # nothing on file about what was asked: the texts may still say it (retrieval)
        citations = _Citations(self.clauses, lang)
        lines = [_family_note(intent, lang) + _headline(info, lang)]
        lines.extend(_bullet(aspect, facts[aspect], citations, lang) for aspect in present)
        if not facts:  # the engine's facts only: the licence text is what they rest on
            text = self.clauses.resolve(parse_source(spdx_id)[0], lang)[:1] if self.clauses.licence_document(
                spdx_id) else []
            marker = citations.cite_passage(text[0]) if text else ""
            lines.extend(f"- {o}{marker}" for o in info.obligations)
        lines.append(_disclaimer(lang))
        return Answer(answer="\n".join(line for line in lines if line), status="answered",
                      sources=citations.sources())

    # --- side by side --------------------------------------------------------------------------
    def _compare(self, intent: FactsQuestion, lang: str) -> Answer | None:
        infos = {spdx: self._info(spdx) for spdx in intent.licences}
        licences = [spdx for spdx in intent.licences if infos[spdx] is not None]
        facts = {spdx: self.facts.facts(spdx) for spdx in licences}
        if len(licences) < 2 or not any(facts.values()):
            return None
        citations = _Citations(self.clauses, lang)
        columns = [("方面" if lang == "zh" else "Aspect"), *licences]
        rows = [[_label("category", lang), *[_category(infos[spdx], lang) for spdx in licences]]]
        for aspect in ASPECTS:
            if not any(aspect in facts[spdx] for spdx in licences):
                continue
            cells = []
            for spdx in licences:
                fact = facts[spdx].get(aspect)
                cells.append(f"{fact.wording(lang).cell}{citations.cite(fact)}" if fact else "—")
            rows.append([_label(aspect, lang), *cells])
        table = Table(columns=columns, rows=rows)
        names = "、".join(f"{infos[s].name}（{s}）" for s in licences) if lang == "zh" else \
            " and ".join(f"{infos[s].name} ({s})" for s in licences)
        lead = f"{_family_note(intent, lang)}{names}对比：" if lang == "zh" else \
            f"{_family_note(intent, lang)}{names} side by side:"
        legend = ("“—”表示条文未就此作出规定或资料未收录；[n] 是条款出处。" if lang == "zh" else
                  "“—”: the text says nothing on this, or it is not on file; [n] is the clause.")
        body = "\n".join([lead, "", table.as_markdown(), "", legend, _disclaimer(lang)])
        return Answer(answer=body, status="answered", sources=citations.sources(), table=table)


class _Citations:
    """The clause passages an answer cites, numbered in order of first citation."""

    def __init__(self, clauses: ClauseIndex, lang: str) -> None:
        self.clauses = clauses
        self.lang = lang
        self._hits: list[Hit] = []

    def cite(self, fact: Fact) -> str:
        """"[1]", or "[1][2]" for a fact resting on two clauses."""
        return "".join(self.cite_passage(passage) for passage in self._passages(fact))

    def cite_passage(self, passage: Passage) -> str:
        for number, hit in enumerate(self._hits, 1):
            if hit.passage.id == passage.id:
                return f"[{number}]"
        self._hits.append(Hit(passage=passage, score=1.0))
        return f"[{len(self._hits)}]"

    def sources(self) -> list[Source]:
        return [to_source(hit) for hit in self._hits]

    def _passages(self, fact: Fact) -> list[Passage]:
        """Each clause the fact names: the clause itself rather than its sub-clauses, the opening of a whole
        text (its grant), and of a clause cut into several chunks the one that says what the fact says."""
        words = set(tokenize(fact.en.sentence))
        out = []
        for ref in parse_source(fact.ref):
            found = self.clauses.resolve(ref, self.lang)
            if not ref.clause:
                found = sorted(found, key=lambda p: (p.lang != self.lang, p.id))[:1]
            else:
                found = [p for p in found if p.extra.get("clause") == ref.clause] or found
            same_language = [p for p in found if p.lang == self.lang] or found
            if same_language:
                out.append(max(same_language, key=lambda p: len(words & set(tokenize(p.text)))))
        return out


def _bullet(aspect: str, fact: Fact, citations: _Citations, lang: str) -> str:
    """"- 专利授权：明确授予。每个贡献者授予……[1]": the label, the short answer, the sentence, the clause."""
    wording = fact.wording(lang)
    if lang == "zh":
        return f"- {_label(aspect, lang)}：{wording.cell}。{wording.sentence}{citations.cite(fact)}"
    return f"- {_label(aspect, lang)}: {wording.cell} — {wording.sentence}{citations.cite(fact)}"


def _label(aspect: str, lang: str) -> str:
    zh, en = LABELS[aspect]
    return zh if lang == "zh" else en


def _category(info: LicenseInfo | None, lang: str) -> str:
    if info is None:
        return "—"
    zh, en = CATEGORY.get(info.category, (info.category, info.category))
    return zh if lang == "zh" else en


def _headline(info: LicenseInfo, lang: str) -> str:
    category = _category(info, lang)
    if lang == "zh":
        status = "，OSI 认可" if info.osi_approved else ""
        status += "，FSF 认定为自由软件许可证" if info.fsf_libre else ""
        return f"**{info.name}（{info.id}）**：{category}许可证{status}。"
    status = ", OSI-approved" if info.osi_approved else ""
    status += ", FSF free-software licence" if info.fsf_libre else ""
    return f"**{info.name} ({info.id})**: a {category} licence{status}."


def _family_note(intent: FactsQuestion, lang: str) -> str:
    notes = [(f"“{word}”未注明版本，以下按 {spdx} 说明。" if lang == "zh" else
              f"“{word}” has no version; read as {spdx}. ") for word, spdx in intent.families.items()]
    return "".join(notes) + ("\n" if notes else "")


def _disclaimer(lang: str) -> str:
    return "_以上依据许可证条文整理，仅供参考，不构成法律意见。_" if lang == "zh" else \
        "_Summarised from the licence texts for guidance only; not legal advice._"
