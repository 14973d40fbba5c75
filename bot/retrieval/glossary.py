"""English -> Chinese domain terms, so English questions also match the Chinese policy text in BM25.

A general vocabulary of the domain (policy, open source, standards), not tied to any question.
Dense retrieval is cross-lingual already; this only helps the lexical channel.
"""

from __future__ import annotations

import re

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
    "project": ["项目"], "projects": ["项目"], "star": ["明星"], "contribute": ["贡献"], "contribution": ["贡献"],
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
}

_WORD = re.compile(r"[a-z][a-z-]*")


def expand(question: str) -> list[str]:
    """Chinese terms for the English words of a question (empty for Chinese questions)."""
    words = _WORD.findall(question.lower())
    out: list[str] = []
    for word in words:
        out.extend(GLOSSARY.get(word, []))
    return out
