"""The clause-reference grammar of FAQ sources, and how one reference finds its chunks.

    licence clause   <SPDX-id> §<clause>   "Apache-2.0 §4(d)", "MPL-2.0 §3.3", "LGPL-3.0-only §4(d)(0)"
                     <SPDX-id>             a licence text without numbered sections: "MIT", "ISC"
    standard clause  <alias> §<number>     "ISO/IEC 5230:2020 §3.6.2", "SPDX License Expressions §D.4.5"
                     <alias> §<heading>    the exact heading text: "REUSE 3.3 §REUSE.toml"
    policy section   《title》section path  "《加快开源软件发展三年行动计划（2023-2025年）》三、保障措施 > （四）引培开源人才"
                     《title》前言          the text before the first heading
                     《title》文件信息（…）  the document's metadata (issuer, date, link): no passage

References are separated by "；" or "; ". An alias is a standard's `cite_as` metadata (its folder's
`_meta.yaml`); an SPDX id is a licence text's `spdx_id` (or its file name). Licence chunks carry their
clause label (`extra["clause"]`, from `ingest/licence_chunks.py`); standards are matched on the
numbers and headings of their section paths. The FAQ lint (`ingest/faq_lint.py`) resolves every
reference with these same functions over the chunker's output, so what the lint accepts is what an
answer can cite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.types import Passage

REF_SPLIT = re.compile(r"；|;\s")
LICENCE_CLAUSE = re.compile(r"^(?P<num>\d+(?:\.\d+)*)(?P<subs>(?:\([0-9A-Za-z]+\))*)$")
SECTION_NUMBER = re.compile(r"^(?:[A-Z]\.)?\d+(?:\.\d+)*$|^[A-Z]?\d+(?:\.\d+)*$")
_TITLE = re.compile(r"《([^》]+)》")
_LEADING_NUMBER = re.compile(r"^(?:Section\s+)?([A-Z](?:\.\d+)+|\d+(?:\.\d+)*)(?=$|[\s\-–—:：.)])")
_ITEM_MARKER = r"^[\s\-–—•*\uf0ff\uf0b7]*"


@dataclass(frozen=True)
class ClauseRef:
    """One reference: the document named (SPDX id, standard alias or policy title) and its clause."""

    target: str
    clause: str  # "4(d)", "3.6.2", "REUSE.toml", a policy section path, or "" for the whole text
    titled: bool = False  # the 《title》 form of the policy FAQ

    def __str__(self) -> str:
        if self.titled:
            return f"《{self.target}》{self.clause}"
        return f"{self.target} §{self.clause}" if self.clause else self.target


def parse_source(source: str) -> list[ClauseRef]:
    """The references of a FAQ `source`; a 《title》 carries over to the following policy sections."""
    refs: list[ClauseRef] = []
    title = ""
    for raw in REF_SPLIT.split(source):
        reference = raw.strip()
        if not reference:
            continue
        named = _TITLE.search(reference)
        if named or title and "§" not in reference:
            title = named.group(1).strip() if named else title
            refs.append(ClauseRef(title, _TITLE.sub("", reference).strip(), titled=True))
            continue
        target, _, clause = reference.partition(" §")
        refs.append(ClauseRef(target.strip(), clause.strip()))
    return refs


def problem(reference: ClauseRef) -> str | None:
    """What is wrong with a reference's form (None when it is well formed)."""
    if not reference.titled and "§" in reference.target:
        return "write a space before §"
    if reference.titled and not reference.clause:
        return "a 《title》 reference needs a section path"
    return None


def norm(text: str) -> str:
    return re.sub(r"[\s>]", "", text)


def section_components(section: str) -> list[str]:
    return [part.strip() for part in section.split(" > ") if part.strip()]


def leading_number(component: str) -> str | None:
    """"3.6.2 - Duration" -> "3.6.2"; "§4(d) Redistribution" -> None (licence sections carry a label)."""
    match = _LEADING_NUMBER.match(component.strip())
    return match.group(1) if match else None


def match_licence(passages: Sequence[Passage], clause: str) -> list[Passage]:
    """The chunks of one licence text that a clause ("4(d)", "3.3", "" = the whole text) points at."""
    if not clause:
        return list(passages)
    parsed = LICENCE_CLAUSE.match(clause)
    if not parsed:
        return []
    exact = [p for p in passages if p.extra.get("clause") == clause]
    below = [p for p in passages if p.extra.get("clause", "").startswith((clause + "(", clause + "."))]
    if exact or below:
        return exact + below  # the clause's own text (its lead-in) first, then its sub-clauses
    # a deeper item than the chunks go ("4(d)(0)" inside the chunk of 4(d)): the enclosing chunk, if it has it
    labels = {p.extra.get("clause", "") for p in passages}
    enclosing = max((label for label in labels if label and clause.startswith((label + "(", label + "."))),
                    key=len, default=None)
    if enclosing is None:
        return []
    marker = clause[len(enclosing):]
    item = re.findall(r"\(([0-9A-Za-z]+)\)|\.(\d+)", marker)
    first = next(a or b for a, b in item) if item else ""
    pattern = re.compile(rf"^\s*(?:\({re.escape(first)}\)|{re.escape(first)}[.)])\s", re.MULTILINE)
    return [p for p in passages if p.extra.get("clause") == enclosing and pattern.search(p.text)]


def match_standard(passages: Sequence[Passage], clause: str) -> list[Passage]:
    """The chunks of one standard that a section number ("3.6.2") or exact heading text points at."""
    wanted = norm(clause)
    by_heading = [p for p in passages if any(norm(c) == wanted for c in section_components(p.section))]
    if by_heading or not SECTION_NUMBER.match(clause):
        return by_heading
    numbered = [p for p in passages if clause in _numbers(p.section)]
    if numbered:
        return numbered
    # a verification item ("3.1.1.2") listed inside its requirement's chunk
    item = re.compile(rf"{_ITEM_MARKER}{re.escape(clause)}(?![\d.]\d)", re.MULTILINE)
    return [p for p in passages if item.search(p.text) and any(
        clause.startswith(number + ".") for number in _numbers(p.section))]


PREAMBLE = "前言"
METADATA = "文件信息"


def is_metadata(ref: ClauseRef) -> bool:
    """A reference to a document's metadata rather than to its text."""
    return ref.titled and ref.clause.startswith(METADATA)


def match_policy(passages: Sequence[Passage], section: str) -> list[Passage]:
    """The policy FAQ's form: the whole section path, or its tail when that is specific enough."""
    if section == PREAMBLE:
        return [p for p in passages if not p.section]
    wanted = norm(section)
    return [p for p in passages if norm(p.section) == wanted or (norm(p.section).endswith(wanted) and len(wanted) > 4)]


def _numbers(section: str) -> list[str]:
    return [n for n in (leading_number(c) for c in section_components(section)) if n]


def clause_numbers(section: str) -> list[str]:
    """The section numbers a chunk's path names, outermost first (for question references)."""
    return _numbers(section)
