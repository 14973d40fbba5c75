"""English -> Chinese domain terms, so English questions also match the Chinese policy text in BM25.

A general vocabulary of the domain (policy, open source, standards), not tied to any question.
Dense retrieval is cross-lingual already; this only helps the lexical channel.
"""

from __future__ import annotations

import re

from bot.retrieval.tokenize import tokenize

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


def english_terms(word: str) -> list[str]:
    """Glossary entries for an English word, also for its plural ("venues", "companies")."""
    for form in (word, word[:-3] + "y" if word.endswith("ies") else "", word[:-2] if word.endswith("es") else "",
                 word[:-1] if word.endswith("s") else ""):
        if form and form in GLOSSARY:
            return GLOSSARY[form]
    return []


def expand(question: str) -> list[str]:
    """Chinese terms for the English words of a question (empty for Chinese questions)."""
    return [term for word in _WORD.findall(question.lower()) for term in english_terms(word)]


# Everyday Chinese -> the vocabulary of policy documents (query side only).
SYNONYMS_ZH: dict[str, list[str]] = {
    "公司": ["企业"], "企业家": ["企业"], "单位": ["企业", "机构"], "扶持": ["支持"], "帮扶": ["支持"],
    "优惠": ["支持", "优惠政策"], "好处": ["支持"], "奖励": ["支持"], "补助": ["补贴", "支持"],
    "钱": ["资金"], "经费": ["资金"], "资助": ["资金", "支持"], "贷款": ["金融"], "融资": ["金融", "投资"],
    "孩子": ["子女"], "小孩": ["子女"], "上学": ["入学"], "读书": ["入学"], "看病": ["医疗"], "就医": ["医疗"],
    "买房": ["住房"], "租房": ["住房"], "房子": ["住房"], "房补": ["住房补贴"], "个税": ["个税减免"],
    "交税": ["税收"], "税": ["税收", "个税"], "减税": ["税收", "减免"], "免税": ["减免"],
    "ipo": ["上市"], "上市公司": ["上市"], "挂牌": ["上市"], "saas": ["网络", "network", "remote"], "程序员": ["开发者"], "码农": ["开发者"],
    "开发人员": ["开发者"], "工程师": ["开发者", "人才"], "专家": ["人才"], "人才政策": ["人才"],
    "大学": ["高校"], "学校": ["高校", "学院"], "老师": ["教师"], "大学生": ["学生"], "实习": ["实习实训"],
    "会议": ["展会", "论坛"], "大会": ["展会", "论坛"], "峰会": ["论坛"], "比赛": ["大赛"], "竞赛": ["大赛"],
    "活动": ["会展赛"], "场地": ["办会场地"], "采购": ["推荐目录", "源创优品库"], "政府采购": ["推荐目录"],
    "目录": ["推荐目录"], "产品库": ["源创优品库"], "申请": ["支持"], "招商": ["招商"],
    "引进": ["引进"], "社群": ["社区"], "联盟": ["产业联盟"], "平台": ["公共服务平台"], "标准化": ["标准"],
    "规范": ["标准"], "宣传": ["宣传"], "文化": ["开源文化"], "目标": ["行动目标"], "计划": ["行动计划"],
    "政策": ["支持"], "市里": ["南京市"], "南京": ["南京市"], "市政府": ["南京市"],
}

# Words that name the knowledge base's own scope (the city): neutral when judging relevance.
SCOPE_WORDS = frozenset({"南京", "南京市", "京市", "市里", "我市", "本市", "市政府", "政府", "nanjing", "city"})

# Places other than Nanjing/Jiangsu: the knowledge base holds Nanjing's policy only.
OTHER_PLACES = frozenset(
    ["北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "苏州", "无锡", "常州", "扬州", "镇江", "南通", "徐州", "盐城", "淮安", "连云港", "泰州", "宿迁", "合肥", "武汉", "长沙", "成都", "西安", "郑州", "济南", "青岛", "沈阳", "大连", "长春", "哈尔滨", "石家庄", "太原", "呼和浩特", "南昌", "福州", "厦门", "南宁", "海口", "贵阳", "昆明", "拉萨", "兰州", "西宁", "银川", "乌鲁木齐", "宁波", "温州", "东莞", "佛山", "珠海", "香港", "澳门", "台湾", "台北", "浙江", "广东", "山东", "河南", "河北", "湖北", "湖南", "四川", "陕西", "福建", "安徽", "江西", "辽宁", "吉林", "黑龙江", "山西", "云南", "贵州", "广西", "海南", "甘肃", "青海", "宁夏", "新疆", "西藏", "内蒙古", "雄安"]
)
OTHER_PLACES_EN = frozenset(
    ["beijing", "shanghai", "tianjin", "chongqing", "guangzhou", "shenzhen", "hangzhou", "suzhou", "wuxi", "changzhou", "hefei", "wuhan", "changsha", "chengdu", "xian", "xi'an", "zhengzhou", "jinan", "qingdao", "shenyang", "dalian", "xiamen", "fuzhou", "ningbo", "zhejiang", "guangdong", "shandong", "sichuan", "fujian", "anhui", "hubei", "hunan"]
)


def expand_zh(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(SYNONYMS_ZH.get(token, []))
    return out


def other_places(question: str, tokens: list[str]) -> set[str]:
    """Places outside Nanjing that a question names."""
    found = {t for t in tokens if t in OTHER_PLACES}
    found |= {w for w in _WORD.findall(question.lower()) if w in OTHER_PLACES_EN}
    return found


def query_groups(question: str) -> list[tuple[str, frozenset[str]]]:
    """Each token of a question with the document-vocabulary terms that express the same thing."""
    groups: dict[str, set[str]] = {}
    for token in tokenize(question):
        groups.setdefault(token, {token}).update(SYNONYMS_ZH.get(token, []))
        for chinese in english_terms(token):
            groups[token].update(tokenize(chinese) + [chinese])
    return [(token, frozenset(terms)) for token, terms in groups.items()]


def query_terms(question: str) -> list[str]:
    """Search terms of a question: its own tokens plus their document-vocabulary equivalents."""
    return list(dict.fromkeys(t for token, terms in query_groups(question) for t in [token, *sorted(terms)]))
