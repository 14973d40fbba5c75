"""Which licence-fact question a text asks, if any: "what is X", "what must I do with X", "does X grant
patents / trademarks", "X 和 Y 的区别", "can X be used commercially".

Conservative on purpose: a question that names a clause ("GPL-3.0 第7条"), asks for a definition, or asks
about something the facts do not cover ("What does GPL-3.0 say about DRM?") goes to retrieval, which
quotes the clause itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.retrieval.ranking import clause_mentions

IntentKind = Literal["compare", "summary", "aspects"]

_COMPARE = re.compile(r"区别|不同|差别|差异|对比|比较|异同|哪个(?:更|好)|\bvs\.?\b|versus|differ|difference|compare|comparison",
                      re.IGNORECASE)
_SUMMARY = re.compile(r"是什么(?:样的)?(?:许可证|协议|license|licence)?[？?。.!！]*$|^(?:什么是|介绍一下|请介绍)|什么样的(?:许可证|协议)|"
                      r"什么类型|哪(?:一)?(?:种|类)许可|属于(?:什么|哪)|"
                      r"^(?:what is|what's|tell me about|explain|describe)\b|what (?:kind|type) of licen", re.IGNORECASE)
_OBLIGATIONS = re.compile(r"义务|要做(?:什么|哪些)|需要做(?:什么|哪些)|要注意(?:什么|哪些)|注意事项|要满足|条件|要求有哪些|有(?:什么|哪些)要求|"
                          r"怎么(?:合规|遵守)|如何(?:合规|遵守)|obligation|condition|requirement|what (?:must|do|should) i do|"
                          r"what do i (?:need|have) to|comply", re.IGNORECASE)
_COMMERCIAL = re.compile(r"商用|商业(?:使用|用途|软件|产品)|闭源|专有|commercial|closed[- ]source|proprietary", re.IGNORECASE)
_DEFINITION = re.compile(r"定义|是指|指的是|\bdefin(?:e|ition)\b|\bmeans?\b|[“\"「][^”\"」]{2,40}[”\"」]", re.IGNORECASE)
# aspect -> the words that ask about it
ASPECT_WORDS: dict[str, re.Pattern[str]] = {
    "scope": re.compile(r"传染|copyleft|著佐权|互惠|感染|病毒|\bviral\b|how far|\bscope\b", re.IGNORECASE),
    "patents": re.compile(r"专利|patent", re.IGNORECASE),
    "trademarks": re.compile(r"商标|商号|trademark|trade ?name", re.IGNORECASE),
    "notice_file": re.compile(r"\bNOTICE\b"),
    "notices": re.compile(r"保留.{0,8}声明|哪些声明|版权声明|许可声明|\bkeep.{0,30}notices?\b|which notices|"
                          r"copyright notice", re.IGNORECASE),
    "changes": re.compile(r"(?:修改|改动|改过).{0,30}(?:标注|注明|标明|标记|说明|声明)|(?:标注|注明|标明)(?:修改|改动)|"
                          r"mark(?:ing)? (?:the )?(?:changes|modifications|modified)|modified files|state (?:the )?changes",
                          re.IGNORECASE),
    "network": re.compile(r"网络|SaaS|云服务|在线服务|服务器|远程|\bnetwork\b|\bremote(?:ly)?\b|\bserver\b|web service|"
                          r"online service", re.IGNORECASE),
    "language": re.compile(r"语言版本|中文版|英文版|中英文|以哪个|为准|governing language|language version|"
                           r"chinese (?:version|text)|english (?:version|text)|prevail", re.IGNORECASE),
    "endorsement": re.compile(r"背书|(?:名字|名义|姓名).{0,12}(?:宣传|推广)|(?:宣传|推广).{0,6}(?:名字|名义|姓名)|endorse|promote", re.IGNORECASE),
}
OBLIGATION_ASPECTS = ("scope", "notices", "licence_copy", "notice_file", "changes", "source", "network",
                      "endorsement")
COMMERCIAL_ASPECTS = ("scope", "source", "notices")
_FAMILY_WORD = re.compile(r"(?<![A-Za-z-])(A?GPL|LGPL|MPL|EPL)(?![A-Za-z0-9-]|\s*v?\d)", re.IGNORECASE)


@dataclass(frozen=True)
class FactsQuestion:
    kind: IntentKind
    licences: list[str]
    aspects: list[str] = field(default_factory=list)
    families: dict[str, str] = field(default_factory=dict)  # "GPL" -> "GPL-3.0-only" when read that way


def family_words(text: str) -> list[str]:
    """Bare family names without a version: "GPL 传染性…" -> ["GPL"]."""
    return [m.group(1).upper() for m in _FAMILY_WORD.finditer(text)]


def read_intent(text: str, licences: list[str], families: dict[str, str]) -> FactsQuestion | None:
    """The facts question in a text naming `licences` (SPDX ids, in order), or None for retrieval."""
    if not licences or clause_mentions(text) or _DEFINITION.search(text):
        return None
    if len(licences) >= 2:
        return FactsQuestion("compare", licences[:3], families=families) if _COMPARE.search(text) else None
    aspects = [name for name, pattern in ASPECT_WORDS.items() if pattern.search(text)]
    if "patents" in aspects:
        aspects.insert(aspects.index("patents") + 1, "retaliation")
    if not aspects and _OBLIGATIONS.search(text):  # "what must I do": all duties, unless it names one
        aspects = list(OBLIGATION_ASPECTS)
    elif not aspects and _COMMERCIAL.search(text):
        aspects = list(COMMERCIAL_ASPECTS)
    if aspects:
        return FactsQuestion("aspects", licences, aspects, families)
    if _SUMMARY.search(text.strip()):
        return FactsQuestion("summary", licences, [], families)
    return None
