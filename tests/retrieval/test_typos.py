"""Pinyin typos are read as the documents' words; ordinary words, grammar and the documents' own text are not."""

from __future__ import annotations

import pytest
import yaml

from bot.retrieval.tokenize import tokenize
from bot.retrieval.typos import TypoCorrector
from bot.types import Passage
from tests.fakes import FakeCorpus
from tests.helpers import KNOWLEDGE, POLICY


@pytest.fixture(scope="module")
def corrector() -> TypoCorrector:
    """Over the action plan and its FAQ, as in the knowledge base."""
    paragraphs = [p for p in POLICY.read_text(encoding="utf-8").split("\n") if len(p) > 20]
    passages = [Passage(id=f"p{i}", text=p, doc_id="plan", title="行动计划", kind="policy",
                        extra={"tokens": " ".join(tokenize(p))}) for i, p in enumerate(paragraphs)]
    for i, entry in enumerate(yaml.safe_load((KNOWLEDGE / "faq" / "policy.yaml").read_text(encoding="utf-8"))):
        text = f"{entry['question']}\n{entry['answer']}"
        passages.append(Passage(id=f"f{i}", text=text, doc_id="faq", title="FAQ", kind="faq",
                                extra={"tokens": " ".join(tokenize(text))}))
    return TypoCorrector(FakeCorpus(passages))


@pytest.mark.parametrize(("typed", "meant"), [
    ("生太体系那块的目标是啥", "生态体系那块的目标是啥"),
    ("开原软件推广应用有啥政策", "开源软件推广应用有啥政策"),
    ("欧啦生态创新中心在南京搞吗", "欧拉生态创新中心在南京搞吗"),
    ("参与贯彪工作的企业有支持没", "参与贯标工作的企业有支持没"),
    ("开源人材培养模式是啥", "开源人才培养模式是啥"),
    ("开源人才住房补帖咋说", "开源人才住房补贴咋说"),
    ("开源企业挂牌上世有扶持吗", "开源企业挂牌上市有扶持吗"),
    ("研发费用加记扣除能用吗", "研发费用加计扣除能用吗"),
    ("大数剧方向的开源项目有支持没", "大数据方向的开源项目有支持没"),  # an item of a list (云原生、大数据、…)
])
def test_homophone_typos_become_the_documents_words(corrector, typed, meant):
    assert corrector.correct(typed).text == meant


@pytest.mark.parametrize("question", [
    "我是做开源的，孩子读书能安排不",      # 我是 sounds like 我市: grammar, not a slip
    "上世纪的开源运动",                    # 上世 inside 上世纪, a longer word
    "行动计划的目标是什么时间实现",        # 时间 / 实践: both common words
    "源创优品库是什么",                    # the documents' own text
    "今天天气怎么样",
])
def test_real_words_and_grammar_are_left_alone(corrector, question):
    correction = corrector.correct(question)
    assert correction.text == question and correction.fixes == ()


def test_long_texts_are_not_corrected(corrector):
    text = "生太" + "。" * 400
    assert corrector.correct(text).text == text
