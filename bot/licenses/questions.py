"""Detect licence-compatibility questions in free text (Chinese and English).

`parse_license_question("MIT 的代码能用在 GPL-3.0-only 项目里吗？")` ->
`LicenseQuery(inbound="MIT", outbound="GPL-3.0-only", use=None)`; questions that are not about
compatibility ("MIT 许可证要求什么？", "GPL-3.0 第7条讲什么？") give None.

How: find licence mentions (SPDX expressions, ids, common English/Chinese names, "closed source"),
keep the longest non-overlapping ones, require a compatibility cue, then decide roles from the words
around each mention: the thing used / put into / 用在 / 放进 (code, library, dependency) is inbound;
the project / program / product (or what follows "in", "into", "with", "用在") is outbound.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import LicenseError
from bot.licenses import wording
from bot.licenses.names import PROPRIETARY
from bot.types import LicenseMention, LicenseQuery

if TYPE_CHECKING:  # pragma: no cover
    from bot.licenses.expression import ExpressionParser
    from bot.ports import LicenseAdvisor


@dataclass
class _Mention:
    start: int
    end: int
    value: str  # canonical expression / id


_ATOM = r"[A-Za-z0-9][A-Za-z0-9.+\-]*"
_VER = r"(?:,?\s*(?:v(?:ersion)?\.?\s*)?\d+(?:\.\d+)*\+?)"
_LATER_EN = r"(?:\s*(?:-?only|(?:,?\s*or\s+(?:any\s+)?later(?:\s+version)?)|\+))?"
_LATER_ZH = r"(?:\s*(?:或更高版本|或更新版本|及以后版本|或任何后续版本|或以后版本|及更高版本|或更高|及以上))?"
_CN_VER = r"(?:\s*[,，]?\s*(?:第\s*[0-9一二三]+(?:\.\d)?\s*版|v\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*版?))?"

_NAME_PATTERNS = [
    # expressions in backticks / quotes
    r"`[^`]{1,200}`",
    # parenthesised expressions with operators
    r"\((?:[^()]|\([^()]*\)){1,200}\)",
    # bare SPDX operator chains (upper-case operators)
    rf"{_ATOM}(?:\s+(?:AND|OR|WITH)\s+(?:{_ATOM}|\((?:[^()]|\([^()]*\))*\)))+",
    rf"\((?:[^()]|\([^()]*\))*\)(?:\s+(?:AND|OR)\s+(?:{_ATOM}|\((?:[^()]|\([^()]*\))*\)))+",
    # English long names
    rf"(?:the\s+)?(?:GNU\s+)?(?:Affero\s+|Lesser\s+|Library\s+)?General\s+Public\s+Licen[cs]e{_VER}?{_LATER_EN}",
    rf"(?:GNU\s+)?(?:A|L)?GPL\s*{_VER}{_LATER_EN}",
    r"(?:GNU\s+)?(?:Affero\s+)?(?:A|L)?GPL\s*v?\d+(?:\.\d+)?\+?(?:\s*(?:-?only|or\s+later))?",
    rf"Apache(?:\s+Software)?(?:\s+Licen[cs]e)?{_VER}?",
    rf"(?:Mozilla|Eclipse|European\s+Union)\s+Public\s+Licen[cs]e{_VER}?",
    r"(?:MPL|EPL|EUPL|CDDL|AGPL|LGPL|GPL)\s*v?\s*\d+(?:\.\d+)?\+?",
    r"(?:new|modified|revised|simplified|original|free)\s*BSD(?:\s+licen[cs]e)?",
    r"BSD[\s-]*(?:\d|two|three|four|zero)[\s-]*clause(?:\s+licen[cs]e)?",
    r"(?:\d|two|three|four|zero)[\s-]*clause\s+BSD(?:\s+licen[cs]e)?",
    r"Mulan\s*(?:PSL|PubL)\s*(?:v\s*)?(?:\d(?:\.\d)?)?",
    r"Boost\s+Software\s+Licen[cs]e(?:\s*1\.0)?",
    r"(?:The\s+)?MIT\s+Licen[cs]e|ISC\s+Licen[cs]e|The\s+Unlicense|Creative\s+Commons\s+Zero",
    # Chinese names
    rf"(?:GNU\s*)?(?:Affero\s*)?(?:宽通用|较宽松通用|宽松通用|库通用)?通用公共许可证?{_CN_VER}{_LATER_ZH}",
    rf"木兰(?:宽松|公共)(?:许可证|许可|协议)?{_CN_VER}",
    r"阿帕奇\s*(?:许可证|协议)?\s*(?:v?\s*\d+(?:\.\d+)?)?",
]
_CASE_SENSITIVE = {2, 3}  # operator chains: only upper-case AND/OR/WITH outside parentheses
_NAME_RES = [
    re.compile(p) if k in _CASE_SENSITIVE else re.compile(p, re.IGNORECASE)
    for k, p in enumerate(_NAME_PATTERNS)
]
_ATOM_RE = re.compile(r"(?<![A-Za-z0-9.+\-])[A-Za-z0-9][A-Za-z0-9.+\-]*(?![A-Za-z0-9+\-])")
_ATOM_SUFFIX = re.compile(r"-(?:licen[cs]ed|based|style|compatible|only-licensed)$", re.IGNORECASE)
_ATOM_LOWER_OK = {"unlicense", "zlib", "apache", "wtfpl", "cc0", "mit", "expat", "mpl", "agpl", "lgpl", "gpl"}
_ATOM_STOP = {
    "JSON",
    "NOTICE",
    "COPYING",
    "README",
    "LICENSE",
    "PHP",
    "CC",
    "OSI",
    "FSF",
    "SPDX",
    "SAAS",
    "API",
    "SDK",
    "AND",
    "OR",
    "WITH",
    "FAQ",
    "OK",
    "IT",
    "I",
    "A",
    "AN",
    "IS",
    "CAN",
    "MY",
    "ZPL",
    "BSL",
}

_PROPRIETARY_RE = re.compile(
    r"(?:商业)?闭源(?:的)?(?:商业|商用)?(?:软件|项目|产品|程序|代码|应用|系统)?|专有软件|私有软件|商业软件|商用软件|商业产品|商用产品|"
    r"商用|商业用途|商业使用|"
    r"(?:a\s+|my\s+|our\s+)?(?:closed[\s-]?source|proprietary)(?:\s+commercial)?(?:\s+(?:software|product|application|app|project|program|codebase|code|firmware|binary))?|"
    r"(?:a\s+|my\s+|our\s+)?saas(?:\s+(?:product|service|application|app|platform|offering))?|saas\s*(?:产品|服务|平台|应用)|"
    r"(?:a\s+|my\s+|our\s+)?commercial(?:ly)?(?:\s+closed[\s-]?source)?(?:\s+(?:software|product|application|app|project|program|codebase|use|binary|firmware))?",
    re.IGNORECASE,
)

_PROJECT_WORDS = (
    r"(?:项目|工程|程序|软件|产品|作品|应用|系统|仓库|代码库|固件|project|program|programme|product|application|app\b|"
    r"codebase|code\s+base|software|work\b|repo\b|repository|firmware|distribution|saas|service|服务|平台)"
)
_CODE_WORDS = (
    r"(?:代码|源码|源代码|库|类库|组件|依赖|模块|包|插件|框架|片段|文件|code|library|libraries|lib\b|dependency|dependencies|"
    r"component|module|package|crate|gem|plugin|framework|snippet|files?\b|source)"
)
_LIC_GLUE = r"\s*(?:-?licen[cs]ed|-based|licen[cs]e[sd]?)?\s*(?:的|下的|许可的|授权的|协议的|许可证的|开源的|许可下的)?\s*"
_PROJ_AFTER = re.compile(rf"^{_LIC_GLUE}{_PROJECT_WORDS}", re.IGNORECASE)
_CODE_AFTER = re.compile(rf"^{_LIC_GLUE}{_CODE_WORDS}", re.IGNORECASE)
_PROJ_BEFORE = re.compile(
    rf"{_PROJECT_WORDS}\s*(?:is|are|uses|using|under|licen[cs]ed\s+under|released\s+under|distributed\s+under|是|采用|使用|用的是|基于|为|以|用|遵循|选择了|选的是)?"
    r"\s*(?:the\s+)?(?:licen[cs]e\s+)?[:：]?\s*$",
    re.IGNORECASE,
)
_CODE_BEFORE = re.compile(
    rf"{_CODE_WORDS}\s*(?:is|are|under|licen[cs]ed\s+under|released\s+under|distributed\s+under|是|采用|使用|基于|遵循)?\s*(?:the\s+)?[:：]?\s*$",
    re.IGNORECASE,
)
_INTO_BEFORE = re.compile(
    r"(?:\binto\b|\bin\b|\binside\b|\bwithin\b|\bwith\b|\bunder\b|\bto\b|放进|放入|放到|用在|用于|用到|引入到|纳入|集成到|加入|合并到|并入|嵌入|到|进)"
    r"\s*(?:a|an|the|my|our|your|this|their|一个|我的|我们的|我们|我|自己的)?\s*$",
    re.IGNORECASE,
)

_CUE = re.compile(
    r"compatib|兼容|用在|用于|用到|放进|放入|放到|引入|纳入|集成|嵌入|链接|混用|合并|结合|并入|能用|可以用|能否|可否|能不能|可不可以|允许|"
    r"可以(?:把|将|在|放|加|拿)|能(?:把|将|在|放|加|拿)|使用|调用|依赖|包含|打包|分发|商用|复制|移植|引用|可以吗|行吗|行不行|可行|是否可以|[里中内]用|用一个|用了|"
    r"\b(?:use|uses|used|using|include|includes|included|including|ship|shipping|bundle|bundling|combine|combined|combining|"
    r"link|linked|linking|incorporate|incorporating|embed|embedding|put|go|goes|mix|mixing|depend|depends|import|vendor|"
    r"allowed|permitted|allow|distribute|distributing|copy|copying|merge|merging|add|adding|pull|together)\b|"
    r"\brelicen[cs]\w*|一起用|一起使用|混合使用|共用|搭配|同时使用",
    re.IGNORECASE,
)
_STRONG_CUE = re.compile(
    r"compatib|兼容|用在|放进|放入|放到|引入|纳入|并入|混用|\b(?:in|into|inside)\s+(?:a|an|my|our|the|this)?\s*\S*\s*"
    r"(?:project|program|product|app|application|codebase|software)",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"which\s+(?:one|is|should|licen)|哪个|哪一个|区别|不同|差异|difference|differ|\bvs\.?\b|versus|对比|比较|"
    r"what\s+does|what\s+is|mean\b|meaning|讲什么|什么意思|含义|要求什么|规定了什么|有什么要求|是什么",
    re.IGNORECASE,
)
_CLOSED = re.compile(r"闭源|专有|私有|closed|proprietary", re.IGNORECASE)
_JOINED = re.compile(r"^\s*(?:and|&|和|与|及|跟|以及|同|,|，|、)\s*$", re.IGNORECASE)
_USE_PATTERNS = [
    (
        "saas",
        re.compile(
            r"saas|as\s+a\s+service|over\s+(?:a|the)\s+network|web\s+service|网络服务|云服务|在线服务|服务端|后端服务|server[\s-]side|hosted|托管",
            re.IGNORECASE,
        ),
    ),
    ("static", re.compile(r"static(?:ally)?\s*link|静态链接|静态库", re.IGNORECASE)),
    (
        "dynamic",
        re.compile(
            r"dynamic(?:ally)?\s*link|动态链接|动态库|shared\s+librar|共享库|\.so\b|\bdll\b", re.IGNORECASE
        ),
    ),
    ("binary", re.compile(r"\bbinar(?:y|ies)\b|二进制", re.IGNORECASE)),
]
_COMMAND = re.compile(
    r"^\s*(?:/license|/licence|/许可证|/兼容|license|licence|许可证|兼容性)\s+(.+)$",
    re.IGNORECASE | re.DOTALL,
)


_VERSIONLESS = re.compile(
    r"(?<![A-Za-z0-9.+\-])(?:GNU\s+)?(?:GPL|LGPL|BSD|GFDL)(?![A-Za-z0-9.+\-])", re.IGNORECASE
)


def _detect_use(text: str) -> str | None:
    for name, rx in _USE_PATTERNS:
        if rx.search(text):
            return name
    return None


def _role_score(text: str, m: _Mention) -> int:
    """> 0 looks like the project (outbound), < 0 like the code being used (inbound)."""
    if m.value == PROPRIETARY:
        return 5
    after = text[m.end : m.end + 40]
    before = text[max(0, m.start - 40) : m.start]
    score = 0
    if _PROJ_AFTER.search(after):
        score += 3
    if _CODE_AFTER.search(after):
        score -= 3
    if _CODE_BEFORE.search(before):
        score -= 2
    elif _PROJ_BEFORE.search(before):
        score += 2
    elif _INTO_BEFORE.search(before):
        score += 1
    return score


def _dedupe_mentions(mentions: list[_Mention], text: str) -> list[_Mention]:
    # the same licence mentioned twice in a row ("MIT (MIT)") counts once
    uniq: list[_Mention] = []
    for m in mentions:
        if uniq and uniq[-1].value == m.value and m.start - uniq[-1].end <= 3:
            continue
        uniq.append(m)
    # "my Apache-2.0 SaaS" / "MIT 商业软件": a licence right before a product word names the product's licence
    kept: list[_Mention] = []
    for m in uniq:
        if (
            m.value == PROPRIETARY
            and kept
            and kept[-1].value != PROPRIETARY
            and m.start - kept[-1].end <= 2
            and not _CLOSED.search(text[m.start : m.end])
        ):
            continue
        kept.append(m)
    return kept


class QuestionReader:
    """Finds licence mentions and compatibility questions in free text, with one engine's names."""

    def __init__(self, parser: ExpressionParser):
        self.parser = parser

    def _canon(self, text: str) -> str | None:
        parsed = self.parser.try_parse(text)
        return None if parsed is None else str(parsed.node)

    # ------------------------------------------------------------------ mentions
    def find_mentions(self, text: str) -> list[LicenseMention]:
        """The licences a text names (SPDX ids, expressions, common names, "closed source"), in order."""
        t = unicodedata.normalize("NFKC", text)
        return [LicenseMention(m.start, m.end, m.value) for m in self._mentions(t)]

    def _mentions(self, text: str) -> list[_Mention]:
        spans: list[_Mention] = []
        for rx in _NAME_RES:
            for m in rx.finditer(text):
                inner = m.group(0).strip().strip("`").strip()
                inner_try = inner[1:-1] if inner.startswith("(") and inner.endswith(")") else inner
                value = self._canon(inner) or self._canon(inner_try)
                if value is not None:
                    spans.append(_Mention(m.start(), m.end(), value))
        for m in _ATOM_RE.finditer(text):
            raw = _ATOM_SUFFIX.sub("", m.group(0).rstrip(".-"))
            if not raw or raw.upper() in _ATOM_STOP:
                continue
            if not (re.search(r"[\d\-]", raw) or (raw.isupper() and len(raw) >= 2) or raw.lower() in _ATOM_LOWER_OK):
                continue
            value = self._canon(raw)
            if value is not None:
                spans.append(_Mention(m.start(), m.start() + len(raw), value))
        for m in _PROPRIETARY_RE.finditer(text):
            if m.group(0).strip():
                spans.append(_Mention(m.start(), m.end(), PROPRIETARY))
        # longest first, no overlaps
        spans.sort(key=lambda s: (-(s.end - s.start), s.start))
        chosen: list[_Mention] = []
        for s in spans:
            if all(s.end <= c.start or s.start >= c.end for c in chosen):
                chosen.append(s)
        chosen.sort(key=lambda s: s.start)
        return chosen

    # ------------------------------------------------------------------ questions
    def parse_question(self, text: str) -> LicenseQuery | None:
        """A compatibility question -> LicenseQuery(inbound, outbound, use); anything else -> None.

        Raises LicenseError (with suggestions) only for a compatibility question whose second licence is
        named without a version ("GPL 的代码能用在 MIT 项目里吗？"), instead of guessing the version."""
        if not text or not isinstance(text, str) or len(text) > 2000:
            return None
        t = unicodedata.normalize("NFKC", text).strip()
        use = _detect_use(t)
        cmd = _COMMAND.match(t)
        if cmd:
            q = self._parse_command(cmd.group(1).strip().rstrip("?？"))
            if q is not None:
                return LicenseQuery(q.inbound, q.outbound, q.use or use)
        mentions = _dedupe_mentions(self._mentions(t), t)
        if len(mentions) < 2:
            self._raise_if_versionless(t, mentions)
            return None
        if not _CUE.search(t) and not _STRONG_CUE.search(t):
            return None
        if _NEGATIVE.search(t) and not _STRONG_CUE.search(t):
            return None
        return self._roles(t, mentions, use)

    def _roles(self, t: str, mentions: list[_Mention], use: str | None) -> LicenseQuery | None:
        scores = [_role_score(t, m) for m in mentions]
        if len(mentions) == 2:
            a, b = mentions
            if _JOINED.match(t[a.end : b.start]) and a.value != PROPRIETARY and b.value != PROPRIETARY:
                # "A and B code" / "A 和 B 兼容吗": the words around describe both; keep the sentence order
                scores = [0, 0]
            inbound, outbound = (b, a) if scores[0] > scores[1] else (a, b)
            return LicenseQuery(inbound=inbound.value, outbound=outbound.value, use=use)
        # outbound: the most project-like mention (ties: the later one); inbound: the rest, all needed (AND)
        best = max(range(len(mentions)), key=lambda k: (scores[k], k))
        outbound = mentions[best]
        rest: list[str] = []
        for k, m in enumerate(mentions):
            if k != best and m.value not in rest and m.value != outbound.value:
                rest.append(m.value)
        if not rest:
            return None
        inbound_value = " AND ".join(f"({v})" if " OR " in v or " AND " in v else v for v in rest)
        if len(rest) > 1:
            canon = self._canon(inbound_value)
            if canon is None:
                return None
            inbound_value = canon
        return LicenseQuery(inbound=inbound_value, outbound=outbound.value, use=use)

    def _parse_command(self, body: str) -> LicenseQuery | None:
        use = None
        m = re.search(r"(?:--use[=\s]+|use=)(\w+)", body)
        if m:
            use = m.group(1).lower()
            body = body[: m.start()] + body[m.end() :]
            if use not in ("binary", "saas", "static", "dynamic"):
                use = None
        try:
            tokens = shlex.split(body.replace("`", '"'))
        except ValueError:
            tokens = body.split()
        if len(tokens) < 2 or len(tokens) > 30:
            return None
        if any(" " in t for t in tokens) and len(tokens) == 2:
            a, b = self._canon(tokens[0]), self._canon(tokens[1])
            return LicenseQuery(a, b, use) if a and b else None
        for k in range(len(tokens) - 1, 0, -1):
            b = self._canon(" ".join(tokens[k:]))
            if not b:
                continue
            a = self._canon(" ".join(tokens[:k]))
            if a:
                return LicenseQuery(a, b, use)
        return None

    def _raise_if_versionless(self, t: str, mentions: list[_Mention]) -> None:
        """A compatibility question naming "GPL" / "BSD" without a version: ask which one instead of guessing."""
        if len(mentions) != 1 or not (_CUE.search(t) or _STRONG_CUE.search(t)) or _NEGATIVE.search(t):
            return
        m = mentions[0]
        for amb in _VERSIONLESS.finditer(t):
            if amb.end() <= m.start or amb.start() >= m.end:
                word = amb.group(0)
                raise LicenseError(wording.error("versionless", word=word),
                                   self.parser.catalog.suggestions(word))


def parse_license_question(text: str, engine: LicenseAdvisor) -> LicenseQuery | None:
    """`engine.parse_question(text)`, for callers that hold an engine."""
    return engine.parse_question(text)


def find_mentions(text: str, engine: LicenseAdvisor) -> list[LicenseMention]:
    """`engine.find_mentions(text)`, for callers that hold an engine."""
    return engine.find_mentions(text)


__all__ = ["LicenseQuery", "QuestionReader", "find_mentions", "parse_license_question"]
