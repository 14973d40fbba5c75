"""The relevance gate: answer only when the knowledge base really addresses the question.

People ask the way they talk, so the gate weighs several cheap signals rather than one similarity:

* `dense`: embedding similarity of the best passages to the question (with its everyday words' document terms);
* `coverage`: the share of the question's IDF-weighted words (after the everyday-vocabulary mapping; fillers
  such as 啥/咋整 and the city's own name ignored) that one of the top passages contains;
* `faq`: similarity to the closest FAQ question, a bank of real user phrasings tied to clauses;
* `anchor`: the question names the domain itself (开源, open source, a licence, OpenChain, SPDX …);
* `alien`: the share of the question's weighted words that the policy and FAQ texts never use, nor any of their
  document-vocabulary equivalents (低保, 驾照: the marks of another subject), and the everyday public services
  the documents never address although part of the word maps to theirs (公租房 is no 住房补贴, 社保, 户口);
* `errand`: the question is a resident's own errand, not a matter of the plan: how to apply for, file, pay or
  look up something (怎么申请/申报/办理/缴纳/查询, "how do I apply"), or a personal matter (落户, 住房, 个税,
  入学, 医保), with no object of the plan in it (开源, 企业, 人才, 项目 …); or a request to recommend a product
  or tool ("推荐一个开源数据库"), or to make one's own project popular ("开源项目怎么涨 star").

They are combined by a logistic model fitted on the calibration sets (bench/calibrate_gate.py prints the fit,
the cross-validated error rates and the held-out check; bench/README.md, "Relevance gate"). Above ANSWER_AT the
question is answered; between SUGGEST_AT and ANSWER_AT it is near: the reply offers the closest questions the
knowledge base does answer ("您是不是想问"); below SUGGEST_AT it is refused with what the assistant covers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# calibrated values (bench/calibrate_gate.py; see bench/README.md, "Relevance gate")
WEIGHTS = {"dense": 1.005, "coverage": 5.583, "faq": 0.23, "anchor": 2.315, "alien": -4.464, "errand": -2.548}
BIAS = -3.775
ANSWER_AT = 0.60    # the lowest threshold at which ≤ 2 % of off-topic questions are answered (cross-validated)
SUGGEST_AT = 0.15   # below: clearly off-topic, a plain refusal (19 of 19 in-scope questions not answered are above, cv)

DOMAIN_ANCHOR = re.compile(
    r"开源|开放源代码|open[\s-]?source|\b(?:f?oss|ospo)\b|许可证|许可协议|licen[cs]|copyleft|spdx|openchain|"
    r"\breuse\b|\bsbom\b|iso/?iec|\b5230\b|\b18974\b|\b[al]?gpl|\bmit\b|apache|\bbsd\b|\bmpl\b|木兰|mulan|"
    r"行动计划|三年计划|源生态",
    re.IGNORECASE,
)


# how a resident asks to get something done: apply, file, pay, look up, register, renew …
PROCEDURE = re.compile(
    r"(?:怎么|怎样|如何|咋|去哪|在哪|哪里|哪儿|到哪)[儿个里能可要去才来]{0,2}"
    r"(?:申请|申报|办理|缴纳|缴|交|查询|查|报名|提取|取|领取|领|补办|换|续|开具|注销|迁|预约|挂号|报销|认定|摇号)|"
    r"(?:去哪|在哪|哪里|哪儿|到哪)[儿里能可要去]{0,2}办|"  # not 怎么办, "what now"
    r"(?:申请|办理|申报|报名|提取)(?:流程|条件|材料|手续|入口|时间)|需要(?:什么|哪些|啥)材料|要带啥|"
    r"\bhow\s+(?:do|can|should)\s+(?:i|we|my\s+\w+)\s+(?:apply|file|register|renew|pay|claim|get|book|sign\s+up)\b|"
    r"\bwhere\s+(?:do|can)\s+i\s+(?:apply|file|register|renew|pay|claim|get)\b",
    re.IGNORECASE,
)
# a resident's personal matters: the plan has them only for the talent it attracts (开源人才的住房补贴、子女入学)
PERSONAL_MATTER = re.compile(
    r"落户|户口|户籍|住房|房子|租房|买房|房补|分房|个税|个人所得税|入学|上学|读书|看病|就医|医保|社保|公积金|"
    r"\b(?:housing|hukou|residency|residence\s+permit|income\s+tax|social\s+insurance)\b",
    re.IGNORECASE,
)
# what the plan is about: a procedure with one of these objects may well be the plan's (开源人才住房补贴怎么申请)
PLAN_OBJECT = re.compile(
    r"开源|开放源代码|企业|公司|单位|机构|园区|人才|开发者|项目|软件|社区|联盟|平台|代码|上市|挂牌|标准|大赛|展会|论坛|"
    r"活动|目录|优品库|示范|标杆|案例|信创|适配|测评|基金会|专班|行动计划|三年计划|文化节|许可|版权|专利|商标|合规|"
    r"copyright|\b[al]?gpl|spdx|sbom|openchain|"
    r"open[\s-]?source|\b(?:f?oss|ospo)\b|compan|enterprise|firm|startup|talent|developer|project|software|"
    r"communit|platform|listing|ipo\b|standard|hackathon|event",
    re.IGNORECASE,
)
# a request to recommend a product or tool: what to use, not what the city's policy says
RECOMMEND = re.compile(
    r"推荐(?:一下|下|一?[个款些种本家]|几[个款种本家]|点)|推荐[吗呢嘛]?[？?！!。.\s]*$|有(?:什么|啥|哪些)好用的|"
    r"哪[个款家]好用|"
    r"\brecommend(?:ed)?\s+(?:me\s+)?(?:a|an|some|any|the\s+best|good)\b|\bwhich\s+\w+\s+is\s+(?:the\s+)?best\b",
    re.IGNORECASE,
)

# making one's own project or account popular (GitHub stars, followers): a developer's how-to, not the city's policy
POPULARITY = re.compile(r"[涨刷攒买][\s点些]*(?:star|粉|关注|流量)|star\s*数|吸粉|引流|\b(?:get|gain|grow)\s+(?:more\s+)?"
                        r"(?:github\s+)?(?:stars|followers)\b", re.IGNORECASE)


def names_the_domain(question: str) -> bool:
    return bool(DOMAIN_ANCHOR.search(question))


def runs_an_errand(question: str) -> bool:
    """A resident's own errand (how to apply for / file / pay something, or a personal matter such as 落户 or
    住房, with no object of the plan), or a request for a product recommendation: the plan addresses neither,
    whatever words they share with it. Nor does it say how to make a project popular (涨 star, 吸粉)."""
    if RECOMMEND.search(question) or POPULARITY.search(question):
        return True
    personal = PROCEDURE.search(question) or PERSONAL_MATTER.search(question)
    return bool(personal) and not PLAN_OBJECT.search(question)


@dataclass(frozen=True)
class Relevance:
    dense: float
    coverage: float
    faq: float = 0.0
    anchor: bool = False
    alien: float = 0.0
    errand: bool = False

    @property
    def score(self) -> float:
        """The calibrated probability that the knowledge base answers the question."""
        z = BIAS + sum(WEIGHTS[name] * float(value) for name, value in self.signals().items())
        return 1.0 / (1.0 + math.exp(-z))

    @property
    def passes(self) -> bool:
        return self.score >= ANSWER_AT

    @property
    def near(self) -> bool:
        """Not answered, but close enough that the closest covered questions are worth offering."""
        return SUGGEST_AT <= self.score < ANSWER_AT

    def signals(self) -> dict[str, float]:
        """The model's inputs, by the names of WEIGHTS."""
        return {"dense": self.dense, "coverage": self.coverage, "faq": self.faq, "anchor": float(self.anchor),
                "alien": self.alien, "errand": float(self.errand)}

    def as_dict(self) -> dict[str, float]:
        return {name: round(value, 3) for name, value in self.signals().items()} | {"score": round(self.score, 3)}
