"""Licence and standards questions over real chunks (real model, real Chroma): clause retrieval, variants,
glossary routing, licence facts with their clauses, comparison tables, the metadata-route boundary."""

from __future__ import annotations

import re

import pytest

from bot.types import Question


def ask(assistant, text: str):
    return assistant.ask(Question(text=text))


def cited_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def flat(text: str) -> str:
    return " ".join(text.split())


# --- clause retrieval ------------------------------------------------------------------------------
@pytest.mark.parametrize("question,doc,section", [
    ("GPL-3.0 第7条讲什么？", "GPL-3.0", "§7 "),
    ("What does Apache-2.0 section 4(d) require?", "Apache-2.0", "§4(d) "),
    ("MPL 3.3 是什么意思？", "MPL-2.0", "§3.3 "),
    ("木兰宽松许可证第2条讲了什么？", "MulanPSL-2.0", "§2 "),
])
def test_a_named_clause_comes_first(licence_assistant, question, doc, section):
    answer = ask(licence_assistant, question)
    assert answer.status == "answered" and answer.license_check is None
    first = answer.sources[0]
    assert doc in first.title and first.section.startswith(section), (first.title, first.section)
    assert 1 in cited_numbers(answer.answer)


def test_variants_of_one_text_do_not_crowd_the_top(licence_kb):
    hits = licence_kb["searcher"].search("GPL 第5条(c)项 整个作品", k=5)
    texts = [flat(h.passage.text) for h in hits if h.passage.kind == "license"]
    assert len(texts) == len(set(texts)), [h.passage.doc_id for h in hits]
    assert not any(h.passage.doc_id.endswith("/GPL-3.0.txt") for h in hits)  # the deprecated id gives way


def test_an_exact_id_finds_that_licence_text(licence_kb):
    for name in ("GPL-3.0-or-later", "MPL-2.0", "Apache-2.0"):
        hits = licence_kb["searcher"].search(name, k=3)
        assert hits[0].passage.doc_id == f"licenses/texts/{name}.txt", (name, hits[0].passage.doc_id)


def test_the_two_chinese_versions_of_openchain_do_not_both_fill_the_top(licence_assistant):
    answer = ask(licence_assistant, "OpenChain 规范要求合规计划的有效期至少多久？")
    assert answer.status == "answered" and "18" in answer.answer
    assert "当前状态" not in answer.answer  # a content question, not the document-metadata route
    top = answer.sources[:5]
    assert "3.6.2" in top[0].section
    assert not ({"简体中文版" in s.title for s in top} >= {True} and any("繁體中文版" in s.title for s in top))


def test_a_definition_question_finds_the_definition_not_a_table_of_contents(licence_assistant):
    answer = ask(licence_assistant, "OpenChain 规范中“合规文件”指的是什么？")
    assert answer.status == "answered"
    assert "..." not in answer.answer and "……" not in answer.answer
    assert any(s.section.endswith("2.1 合规文件") for s in answer.sources[:3])
    assert "能体现合规计划结果的一系列文件" in answer.answer


def test_metadata_questions_still_answered_from_metadata(licence_assistant):
    answer = ask(licence_assistant, "这个行动计划是哪个部门发布的？")
    assert "南京市工业和信息化局" in answer.answer
    answer = ask(licence_assistant, "Where can I read the official text of the plan?")
    assert "https://gxj.nanjing.gov.cn/" in answer.answer


# --- glossary routing ------------------------------------------------------------------------------
def test_a_chinese_question_reaches_the_english_clause(licence_assistant):
    answer = ask(licence_assistant, "GPL-3.0 关于技术措施和反规避有什么规定？")
    assert answer.status == "answered"
    assert any(s.section.startswith("§3 Protecting Users") for s in answer.sources[:3])


def test_an_english_question_reaches_the_chinese_clause(licence_assistant):
    answer = ask(licence_assistant, "Which language version of the Mulan Permissive licence prevails?")
    assert answer.status == "answered"
    assert any("以中文版为准" in s.text for s in answer.sources[:3])


# --- licence facts ---------------------------------------------------------------------------------
def test_trademarks_fact_cites_the_chinese_clause(licence_assistant):
    answer = ask(licence_assistant, "木兰宽松许可证 2.0 许可我用贡献者的商标吗？")
    assert "不提供对贡献者的商品名称、商标" in answer.answer and "[1]" in answer.answer
    assert answer.sources[0].section == "§3 无商标许可"
    assert "不提供对“贡献者”的商品名称、商标、服务标志或产品名称的商标许可" in answer.sources[0].text


def test_patent_facts_in_english(licence_assistant):
    answer = ask(licence_assistant, "Does Apache-2.0 grant patent rights?")
    assert "express grant" in answer.answer and "patent litigation" in answer.answer
    assert answer.sources[0].section.startswith("§3 Grant of Patent License")
    assert cited_numbers(answer.answer) == {1}


def test_copyleft_scope_of_a_family_name(licence_assistant):
    answer = ask(licence_assistant, "GPL 传染性是什么意思？")
    assert answer.status == "answered" and "GPL-3.0-only" in answer.answer and "整个作品" in answer.answer
    assert answer.sources[0].section.startswith("§5(c)")
    assert "You must license the entire work, as a whole" in answer.sources[0].text


def test_what_must_i_do_lists_each_duty_with_its_clause(licence_assistant):
    answer = ask(licence_assistant, "分发 Apache-2.0 的代码要履行哪些义务？")
    for phrase in ("NOTICE", "修改", "许可证副本"):
        assert phrase in answer.answer
    numbers = cited_numbers(answer.answer)
    assert numbers == set(range(1, len(answer.sources) + 1))  # every source is cited, every citation exists
    sections = {s.section.split(" ")[0] for s in answer.sources}
    assert {"§4(a)", "§4(b)", "§4(c)", "§4(d)"} <= sections


def test_what_is_a_licence(licence_assistant):
    answer = ask(licence_assistant, "What is the ISC license?")
    assert "permissive" in answer.answer and "OSI-approved" in answer.answer
    assert "copyright notice and this permission notice appear in all copies" in flat(answer.sources[0].text)


def test_a_compatibility_answer_grounds_the_conditions_in_clauses(licence_assistant):
    answer = ask(licence_assistant, "MIT 的代码能用在闭源商业软件里吗？")
    assert answer.license_check is not None and answer.license_check.verdict == "compatible"
    assert "条款依据" in answer.answer and "[1]" in answer.answer
    assert "The above copyright notice and this permission notice shall be included" in flat(answer.sources[0].text)


# --- comparisons -----------------------------------------------------------------------------------
def test_a_comparison_is_a_table_in_chinese(licence_assistant):
    answer = ask(licence_assistant, "木兰宽松许可证和 Apache 2.0 有什么区别？")
    table = answer.table
    assert table is not None and table.columns == ["方面", "MulanPSL-2.0", "Apache-2.0"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["类型"] == ["宽松型", "宽松型"]
    assert rows["NOTICE 文件"][0] == "—" and rows["NOTICE 文件"][1].startswith("须随附")
    assert rows["语言版本"][0].startswith("中英文同等效力") and rows["语言版本"][1] == "—"
    assert table.as_markdown() in answer.answer
    numbers = cited_numbers(" ".join(cell for row in table.rows for cell in row))
    assert numbers == set(range(1, len(answer.sources) + 1))
    trademark = int(re.search(r"\[(\d+)\]", rows["商标"][0]).group(1))
    assert answer.sources[trademark - 1].section == "§3 无商标许可"


def test_a_comparison_is_a_table_in_english(licence_assistant):
    answer = ask(licence_assistant, "What is the difference between MIT and Apache-2.0?")
    assert answer.table is not None and answer.table.columns == ["Aspect", "MIT", "Apache-2.0"]
    rows = {row[0]: row[1:] for row in answer.table.rows}
    assert rows["Patent grant"][0].startswith("not addressed") and rows["Patent grant"][1].startswith("express grant")
    assert answer.answer.startswith("MIT License (MIT) and Apache License 2.0 (Apache-2.0) side by side")


# --- FAQ with its clause ---------------------------------------------------------------------------
def test_a_faq_answer_lists_its_clause_then_the_entry(licence_assistant):
    answer = ask(licence_assistant, "GPL 软件可以拿来卖钱吗？")
    assert answer.status == "answered"
    assert answer.sources[0].section.startswith("§4 Conveying Verbatim Copies")
    clauses = max(cited_numbers(answer.answer))  # the answer cites the clauses the entry rests on …
    assert all(s.kind == "license" for s in answer.sources[:clauses])
    entry = answer.sources[clauses]  # … and the entry comes right after them
    assert entry.kind == "faq" and entry.section == "GPL 软件可以拿来卖钱吗？"
