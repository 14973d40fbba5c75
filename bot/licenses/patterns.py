"""The regular expressions that find licence names, roles and compatibility cues in free text.

Kept apart from `questions.py` so the reading logic stays short. Patterns are compiled once at import
(immutable); `CASE_SENSITIVE` operator chains only accept upper-case AND / OR / WITH.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.text import has_cjk

ATOM = r"[A-Za-z0-9][A-Za-z0-9.+\-]*"
VER = r"(?:,?\s*(?:v(?:ersion)?\.?\s*)?\d+(?:\.\d+)*\+?)"
LATER_EN = r"(?:\s*(?:-?only|(?:,?\s*or\s+(?:any\s+)?later(?:\s+version)?)|\+))?"
LATER_ZH = r"(?:\s*(?:或更高版本|或更新版本|及以后版本|或任何后续版本|或以后版本|及更高版本|或更高|及以上))?"
CN_VER = r"(?:\s*[,，]?\s*(?:第\s*[0-9一二三]+(?:\.\d)?\s*版|v\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*版?))?"

NAME_PATTERNS = [
    # expressions in backticks / quotes
    r"`[^`]{1,200}`",
    # parenthesised expressions with operators
    r"\((?:[^()]|\([^()]*\)){1,200}\)",
    # bare SPDX operator chains (upper-case operators)
    rf"{ATOM}(?:\s+(?:AND|OR|WITH)\s+(?:{ATOM}|\((?:[^()]|\([^()]*\))*\)))+",
    rf"\((?:[^()]|\([^()]*\))*\)(?:\s+(?:AND|OR)\s+(?:{ATOM}|\((?:[^()]|\([^()]*\))*\)))+",
    # English long names
    rf"(?:the\s+)?(?:GNU\s+)?(?:Affero\s+|Lesser\s+|Library\s+)?General\s+Public\s+Licen[cs]e{VER}?{LATER_EN}",
    rf"(?:GNU\s+)?(?:Affero\s+)?(?:A|L)?GPL\s*{VER}{LATER_EN}",
    rf"Apache(?:\s+Software)?(?:\s+Licen[cs]e)?{VER}?",
    rf"(?:Mozilla|Eclipse|European\s+Union)\s+Public\s+Licen[cs]e{VER}?",
    r"(?:MPL|EPL|EUPL|CDDL)\s*v?\s*\d+(?:\.\d+)?\+?",
    r"(?:new|modified|revised|simplified|original|free)\s*BSD(?:\s+licen[cs]e)?",
    r"BSD[\s-]*(?:\d|two|three|four|zero)[\s-]*clause(?:\s+licen[cs]e)?",
    r"(?:\d|two|three|four|zero)[\s-]*clause\s+BSD(?:\s+licen[cs]e)?",
    r"Mulan\s*(?:PSL|PubL)\s*(?:v\s*)?(?:\d(?:\.\d)?)?",
    r"Boost\s+Software\s+Licen[cs]e(?:\s*1\.0)?",
    r"(?:The\s+)?MIT\s+Licen[cs]e|ISC\s+Licen[cs]e|The\s+Unlicense|Creative\s+Commons\s+Zero",
    # Chinese names
    rf"(?:GNU\s*)?(?:Affero\s*)?(?:宽通用|较宽松通用|宽松通用|库通用)?通用公共许可证?{CN_VER}{LATER_ZH}",
    rf"木兰(?:宽松|公共)(?:许可证|许可|协议)?{CN_VER}",
    r"阿帕奇\s*(?:许可证|协议)?\s*(?:v?\s*\d+(?:\.\d+)?)?",
]
CASE_SENSITIVE = {2, 3}  # operator chains: only upper-case AND/OR/WITH outside parentheses
# A pattern runs only if, for each of its word groups, one word of the group occurs in the lower-cased
# text (None: look for the upper-case operators in the text as it is): scanning 2,000 characters with
# every pattern is what costs.
NAME_TRIGGERS: list[tuple[tuple[str, ...], ...] | None] = [
    (("`",),), (("(",),), None, None, (("general",), ("public",)), (("gpl",),), (("apache",),),
    (("public",), ("mozilla", "eclipse", "european")), (("mpl", "epl", "eupl", "cddl"),),
    (("bsd",), ("new", "modified", "revised", "simplified", "original", "free")), (("bsd",), ("clause",)),
    (("bsd",), ("clause",)), (("mulan",),), (("boost",), ("software",)), (("licen", "commons"),),
    (("通用公共",),), (("木兰",),), (("阿帕奇",),),
]
OPERATOR_WORDS = ("AND", "OR", "WITH")
PROPRIETARY_TRIGGERS = ("闭源", "专有", "私有", "商业", "商用", "closed", "proprietary", "saas", "commercial")
NAME_RES = [
    re.compile(p) if k in CASE_SENSITIVE else re.compile(p, re.IGNORECASE)
    for k, p in enumerate(NAME_PATTERNS)
]
ATOM_RE = re.compile(r"(?<![A-Za-z0-9.+\-])[A-Za-z0-9][A-Za-z0-9.+\-]*(?![A-Za-z0-9+\-])")
ATOM_SUFFIX = re.compile(r"-(?:licen[cs]ed|based|style|compatible|only-licensed)$", re.IGNORECASE)
ATOM_LOWER_OK = {"unlicense", "zlib", "apache", "wtfpl", "cc0", "mit", "expat", "mpl", "agpl", "lgpl", "gpl", "bsd"}
ATOM_STOP = {
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

PROPRIETARY_RE = re.compile(
    r"(?:商业)?闭源(?:的)?(?:商业|商用)?(?:软件|项目|产品|程序|代码|应用|系统)?|专有软件|私有软件|商业软件|商用软件|商业产品|商用产品|"
    r"商用|商业用途|商业使用|"
    r"(?:a\s+|my\s+|our\s+)?(?:closed[\s-]?source|proprietary)(?:\s+commercial)?(?:\s+(?:software|product|application|app|project|program|codebase|code|firmware|binary))?|"
    r"(?:a\s+|my\s+|our\s+)?saas(?:\s+(?:product|service|application|app|platform|offering))?|saas\s*(?:产品|服务|平台|应用)|"
    r"(?:a\s+|my\s+|our\s+)?commercial(?:ly)?(?:\s+closed[\s-]?source)?(?:\s+(?:software|product|application|app|project|program|codebase|use|binary|firmware))?",
    re.IGNORECASE,
)

# "用了 LGPL 的库，我的代码要开源吗？" / "do I have to open-source my code?": asking whether one's own code must
# be opened presumes it is meant to stay closed, so the question is read as "<licence> -> proprietary" (only
# when exactly one licence is named: with two, they are the pair); it is also the question's cue
MUST_OPEN_MINE = re.compile(
    r"(?:要不要|需不需要|用不用|是否(?:需要|必须|要)?|需要|必须|要|得|会被要求|会被迫|被迫|强制)\s*(?:把|将)?\s*"
    r"(?:我的|我们的|自己的|公司的|整个|全部|所有)?\s*(?:代码|源码|源代码|项目|产品|软件|程序|应用)?\s*(?:也|都)?\s*"
    r"(?:一起|跟着)?\s*开源(?:出来|出去)?\s*(?:吗|么|嘛|呢|\?|？|$)|"
    r"(?:需要|必须|要|得|被迫|强制)\s*(?:把|将)?\s*开源\s*(?:我的|我们的|自己的|公司的)\s*(?:代码|源码|源代码|项目|产品|软件|程序)|"
    r"(?:have|need|must|required|forced|obliged)\s+to\s+(?:open[\s-]?source|release|publish|disclose|share)\s+"
    r"(?:the\s+source\s+(?:code\s+)?of\s+)?(?:my|our)\s+(?:own\s+)?(?:code|source(?:\s+code)?|project|app|"
    r"application|software|product|program)",
    re.IGNORECASE,
)

PROJECT_WORDS = (
    r"(?:项目|工程|程序|软件|产品|作品|应用|系统|仓库|代码库|固件|project|program|programme|product|application|app\b|"
    r"codebase|code\s+base|software|work\b|repo\b|repository|firmware|distribution|saas|service|服务|平台)"
)
CODE_WORDS = (
    r"(?:代码|源码|源代码|库|类库|组件|依赖|模块|包|插件|框架|片段|文件|code|library|libraries|lib\b|dependency|dependencies|"
    r"component|module|package|crate|gem|plugin|framework|snippet|files?\b|source)"
)
# the same words found anywhere (not at a word's tail: "lib" in "glib"; "open source" is no code), for the
# follow-up rewriter's "What if the library is LGPL-2.1?" (the new licence is the code's) vs
# "那 GPL-2.0 项目呢？" (the project's)
CODE_WORD = re.compile(rf"(?<![a-z])(?<!open )(?<!open-){CODE_WORDS}", re.IGNORECASE)
PROJECT_WORD = re.compile(rf"(?<![a-z]){PROJECT_WORDS}", re.IGNORECASE)
LIC_GLUE = r"\s*(?:-?licen[cs]ed|-based|licen[cs]e[sd]?)?\s*(?:的|下的|许可的|授权的|协议的|许可证的|开源的|许可下的)?\s*"
PROJ_AFTER = re.compile(rf"^{LIC_GLUE}{PROJECT_WORDS}", re.IGNORECASE)
CODE_AFTER = re.compile(rf"^{LIC_GLUE}{CODE_WORDS}", re.IGNORECASE)
PROJ_BEFORE = re.compile(
    rf"{PROJECT_WORDS}\s*(?:is|are|uses|using|under|licen[cs]ed\s+under|released\s+under|distributed\s+under|是|采用|使用|用的是|基于|为|以|用|遵循|选择了|选的是)?"
    r"\s*(?:the\s+)?(?:licen[cs]e\s+)?[:：]?\s*$",
    re.IGNORECASE,
)
CODE_BEFORE = re.compile(
    rf"{CODE_WORDS}\s*(?:is|are|under|licen[cs]ed\s+under|released\s+under|distributed\s+under|是|采用|使用|基于|遵循)?\s*(?:the\s+)?[:：]?\s*$",
    re.IGNORECASE,
)
INTO_BEFORE = re.compile(
    r"(?:\binto\b|\bin\b|\binside\b|\bwithin\b|\bwith\b|\bunder\b|\bto\b|放进|放入|放到|用在|用于|用到|引入到|纳入|集成到|加入|合并到|并入|嵌入|到|进)"
    r"\s*(?:a|an|the|my|our|your|this|their|一个|我的|我们的|我们|我|自己的)?\s*$",
    re.IGNORECASE,
)

# Cues are checked with word sets and literal substrings, not one big case-insensitive alternation: on a
# 2,000-character text the regex took ~1 ms, the word-set check takes a few microseconds per word.
_WORD = re.compile(r"[a-z]+")
_CUE_ZH = re.compile(
    r"兼容|用在|用于|用到|放进|放入|放到|引入|纳入|集成|嵌入|链接|混用|合并|结合|并入|能用|可以用|能否|可否|能不能|可不可以|允许|"
    r"可以(?:把|将|在|放|加|拿)|能(?:把|将|在|放|加|拿)|使用|调用|依赖|包含|打包|分发|商用|复制|移植|引用|可以吗|行吗|行不行|可行|是否可以|[里中内]用|用一个|用了|"
    r"一起用|一起使用|混合使用|共用|搭配|同时使用"
)
_CUE_WORDS = frozenset({
    "use", "uses", "used", "using", "include", "includes", "included", "including", "ship", "shipping", "bundle",
    "bundling", "combine", "combined", "combining", "link", "linked", "linking", "incorporate", "incorporating",
    "embed", "embedding", "put", "go", "goes", "mix", "mixing", "depend", "depends", "import", "vendor", "allowed",
    "permitted", "allow", "distribute", "distributing", "copy", "copying", "merge", "merging", "add", "adding",
    "pull", "together",
})
_STRONG_ZH = re.compile(r"兼容|用在|放进|放入|放到|引入|纳入|并入|混用")
_STRONG_EN = re.compile(
    r"\b(?:in|into|inside)\s+(?:a|an|my|our|the|this)?\s*\S*\s*(?:project|program|product|app|application|codebase|software)"
)
_STRONG_EN_WORDS = ("project", "program", "product", "app", "codebase", "software")
_NEGATIVE_ZH = re.compile(r"哪个|哪一个|区别|不同|差异|对比|比较|讲什么|什么意思|含义|要求什么|规定了什么|有什么要求|是什么")
_NEGATIVE_WORDS = frozenset({"difference", "differ", "differs", "differences", "different", "versus", "meaning", "mean",
                             "vs", "differently"})


def _words(low: str) -> list[str]:
    return _WORD.findall(low)


def has_cue(text: str, low: str) -> bool:
    """Words that say something is used / combined / allowed ("用在", "compatible", "include" ...)."""
    if "compatib" in low or "relicen" in low:
        return True
    if has_cjk(text) and _CUE_ZH.search(text):
        return True
    return not _CUE_WORDS.isdisjoint(_words(low))


def has_strong_cue(text: str, low: str) -> bool:
    """A cue that makes the text a compatibility question even next to "what is" ("... in my project")."""
    if "compatib" in low or (has_cjk(text) and _STRONG_ZH.search(text)):
        return True
    return any(w in low for w in _STRONG_EN_WORDS) and _STRONG_EN.search(low) is not None


def has_negative(text: str, low: str) -> bool:
    """Questions about differences or meanings ("哪个好", "what does X mean", "A vs B")."""
    if has_cjk(text) and _NEGATIVE_ZH.search(text):
        return True
    words = _words(low)
    if not _NEGATIVE_WORDS.isdisjoint(words) or any(w.startswith("differ") for w in words):
        return True
    for a, b in pairwise(words):
        if (a == "which" and (b in ("one", "is", "should") or b.startswith("licen"))) or (
            a == "what" and b in ("does", "is")
        ):
            return True
    return False


CLOSED = re.compile(r"闭源|专有|私有|closed|proprietary", re.IGNORECASE)
JOINED = re.compile(r"^\s*(?:and|&|和|与|及|跟|以及|同|,|，|、)\s*$", re.IGNORECASE)
USE_PATTERNS = [
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
COMMAND = re.compile(
    r"^\s*(?:/license|/licence|/许可证|/兼容|license|licence|许可证|兼容性)\s+(.+)$",
    re.IGNORECASE | re.DOTALL,
)
