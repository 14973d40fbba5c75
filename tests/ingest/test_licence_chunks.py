"""Licence texts chunked clause by clause: labels, sections, sequence checks, language parts, merges."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import MAX_CHARS, chunk_document
from ingest.licence_chunks import clause_section, heading_of, parse_clauses, title_case
from ingest.loaders import load_document
from tests.helpers import KNOWLEDGE

TEXTS = KNOWLEDGE / "licenses" / "texts"


def flat(text: str) -> str:
    return " ".join(text.split())


def clauses(name: str) -> dict[str, list[str]]:
    """label -> the texts of its chunks (line wraps undone), for one bundled licence text as ingest chunks it."""
    path = TEXTS / f"{name}.txt"
    document = load_document(path, "license")
    out: dict[str, list[str]] = {}
    for chunk in chunk_document(document, str(document.metadata["title"])):
        out.setdefault(chunk.extra.get("clause", ""), []).append(flat(chunk.text))
    return out


def test_apache_redistribution_is_cut_at_its_conditions():
    apache = clauses("Apache-2.0")
    assert apache["4(d)"][0].startswith('(d) If the Work includes a "NOTICE" text file')
    assert "carry prominent notices stating that You changed the files" in apache["4(b)"][0]
    assert apache["6"][0].startswith("6. Trademarks.")
    assert "(b)" not in apache["4(a)"][0]


def test_sections_that_fit_keep_their_conditions():
    mpl = clauses("MPL-2.0")
    whole = mpl["3.2"][0]
    assert "(a) such Covered Software must also be made available in Source Code Form" in whole
    assert "(b) You may distribute such Executable Form" in whole
    assert "3.2(a)" not in mpl


def test_a_wrapped_line_starting_with_a_number_is_not_a_section():
    mpl = clauses("MPL-2.0")
    assert "2.1 of this License shall terminate." in mpl["5.2"][0]  # "Section\n2.1 of this License…"
    assert "5.3" in mpl and "1.1" in mpl and "10.4" in mpl
    assert all("****" not in text for texts in mpl.values() for text in texts)  # boxes dropped


def test_mulan_has_a_chinese_and_an_english_part_with_the_same_clauses():
    chunks = chunk_document(load_document(TEXTS / "MulanPSL-2.0.txt", "license"), "Mulan")
    trademark = [c for c in chunks if c.extra.get("clause") == "3"]
    assert {c.extra["lang"] for c in trademark} == {"zh", "en"}
    zh = next(c for c in trademark if c.extra["lang"] == "zh")
    assert zh.section == "§3 无商标许可"
    assert "不提供对“贡献者”的商品名称、商标、服务标志或产品名称的商标许可" in zh.text


def test_an_embedded_licence_is_cited_as_that_licence():
    lgpl = clauses("LGPL-3.0-only")
    assert "incorporates the terms and conditions of version 3 of the GNU General Public License" in lgpl[""][0]
    assert "4(d)" in lgpl and "Do one of the following" in lgpl["4(d)"][0]
    # the GPL text that follows the LGPL's six sections does not pose as "LGPL-3.0-only §7"
    assert "7" not in lgpl and "17" not in lgpl
    chunks = chunk_document(load_document(TEXTS / "LGPL-3.0-only.txt", "license"), "LGPL")
    assert any(c.section.startswith("GNU General Public License §5(c)") for c in chunks)


def test_numbering_without_headings_and_sub_numbering():
    gpl2 = clauses("GPL-2.0-only")
    assert gpl2["1"][0].startswith("1. You may copy and distribute verbatim copies")
    assert "charge a fee for the physical act of transferring a copy" in gpl2["1"][0]
    cc = clauses("CC-BY-NC-4.0")
    assert cc["1(i)"][0].startswith("i. NonCommercial means")  # the letter after h, not a roman numeral
    epl = clauses("EPL-2.0")
    assert "3.1" in epl and "2(b)" in epl


def test_a_text_without_numbered_sections_keeps_the_plain_chunker():
    mit = clauses("MIT")
    assert list(mit) == [""]


def test_section_labels_and_headings():
    assert clause_section("4(d)", "Redistribution") == "§4(d) Redistribution"
    assert clause_section("1", "") == "§1"
    assert clause_section("", "End of Terms and Conditions") == "End of Terms and Conditions"
    assert heading_of("Redistribution. You may reproduce and distribute copies") == "Redistribution"
    assert heading_of("You may copy and distribute verbatim copies of the Program's source code as you receive it") == ""
    assert heading_of("  授予专利许可") == "授予专利许可"
    assert heading_of("GRANT OF RIGHTS") == "Grant of Rights"
    assert title_case("GNU GENERAL PUBLIC LICENSE") == "GNU General Public License"


def test_sequence_rules_on_a_small_text():
    text = ("Some Licence\n\n1. Definitions. The terms.\n2. Conditions. You must:\n     a) keep the notice;\n"
            "     b) state changes.\nThese apply to all copies.\n3. No warranty.\n17 people signed this.\n"
            "1. not a restart")
    parsed = parse_clauses(text, MAX_CHARS)
    assert parsed is not None
    labels = [c.label for c in parsed]
    assert labels == ["", "1", "2", "3"]  # section 2 fits whole: its conditions stay with it
    assert "b) state changes." in parsed[2].text and "These apply" in parsed[2].text
    assert "17 people signed this." in parsed[3].text and "1. not a restart" in parsed[3].text
    cut = parse_clauses(text, {"en": 40})
    assert [c.label for c in cut] == ["", "1", "2", "2(a)", "2(b)", "2", "3"]
    assert cut[2].text == "2. Conditions. You must:"  # says something: not dropped as a bare heading
    bare = parse_clauses(text.replace("2. Conditions. You must:", "2. Conditions"), {"en": 40})
    assert [c.label for c in bare] == ["", "1", "2(a)", "2(b)", "2", "3"]


@pytest.mark.parametrize("name", ["Apache-2.0", "GPL-3.0-only", "MPL-2.0", "MulanPSL-2.0", "EUPL-1.2", "CDDL-1.0"])
def test_no_chunk_is_only_a_heading(name: str):
    chunks = chunk_document(load_document(TEXTS / f"{name}.txt", "license"), name)
    for chunk in chunks:
        assert len(chunk.text) > 30 or "\n" in chunk.text, chunk.text


def test_exceptions_and_the_licence_folder_share_the_chunker(tmp_path: Path):
    path = tmp_path / "X.txt"
    path.write_text("X Licence\n\n1. Grant. You may use it.\n\n2. Notice. Keep this notice.\n", encoding="utf-8")
    chunks = chunk_document(load_document(path, "license"), "X Licence")
    assert [(c.section, c.extra["clause"]) for c in chunks] == [("", ""), ("§1 Grant", "1"), ("§2 Notice", "2")]
