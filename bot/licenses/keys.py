"""Loose keys for licence names: what "Apache License, Version 2.0", "apache 2" and "阿帕奇许可证 2.0" share.

`squash` lower-cases, shortens long family names ("GNU Lesser General Public" -> "lgpl"), drops fillers
("license", "version", "许可证", "第…版"), normalises versions ("v2" -> "2.0") and "or later" phrases.
`exact_key` is the strict variant (case and spaces only).
"""

from __future__ import annotations

import re
import unicodedata

from bot.text import CJK_CLASS, has_cjk

_CN_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "两": "2"}

# Long names -> short family tokens (applied to lower-cased text before squashing).
_FAMILY_PHRASES = [
    (r"gnu\s*affero\s*general\s*public", "agpl"),
    (r"affero\s*general\s*public", "agpl"),
    (r"gnu\s*affero\s*gpl", "agpl"),
    (r"affero\s*gpl", "agpl"),
    (r"gnu\s*affero\s*通用公共", "agpl"),
    (r"affero\s*通用公共", "agpl"),
    (r"gnu\s*(?:lesser|library)\s*general\s*public", "lgpl"),
    (r"(?:lesser|library)\s*general\s*public", "lgpl"),
    (r"gnu\s*(?:宽通用|较宽松通用|宽松通用|库通用)公共", "lgpl"),
    (r"(?:宽通用|较宽松通用|宽松通用|库通用)公共", "lgpl"),
    (r"gnu\s*general\s*public", "gpl"),
    (r"general\s*public\s*licen[cs]e", "gpl"),
    (r"gnu\s*通用公共", "gpl"),
    (r"通用公共", "gpl"),
    (r"gnu\s*free\s*documentation", "gfdl"),
    (r"mozilla\s*public", "mpl"),
    (r"eclipse\s*public", "epl"),
    (r"european\s*union\s*public", "eupl"),
    (r"common\s*development\s*and\s*distribution", "cddl"),
    (r"mulan\s*permissive\s*software", "mulanpsl"),
    (r"mulan\s*public", "mulanpubl"),
    (r"木兰\s*宽松", "mulanpsl"),
    (r"木兰\s*公共", "mulanpubl"),
    (r"mulan\s*psl", "mulanpsl"),
    (r"mulan\s*publ", "mulanpubl"),
    (r"阿帕奇", "apache"),
    (r"麻省理工", "mit"),
    (r"\bgnu\s+(?=[al]?gpl)", ""),
]
# a cheap substring that must be present before a phrase pattern is worth running
_TRIGGERS = ("affero", "general", "通用", "free", "mozilla", "eclipse", "european", "common", "mulan",
             "木兰", "阿帕奇", "麻省", "gnu")


def _trigger(pattern: str) -> str:
    return next((t for t in _TRIGGERS if t in pattern), "")


_FAMILY_COMPILED = [(re.compile(p), rep, _trigger(p)) for p, rep in _FAMILY_PHRASES]
LATER_PHRASE = re.compile(
    r"(?:\bor\s*(?:any\s*)?later(?:\s*versions?)?|\bor-later|\band\s*later|\bor\s*newer|"
    r"或(?:其)?(?:任何|任意)?(?:更高|更新|以后|后续|更晚)(?:的)?(?:版本)?|及(?:其)?(?:以后|更高|后续)(?:的)?(?:版本)?|以上版本)"
)
ONLY_PHRASE = re.compile(r"(?:\bonly\b|-only\b|仅限?)")
_FILLER = re.compile(
    r"\b(?:the|license|licence|licensed|version|ver|public)\b|许可证|许可协议|许可|协议|授权|版本|第|版"
)
_V_PREFIX = re.compile(r"(?<![a-z0-9])v\.?\s*(?=\d)")
_V_GLUED = re.compile(r"(?<=[a-z])v(?=\d)")
_NON_KEY = re.compile(rf"[^0-9a-z.+{CJK_CLASS}]")
_BARE_NUM = re.compile(r"(?<![\d.])(\d+)(?![\d.])")
_MULTI_LATER = re.compile(r"(orlater)+")
_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """A loose key: lower-case, long family names shortened, fillers dropped, versions normalised."""
    s = unicodedata.normalize("NFKC", text).lower().strip()
    s = s.replace("licence", "license")
    cjk = has_cjk(s)
    if cjk:
        for cn, d in _CN_NUM.items():
            if cn in s:
                s = re.sub(rf"第\s*{cn}\s*版", f" {d} ", s)
                s = re.sub(rf"{cn}\s*版", f" {d} ", s)
    for pat, rep, trig in _FAMILY_COMPILED:
        if trig in s:
            s = pat.sub(f" {rep} " if rep else " ", s)
    if "later" in s or "newer" in s or cjk:
        s = LATER_PHRASE.sub(" orlater ", s)
    s = _FILLER.sub(" ", s)
    s = _V_PREFIX.sub(" ", s)
    s = _V_GLUED.sub("", s)
    s = _NON_KEY.sub("", s)
    s = s.strip(".")
    s = _BARE_NUM.sub(r"\1.0", s)
    if "+" in s:
        s = s.replace("+", "orlater")
    if "orlaterorlater" in s:
        s = _MULTI_LATER.sub("orlater", s)
    return s


def exact_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower().strip().strip("`'\"“”‘’「」《》")
    return _SPACES.sub(" ", s)


def or_later_of(lid: str) -> str:
    m = re.match(r"^(.*?)(?:-only)?$", lid)
    return f"{m.group(1)}-or-later" if m else lid
