"""Licence vocabulary across languages: a Chinese question reaches the English licence texts, and back.

Each concept pairs the words Chinese speakers use (传染性, 对应源代码, 专利报复 …) with the wording of the
licence texts (copyleft scope: "work based on", "entire work"; "Corresponding Source"; "institute patent
litigation" …). The question's own tokens stay; the other language's terms are added as equivalents,
so BM25 finds the clause and the relevance gate sees that the clause covers the question. A general
vocabulary of licensing, not tied to any question; used only for questions about licences or compliance
standards, so that everyday words in it (名字, 费用, 宣传) never change how policy questions are read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.retrieval.tokenize import tokenize

# (Chinese terms, English terms of the licence texts)
CONCEPTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("衍生作品", "派生作品", "演绎作品", "基于本程序的作品"), ("derivative works", "work based on the program", "modified version")),
    (("对应源代码", "对应的源代码", "相应源代码", "完整源代码"), ("corresponding source", "complete source code")),
    (("附加许可", "额外许可", "附加权限"), ("additional permissions",)),
    (("附加条款", "附加限制", "额外限制", "进一步限制"), ("additional terms", "further restrictions")),
    (("专利报复", "专利诉讼终止", "专利诉讼", "专利终止", "专利反诉", "专利维权"),
     ("patent litigation", "institute patent litigation", "patent infringement", "shall terminate")),
    (("诉讼", "起诉", "提起诉讼", "打官司"), ("litigation", "institute patent litigation", "lawsuit")),
    (("专利许可", "专利授权", "专利"), ("patent license", "patent claims", "patent")),
    (("商标", "商号", "商品名称", "服务标志"), ("trademark", "trade names", "service marks", "product names")),
    (("网络交互", "远程网络交互", "网络服务", "通过网络", "云服务", "SaaS"),
     ("remote network interaction", "interacting with it remotely", "computer network", "network server")),
    (("静态链接",), ("static linking", "statically linked", "combined work")),
    (("动态链接", "共享库"), ("dynamic linking", "shared library mechanism", "linked version")),
    (("传染性", "传染", "感染性", "病毒性", "开源传染"),
     ("copyleft", "work based on the program", "entire work", "as a whole", "larger work")),
    (("背书", "宣传", "推广", "名字", "名称"), ("endorse", "promote", "names of its contributors")),
    (("技术措施", "技术保护措施", "数字版权管理", "反规避", "规避"),
     ("technological measure", "circumvention", "anti-circumvention", "drm")),
    (("收费", "收取费用", "卖钱", "收钱", "费用", "价格"), ("fee", "charge", "price")),
    (("公共领域", "公有领域"), ("public domain", "dedicate")),
    (("版权声明", "著作权声明"), ("copyright notice",)),
    (("许可声明", "许可证声明", "许可通知"), ("permission notice", "license notice")),
    (("免责声明", "不提供担保", "无担保", "担保"), ("warranty", "disclaimer", "as is")),
    (("责任限制", "赔偿责任"), ("limitation of liability", "liable", "damages")),
    (("修改说明", "修改声明", "标注修改", "注明修改", "显著说明", "显著声明"),
     ("prominent notices", "changed the files", "modified files", "stating that you modified")),
    (("分发", "再分发", "传递", "发行"), ("distribute", "redistribution", "convey")),
    (("再许可", "转授权", "再授权"), ("sublicense",)),
    (("目标代码", "二进制", "可执行文件", "可执行形式"), ("object code", "executable form", "binary form")),
    (("书面要约", "书面承诺"), ("written offer",)),
    (("安装信息",), ("installation information",)),
    (("用户产品", "消费产品"), ("user product",)),
    (("聚合", "聚合体", "打包在一起"), ("aggregate",)),
    (("组合作品", "较大作品", "更大作品"), ("combined work", "larger work")),
    (("NOTICE文件", "NOTICE 文件"), ("notice file", "notice text file")),
    (("版本冲突", "以中文版为准", "中英文"), ("chinese and english", "chinese version shall prevail", "language")),
    (("材料清单", "物料清单", "软件物料清单"), ("bill of materials", "sbom")),
    (("合规文件", "合规工件", "合規工件", "合规产物"), ("compliance artifacts",)),
    (("组件记录",), ("component record",)),
    (("开源政策", "书面政策"), ("open source policy", "written open source policy")),
    (("安全保障", "安全保证"), ("security assurance",)),
    (("已知漏洞", "漏洞"), ("known vulnerabilities", "vulnerability")),
    (("贡献者",), ("contributor",)),
    (("终止", "失效"), ("termination", "terminate")),
    (("接受许可", "签署"), ("acceptance", "not required to accept")),
    (("更高版本", "后续版本", "或更高版本"), ("any later version", "later version")),
    (("兼容", "兼容性"), ("compatible", "compatibility", "secondary license")),
    (("宽松型", "宽松许可证"), ("permissive",)),
    (("优先级", "先计算", "先算", "运算顺序", "优先"), ("precedence", "order of precedence", "applied before")),
    # the compliance standards' vocabulary (OpenChain ISO/IEC 5230 and 18974, SPDX, REUSE)
    (("能力", "胜任"), ("competence", "competencies", "competent")),
    (("计划参与者", "参与者", "人员", "员工"), ("program participants", "participants")),
    (("合规计划", "合规项目"), ("program",)),
    (("认知", "意识", "知悉"), ("awareness", "aware")),
    (("培训",), ("training",)),
    (("联络", "咨询", "询问"), ("inquiries", "inquiry", "access")),
    (("资源", "资金", "人力"), ("resourced", "resources", "funding")),
    (("遵从", "符合性", "一致性", "合规性"), ("conformant", "conformance")),
    (("威胁", "安全测试"), ("threats", "security testing")),
    (("许可证文件", "许可证文本", "许可文本"), ("license files", "license text")),
    (("注释头", "文件头", "头部注释"), ("comment header",)),
    (("表达式",), ("license expression", "expression")),
    (("标识符",), ("identifier", "short identifier")),
    (("片段", "代码片段"), ("snippet",)),
    (("忽略",), ("ignore", "ignored")),
    (("大小写",), ("case-sensitive", "case-insensitive", "case sensitivity")),
    (("著佐权",), ("copyleft",)),
)

_LATIN = re.compile(r"[a-z]")
LICENSING_CONTEXT = re.compile(
    r"许可|授权|协议|著佐权|copyleft|licen[cs]e|GPL|\bMIT\b|BSD|Apache|MPL|EPL|EUPL|CDDL|\bISC\b|Unlicense|CC0|木兰|Mulan|"
    r"OpenChain|ISO|IEC|5230|18974|SPDX|REUSE|合规|compliance|[A-Za-z]+-\d", re.IGNORECASE)


@lru_cache(maxsize=1)
def _pairs() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """(a term as written, its tokens, the other language's terms and their tokens)."""
    out = []
    for chinese, english in CONCEPTS:
        zh_side = frozenset(t for term in chinese for t in [term.lower(), *tokenize(term)])
        en_side = frozenset(t for term in english for t in tokenize(term))
        for term in chinese:
            out.append((term.lower(), frozenset(tokenize(term)) | {term.lower()}, en_side))
        for term in english:
            out.append((term.lower(), frozenset(tokenize(term)), zh_side))
    return tuple(out)


def licence_equivalents(question: str, tokens: list[str]) -> dict[str, set[str]]:
    """For the question's tokens that belong to a licence term it uses, the other language's terms."""
    if not LICENSING_CONTEXT.search(question):
        return {}
    text = question.lower()
    present = set(tokens)
    out: dict[str, set[str]] = {}
    for term, term_tokens, other in _pairs():
        if _LATIN.search(term):
            if not re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", text):
                continue
        elif term not in text:
            continue
        for token in term_tokens & present:
            out.setdefault(token, set()).update(other)
    return out


def same_concept(term: str) -> set[str]:
    """The term and the other terms of its concept, lower case ("合规文件" -> "compliance artifacts" …)."""
    wanted = term.strip().lower()
    out = {wanted}
    for chinese, english in CONCEPTS:
        words = [w.lower() for w in (*chinese, *english)]
        if wanted in words:
            out.update(words)
    return out
