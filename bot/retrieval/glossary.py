"""The question side of the domain vocabulary: English -> Chinese terms, everyday words -> document terms.

English questions must match the Chinese policy text in BM25, and colloquial ones ("上市能走快点吗",
"想办个黑客松") the plan's own words (绿色通道, 大赛). A general vocabulary of the domain, not tied to any
question: the English word list below, and the everyday phrases in `vocabulary.yaml` (data, loaded once).
Dense retrieval is cross-lingual already; this helps the lexical channel and the relevance gate's coverage.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from bot.retrieval.licence_glossary import licence_equivalents
from bot.retrieval.tokenize import tokenize, word_boundaries

GLOSSARY: dict[str, list[str]] = {
    "talent": ["人才"], "talents": ["人才"], "people": ["人才"], "housing": ["住房"], "house": ["住房"],
    "subsidy": ["补贴"], "subsidies": ["补贴"], "allowance": ["补贴"], "tax": ["税", "个税", "税收"],
    "income": ["个税"], "relief": ["减免"], "deduction": ["扣除", "加计扣除"], "school": ["入学", "子女入学"],
    "schooling": ["入学"], "children": ["子女"], "child": ["子女"], "enrollment": ["入学"], "enrolment": ["入学"],
    "medical": ["医疗"], "healthcare": ["医疗保障"], "health": ["医疗"],
    "listing": ["上市", "挂牌"], "ipo": ["上市"], "list": ["上市"], "public": ["上市", "公共"],
    "company": ["企业"], "companies": ["企业"], "enterprise": ["企业"], "enterprises": ["企业"], "firm": ["企业"],
    "firms": ["企业"], "business": ["企业", "商业化"], "commercial": ["商业化"], "commercialization": ["商业化"],
    "attract": ["引进", "招商"], "attracting": ["引进", "招商"], "introduce": ["引进"], "investment": ["招商", "投资"],
    "well-known": ["知名"], "famous": ["知名"], "renowned": ["知名"], "leading": ["领军", "龙头"],
    "community": ["社区"], "communities": ["社区"], "alliance": ["联盟"], "foundation": ["基金会"],
    "standard": ["标准"], "standards": ["标准"], "standardization": ["标准化"],
    "procurement": ["采购", "目录"], "catalogue": ["目录"], "catalog": ["目录"], "directory": ["目录"],
    "product": ["产品"], "products": ["产品"], "innovative": ["创新"], "innovation": ["创新"],
    "event": ["活动", "展会"], "events": ["活动", "展会"], "exhibition": ["展会"], "forum": ["论坛"],
    "forums": ["论坛"], "competition": ["大赛"], "contest": ["大赛"], "conference": ["展会", "论坛"],
    "venue": ["场地"], "funding": ["资金"], "fund": ["资金"], "funds": ["资金"], "finance": ["金融"],
    "financial": ["金融", "资金"], "loan": ["金融"], "platform": ["平台"], "platforms": ["平台"],
    "education": ["教育"], "university": ["高校"], "universities": ["高校"], "college": ["学院", "高校"],
    "student": ["学生"], "students": ["学生"], "teacher": ["教师"], "training": ["培训", "培养"],
    "culture": ["文化"], "cultural": ["文化"], "festival": ["文化节"], "publicity": ["宣传"], "media": ["媒体"],
    "project": ["项目"], "projects": ["项目"], "contribute": ["贡献"], "contribution": ["贡献"],
    "contributions": ["贡献"], "developer": ["开发者"], "developers": ["开发者"], "open-source": ["开源"],
    "open": ["开源"], "source": ["开源"], "software": ["软件"], "ecosystem": ["生态"], "goal": ["目标"],
    "goals": ["目标"], "target": ["目标"], "targets": ["目标"], "plan": ["计划"], "policy": ["政策"],
    "support": ["支持", "扶持"], "incentive": ["支持", "扶持", "奖励"], "incentives": ["支持", "扶持"],
    "reward": ["奖励"], "operating": ["操作系统"], "system": ["系统"], "supply": ["供应链"], "chain": ["供应链"],
    "security": ["安全"], "testing": ["测试"], "adaptation": ["适配"], "hosting": ["托管"], "code": ["代码"],
    "demonstration": ["示范"], "demo": ["示范"], "pilot": ["示范"], "application": ["应用"], "applications": ["应用"],
    "government": ["政府", "政务"], "governance": ["治理"], "intellectual": ["知识产权"], "property": ["知识产权"],
    "nanjing": ["南京"], "park": ["园区"], "parks": ["园区"], "title": ["职称"], "professional": ["职称"],
    "evaluation": ["评价", "评定"], "think": ["智库"], "tank": ["智库"], "industry": ["产业", "行业"],
    "association": ["协会"], "research": ["科研"], "institute": ["科研院所"], "institutes": ["科研院所"],
    "consulting": ["咨询"], "service": ["服务"], "services": ["服务"], "green": ["绿色通道"], "channel": ["通道"],
    "expert": ["专家"], "experts": ["专家"], "leadership": ["领导"], "coordinate": ["统筹"], "when": ["时间"],
    "issued": ["发布"], "issuer": ["发布机构"], "license": ["许可证"], "licence": ["许可证"],
    "cloud": ["云原生"], "cloud-native": ["云原生"], "ai": ["人工智能"], "artificial": ["人工智能"],
    "intelligence": ["人工智能"], "big": ["大数据"], "data": ["数据"], "blockchain": ["区块链"],
    "field": ["领域"], "area": ["领域"], "sector": ["领域", "行业"], "domain": ["领域"], "key": ["重点"],
    "benchmark": ["对标"], "manufacturing": ["智能制造"], "smart": ["智慧", "智能"], "scenario": ["场景"],
    "provide": ["提供"], "priority": ["优先"], "holding": ["举办"], "host": ["举办"], "hold": ["举办"],
}

# Chinese licensing vocabulary -> the English of licence texts (the texts are in English).
GLOSSARY.update({
    "源代码": ["source", "code"], "源码": ["source", "code"], "公开": ["source", "available", "offer"],
    "网络": ["network"], "远程": ["remote", "network"], "专利": ["patent"], "商标": ["trademark"],
    "分发": ["distribute", "convey"], "修改": ["modify", "modified"], "链接": ["link", "linking"],
    "动态链接": ["dynamic", "link"], "静态链接": ["static", "link"], "闭源": ["proprietary"],
    "声明": ["notice"], "版权": ["copyright"], "保证": ["warranty"], "担保": ["warranty"],
    "责任": ["liability"], "终止": ["termination"], "再许可": ["sublicense"], "署名": ["attribution"],
})

_WORD = re.compile(r"[a-z][a-z-]*")
VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")


class Vocabulary(BaseModel):
    """Everyday words -> document terms (`vocabulary.yaml`): phrases matched in the question, English words."""

    model_config = ConfigDict(frozen=True)

    phrases: dict[str, tuple[str, ...]]
    english: dict[str, tuple[str, ...]] = {}
    fillers: frozenset[str] = frozenset()
    other_subjects: frozenset[str] = frozenset()

    def latin_pattern(self) -> re.Pattern[str] | None:
        latin = sorted((p for p in self.phrases if p.isascii()), key=len, reverse=True)
        if not latin:
            return None
        return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(p) for p in latin) + r")(?:s|es)?(?![a-z0-9])")


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """The vocabulary file, read and checked once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lowered = {section: {str(k).lower(): v for k, v in (data.get(section) or {}).items()}
               for section in ("phrases", "english")}
    for section in ("fillers", "other_subjects"):
        lowered[section] = frozenset(str(w).lower() for w in data.get(section) or [])
    return Vocabulary.model_validate(lowered)


@cache
def _latin_phrases(path: Path = VOCABULARY_FILE) -> re.Pattern[str] | None:
    return vocabulary(path).latin_pattern()


@lru_cache(maxsize=1024)  # one question asks twice: for its search words and for its embedding
def everyday_phrases(question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The vocabulary phrases a question contains, with their document terms.

    A Chinese phrase counts where it ends on a word boundary (jieba's dictionary words) and starts on one or
    inside the same word: 黑客松 is found across 黑客|松 and 老师 in 大学老师, but not 上学 in 上学期.
    """
    lowered = question.lower()
    squeezed = re.sub(r"\s+", "", lowered)  # "国产 OS" is 国产os
    phrases = vocabulary().phrases
    bounds = word_boundaries(squeezed)
    found = [p for p in phrases if not p.isascii() and _on_boundaries(squeezed, p, bounds)]
    pattern = _latin_phrases()
    if pattern is not None:
        found += [m.group(1) for m in pattern.finditer(lowered)]
    return tuple((p, phrases[p]) for p in dict.fromkeys(found))


def other_subjects(question: str) -> set[str]:
    """The everyday public services a question names that the documents never address (公租房, 社保, 户口)."""
    squeezed = re.sub(r"\s+", "", question.lower())
    return {subject for subject in vocabulary().other_subjects if subject in squeezed}


def english_terms(word: str) -> list[str]:
    """Glossary entries for an English word, also for its plural ("venues", "companies")."""
    english = vocabulary().english
    for form in (word, word[:-3] + "y" if word.endswith("ies") else "", word[:-2] if word.endswith("es") else "",
                 word[:-1] if word.endswith("s") else ""):
        if form and (form in GLOSSARY or form in english):
            return [*GLOSSARY.get(form, []), *english.get(form, ())]
    return []


def expand(question: str) -> list[str]:
    """Chinese terms for the English words of a question (empty for Chinese questions)."""
    return [term for word in _WORD.findall(question.lower()) for term in english_terms(word)]


# Words that name the knowledge base's own scope (the city): neutral when judging relevance.
SCOPE_WORDS = frozenset({"南京", "南京市", "京市", "市里", "我市", "本市", "市政府", "政府", "nanjing", "city"})

# Places other than Nanjing/Jiangsu: the knowledge base holds Nanjing's policy only.
OTHER_PLACES = frozenset(
    ["北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "苏州", "无锡", "常州", "扬州", "镇江", "南通", "徐州", "盐城", "淮安", "连云港", "泰州", "宿迁", "合肥", "武汉", "长沙", "成都", "西安", "郑州", "济南", "青岛", "沈阳", "大连", "长春", "哈尔滨", "石家庄", "太原", "呼和浩特", "南昌", "福州", "厦门", "南宁", "海口", "贵阳", "昆明", "拉萨", "兰州", "西宁", "银川", "乌鲁木齐", "宁波", "温州", "东莞", "佛山", "珠海", "香港", "澳门", "台湾", "台北", "浙江", "广东", "山东", "河南", "河北", "湖北", "湖南", "四川", "陕西", "福建", "安徽", "江西", "辽宁", "吉林", "黑龙江", "山西", "云南", "贵州", "广西", "海南", "甘肃", "青海", "宁夏", "新疆", "西藏", "内蒙古", "雄安"]
)
OTHER_PLACES_EN = frozenset(
    ["beijing", "shanghai", "tianjin", "chongqing", "guangzhou", "shenzhen", "hangzhou", "suzhou", "wuxi", "changzhou", "hefei", "wuhan", "changsha", "chengdu", "xian", "xi'an", "zhengzhou", "jinan", "qingdao", "shenyang", "dalian", "xiamen", "fuzhou", "ningbo", "zhejiang", "guangdong", "shandong", "sichuan", "fujian", "anhui", "hubei", "hunan"]
)


# National ministries: their policies are not the city's, and the knowledge base holds the city's only.
OTHER_ISSUERS = frozenset(["工信部", "工业和信息化部", "国务院", "发改委", "科技部", "财政部", "商务部", "教育部",
                           "人社部", "国家网信办"])


def other_places(question: str, tokens: list[str]) -> set[str]:
    """Places outside Nanjing, and issuers other than the city, that a question names."""
    found = {t for t in tokens if t in OTHER_PLACES} | {i for i in OTHER_ISSUERS if i in question}
    found |= {w for w in _WORD.findall(question.lower()) if w in OTHER_PLACES_EN}
    return found


def query_groups(question: str) -> list[tuple[str, frozenset[str]]]:
    """Each token of a question with the document-vocabulary terms that express the same thing.

    English words get their Chinese glossary terms; an everyday phrase found in the question ("黑客松",
    "上市快", "fast track") lends its document terms to every token inside it (jieba may split it).
    """
    groups: dict[str, set[str]] = {}
    for token in tokenize(question):
        terms = groups.setdefault(token, {token})
        for chinese in english_terms(token):
            terms.update(tokenize(chinese) + [chinese])
    for phrase, document_terms in everyday_phrases(question):
        expanded = {part for term in document_terms for part in [term, *tokenize(term)] if len(part) > 1}
        hosts = [token for token in groups if token in phrase or phrase in token]
        for token in hosts or [phrase]:
            groups.setdefault(token, {token}).update(expanded)
    for token, terms in licence_equivalents(question, list(groups)).items():  # licence texts are English
        groups[token].update(terms)
    return [(token, frozenset(terms)) for token, terms in groups.items()]


def _on_boundaries(text: str, phrase: str, bounds: set[int]) -> bool:
    """Whole words, or the end of one word: a Chinese compound ends in its head (大学老师 is a 老师, 公租房 a
    租房), while its beginning is a modifier (上学期 is no 上学, 基金会 no 基金)."""
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if end in bounds and (start in bounds or not any(start < b < end for b in bounds)):
            return True
        start = text.find(phrase, start + 1)
    return False


def expanded_question(question: str) -> str:
    """The question followed by the document terms of its everyday phrases, for the embedding: "上市能走快点吗"
    alone is far from the clause that says 绿色通道; with the term it is close."""
    terms = [t for phrase, document_terms in everyday_phrases(question) if phrase not in SCOPE_WORDS
             for t in document_terms]  # the city's name is in the question already: no need to say it twice
    return f"{question} {' '.join(dict.fromkeys(terms))}" if terms else question


def query_terms(question: str) -> list[str]:
    """Search terms of a question: its own tokens plus their document-vocabulary equivalents (fillers such as
    有没有 / 咋整 match every FAQ question that has them, so they are left out when anything else is left)."""
    return search_terms(query_groups(question))


def search_terms(groups: list[tuple[str, frozenset[str]]]) -> list[str]:
    fillers = vocabulary().fillers | SCOPE_WORDS  # every passage is the city's: its name finds nothing
    kept = [(token, terms) for token, terms in groups if token not in fillers] or groups
    return list(dict.fromkeys(t for token, terms in kept for t in [token, *sorted(terms)]))
