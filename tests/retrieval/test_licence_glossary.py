"""Licence vocabulary across languages, used only for licensing questions."""

from __future__ import annotations

from bot.retrieval.glossary import query_groups
from bot.retrieval.licence_glossary import licence_equivalents


def terms(question: str) -> dict[str, frozenset[str]]:
    return dict(query_groups(question))


def all_terms(question: str) -> frozenset[str]:
    return frozenset().union(*terms(question).values())


def test_chinese_licence_terms_reach_the_english_texts():
    groups = terms("GPL 传染性是什么意思？")
    assert {"copyleft", "entire", "whole"} <= groups["传染性"]
    assert {"technological", "measure", "circumvention"} <= all_terms("GPL-3.0 对技术措施有什么规定")
    assert {"corresponding", "source"} <= all_terms("GPL 的对应源代码包括什么")
    assert {"endorse", "promote"} <= all_terms("BSD-3-Clause 能用作者的名字宣传吗")
    assert "fee" in all_terms("GPL-2.0 允许收费吗")
    assert {"public", "domain"} <= all_terms("Unlicense 把版权放进公共领域了吗")
    assert {"patent", "litigation"} <= all_terms("Apache-2.0 的专利报复条款")


def test_english_questions_reach_the_chinese_texts():
    assert "商标" in terms("Does MulanPSL-2.0 grant a trademark licence?")["trademark"]
    assert "技术措施" in terms("What does GPL-3.0 say about DRM?")["drm"]


def test_policy_questions_are_left_alone():
    """Everyday words in the licence glossary (名字, 费用, 宣传) do not change how policy questions are read."""
    assert licence_equivalents("办展会的场地费用有补贴吗？", ["办", "展会", "场地", "费用", "补贴"]) == {}
    assert terms("开源文化宣传有什么活动？")["宣传"] == frozenset({"宣传"})


def test_derivative_work_additional_permissions_and_network_interaction():
    assert {"derivative", "based"} <= all_terms("改了 GPL-2.0 的代码，算衍生作品吗？")
    assert {"additional", "permissions"} <= all_terms("LGPL-3.0 给了哪些附加许可")
    assert {"remote", "network", "interaction"} <= all_terms("AGPL-3.0 里网络交互的用户能拿到源码吗")


def test_static_and_dynamic_linking():
    assert {"static", "statically", "combined"} <= all_terms("静态链接 LGPL-2.1 的库有什么要求")
    assert {"dynamic", "shared", "library"} <= all_terms("动态链接 LGPL 库算不算组合")
    assert "static" not in all_terms("动态链接 LGPL 库算不算组合")  # the two are different concepts


def test_litigation_reaches_the_patent_termination_clauses():
    """诉讼 on its own (起诉, 提起诉讼) maps to the texts' "litigation", as 专利诉讼终止 does."""
    assert "litigation" in terms("对贡献者发起诉讼后 Apache-2.0 的专利许可还有效吗")["诉讼"]
    assert {"patent", "litigation", "terminate"} <= all_terms("MulanPSL-2.0 专利诉讼终止")
    assert "litigation" in all_terms("起诉别人专利侵权，Apache-2.0 的授权会失效吗")
    assert licence_equivalents("这个案子诉讼要多久", ["这个", "案子", "诉讼", "要", "多久"]) == {}  # no licence: left alone
