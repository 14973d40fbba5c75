"""FAQ lint: every entry names a clause that exists in the knowledge base, as the chunker cuts it.

The licence facts (`licenses/facts/facts.yaml`) use the same grammar and are checked the same way.

The referenced documents are loaded and chunked exactly as `yuanbot ingest` does, and each reference is
resolved with the same `ClauseIndex` that answers use, so an entry that passes the lint cites real
chunks at run time. Also checked (licensing.yaml and standards.yaml): `id`, `question`, `answer`,
`source`, `lang` present; lang zh or en; one zh and one en entry per id; ids unique across files; no
question asked twice. Run it with `yuanbot kb lint-faq` (or `python bench/faq_refs.py`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answering.clauses import ClauseIndex
from bot.answering.licence_facts_data import LicenceFacts
from bot.errors import DocumentError, KnowledgeError
from bot.retrieval.clause_refs import ClauseRef, is_metadata, parse_source, problem
from bot.types import Passage
from ingest.chunking import chunk_document
from ingest.loaders import folder_metadata, is_candidate, load_document

PAIRED_FILES = ("licensing.yaml", "standards.yaml")  # topics with one zh and one en entry each
FACTS_FILE = "licenses/facts/facts.yaml"
ABOUT_THE_ASSISTANT = "assistant.yaml"  # how to use YuanBot: rests on its own help, not on a document
KINDS = {"policy": "policy", "standards": "standard", "licenses": "license"}


@dataclass
class LintReport:
    problems: list[str] = field(default_factory=list)
    topics: dict[str, int] = field(default_factory=dict)  # file -> topics (paired files)
    references: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class ChunkedDocuments:
    """The documents a FAQ cites, chunked as ingest chunks them: the part of the Corpus port the
    ClauseIndex reads (passages, document metadata, generation)."""

    generation = "lint"

    def __init__(self, paths: Iterable[tuple[str, Path]]) -> None:
        self._passages: list[Passage] = []
        self._documents: dict[str, dict[str, Any]] = {}
        for doc_id, path in paths:
            self._add(doc_id, path)

    def _add(self, doc_id: str, path: Path) -> None:
        document = load_document(path, KINDS.get(doc_id.split("/", 1)[0], "other"))
        meta = document.metadata
        title = str(meta["title"])
        self._documents[doc_id] = meta
        for number, chunk in enumerate(chunk_document(document, title)):
            self._passages.append(Passage(
                id=f"{doc_id}::lint::{number:05d}", text=chunk.text, doc_id=doc_id, title=title,
                section=chunk.section, kind=meta.get("kind", "other"), lang=chunk.extra.get("lang", meta["lang"]),
                extra={k: str(v) for k, v in chunk.extra.items()}))

    def passages(self) -> Sequence[Passage]:
        return self._passages

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return self._documents.get(doc_id)


def _documents_cited(root: Path, refs: Iterable[ClauseRef]) -> list[tuple[str, Path]]:
    """The documents the references name: licence texts by file name or SPDX id, standards by their
    `cite_as`, policy documents (all of them: they are few and named by title)."""
    targets = {ref.target for ref in refs if not ref.titled}
    out: dict[str, Path] = {}
    for folder in ("licenses/texts", "licenses/exceptions"):
        for target in targets:
            path = root / folder / f"{target}.txt"
            if path.is_file():
                out.setdefault(f"{folder}/{path.name}", path)
    for folder in ("standards", "policy"):
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if path.is_file() and is_candidate(path) and (
                    folder == "policy" or folder_metadata(path).get("cite_as") in targets):
                out[path.relative_to(root).as_posix()] = path
    return sorted(out.items())


def _entries(path: Path, report: LintReport) -> list[dict[str, Any]]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        report.problems.append(f"{path.name}: cannot read: {exc}")
        return []
    if not isinstance(entries, list):
        report.problems.append(f"{path.name}: not a YAML list")
        return []
    return entries


def _check_entry(name: str, number: int, entry: Any, paired: bool, report: LintReport) -> bool:
    where = f"{name} #{number}"
    if not isinstance(entry, dict):
        report.problems.append(f"{where}: not a mapping")
        return False
    required = ("id", "question", "answer", "source", "lang") if paired else ("question", "answer", "source")
    missing = [k for k in required if not str(entry.get(k) or "").strip()]
    if missing:
        report.problems.append(f"{where}: lacks {', '.join(missing)}")
        return False
    if paired and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", str(entry["id"])):
        report.problems.append(f"{where}: id is not kebab-case")
    if entry.get("lang") is not None and entry["lang"] not in ("zh", "en"):
        report.problems.append(f"{where}: lang must be zh or en")
    return True


def lint_faq(root: Path) -> LintReport:
    """Check every FAQ file under `root/faq` against the documents under `root`."""
    report = LintReport()
    cited: list[tuple[str, ClauseRef]] = []
    questions: Counter[str] = Counter()
    owner: dict[str, str] = {}
    for path in sorted((root / "faq").glob("*.yaml")):
        if not is_candidate(path) or path.name == ABOUT_THE_ASSISTANT:
            continue
        paired = path.name in PAIRED_FILES
        langs: dict[str, list[str]] = defaultdict(list)
        for number, entry in enumerate(_entries(path, report), 1):
            if not _check_entry(path.name, number, entry, paired, report):
                continue
            where = f"{path.name} #{number}" + (f" ({entry['id']}, {entry.get('lang')})" if paired else "")
            questions[re.sub(r"\s+", " ", str(entry["question"]).strip().lower())] += 1
            if paired:
                topic = str(entry["id"])
                if owner.setdefault(topic, path.name) != path.name:
                    report.problems.append(f"{where}: id also used in {owner[topic]}")
                langs[topic].append(str(entry["lang"]))
            for ref in parse_source(str(entry["source"])):
                cited.append((where, ref))
        for topic, found in langs.items():
            if sorted(found) != ["en", "zh"]:
                report.problems.append(f"{path.name}: topic {topic} has entries {sorted(found)}, want one zh and one en")
        if paired:
            report.topics[path.name] = len(langs)
    report.problems.extend(f"question asked {n} times: {q}" for q, n in questions.items() if n > 1)
    cited.extend(_facts_cited(root, report))
    _check_references(root, cited, report)
    return report


def _facts_cited(root: Path, report: LintReport) -> list[tuple[str, ClauseRef]]:
    path = root / FACTS_FILE
    if not path.is_file():
        return []
    try:
        facts = LicenceFacts.load(path)
    except KnowledgeError as exc:
        report.problems.append(str(exc))
        return []
    return [(f"{path.name} ({licence}, {aspect})", ref) for licence, aspect, fact in facts.references()
            for ref in parse_source(fact.ref)]


def _check_references(root: Path, cited: list[tuple[str, ClauseRef]], report: LintReport) -> None:
    try:
        documents = ChunkedDocuments(_documents_cited(root, [ref for _, ref in cited]))
    except DocumentError as exc:
        report.problems.append(f"{exc.path}: {exc.reason}")
        return
    index = ClauseIndex(documents)  # type: ignore[arg-type]  # the part of the Corpus port it reads
    for where, ref in cited:
        report.references += 1
        wrong = problem(ref)
        if is_metadata(ref):
            wrong = wrong or (None if index.document_for(ref) else "names no document")
        elif wrong is None and not index.resolve(ref):
            wrong = "no chunk of the knowledge base has this clause" if index.document_for(ref) else \
                "names no licence text (file name or SPDX id), standard alias (`cite_as`) or policy title"
        if wrong:
            report.problems.append(f"{where}: '{ref}': {wrong}")


def main(root: Path) -> int:
    report = lint_faq(root)
    for line in report.problems:
        print(line)
    for name, topics in report.topics.items():
        print(f"{name}: {topics} topics")
    print(f"{report.references} references checked, {len(report.problems)} problem(s)")
    return 0 if report.ok else 1
