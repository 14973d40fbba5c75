"""Follow-up understanding without an LLM: turn "那企业上市呢？" into a question that stands alone.

`rewrite_followup(question, history, find_licences)` returns the standalone question, or None when the
question stands alone (or there is no history). Only general patterns are used:

* cues: Chinese 那/那么/还有/另外/如果是 … openings, 呢 / 还有吗 endings, 也…吗, pronouns 这个/该/它/上述;
  English "what about", "how about", "same for", "also", "too", "as well", "is that", pronouns it/this/that;
* short questions without a domain marker of their own (开源, 南京, a licence, OpenChain …) that either
  have no subject ("有住房补贴吗？", "Is there a housing subsidy?") or ask about an attribute
  (条件, 流程, 标准, deadline, requirements …).

Rewrites:

* licence turn + a new licence ("Is that also true for GPL-3.0?", "那 GPL-3.0 呢？", "What if the library
  is LGPL-2.1?") -> a compatibility question with the new licence as outbound, or as inbound when the
  follow-up talks about code/library/dependency/库/代码, in the language of the follow-up. Licences are
  found by the licence engine's own mention finder (`LicenseAdvisor.find_mentions`), and code vs project
  by its own words (`bot.licenses.patterns.CODE_WORD` / `PROJECT_WORD`): one home for both;
* "what about X" / "那X呢？" -> the previous question with its subject replaced by X, keeping the shared
  context ("开源人才有什么支持政策？" + "那企业上市呢？" -> "开源 企业上市 有什么支持政策？");
* otherwise the previous topic is carried over ("有住房补贴吗？" -> "开源人才 有住房补贴吗？"); only the
  shared context (开源 …) when the question names its own subject and asks for policies itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.licenses.patterns import CODE_WORD, PROJECT_WORD
from bot.retrieval.tokenize import tokenize
from bot.text import CJK_CLASS, has_cjk, question_language
from bot.types import MAX_QUESTION_CHARS, PROPRIETARY, LicenseMention, Turn

LicenceFinder = Callable[[str], list[LicenseMention]]


def _no_licences(text: str) -> list[LicenseMention]:
    return []


def _licences_only(find: LicenceFinder) -> LicenceFinder:
    """Licences by name only: "closed source" or "SaaS" is a use, not a new licence to compare with."""
    return lambda text: [m for m in find(text) if m.expression != PROPRIETARY]


# words that carry no topic: question words, connectors, generic policy vocabulary
GENERIC = frozenset(
    ["什么", "哪些", "哪个", "哪里", "怎么", "怎样", "怎么样", "如何", "多少", "是否", "有没有", "有无", "没有", "吗", "呢", "吧", "请问", "一下", "介绍", "能否", "可否", "可以", "能够", "支持", "扶持", "政策", "措施", "规定", "相关", "具体", "内容", "情况", "方面", "问题", "其他", "另外", "还有", "那么", "这个", "这些", "这项", "那个", "该", "它", "它们", "上述", "以上", "此", "也", "还", "都", "又", "再", "有", "是", "哪", "几", "多", "呀", "啊", "么", "什么样", "时候", "一样", "同样", "如果", "的话", "是不是", "有关", "关于", "给予", "提供", "享受", "获得", "对于", "what", "which", "who", "whom", "how", "when", "where", "why", "is", "are", "was", "were", "do", "does", "did", "can", "could", "would", "should", "will", "shall", "may", "might", "there", "any", "about", "also", "too", "same", "as", "well", "policy", "policies", "support", "supported", "supports", "measure", "measures", "available", "offer", "offers", "offered", "provide", "provides", "provided", "get", "got", "give", "given", "there's", "what's", "how's", "it", "its", "this", "that", "these", "those", "they", "them", "their", "tell", "me", "us", "please", "know", "info", "information", "regarding", "related", "and", "or", "but", "so", "if", "then", "the", "a", "an", "of", "for", "to", "in", "on", "at", "with", "by", "from", "be", "been", "being", "any", "some", "more", "other", "else"]
)

# shared context: kept when the subject changes
CONTEXT = ("开源软件", "开源", "南京市", "南京", "open-source", "opensource", "open", "source", "nanjing")

# terms that make a question self-sufficient in this domain
DOMAIN = re.compile(
    r"开源|南京|许可证|许可协议|协议|行动计划|三年|openchain|spdx|reuse|iso|5230|18974|licen[cs]e|"
    r"open[\s-]?source|nanjing|copyleft|gpl|mit\b|apache|bsd|mpl|木兰",
    re.IGNORECASE,
)

# attributes of a topic: a short question about one of them refers to the previous topic
ATTRIBUTE = re.compile(
    r"条件|标准|流程|程序|材料|期限|截止|时间|日期|金额|额度|比例|上限|对象|范围|方式|渠道|途径|部门|窗口|电话|联系|"
    r"名额|资格|门槛|有效期|办理|申请|认定|评审|多久|多长|哪里|几年|多少钱|"
    r"\b(?:requirements?|criteria|eligib\w*|deadline|apply|application|process|procedure|documents?|amount|"
    r"how much|how long|when|where|who can|contact|limit|cap|duration|period|qualif\w*)\b",
    re.IGNORECASE,
)

# a complete "what policies / support" predicate of its own
COMPLETE = re.compile(
    r"(?:有|有什么|有哪些|哪些|什么)[^？?]{0,4}(?:政策|措施|支持|扶持|优惠|奖励|规定)|"
    r"\b(?:what|which)\b[^?]{0,20}\b(?:support|policies|policy|measures|incentives|rules|subsid\w*)\b",
    re.IGNORECASE,
)

# strong cues: always a follow-up
_STRONG_ZH = re.compile(
    r"^(?:那|那么|那如果|那要是|还有|另外|此外|如果是|要是|换成|改成|换作|对于|至于)|"
    r"呢\s*[？?！!。.]*\s*$|还有吗|还有其他|还有别的|也.{0,20}吗|也.{0,20}呢|同样|一样吗|是否也"
)
_STRONG_EN = re.compile(
    r"^\s*(?:and|but|so|also|then)\b|\bwhat about\b|\bhow about\b|\bsame (?:for|with|goes)\b|\balso\b|"
    r"\btoo\s*[?.!]*\s*$|\bas well\b|\b(?:is|does|would|will|could) (?:that|this|it|the same)\b|"
    r"\bwhat if\b|\band for\b|\binstead\b",
    re.IGNORECASE,
)
# weak cues: a follow-up only when the question has no domain marker of its own
_WEAK_ZH = re.compile(f"这个|这项|这些|这条|该(?=[{CJK_CLASS}])|它|上述|以上|此项|前面|刚才|上面")
_WEAK_EN = re.compile(r"\b(?:it|its|this|that|these|those|they|them|above)\b", re.IGNORECASE)

# a question that starts with its predicate has no subject ("有住房补贴吗", "Is there …", "How do I …")
_SUBJECTLESS = re.compile(
    r"^(?:请问)?\s*(?:有|有没有|是否有|是否|能不能|能否|可以|可不可以|需要|需不需要|要|怎么|怎样|如何|多少|多久|哪里|什么时候|谁|在哪)|"
    r"^\s*(?:is there|are there|do i|do we|do you|can i|can we|how do|how can|how much|how long|how to|"
    r"when|where|who|is it|are they|does it|do they|what are the|what is the)\b",
    re.IGNORECASE,
)

# "what about X" / "那X呢" -> X
_ELLIPSIS_ZH = re.compile(
    r"^(?:那么|那|还有|另外|至于|对于|如果是|要是)?\s*(?P<x>[^，,。？?！!呢吗]{1,30}?)\s*(?:的话)?\s*(?:呢|怎么样|如何|又如何)\s*[？?！!。.]*\s*$"
)
_ELLIPSIS_EN = re.compile(
    r"^\s*(?:and\s+)?(?:what about|how about|same for|same goes for|and for|and)\s+(?P<x>.+?)\s*[?.!]*\s*$", re.IGNORECASE
)

_LEAD_ZH = re.compile(r"^(?:那么|那(?![些个里])|至于)\s*[，,]?\s*")
_LEAD_EN = re.compile(r"^\s*(?:and|but|so|also|then)\b\s*,?\s*", re.IGNORECASE)
_PRONOUN_ZH = re.compile(r"^(?:这个|这项|这些|该|它的|它|上述的?|此项)")
_PRONOUN_EN = re.compile(r"\b(?:this policy|that policy|it|this|that|they|these|those)\b", re.IGNORECASE)

# licence follow-ups: the code and project words are the licence engine's (bot.licenses.patterns)
_ABOUT_LICENCE = re.compile(
    r"要求|义务|条款|第\s*\d+\s*条|是什么|什么意思|全文|允许|禁止|区别|\b(?:require\w*|obligations?|clause|"
    r"section|mean|permit\w*|differen\w*|text of|what is|what does)\b",
    re.IGNORECASE,
)




def topic_terms(text: str) -> list[str]:
    """Content terms of a question in order of appearance, longest forms only (高层次人才 over 人才)."""
    terms: list[str] = []
    pieces: list[str] = []
    for token in tokenize(text):
        t = token.strip().lower()
        for c in CONTEXT:  # 开源人才 -> 开源 + 人才, so the shared context survives a change of subject
            if has_cjk(c) and t.startswith(c) and len(t) - len(c) >= 2:
                pieces.extend([c, t[len(c):]])
                break
        else:
            pieces.append(t)
    for t in pieces:
        if not t or t in GENERIC or len(t) < 2 and not has_cjk(t) or t.isdigit() and len(t) < 3:
            continue
        if len(t) == 1:  # single Chinese characters carry no topic
            continue
        if t not in terms:
            terms.append(t)
    kept = [t for t in terms if not any(t != o and t in o for o in terms)]
    low = text.lower()
    kept.sort(key=lambda t: low.find(t) if low.find(t) >= 0 else len(low))
    return kept


def _is_context(term: str) -> bool:
    return term in CONTEXT


def _short(text: str) -> bool:
    if has_cjk(text):
        return len(re.sub(r"[\s\W]", "", text)) <= 18
    return len(re.findall(r"[A-Za-z0-9][\w.+\-]*", text)) <= 10


def _join(terms: list[str], lang: str) -> str:
    return "".join(terms) if lang == "zh" and all(has_cjk(t) for t in terms) else " ".join(terms)



def _strong_cue(q: str) -> bool:
    return bool(_STRONG_ZH.search(q) if has_cjk(q) else _STRONG_EN.search(q)) or bool(_STRONG_EN.search(q))


def _weak_cue(q: str) -> bool:
    return bool(_WEAK_ZH.search(q) or _WEAK_EN.search(q))




def rewrite_followup(question: str, history: list[Turn], find_licences: LicenceFinder | None = None) -> str | None:
    """A standalone question for a follow-up, or None when `question` stands alone (or there is no history)."""
    if not history or not question or not question.strip() or len(question) > MAX_QUESTION_CHARS:
        return None
    q = re.sub(r"\s+", " ", question.strip())
    find = _licences_only(find_licences) if find_licences else _no_licences
    prev = history[-1]
    strong, weak = _strong_cue(q), _weak_cue(q)

    if prev.license:
        rewritten = _licence_followup(q, prev.license, find, strong or weak)
        if rewritten:
            return rewritten

    if find(q):  # names a licence of its own: not a policy follow-up
        return None
    own_domain = bool(DOMAIN.search(q))
    if strong or weak and not own_domain or _short(q) and not own_domain and (_SUBJECTLESS.search(q) or ATTRIBUTE.search(q)):
        pass
    else:
        return None

    prev_terms = prev.topic_terms or topic_terms(prev.standalone)
    if not prev_terms:
        return None
    own = topic_terms(q)
    if own and all(t in own for t in prev_terms):
        return None  # already carries the whole previous topic

    lang = question_language(q)
    x = _ellipsis(q)
    if x:
        return _replace_subject(prev.standalone, prev_terms, x, lang)
    return _carry_over(q, prev_terms, own, lang)


def _ellipsis(q: str) -> str | None:
    """The new subject of "what about X" / "那X呢？", when that is all the question says."""
    m = (_ELLIPSIS_ZH if has_cjk(q) else _ELLIPSIS_EN).match(q)
    if not m:
        return None
    x = m.group("x").strip(" ，,。.、")
    x = re.sub(r"^(?:the|a|an)\s+", "", x, flags=re.IGNORECASE)
    if not x or _SUBJECTLESS.search(x) or len(x) > 40:
        return None
    x_terms = [t for t in topic_terms(x) if not _is_context(t)]
    return x if x_terms else None


def _replace_subject(prev_q: str, prev_terms: list[str], x: str, lang: str) -> str:
    """The previous question with its first run of subject terms replaced by x."""
    low = prev_q.lower()
    subject = [t for t in prev_terms if not _is_context(t)]
    spans = sorted((low.find(t), low.find(t) + len(t)) for t in subject if low.find(t) >= 0)
    if not spans:
        return f"{x} {prev_q}".strip()
    start, end = spans[0]
    for s, e in spans[1:]:  # extend over adjacent subject terms ("高层次 人才", "listed companies")
        gap = prev_q[end:s]
        if s <= end or re.fullmatch(r"\s*(?:的|和|与|及|and|or|-)?\s*", gap):
            end = max(end, e)
        else:
            break
    x_low = x.lower()
    if lang == "zh" or has_cjk(prev_q):
        before = prev_q[:start].rstrip()
        # context terms right before the subject stay only when x does not repeat them
        if before and any(before.lower().endswith(c) and c in x_low for c in CONTEXT):
            before = ""
        out = f"{before} {x} {prev_q[end:].lstrip()}"
    else:
        out = f"{prev_q[:start]}{x}{prev_q[end:]}"
    return re.sub(r"\s+", " ", out).strip()


def _carry_over(q: str, prev_terms: list[str], own: list[str], lang: str) -> str:
    own_subject = [t for t in own if not _is_context(t) and not ATTRIBUTE.fullmatch(t)]
    if own_subject and COMPLETE.search(q):
        carried = [t for t in prev_terms if _is_context(t)]  # a new subject: share only the context
    else:
        carried = list(prev_terms)
    carried = [t for t in carried if t not in own and t not in q.lower()]
    if not carried:
        return q
    phrase = _join(carried, lang)
    if lang == "zh":
        body = _LEAD_ZH.sub("", q)
        body = _PRONOUN_ZH.sub("", body).lstrip("，, ")
        return f"{phrase} {body}".strip()
    body = _LEAD_EN.sub("", q)
    body = body[:1].upper() + body[1:]
    if _PRONOUN_EN.search(body):
        return _PRONOUN_EN.sub(phrase, body, count=1)
    stem = body.rstrip(" ?.!")
    end = "?" if body.rstrip().endswith("?") else ""
    return f"{stem} for {phrase}{end}"


def _licence_followup(q: str, pair: tuple[str, str], find: LicenceFinder, cue: bool) -> str | None:
    mentions = find(q)
    values = list(dict.fromkeys(m.expression for m in mentions))
    if len(values) != 1:
        return None  # none, or a full question of its own
    mention = next(m for m in mentions if m.expression == values[0])
    start, end, lic = mention.start, mention.end, mention.expression
    if _ABOUT_LICENCE.search(q[:start] + " " + q[end:]):
        return None  # "What does GPL-3.0 require?" is about the licence, not the pair
    rest = re.sub(r"[\s\W_]+", "", q[:start] + q[end:], flags=re.UNICODE)
    bare = len(rest) <= 6  # "GPL-3.0?", "那 MIT 呢？", "And MIT?"
    if not (cue or bare):
        return None
    inbound, outbound = pair
    after, before = q[end : end + 16], q[max(0, start - 16) : start]
    if CODE_WORD.search(after) and not PROJECT_WORD.match(after.strip()):
        as_inbound = not PROJECT_WORD.search(after[: (CODE_WORD.search(after).start())])
    elif PROJECT_WORD.search(after):
        as_inbound = False
    elif CODE_WORD.search(before):
        as_inbound = True
    else:
        as_inbound = bool(CODE_WORD.search(q)) and not PROJECT_WORD.search(q)
    if as_inbound:
        inbound = lic
    else:
        outbound = lic
    return compatibility_question(inbound, outbound, question_language(q))


def compatibility_question(inbound: str, outbound: str, lang: str) -> str:
    """The canonical wording the licence question parser understands."""
    inbound, outbound = (f"({v})" if " " in v else v for v in (inbound, outbound))
    if lang == "zh":
        if outbound == "proprietary":
            return f"{inbound} 的代码能用在闭源商业项目里吗？"
        return f"{inbound} 的代码能用在 {outbound} 项目里吗？"
    if outbound == "proprietary":
        return f"Can I use {inbound} code in a proprietary closed-source project?"
    article = "an" if outbound[:1].upper() in "AEIOU" else "a"
    return f"Can I use {inbound} code in {article} {outbound} project?"
