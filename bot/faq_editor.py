"""Review a FAQ entry before it is saved: the clause it cites exists, it does not ask what another entry
already asks, and what the assistant will answer with it.

* Clauses: `resolve_clauses` is the one place that turns a `source` into passages. It calls the same
  resolver the assistant cites FAQ answers with (`bot.answering.clauses.ClauseIndex`), so whatever that
  resolver understands (policy `《title》section path`, licence / standard references) is what is accepted.
* Duplicates: the question is compared with every FAQ question of the same language, with the same
  embedding and cached vectors the assistant uses to match questions to FAQ entries. Identical wording or
  a similarity of DUPLICATE or more is refused; SIMILAR or more (the assistant would answer the one with
  the other) is shown as a warning.
* Preview: the answer the assistant gives when the entry matches (its text, the clause citations and the
  validity note of an out-of-force policy), and what it answers today without the entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from bot.answering.clauses import ClauseIndex
from bot.answering.compose import to_source
from bot.answering.faq_match import FAQ_MATCH
from bot.faq_models import FaqEntry, StoredEntry
from bot.ports import Corpus
from bot.questionlog import normalise
from bot.retrieval.clause_refs import norm
from bot.types import Answer, Hit, Passage, Question, Source

DUPLICATE = 0.95  # translations of one question score ~0.97 across languages, so only within a language
SIMILAR = FAQ_MATCH
SHOWN_SIMILAR = 5
_METADATA_REFERENCE = re.compile(r"^文件信息|^document information", re.IGNORECASE)


def resolve_clauses(clauses: ClauseIndex, source: str, lang: str | None = None) -> list[Passage]:
    """The passages a FAQ `source` cites (those in `lang` first): the one seam to the FAQ clause resolver."""
    return clauses.passages_for(source, lang)


class NearDuplicate(BaseModel):
    file: str
    index: int
    question: str
    similarity: float
    duplicate: bool


class FaqReview(BaseModel):
    ok: bool
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    clauses: list[Source] = Field(default_factory=list)
    duplicates: list[NearDuplicate] = Field(default_factory=list)
    preview: Answer | None = None  # the assistant's answer when this entry matches
    current: Answer | None = None  # what it answers to the question today


class FaqReviewer:
    def __init__(self, corpus: Corpus, vectors: Callable[[Sequence[str]], np.ndarray],
                 entries: Callable[[], list[StoredEntry]],
                 status_notes: Callable[[list[Hit], str], str] | None = None,
                 ask: Callable[[Question], Answer] | None = None) -> None:
        self.corpus = corpus
        self.clauses = ClauseIndex(corpus)
        self.vectors = vectors
        self.entries = entries
        self.status_notes = status_notes
        self.ask = ask

    def review(self, entry: FaqEntry, file: str | None = None, index: int | None = None, *,
               with_current: bool = True) -> FaqReview:
        errors, clauses = self.check_source(entry.source, entry.lang)
        duplicates = self.near_duplicates(entry, file, index)
        errors += [f"与已有问题重复：{d.question}（{d.file} 第 {d.index + 1} 条）/ duplicates an existing question "
                   f"({d.file} #{d.index + 1})" for d in duplicates if d.duplicate]
        warnings = [f"与已有问题相近（相似度 {d.similarity:.2f}）：{d.question} / close to an existing question"
                    for d in duplicates if not d.duplicate]
        errors += self._topic_problems(entry, file, index)
        preview = self._preview(entry, clauses) if clauses else None
        current = None
        if with_current and self.ask is not None:
            current = self.ask(Question(text=entry.question, channel="console"))
        return FaqReview(ok=not errors, errors=errors, warnings=warnings,
                         clauses=[to_source(Hit(passage=p, score=1.0)) for p in clauses],
                         duplicates=duplicates, preview=preview, current=current)

    # --- clauses --------------------------------------------------------------------------------
    def check_source(self, source: str, lang: str | None = None) -> tuple[list[str], list[Passage]]:
        """Problems with each reference of `source`, and the passages it resolves to."""
        errors: list[str] = []
        found: list[Passage] = []
        title = ""
        for reference in (r.strip() for r in re.split(r"；|;", source)):
            if not reference:
                continue
            named = re.search(r"《([^》]+)》", reference)
            if named:
                title = named.group(1)
            elif title:  # "《T》一、…；二、…": later references share the title
                reference = f"《{title}》{reference}"
            problem, passages = self._check_reference(reference, lang)
            if problem:
                errors.append(problem)
            found.extend(passages)
        if not errors and not found and not any(_METADATA_REFERENCE.search(_section(r)) for r in re.split(r"；|;", source)):
            errors.append("出处没有指向知识库中的条款 / the source names no clause of the knowledge base")
        return errors, list({p.id: p for p in found}.values())

    def _check_reference(self, reference: str, lang: str | None) -> tuple[str | None, list[Passage]]:
        passages = resolve_clauses(self.clauses, reference, lang)
        if passages:
            return None, passages
        named = re.search(r"《([^》]+)》", reference)
        if not named:
            return (f"在知识库中找不到所引条款：{reference} / cannot find the cited clause in the knowledge base: "
                    f"{reference}"), []
        title = named.group(1)
        sections = self._sections_of(title)
        if sections is None:
            return f"知识库中没有《{title}》 / no document titled 《{title}》 in the knowledge base", []
        section = _section(reference)
        if _METADATA_REFERENCE.search(section):
            return None, []  # the document's own metadata (issuer, date): the title is enough
        near = sorted(sections, key=lambda s: -_overlap(section, s))[:3]
        hint = "；".join(near)
        return (f"《{title}》中没有“{section}”一节；相近的有：{hint} / 《{title}》 has no section “{section}”; "
                f"close ones: {hint}"), []

    def _sections_of(self, title: str) -> list[str] | None:
        wanted = norm(title)
        sections = [p.section for p in self.corpus.passages() if p.kind != "faq" and norm(p.title) == wanted]
        return list(dict.fromkeys(s for s in sections if s)) if sections else None

    def _topic_problems(self, entry: FaqEntry, file: str | None, index: int | None) -> list[str]:
        """A topic id is carried by one entry per language (knowledge/faq/README.md)."""
        if not entry.id:
            return []
        taken = [e for e in self.entries() if e.entry.id == entry.id and e.entry.lang == entry.lang
                 and not (e.file == file and e.index == index)]
        return [f"主题 id “{entry.id}” 已有 {entry.lang} 条目（{e.file} 第 {e.index + 1} 条）/ topic id {entry.id!r} "
                f"already has a {entry.lang} entry ({e.file} #{e.index + 1})" for e in taken[:1]]

    # --- duplicates -----------------------------------------------------------------------------
    def near_duplicates(self, entry: FaqEntry, file: str | None, index: int | None) -> list[NearDuplicate]:
        others = [e for e in self.entries()
                  if e.entry.lang == entry.lang and not (e.file == file and e.index == index) and e.entry.question]
        if not others:
            return []
        own = normalise(entry.question)
        matrix = self.vectors([entry.question, *(e.entry.question for e in others)])
        similarities = matrix[1:] @ matrix[0]
        out = []
        for position in np.argsort(-similarities)[:50]:
            stored, similarity = others[int(position)], float(similarities[int(position)])
            same = normalise(stored.entry.question) == own
            if similarity < SIMILAR and not same:
                continue
            out.append(NearDuplicate(file=stored.file, index=stored.index, question=stored.entry.question,
                                     similarity=round(similarity, 3), duplicate=same or similarity >= DUPLICATE))
        out.sort(key=lambda d: (not d.duplicate, -d.similarity))
        return out[:SHOWN_SIMILAR]

    # --- preview --------------------------------------------------------------------------------
    def _preview(self, entry: FaqEntry, clauses: list[Passage]) -> Answer:
        """What compose.AnswerComposer.faq says when this entry matches: the answer, then its clauses."""
        cited = [Hit(passage=p, score=1.0) for p in clauses]
        body = entry.answer + "".join(f"[{i}]" for i in range(1, len(cited) + 1))
        if self.status_notes is not None:
            body += self.status_notes(cited, entry.lang)
        return Answer(answer=body, status="answered", sources=[to_source(h) for h in cited])


def _section(reference: str) -> str:
    return re.sub(r"《[^》]+》", "", reference).strip()


def _overlap(a: str, b: str) -> float:
    grams_a = {a[i:i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams_a & grams_b) / (len(grams_a | grams_b) or 1)
