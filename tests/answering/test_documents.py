"""The document-metadata route answers questions about a document itself, and only those."""

from __future__ import annotations

import pytest

from bot.answering.documents import describe_document, document_aspects


@pytest.mark.parametrize("question,aspects", [
    ("这个行动计划是哪个部门发布的？", ["issuer"]),
    ("这个计划还有效吗？", ["status"]),
    ("这个计划的有效期到什么时候？", ["status"]),
    ("Is the plan still in force?", ["status"]),
    ("Where can I read the official text of the plan?", ["url"]),
    ("行动计划的文号是多少？", ["number"]),
    ("OpenChain 规范是什么时候发布的？", ["date"]),
])
def test_questions_about_the_document(question, aspects):
    assert document_aspects(question) == aspects


@pytest.mark.parametrize("question", [
    "OpenChain 规范要求合规计划的有效期至少多久？",
    "OpenChain 认证多久需要复审？",
    "How long must an OpenChain conformant program remain valid?",
    "ISO/IEC 5230 规范对开源政策有什么要求？",
    "这个政策必须满足什么条件才能申请？",
    "开源人才有什么住房补贴？",
])
def test_questions_about_the_content_go_to_retrieval(question):
    assert document_aspects(question) == []


def test_document_numbers_are_described():
    meta = {"title": "计划", "index_number": "012947218/2023-92996"}
    assert describe_document(meta, ["number"], "zh") == "《计划》索引号为 012947218/2023-92996。"
    assert describe_document(meta, ["number"], "en") == "“计划”: index number 012947218/2023-92996."
    assert describe_document({"title": "T"}, ["number"], "zh") == ""
