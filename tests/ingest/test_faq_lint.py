"""The FAQ lint: bundled FAQ and licence facts resolve; broken references and entries are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.faq_lint import lint_faq
from tests.helpers import KNOWLEDGE, REPO


def test_every_bundled_faq_entry_and_licence_fact_cites_an_existing_clause():
    report = lint_faq(KNOWLEDGE)
    assert report.ok, "\n".join(report.problems)
    assert report.topics["licensing.yaml"] >= 80 and report.topics["standards.yaml"] >= 30, report.topics
    assert report.references > 800


def _knowledge(tmp_path: Path, faq: str) -> Path:
    root = tmp_path / "knowledge"
    for relative in ("licenses/texts/Apache-2.0.txt", "licenses/texts/MIT.txt",
                     "standards/reuse/spec-3.3.md", "standards/reuse/_meta.yaml"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KNOWLEDGE / relative, root / relative)
    (root / "faq").mkdir()
    (root / "faq" / "licensing.yaml").write_text(faq, encoding="utf-8")
    return root


ENTRY = "- id: {id}\n  question: {q}\n  answer: a\n  source: \"{source}\"\n  lang: {lang}\n"


def _entries(*items: tuple[str, str, str, str]) -> str:
    return "".join(ENTRY.format(id=i, q=q, source=s, lang=lang) for i, q, s, lang in items)


def test_references_that_do_not_resolve_are_reported(tmp_path: Path):
    faq = _entries(
        ("notice", "NOTICE?", "Apache-2.0 §4(d)", "zh"), ("notice", "NOTICE file?", "Apache-2.0 §4(d)", "en"),
        ("bad-clause", "第12条？", "Apache-2.0 §12", "zh"), ("bad-clause", "Section 12?", "Apache-2.0 §4(z)", "en"),
        ("bad-name", "未知？", "Foo-1.0 §1", "zh"), ("bad-name", "Unknown?", "REUSE 3.3 §No such heading", "en"),
        ("spacing", "空格？", "Apache-2.0§4", "zh"), ("spacing", "Spacing?", "REUSE 3.3 §REUSE.toml; MIT", "en"),
    )
    report = lint_faq(_knowledge(tmp_path, faq))
    problems = "\n".join(report.problems)
    assert "'Apache-2.0 §12': no chunk of the knowledge base has this clause" in problems
    assert "'Apache-2.0 §4(z)'" in problems
    assert "'Foo-1.0 §1': names no licence text" in problems
    assert "'REUSE 3.3 §No such heading'" in problems
    assert "write a space before §" in problems
    assert "4(d)" not in problems and "REUSE.toml" not in problems and "'MIT'" not in problems
    assert len(report.problems) == 5


def test_entry_structure_is_checked(tmp_path: Path):
    faq = _entries(("one-language", "只有中文？", "MIT", "zh"), ("Not_Kebab", "大写？", "MIT", "zh"),
                   ("Not_Kebab", "Caps?", "MIT", "en"), ("dup", "重复？", "MIT", "zh"), ("dup", "重复？", "MIT", "en"))
    faq += "- id: missing\n  question: 没有来源？\n  answer: a\n  lang: zh\n"
    report = lint_faq(_knowledge(tmp_path, faq))
    problems = "\n".join(report.problems)
    assert "topic one-language has entries ['zh'], want one zh and one en" in problems
    assert "id is not kebab-case" in problems
    assert "question asked 2 times: 重复？" in problems
    assert "lacks source" in problems


def test_the_bench_script_is_the_same_lint():
    assert "ingest.faq_lint" in (REPO / "bench" / "faq_refs.py").read_text(encoding="utf-8")
