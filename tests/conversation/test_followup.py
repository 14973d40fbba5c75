"""The extractive-mode follow-up rewriter: general cues, policy topics carried over, licence follow-ups."""

from __future__ import annotations

import pytest

from bot.conversation import compatibility_question, rewrite_followup, topic_terms
from bot.licenses.engine import LicenseEngine
from bot.resources import license_data_dir, license_texts_dir
from bot.types import Turn

ENGINE = LicenseEngine(license_data_dir(), license_texts_dir())
find = ENGINE.find_mentions  # the licence engine's own mention finder, as in production


def turn(q: str, license=None, standalone=None) -> Turn:
    s = standalone or q
    return Turn(question=q, standalone=s, topic_terms=topic_terms(s), license=license)


TALENT_ZH = turn("开源人才有什么支持政策？")
TALENT_EN = turn("What support is there for open-source talent?")
LICENCE = turn("Can I use MPL-2.0 code in a GPL-3.0 project?", license=("MPL-2.0", "GPL-3.0-only"))


def test_no_history_no_rewrite():
    assert rewrite_followup("那企业上市呢？", [], find) is None
    assert rewrite_followup("", [TALENT_ZH], find) is None


def test_topic_terms_split_shared_context():
    assert topic_terms("开源人才有什么支持政策？") == ["开源", "人才"]
    assert "talent" in topic_terms("What support is there for open-source talent?")


# --- policy: a new subject keeps the shared context ---------------------------------------------

@pytest.mark.parametrize("q", ["那企业上市呢？", "那么企业上市呢？", "企业上市呢？", "那企业上市呢", "至于企业上市呢？",
                               "那企业上市的话呢？"])
def test_zh_new_subject(q):
    out = rewrite_followup(q, [TALENT_ZH], find)
    assert out is not None and "企业上市" in out and "开源" in out and "人才" not in out
    assert "政策" in out


@pytest.mark.parametrize("q", ["What about listed companies?", "How about listed companies?", "And listed companies?",
                               "what about listed companies", "Same for listed companies?"])
def test_en_new_subject(q):
    out = rewrite_followup(q, [TALENT_EN], find)
    assert out is not None and "listed companies" in out and "open-source" in out and "talent" not in out


@pytest.mark.parametrize("q", ["那高校呢？", "那么社区呢？", "那开源社区呢？"])
def test_zh_other_new_subjects(q):
    out = rewrite_followup(q, [TALENT_ZH], find)
    assert out and "人才" not in out and out.count("开源") == 1


# --- policy: a question without a subject carries the previous topic ---------------------------

@pytest.mark.parametrize("q", ["有住房补贴吗？", "有没有住房补贴？", "是否有住房补贴？", "那有住房补贴吗？",
                               "这个政策有住房补贴吗？", "它有住房补贴吗？", "上述政策包括住房补贴吗？",
                               "也有住房补贴吗？", "还有住房补贴吗？"])
def test_zh_carry_topic(q):
    out = rewrite_followup(q, [TALENT_ZH], find)
    assert out is not None and out.startswith("开源人才") and "住房补贴" in out


@pytest.mark.parametrize("q", ["申请条件是什么？", "申请流程是怎样的？", "怎么申请？", "需要什么材料？", "截止时间是什么时候？",
                               "补贴标准是多少？", "还有其他的吗？", "还有吗？", "该政策的有效期是多久？"])
def test_zh_attribute_questions(q):
    out = rewrite_followup(q, [TALENT_ZH], find)
    assert out is not None and "人才" in out and "开源" in out


@pytest.mark.parametrize("q", ["Is there a housing subsidy?", "Are there housing subsidies?", "Is there also a housing subsidy?",
                               "Does it include a housing subsidy?", "Does this policy include a housing subsidy?",
                               "How do I apply?", "What are the requirements?", "When is the deadline?",
                               "Is that also available for startups?", "Does it cover universities too?"])
def test_en_carry_topic(q):
    out = rewrite_followup(q, [TALENT_EN], find)
    assert out is not None and "talent" in out and "open-source" in out


def test_own_subject_with_own_predicate_gets_context_only():
    out = rewrite_followup("企业上市有什么扶持政策？", [TALENT_ZH], find)
    assert out is None or ("人才" not in out and "企业上市" in out)


# --- standalone questions are left alone ---------------------------------------------------------

@pytest.mark.parametrize("q", [
    "今天天气怎么样？", "OpenChain 是什么？", "开源人才有什么支持政策？", "南京开源企业上市有什么奖励？",
    "MIT 许可证要求什么？", "SPDX 是什么标准？", "What is OpenChain?", "What's the weather today?",
    "What does the Nanjing open source action plan say about listed companies?",
    "Can I use Apache-2.0 code in a GPL-2.0 project?", "ISO/IEC 5230 的要求有哪些？",
    "What is OpenChain and how do I adopt it?",
])
def test_standalone_after_policy_turn(q):
    assert rewrite_followup(q, [TALENT_ZH], find) is None
    assert rewrite_followup(q, [TALENT_EN], find) is None


# --- licence follow-ups --------------------------------------------------------------------------

@pytest.mark.parametrize("q,expected", [
    ("Is that also true for GPL-2.0?", "Can I use MPL-2.0 code in a GPL-2.0-only project?"),
    ("What about Apache-2.0?", "Can I use MPL-2.0 code in an Apache-2.0 project?"),
    ("How about GPL v2?", "Can I use MPL-2.0 code in a GPLv2 project?"),  # a family: answered per version
    ("And for an Apache-2.0 project?", "Can I use MPL-2.0 code in an Apache-2.0 project?"),
    ("Does that also hold for AGPL-3.0?", "Can I use MPL-2.0 code in an AGPL-3.0-only project?"),
    ("Is it the same for MIT?", "Can I use MPL-2.0 code in a MIT project?"),
    ("GPL-2.0?", "Can I use MPL-2.0 code in a GPL-2.0-only project?"),
    ("What if the library is LGPL-2.1?", "Can I use LGPL-2.1-only code in a GPL-3.0-only project?"),
    ("What about an Apache-2.0 library?", "Can I use Apache-2.0 code in a GPL-3.0-only project?"),
    ("Same for BSD-3-Clause code?", "Can I use BSD-3-Clause code in a GPL-3.0-only project?"),
    ("And if the dependency is under MIT?", "Can I use MIT code in a GPL-3.0-only project?"),
    ("那 GPL-2.0 呢？", "MPL-2.0 的代码能用在 GPL-2.0-only 项目里吗？"),
    ("那GPL-2.0呢", "MPL-2.0 的代码能用在 GPL-2.0-only 项目里吗？"),
    ("如果项目是 Apache-2.0 呢？", "MPL-2.0 的代码能用在 Apache-2.0 项目里吗？"),
    ("换成 AGPL-3.0 项目也可以吗？", "MPL-2.0 的代码能用在 AGPL-3.0-only 项目里吗？"),
    ("那如果是 LGPL-2.1 的库呢？", "LGPL-2.1-only 的代码能用在 GPL-3.0-only 项目里吗？"),
    ("BSD-2-Clause 的代码呢？", "BSD-2-Clause 的代码能用在 GPL-3.0-only 项目里吗？"),
    ("那木兰宽松许可证呢？", "MPL-2.0 的代码能用在 MulanPSL-2.0 项目里吗？"),
])
def test_licence_followups(q, expected):
    assert rewrite_followup(q, [LICENCE], find) == expected


@pytest.mark.parametrize("q", [
    "What does GPL-3.0 require?", "GPL-3.0 的义务有哪些？", "Can I use MIT code in a GPL-2.0 project?",
    "MIT 的代码能用在 Apache-2.0 项目里吗？", "What is the difference between MIT and Apache-2.0?",
    "GPL-3.0 第7条讲什么？",
])
def test_licence_questions_that_stand_alone(q):
    assert rewrite_followup(q, [LICENCE], find) is None


def test_licence_follow_up_uses_the_last_turn_only():
    history = [LICENCE, TALENT_ZH]
    assert rewrite_followup("那 Apache-2.0 呢？", history, find) is None
    history = [TALENT_ZH, LICENCE]
    assert rewrite_followup("那 Apache-2.0 呢？", history, find) == "MPL-2.0 的代码能用在 Apache-2.0 项目里吗？"


def test_licence_pronoun_question_without_licence_is_not_rewritten_to_licences():
    out = rewrite_followup("What about SaaS?", [LICENCE], find)
    assert out is None or "Can I use" not in out


def test_mentions_come_from_the_licence_engine():
    assert [(m.expression, m.family) for m in find("What about GPL v3?")] == [("GPLv3", True)]
    assert [m.expression for m in find("What about GPL-3.0?")] == ["GPL-3.0-only"]
    assert [m.expression for m in find("And Apache-2.0?")] == ["Apache-2.0"]
    assert find("Is there a housing subsidy?") == []


def test_compatibility_question_forms():
    assert compatibility_question("MIT", "MIT OR Apache-2.0", "en") == "Can I use MIT code in a (MIT OR Apache-2.0) project?"
    assert compatibility_question("MIT", "proprietary", "zh") == "MIT 的代码能用在闭源商业项目里吗？"


def test_rewrites_parse_with_the_real_licence_parser():
    for q, (inbound, outbound) in [
        ("Is that also true for GPL-2.0?", ("MPL-2.0", "GPL-2.0-only")),
        ("What about Apache-2.0?", ("MPL-2.0", "Apache-2.0")),
        ("那如果是 LGPL-2.1 的库呢？", ("LGPL-2.1-only", "GPL-3.0-only")),
    ]:
        parsed = ENGINE.parse_question(rewrite_followup(q, [LICENCE], find))
        assert (parsed.inbound, parsed.outbound) == (inbound, outbound)


def test_names_people_type():
    assert rewrite_followup("What about GPL-2.0?", [LICENCE], find) == "Can I use MPL-2.0 code in a GPL-2.0-only project?"
    family = rewrite_followup("What about GPL v2?", [LICENCE], find)
    assert family == "Can I use MPL-2.0 code in a GPLv2 project?"
    query = ENGINE.parse_question(family)
    check = ENGINE.check(query.inbound, query.outbound)
    assert check.family and {v.outbound for v in check.versions} >= {"GPL-2.0-only", "GPL-2.0-or-later"}
    assert rewrite_followup("那 Apache 2.0 的库呢？", [LICENCE], find) == "Apache-2.0 的代码能用在 GPL-3.0-only 项目里吗？"
    assert rewrite_followup("有住房补贴吗？", [TALENT_ZH], find) == "开源人才 有住房补贴吗？"



@pytest.mark.parametrize(("q", "expected"), [
    ("那 MIT 的框架呢？", "MIT 的代码能用在 GPL-3.0-only 项目里吗？"),  # 框架 is a code word of the licence engine
    ("And a MIT framework?", "Can I use MIT code in a GPL-3.0-only project?"),
    ("What about open source MIT?", "Can I use MPL-2.0 code in a MIT project?"),  # "open source" is no code
])
def test_licence_followups_use_the_licence_engines_code_and_project_words(q, expected):
    assert rewrite_followup(q, [LICENCE], find) == expected
