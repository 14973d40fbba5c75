"""Retrieval and grounded answers over a small real index (real model, real Chroma)."""

from __future__ import annotations

import re

import pytest

from bot.answering.text import split_sentences
from bot.types import Question


def ask(assistant, text: str, **kw):
    return assistant.ask(Question(text=text, **kw))


def _normalise(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_hybrid_search_ranks_the_talent_clause_first(small_kb):
    hits = small_kb["searcher"].search("开源人才的住房补贴和个税减免", k=5)
    top = hits[0].passage
    assert top.section.endswith("（四）引培开源人才") or top.extra.get("faq_source", "").endswith("（四）引培开源人才")
    assert any(h.passage.section.endswith("（四）引培开源人才") for h in hits)
    assert hits[0].dense_score is not None and hits[0].bm25_score is not None


def test_k_does_not_reorder_the_head(small_kb):
    searcher = small_kb["searcher"]
    five = [h.passage.id for h in searcher.search("企业上市辅导", k=5)]
    ten = [h.passage.id for h in searcher.search("企业上市辅导", k=10)]
    assert ten[:5] == five


def test_exact_ids_match_through_bm25(small_kb):
    hits = small_kb["searcher"].search("GPL-3.0-only", k=3)
    assert hits[0].passage.doc_id == "licenses/texts/GPL-3.0-only.txt"


def test_answer_quotes_the_policy_with_citations_that_contain_the_quote(assistant):
    answer = ask(assistant, "我们公司想上市，市里有什么扶持？")
    assert answer.status == "answered" and answer.mode == "extractive"
    assert "上市" in answer.answer
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    assert cited and max(cited) <= len(answer.sources)
    # every quoted sentence is found in the source its marker points at
    for sentence, number in re.findall(r"([^\[\]]+?)\[(\d+)\]", answer.answer.split("\n")[0]):
        assert _normalise(sentence) in _normalise(answer.sources[int(number) - 1].text), (sentence, number)
    assert answer.sources[0].section.endswith("4.扶持开源软件企业挂牌上市")
    assert len(split_sentences(answer.answer.split("\n")[0])) <= 4


def test_faq_match_answers_directly_and_cites_the_clause(assistant):
    answer = ask(assistant, "开源人才能享受哪些住房方面的支持？")
    assert answer.status == "answered"
    assert "住房补贴" in answer.answer and answer.answer.count("[1]") == 1
    assert answer.sources[0].section == "三、保障措施 > （四）引培开源人才"
    assert answer.sources[0].kind == "policy"
    assert answer.sources[1].kind == "faq" and "住房" in answer.sources[1].text  # the entry, right after its clause


@pytest.mark.parametrize("question", ["南京明天会下雨吗？", "北京有什么补贴？", "上证指数今天收在多少点？",
                                      "Translate 'thank you' into Italian.", "从南京坐高铁去上海要多长时间？"])
def test_off_topic_questions_are_refused(assistant, question):
    answer = ask(assistant, question)
    assert answer.status == "no_answer" and answer.sources == []
    assert "知识库" in answer.answer or "knowledge base" in answer.answer


def test_english_question_answered_from_chinese_sources(assistant):
    answer = ask(assistant, "What housing support does the plan give to open-source talent?")
    assert answer.status == "answered"
    assert any("住房补贴" in s.text for s in answer.sources[:2])
    assert answer.answer.startswith("From the sources")


def test_expired_policy_is_flagged(assistant):
    answer = ask(assistant, "企业上市有什么绿色通道？")
    assert answer.sources[0].status == "expired"
    assert "实施期已届满" in answer.answer


def test_document_metadata_questions(assistant):
    answer = ask(assistant, "这个行动计划是哪个部门发布的？")
    assert answer.status == "answered" and "南京市工业和信息化局" in answer.answer
    answer = ask(assistant, "这个计划还有效吗？")
    assert "实施期" in answer.answer and "2025-12-31" in answer.answer
    answer = ask(assistant, "Where can I read the official text of the plan?")
    assert "https://gxj.nanjing.gov.cn/" in answer.answer


def test_licence_compatibility_goes_to_the_engine(assistant):
    answer = ask(assistant, "MIT 许可的代码可以放进 GPL-3.0-only 的项目吗？")
    assert answer.license_check is not None and answer.license_check.verdict == "compatible"
    assert answer.license_check.sources
    answer = ask(assistant, "May GPL-2.0-only code be used in a project I license under MIT?")
    assert answer.license_check.verdict == "incompatible"


def test_licence_text_questions_go_to_retrieval(assistant):
    answer = ask(assistant, "GPL-3.0 第7条讲什么？")
    assert answer.license_check is None
    assert answer.status == "answered"
    assert answer.sources[0].section.startswith("§7 Additional Terms")
    # the clause, then its own text again or the FAQ entry written about that clause
    assert all(s.section.startswith("§7") or (s.kind == "faq" and "第7条" in s.section) for s in answer.sources[:2])


@pytest.mark.parametrize("question,lang", [("帮我检查一下项目所有依赖的许可证", "zh"),
                                           ("Can you audit the licences of all our dependencies?", "en")])
def test_a_whole_project_audit_request_points_to_the_audit(assistant, question, lang):
    answer = assistant.ask(Question(text=question))
    assert answer.status == "answered" and "/audit" in answer.answer and answer.license_check is None
    assert ("SBOM" in answer.answer) and (("上传" in answer.answer) if lang == "zh" else ("upload" in answer.answer))


def test_a_pair_question_is_not_an_audit_request(assistant):
    answer = assistant.ask(Question(text="MIT 和 GPL-3.0-only 兼容吗？"))
    assert answer.license_check is not None and "/audit" not in answer.answer


@pytest.mark.parametrize("question", ["我在商业软件里用了 LGPL 的库，需要开源我的代码吗？",
                                      "Can I use an LGPL library in my closed-source product?"])
def test_a_licence_family_is_answered_per_version(assistant, question):
    answer = assistant.ask(Question(text=question))
    check = answer.license_check
    assert answer.status == "answered" and check is not None and check.family
    versions = {v.inbound for v in check.versions}
    assert {"LGPL-2.1-only", "LGPL-3.0-only"} <= versions
    assert all(v.verdict in ("compatible", "conditional", "incompatible", "unknown") for v in check.versions)
    assert "LGPL-2.1-only" in answer.answer and "LGPL-3.0-only" in answer.answer  # the per-version table
