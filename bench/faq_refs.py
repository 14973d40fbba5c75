"""Check that every licensing / standards FAQ entry cites clauses that exist in the knowledge base.

Usage (from the repository root):  .venv/bin/python bench/faq_refs.py [--kb knowledge] [-v]

Each entry's `source` is a list of clause references separated by "；" or "; ":
  licence clause   <SPDX-id> §<clause>   e.g. "Apache-2.0 §4(d)", "MPL-2.0 §3.3", "GPL-3.0-only §0"
                   <SPDX-id>             a licence text without numbered sections, e.g. "MIT"
  standard clause  <alias> §<number>     e.g. "ISO/IEC 5230:2020 §3.6.2", "SPDX License Expressions §D.4.5"
                   <alias> §<heading>    the exact heading text, e.g. "REUSE 3.3 §REUSE.toml"
<SPDX-id> is a file stem in knowledge/licenses/texts/; the aliases are listed in STANDARDS below.
Licence clauses resolve to the first line that starts with the clause number ("4.", "3.3.", "1)",
"1.Definitions", "Section 1 –", "*  6. Disclaimer") and, for each "(x)", to a line starting "(x)", "x)" or "x." inside that
section (after the previous one). Standard clauses resolve to a Markdown heading (outside code blocks
and front matter) that starts with the number or equals the text, trailing "{#anchor}" and
"<a name=…></a>" removed; a number may also match a numbered list line ("- 3.1.2.1 - …").

Also checked: id / question / answer / source / lang present, lang is zh or en, each id has exactly one
zh and one en entry, ids unique across files, no question asked twice. Prints the unresolved references
and the topic count per file; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

FAQ_FILES = ("faq/licensing.yaml", "faq/standards.yaml")
LICENCE_DIR = "licenses/texts"
STANDARDS = {
    "ISO/IEC 5230:2020": "standards/openchain-iso5230/ISO-IEC-5230-2020-en.md",
    "OpenChain License Compliance 3.0": "standards/openchain-iso5230/openchain-license-compliance-3.0-en.md",
    "ISO/IEC 18974:2023": "standards/openchain-iso18974/ISO-IEC-18974-2023-en.md",
    "ISO/IEC 5230 checklist":
        "standards/openchain-checklists/ISO-IEC-5230-en-iso-5230-2020-Self-Certification-Checklist.md",
    "ISO/IEC 18974 checklist":
        "standards/openchain-checklists/ISO-IEC-18974-en-iso-18974-2023-Self-Certification-Checklist.md",
    "REUSE 3.3": "standards/reuse/spec-3.3.md",
    "REUSE FAQ": "standards/reuse/faq.md",
    "REUSE tutorial": "standards/reuse/tutorial.md",
    "SPDX License Expressions": "standards/spdx/SPDX-license-expressions.md",
    "SPDX short identifiers": "standards/spdx/using-SPDX-short-identifiers-in-source-files.md",
}
REF_SPLIT = re.compile(r"；|; ")
CLAUSE = re.compile(r"^(?P<num>\d+(?:\.\d+)*)(?P<subs>(?:\([0-9A-Za-z]+\))*)$")
SECTION_NUMBER = re.compile(r"^[A-Z]?\d+(?:\.\d+)*$|^[A-Z]\.\d+(?:\.\d+)*$")


# --- licence texts -------------------------------------------------------------------------------
def _strip_line(line: str) -> str:
    return line.strip().lstrip("*").strip()


def _section_start(number: str) -> re.Pattern[str]:
    # "4." / "4 " / "1)" / "1.Definitions" / "Section 1 –"; not "4.1" when looking for "4"
    return re.compile(rf"^(?:Section\s+)?{re.escape(number)}(?:\.(?!\d)|\)|\s|:|$)")


def _next_numbers(number: str) -> list[str]:
    parts = [int(p) for p in number.split(".")]
    out = []
    for depth in range(len(parts), 0, -1):
        bumped = parts[:depth - 1] + [parts[depth - 1] + 1]
        out.append(".".join(map(str, bumped)))
    return out


def resolve_licence(lines: list[str], clause: str) -> str | None:
    """None when the clause exists, else the reason it does not."""
    m = CLAUSE.match(clause)
    if not m:
        return f"clause '{clause}' is not of the form 4, 3.3, 4(d), 2.1(b)"
    number, subs = m.group("num"), re.findall(r"\(([0-9A-Za-z]+)\)", m.group("subs"))
    stripped = [_strip_line(line) for line in lines]
    start_pattern = _section_start(number)
    start = next((i for i, s in enumerate(stripped) if start_pattern.match(s)), None)
    if start is None:
        return f"no line starts with section {number}"
    ends = [_section_start(n) for n in _next_numbers(number)]
    end = next((i for i in range(start + 1, len(stripped)) if any(p.match(stripped[i]) for p in ends)),
               len(stripped))
    position = start
    for sub in subs:
        sub_pattern = re.compile(rf"^(?:\({re.escape(sub)}\)|{re.escape(sub)}\)|{re.escape(sub)}\.)(?:\s|$)")
        found = next((i for i in range(position, end) if sub_pattern.match(stripped[i])), None)
        if found is None:
            return f"no line starting ({sub}) inside section {number}{''.join(f'({s})' for s in subs)}"
        position = found
    return None


# --- Markdown standards --------------------------------------------------------------------------
def markdown_headings(text: str) -> tuple[list[str], list[str]]:
    """(heading texts, numbered list lines) outside front matter and code blocks."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # YAML front matter
        close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        lines = lines[close + 1:]
    headings, numbered, fenced = [], [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if m:
            heading = re.sub(r"\s*\{#[^}]*\}\s*$", "", m.group(1))
            heading = re.sub(r"\s*<a name=[^>]*>\s*</a>\s*", "", heading).strip()
            headings.append(heading)
        elif re.match(r"^\s*-\s+[A-Z]?\d+(?:\.\d+)+\s*[-:]", line):
            numbered.append(line.strip())
    return headings, numbered


def resolve_standard(text: str, section: str) -> str | None:
    headings, numbered = markdown_headings(text)
    if section in headings:
        return None
    if SECTION_NUMBER.match(section):
        starts = re.compile(rf"^(?:Section\s+)?{re.escape(section)}(?![\d.]|\.\d)")
        if any(starts.match(h) for h in headings):
            return None
        if any(re.match(rf"^-\s+{re.escape(section)}\s*[-:]", n) for n in numbered):
            return None
        return f"no heading or numbered line {section}"
    return f"no heading '{section}'"


# --- references ----------------------------------------------------------------------------------
class Resolver:
    def __init__(self, kb: Path):
        self.kb = kb
        self._cache: dict[Path, str] = {}

    def _read(self, path: Path) -> str:
        if path not in self._cache:
            self._cache[path] = path.read_text(encoding="utf-8")
        return self._cache[path]

    def check(self, reference: str) -> str | None:
        """None when the reference resolves, else what is wrong with it."""
        reference = reference.strip()
        if " §" in reference:
            target, clause = reference.split(" §", 1)
        elif "§" in reference:
            return "write a space before §"
        else:
            target, clause = reference, None
        target, clause = target.strip(), (clause or "").strip() or None
        if target in STANDARDS:
            if clause is None:
                return f"a standard reference needs § and a section ({target} §…)"
            return resolve_standard(self._read(self.kb / STANDARDS[target]), clause)
        licence = self.kb / LICENCE_DIR / f"{target}.txt"
        if not licence.is_file():
            return f"'{target}' is neither a licence file stem in {LICENCE_DIR}/ nor a standard alias"
        if clause is None:
            return None
        return resolve_licence(self._read(licence).splitlines(), clause)


def check_files(kb: Path, verbose: bool = False) -> int:
    resolver = Resolver(kb)
    failures: list[str] = []
    ids_by_file: dict[str, set[str]] = {}
    id_owner: dict[str, str] = {}
    questions: Counter[str] = Counter()
    refs_checked = 0
    for name in FAQ_FILES:
        path = kb / name
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            failures.append(f"{name}: not a YAML list")
            continue
        langs: dict[str, list[str]] = defaultdict(list)
        for number, entry in enumerate(entries, 1):
            where = f"{name} #{number}"
            if not isinstance(entry, dict):
                failures.append(f"{where}: not a mapping")
                continue
            missing = [k for k in ("id", "question", "answer", "source", "lang") if not str(entry.get(k) or "").strip()]
            if missing:
                failures.append(f"{where}: lacks {', '.join(missing)}")
                continue
            topic, lang = str(entry["id"]), entry["lang"]
            where = f"{name} #{number} ({topic}, {lang})"
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", topic):
                failures.append(f"{where}: id is not kebab-case")
            if lang not in ("zh", "en"):
                failures.append(f"{where}: lang must be zh or en")
            if id_owner.setdefault(topic, name) != name:
                failures.append(f"{where}: id also used in {id_owner[topic]}")
            langs[topic].append(lang)
            questions[re.sub(r"\s+", " ", str(entry["question"]).strip().lower())] += 1
            for reference in REF_SPLIT.split(str(entry["source"])):
                if not reference.strip():
                    continue
                refs_checked += 1
                problem = resolver.check(reference)
                if problem:
                    failures.append(f"{where}: unresolved '{reference.strip()}': {problem}")
                elif verbose:
                    print(f"ok  {reference.strip()}")
        for topic, found in langs.items():
            if sorted(found) != ["en", "zh"]:
                failures.append(f"{name}: topic {topic} has entries {sorted(found)}, want one zh and one en")
        ids_by_file[name] = set(langs)
    for question, count in questions.items():
        if count > 1:
            failures.append(f"question asked {count} times: {question}")
    for failure in failures:
        print(failure)
    for name, ids in ids_by_file.items():
        print(f"{name}: {len(ids)} topics")
    print(f"{refs_checked} references checked, {len(failures)} problem(s)")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path(__file__).resolve().parent.parent / "knowledge")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list the references that resolve")
    args = parser.parse_args()
    return check_files(args.kb, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
