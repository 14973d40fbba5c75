"""Named clauses answered by what they say, licence families kept apart, family closed-source answers with
their clauses, SBOM definition questions vs audit requests, and licence answers without tool asides.

The questions are written for these tests (none is a development-set question)."""

from __future__ import annotations

import re

import pytest

from bot.answering.audit_pointer import audit_pointer
from bot.answering.clause_digest import asks_only_for_clause
from bot.retrieval.ranking import about_other_licences, family_word_key, is_about, licence_family
from bot.types import Passage, Question


def ask(assistant, text: str):
    return assistant.ask(Question(text=text))


def of_licence(source, licence: str) -> bool:
    """A source from the text of `licence` ("LGPL-2.1": LGPL-2.1-only.txt or -or-later.txt, not LGPL-2.1+ of GPL)."""
    return source.kind == "license" and re.search(rf"/{re.escape(licence)}(?:-only|-or-later)?\.txt::", source.id) is not None


def licence_passage(spdx: str) -> Passage:
    return Passage(id=f"licenses/texts/{spdx}.txt::x::00001", text="…", doc_id=f"licenses/texts/{spdx}.txt",
                   title=spdx, kind="license", extra={"spdx_id": spdx})


def faq_passage(source: str) -> Passage:
    return Passage(id="faq/licensing.yaml::x::00001", text="…", doc_id="faq/licensing.yaml", title="FAQ",
                   kind="faq", extra={"faq_source": source, "faq_question": "?"})


# --- SBOM: what it is goes to retrieval, checking one's own goes to the audit ------------------------------
@pytest.mark.parametrize("text", ["SBOM 指的是什么？", "软件物料清单一般包括哪些字段？", "SBOM 有什么用",
                                  "What is a software bill of materials?", "Which fields does an SBOM include?"])
def test_sbom_definition_questions_are_not_sent_to_the_audit(text):
    assert audit_pointer(text, "zh") is None


@pytest.mark.parametrize("text", ["帮我扫描一下这份 SBOM 里的许可证", "我上传一个 SBOM，看看有没有许可证冲突",
                                  "Please audit the licences in my SBOM", "check our CycloneDX SBOM for conflicts"])
def test_requests_to_check_ones_own_sbom_still_are(text):
    answer = audit_pointer(text, "en")
    assert answer is not None and "/audit" in answer.answer


def test_an_sbom_content_question_is_answered_from_the_texts(licence_assistant):
    answer = ask(licence_assistant, "一份软件物料清单里通常要写哪些信息？")
    assert answer.status == "answered" and "/audit" not in answer.answer
    assert any("18974" in s.title or "SBOM" in s.section or "物料清单" in s.section for s in answer.sources[:3])


# --- a licence family named in the question ---------------------------------------------------------------
def test_a_family_word_matches_its_own_family_only():
    gpl, lgpl = family_word_key("GPL"), family_word_key("LGPL")
    assert is_about(licence_passage("GPL-2.0-only"), {gpl})
    assert not is_about(licence_passage("LGPL-2.1-only"), {gpl})  # LGPL contains GPL: not the same family
    assert not is_about(licence_passage("AGPL-3.0-only"), {gpl})
    assert is_about(licence_passage("LGPL-3.0-or-later"), {lgpl})
    assert about_other_licences(faq_passage("GPL-3.0-only §0；GPL-3.0-only §1"), {lgpl})
    assert not about_other_licences(faq_passage("LGPL-2.1-only §6(b)"), {lgpl})
    assert not about_other_licences(faq_passage("ISO/IEC 18974:2023 §2.12"), {lgpl})  # a standard is no licence
    assert not about_other_licences(faq_passage("GPL-3.0-only §7"), {licence_family("GPL-3.0-or-later")})


@pytest.mark.parametrize("text", ["LGPL 的库动态链接后，我的程序必须开源吗？",
                                  "If I dynamically link an LGPL library, must my own code be open source?"])
def test_an_lgpl_question_is_answered_from_the_lgpl(licence_assistant, text):
    answer = ask(licence_assistant, text)
    assert answer.status == "answered"
    first = answer.sources[0]
    assert "Lesser" in first.title or "LGPL" in first.section, (first.title, first.section)
    for source in answer.sources[:3]:  # no GPL-only FAQ entry (动态链接 GPL 的库…) among the first sources
        assert not (source.kind == "faq" and "GPL" in source.section and "LGPL" not in source.section), source.section


# --- a family checked for closed-source use: one text per version, the clauses as sources -----------------
VARIANT = re.compile(r"-(?:only|or-later)\.txt$")


@pytest.mark.parametrize("text,clauses", [
    ("闭源软件里能不能静态链接 LGPL 的库？", {("LGPL-2.1", "§6"), ("LGPL-3.0", "§4")}),
    ("May a proprietary product link against an LGPL library?", {("LGPL-2.1", "§6"), ("LGPL-3.0", "§4")}),
    ("AGPL 的组件可以放进闭源的商业产品吗？", {("AGPL-3.0", "§13")}),
])
def test_family_closed_source_answers_cite_each_versions_clause(licence_assistant, text, clauses):
    answer = ask(licence_assistant, text)
    assert answer.license_check is not None and answer.license_check.versions
    title_pages = [s.id for s in answer.sources if s.kind == "license" and s.id.endswith("::00000")]
    assert not title_pages, title_pages  # the clauses, not the licences' first page
    for licence, section in clauses:
        assert any(of_licence(s, licence) and s.section.startswith(section) for s in answer.sources), (licence, section, [(s.id, s.section) for s in answer.sources])
    texts = [(VARIANT.sub("", s.id.split("::")[0]), s.section) for s in answer.sources if s.kind == "license"]
    assert len(texts) == len(set(texts))  # -only and -or-later are one text: its clause is listed once
    assert any(f"[{n}]" in answer.answer for n in range(1, len(answer.sources) + 1))


# --- a named clause: what it says, not a heading or a stray sentence ---------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("GPL-3.0 第5条讲什么？", True), ("MPL-2.0 section 3.1", True), ("木兰宽松许可证第4条说了什么", True),
    ("What does Apache-2.0 section 4 say?", True),
    ("GPL-3.0 第5条对修改声明有什么要求？", False), ("Apache-2.0 section 4(d) NOTICE file contents", False),
])
def test_questions_asking_only_for_a_clause(text, expected):
    spans = [(m.start(), m.end()) for m in re.finditer(r"GPL-3\.0|MPL-2\.0|Apache-2\.0|木兰宽松许可证", text)]
    assert asks_only_for_clause(text, spans) is expected


@pytest.mark.parametrize("text,terms,section", [
    ("GPL-3.0 第5条讲什么？", ["prominent notices", "b)", "c)"], "§5"),
    ("What does Apache-2.0 section 4 say?", ["changed the files", "NOTICE", "(a)"], "§4"),
])
def test_a_named_clause_is_its_opening_and_items(licence_assistant, text, terms, section):
    answer = ask(licence_assistant, text)
    assert answer.status == "answered"
    body = " ".join(answer.answer.split())
    for term in terms:
        assert term in body, term
    assert len(body) > 200  # more than a heading or one sentence
    assert answer.sources[0].section.startswith(section)
    assert len({s.section for s in answer.sources}) >= 3  # the opening and the items, each cited


def test_a_named_clause_in_chinese_is_quoted_from_the_chinese_text(licence_assistant):
    answer = ask(licence_assistant, "木兰宽松许可证第4条说了什么")
    assert answer.status == "answered"
    assert "许可证”的副本" in answer.answer and "版权、商标、专利" in answer.answer
    body = re.sub(r"^\S+ §4 分发限制：", "", answer.answer)
    assert body.strip() and not body.startswith("4.")  # not the heading
    assert answer.sources[0].section == "§4 分发限制"


def test_a_named_clause_with_a_faq_entry_about_it_is_answered_by_the_entry(licence_assistant):
    answer = ask(licence_assistant, "GPL-3.0 section 3")
    assert answer.status == "answered"
    assert "technological measure" in answer.answer
    assert answer.sources[0].kind == "license" and answer.sources[0].section.startswith("§3")
    assert answer.sources[1].kind == "faq" and "§3" in answer.sources[1].section  # clause first, then the entry


# --- a licence answer does not wander off into a tool tip ----------------------------------------------------
def test_a_licence_relationship_answer_has_no_reuse_tool_tip(licence_assistant):
    answer = ask(licence_assistant, "LGPL-3.0 与 GPL-3.0 之间有何关联？")
    assert answer.status == "answered"
    assert "REUSE" not in answer.answer
    assert "GPL" in answer.answer


# --- glossary routing: Chinese licence words reach the English clauses -------------------------------------
@pytest.mark.parametrize("text,licence,section", [
    ("AGPL-3.0 对网络交互的用户有什么义务？", "AGPL-3.0", "§13"),
    ("LGPL-2.1 动态链接要满足什么？", "LGPL-2.1", "§6"),
    ("LGPL-3.0 的附加许可指什么", "LGPL-3.0", "§"),
    ("对贡献者提起专利诉讼后，Apache-2.0 的专利许可会怎样？", "Apache-2.0", "§3"),
])
def test_licence_words_route_to_the_clause(licence_assistant, text, licence, section):
    answer = ask(licence_assistant, text)
    assert answer.status == "answered"
    assert any(of_licence(s, licence) and s.section.startswith(section) for s in answer.sources[:3]), [(s.id, s.section) for s in answer.sources[:3]]


# --- the FAQ on building a compliance process ---------------------------------------------------------------
@pytest.mark.parametrize("text", ["怎么建立开源合规流程？", "How do I build an open source compliance process?"])
def test_a_compliance_process_question_reaches_iso_5230_clause_3(licence_assistant, text):
    answer = ask(licence_assistant, text)
    assert answer.status == "answered"
    body = answer.answer.lower()
    assert ("政策" in body or "policy" in body) and ("物料清单" in body or "bill of materials" in body)
    assert any("5230" in s.title and "3.1.1" in s.section for s in answer.sources[:3]), \
        [(s.title, s.section) for s in answer.sources[:3]]


def test_the_closest_faq_question_answers_only_when_it_holds_all_the_words(licence_assistant):
    """Ranked low by retrieval, a FAQ entry still answers when its question says all the question says;
    one sharing only some words does not (开源合规 alone is also the policy's subject)."""
    near = licence_assistant.retrieve("开源合规流程该如何建立")
    assert near.faq is not None and "5230" in near.faq.passage.extra["faq_source"]
    far = licence_assistant.retrieve("开源合规培训多久搞一次比较好")
    assert far.faq is None or "合规流程" not in far.faq.passage.extra["faq_question"]
