"""Tables of contents never become chunks; numbers the layout hid come back; standards chunk by section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.layout import clean_layout, is_toc_line, join_number_lines, strip_contents
from ingest.loaders import LoadedDocument, load_document
from tests.helpers import KNOWLEDGE

STANDARDS = KNOWLEDGE / "standards"

PDF_LIKE = """© Joint Development Foundation 2020 iii
目录
简介 iv
1 范围 ..............................................................1
2 术语和定义 ......................................................1
3.6.2 有效期 ........................................................6
附录 B  中英术语对照说明 ......................................8

简介
本文为高质量的开源许可证合规计划定义了关键要求。
2 术语和定义
2.1
合规文件
能体现合规计划结果的一系列文件。
3.6.2 有效期
宣布遵从此版本 OpenChain 规范的计划，从遵从生效日起必须维持至少 18 个月。
附录 B
中英术语对照说明
"""


def doc(text: str, fmt: str, kind: str = "standard", lang: str = "zh") -> LoadedDocument:
    return LoadedDocument(text=text, metadata={"format": fmt, "kind": kind, "lang": lang, "title": "T"})


def test_toc_lines_never_become_chunks():
    chunks = chunk_document(doc(PDF_LIKE, "pdf"), "T")
    assert chunks
    for chunk in chunks:
        assert not any(is_toc_line(line) for line in chunk.text.split("\n")), chunk.text
        assert "......" not in chunk.text and "目录" not in chunk.text
    sections = {c.section: c.text for c in chunks}
    assert sections["2 术语和定义 > 2.1 合规文件"].startswith("能体现合规计划结果的一系列文件")  # number line joined
    assert "至少 18 个月" in sections["3.6.2 有效期"]
    assert "附录 B" in sections  # an appendix is a section of its own, not part of 3.6.2
    assert "中英术语" not in sections["3.6.2 有效期"]


def test_word_headings_get_their_numbers_from_the_table_of_contents():
    text = "內容\n\n簡 介\tiii\n\n1\t範圍\t1\n\n3.6.2\t持續期間\t6\n\n## 範圍\n\n本文件定義。\n\n#### 持續期間\n\n至少持續18個月。"
    cleaned, numbers = strip_contents(text)
    assert numbers == {"範圍": "1", "持續期間": "3.6.2"}
    chunks = chunk_document(doc(text, "docx"), "T")
    assert [c.section for c in chunks] == ["1 範圍", "3.6.2 持續期間"]  # 3.6.2 is not inside 1
    assert "\t" not in "".join(c.text for c in chunks)
    assert "內容" not in cleaned


def test_a_markdown_contents_section_is_dropped():
    text = ("## Contents\n\n### Introduction\n### 1 - Scope\n- 3.1 - Program foundation\n\n"
            "# Introduction\n\nThis document defines the key requirements.\n")
    chunks = chunk_document(doc(text, "md", lang="en"), "T")
    assert [(c.section, c.text) for c in chunks] == [("Introduction", "This document defines the key requirements.")]


def test_markdown_code_blocks_and_anchors():
    text = ("## Licensing Information {#licensing}\n\nText.\n\n```\n# SPDX-FileCopyrightText: 2019 Jane\n```\n\n"
            "### D.1 Overview <a name=\"D.1\"></a>\n\nMore.\n")
    sections = [c.section for c in chunk_document(doc(text, "md", lang="en"), "T")]
    assert sections == ["Licensing Information", "Licensing Information > D.1 Overview"]


def test_number_lines_join_only_short_terms():
    assert join_number_lines("2.1\n合规文件\n正文") == "2.1 合规文件\n正文"
    assert join_number_lines("3.1\n\n1234 is a number\n") == "3.1\n\n1234 is a number\n"
    assert clean_layout("1.2.3\nTerm", markdown_source=True) == "1.2.3\nTerm"  # Markdown has real headings


@pytest.mark.parametrize("relative", ["openchain-iso5230/OpenChain-2.1-zh-Hans.pdf",
                                      "openchain-iso5230/OpenChain-2.1-zh-Hant.docx",
                                      "openchain-iso5230/ISO-IEC-5230-2020-en.md"])
def test_bundled_standards_have_no_table_of_contents_chunks(relative: str):
    document = load_document(STANDARDS / relative, "standard")
    chunks = chunk_document(document, str(document.metadata["title"]))
    for chunk in chunks:
        assert sum(is_toc_line(line) for line in chunk.text.split("\n")) == 0, chunk.text[:200]
    assert any(c.section.endswith(("3.6.2 有效期", "3.6.2 持續期間", "3.6.2 - Duration")) for c in chunks)


def test_pdf_page_furniture_is_gone():
    document = load_document(STANDARDS / "openchain-iso5230/OpenChain-2.1-zh-Hans.pdf", "standard")
    body = [c for c in chunk_document(document, "T") if c.section]
    assert not any("Joint Development Foundation" in c.text for c in body)


def test_the_policy_document_is_chunked_as_before():
    """The clause-level and layout changes leave the policy document's chunks alone (policy eval at 1.0)."""
    expected = json.loads((Path(__file__).with_name("policy_chunks.json")).read_text(encoding="utf-8"))
    path = KNOWLEDGE / "policy" / "nanjing-open-source-action-plan-2023-2025.md"
    document = load_document(path, "policy")
    chunks = chunk_document(document, str(document.metadata["title"]))
    assert [[c.section, c.text] for c in chunks] == expected
