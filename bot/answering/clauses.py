"""Find the passages a FAQ entry (or a licence fact) says it rests on: "Apache-2.0 §4(d)",
"ISO/IEC 5230:2020 §3.6.2", "《title》三、保障措施 > （四）引培开源人才" (grammar: `bot/retrieval/clause_refs.py`).

A FAQ answer is a paraphrase; the clause behind it is what makes it grounded, so it is cited and shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.ports import Corpus
from bot.retrieval.clause_refs import (
    ClauseRef,
    match_licence,
    match_policy,
    match_standard,
    norm,
    parse_source,
)
from bot.types import Passage

MAX_CLAUSES = 4  # passages cited for one FAQ entry: the first of each reference, then the rest in order


@dataclass
class _Documents:
    generation: str
    passages: dict[str, list[Passage]] = field(default_factory=dict)  # doc_id -> its non-FAQ passages
    licences: dict[str, str] = field(default_factory=dict)   # SPDX id / file stem (lower case) -> doc_id
    standards: dict[str, str] = field(default_factory=dict)  # cite_as alias (normalised) -> doc_id
    titles: dict[str, str] = field(default_factory=dict)     # document title (normalised) -> doc_id


class ClauseIndex:
    """Non-FAQ passages by document, with the names references use; rebuilt when the corpus changes."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._built: _Documents | None = None

    def passages_for(self, faq_source: str, lang: str | None = None, limit: int = MAX_CLAUSES,
                     rank: Callable[[Passage], float] | None = None) -> list[Passage]:
        """The clause passages of a FAQ source: the first match of each reference, then the others. `rank`
        orders the passages of one reference (a long clause in several chunks: the one the question is about)."""
        groups = [self.resolve(ref, lang) for ref in parse_source(faq_source)]
        if rank is not None:
            groups = [sorted(group, key=lambda p: (bool(lang) and p.lang != lang, -rank(p))) for group in groups]
        out: dict[str, Passage] = {}
        for group in groups:
            if group:
                out.setdefault(group[0].id, group[0])
        for group in groups:
            for passage in group[1:]:
                out.setdefault(passage.id, passage)
        return list(out.values())[:limit]

    def resolve(self, ref: ClauseRef, lang: str | None = None) -> list[Passage]:
        """The passages one reference points at, those in `lang` first (木兰's §3 is there in both)."""
        doc_id = self.document_for(ref)
        if doc_id is None:
            return []
        passages = self._documents().passages.get(doc_id, [])
        if ref.titled:
            found = match_policy(passages, ref.clause)
        elif passages and passages[0].kind == "license":
            found = match_licence(passages, ref.clause)
        else:
            found = match_standard(passages, ref.clause) if ref.clause else []
        if lang:
            found.sort(key=lambda p: p.lang != lang)  # stable: document order otherwise
        return found

    def document_for(self, ref: ClauseRef) -> str | None:
        """The document a reference names: a policy title, a standard's alias or a licence's id."""
        documents = self._documents()
        if ref.titled:
            return documents.titles.get(norm(ref.target))
        return documents.standards.get(norm(ref.target).lower()) or documents.licences.get(ref.target.lower())

    def licence_document(self, spdx_id: str) -> str | None:
        return self._documents().licences.get(spdx_id.lower())

    def _documents(self) -> _Documents:
        generation = self.corpus.generation
        if self._built is not None and self._built.generation == generation:
            return self._built
        built = _Documents(generation)
        for passage in self.corpus.passages():
            if passage.kind != "faq":
                built.passages.setdefault(passage.doc_id, []).append(passage)
        for doc_id, passages in built.passages.items():
            passages.sort(key=lambda p: p.id)  # ids end in the chunk number: document order
            meta = self.corpus.document(doc_id) or {}
            title = str(meta.get("title") or passages[0].title)
            built.titles.setdefault(norm(title), doc_id)
            if meta.get("cite_as"):
                built.standards[norm(str(meta["cite_as"])).lower()] = doc_id
            if passages[0].kind == "license":
                stem = doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                for name in (stem, str(meta.get("spdx_id") or "")):
                    if name:
                        built.licences.setdefault(name.lower(), doc_id)
        self._built = built
        return built
