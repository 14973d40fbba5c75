"""Which licence-fact question a text asks (no index needed)."""

from __future__ import annotations

import pytest

from bot.answering.licence_intents import OBLIGATION_ASPECTS, family_words, read_intent


def intent(text: str, *licences: str):
    return read_intent(text, list(licences), {})


@pytest.mark.parametrize("text,licences,aspects", [
    ("用木兰宽松许可证发布的代码，能不能用贡献者的商标？", ["MulanPSL-2.0"], ["trademarks"]),
    ("Does Apache-2.0 grant patent rights?", ["Apache-2.0"], ["patents", "retaliation"]),
    ("GPL 传染性是什么意思？", ["GPL-3.0-only"], ["scope"]),
    ("How far does the MPL-2.0 copyleft reach?", ["MPL-2.0"], ["scope"]),
    ("Apache 2.0 需要在 NOTICE 文件里写什么？", ["Apache-2.0"], ["notice_file"]),
    ("改动过 Apache-2.0 项目里的文件，要怎么标明改过？", ["Apache-2.0"], ["changes"]),
    ("能拿 BSD-3-Clause 项目贡献者的名义给我的产品做推广吗？", ["BSD-3-Clause"], ["endorsement"]),
    ("木兰宽松许可证中英文版本冲突时以哪个为准？", ["MulanPSL-2.0"], ["language"]),
    ("Must I share the source if I run AGPL-3.0 code as a network service?", ["AGPL-3.0-only"], ["network"]),
])
def test_aspect_questions(text, licences, aspects):
    found = intent(text, *licences)
    assert found is not None and found.kind == "aspects" and found.aspects == aspects


@pytest.mark.parametrize("text", ["使用 MIT 许可证的代码要履行哪些义务？", "Which conditions does the ISC licence attach to copies?",
                                  "What must I do when I distribute Apache-2.0 code?"])
def test_what_must_i_do_lists_every_duty(text):
    found = intent(text, "MIT")
    assert found is not None and found.aspects == list(OBLIGATION_ASPECTS)


@pytest.mark.parametrize("text", ["MPL-2.0 是什么许可证？", "什么是 EPL-2.0？", "What is the Apache-2.0 license?",
                                  "Tell me about the Unlicense"])
def test_what_is_questions(text):
    found = intent(text, "X")
    assert found is not None and found.kind == "summary"


@pytest.mark.parametrize("text", ["木兰宽松许可证和 Apache 2.0 有什么区别？", "MIT vs Apache-2.0",
                                  "What is the difference between GPL-2.0 and GPL-3.0?", "比较一下 MPL-2.0 和 EPL-2.0"])
def test_comparisons(text):
    found = intent(text, "A", "B")
    assert found is not None and found.kind == "compare" and found.licences == ["A", "B"]


@pytest.mark.parametrize("text,licences", [
    ("GPL-3.0 第7条讲什么？", ["GPL-3.0-only"]),                      # a named clause: the clause itself
    ("Apache-2.0 section 4(d) requires what?", ["Apache-2.0"]),
    ("Is GPL-3.0 software part of an effective technological measure?", ["GPL-3.0-only"]),  # not a fact on file
    ("按 GPL-2.0 发行软件拷贝，可以收钱吗？", ["GPL-2.0-only"]),
    ("GPL-3.0 对“传递”的定义是什么？", ["GPL-3.0-only"]),              # a definition
    ("LGPL-3.0 是建立在 GPL-3.0 之上的吗？", ["LGPL-3.0-only", "GPL-3.0-only"]),  # two licences, no comparison
    ("开源人才有什么住房补贴？", []),
])
def test_other_questions_go_to_retrieval(text, licences):
    assert intent(text, *licences) is None


def test_family_names_without_a_version():
    assert family_words("GPL 传染性是什么意思？LGPL 呢？AGPL") == ["GPL", "LGPL", "AGPL"]
    assert family_words("GPL-3.0 GPLv3 GPL 3 LGPL-2.1") == []
