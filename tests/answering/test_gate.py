"""The relevance gate's cheap signals and its model, without the embedding model (bot/answering/gate.py)."""

from __future__ import annotations

import pytest

from bot.answering.gate import ANSWER_AT, SUGGEST_AT, WEIGHTS, Relevance, runs_an_errand


@pytest.mark.parametrize("question", [
    "社保断缴了怎么补交",                        # a procedure, no object of the plan
    "居住证去哪办",
    "公积金提取需要什么材料",
    "南京买房有啥限购",                          # a personal matter
    "How do I register my car here?",
    "求推荐一款开源的截图工具",                    # a recommendation, whatever it names
    "Can you recommend an open source password manager?",
    "开源项目怎么涨 star",                        # one's own popularity
])
def test_a_residents_errand_is_recognised(question):
    assert runs_an_errand(question)


@pytest.mark.parametrize("question", [
    "开源人才的住房补贴怎么申请",                  # the same procedure about the plan's object
    "开源企业上市绿色通道怎么办理",
    "开源软件怎么进推荐目录",                      # 推荐目录 is the plan's catalogue, not a recommendation
    "两个许可证能不能一起用，怎么查",                # a licence question
    "版权声明列得很长，怎么办",                     # 怎么办 is "what now", not a procedure
    "How many star open source projects will the city grow?",
])
def test_the_plans_own_matters_are_no_errand(question):
    assert not runs_an_errand(question)


def test_an_errand_lowers_the_score_and_every_signal_is_weighted():
    plain = Relevance(dense=0.5, coverage=0.8, faq=0.5)
    errand = Relevance(dense=0.5, coverage=0.8, faq=0.5, errand=True)
    assert errand.score < plain.score
    assert set(plain.signals()) == set(WEIGHTS)
    assert 0 < SUGGEST_AT < ANSWER_AT < 1
