"""Questions about a document itself (who issued it, when, is it in force, where is the original, its 文号).

Only those: a question about what a document requires ("合规计划的有效期至少多久？", "认证多久复审？",
"How long must a conformant program stay valid?") asks about its content and goes to retrieval, even
though it names a document and a word such as 有效期.
"""

from __future__ import annotations

import re
from typing import Any

from bot.retrieval.knowledge import effective_status

_ASPECTS = {
    "issuer": re.compile(r"谁发布|哪个(?:部门|单位|机构)|发布(?:机构|部门|单位)|发文(?:机关|单位)|who (?:issued|published)|issuing (?:body|authority)|issued by", re.IGNORECASE),
    "date": re.compile(r"什么时候(?:发布|出台|印发|公布)|何时(?:发布|出台|印发)|发布(?:时间|日期)|哪(?:一)?天发布|哪年(?:发布|出台)|when was .*(?:issued|published|released)|publication date", re.IGNORECASE),
    "status": re.compile(r"还有效|是否有效|有效吗|仍然有效|失效|过期|废止|有效期|实施期|还在执行|still (?:in force|valid|effective)|expired|in force", re.IGNORECASE),
    "url": re.compile(r"原文|链接|网址|官网|在哪(?:里)?(?:看|查|下载)|official (?:text|link|url|page)|where can i (?:read|find)|\burl\b", re.IGNORECASE),
    "number": re.compile(r"文号|发文字号|索引号|document number|index number|reference number", re.IGNORECASE),
}
# what a document requires of its readers: a content question, not one about the document
_REQUIREMENT = re.compile(r"要求|至少|不少于|不超过|最少|最长|必须|应当|须|需要维持|多久(?:复审|重新|续)|复审|重新认证|"
                          r"\b(?:must|shall|at least|minimum|maximum|require[sd]?|requirement|how long must)\b", re.IGNORECASE)
_DOCUMENT_WORDS = re.compile(r"计划|文件|政策|通知|规范|标准|办法|意见|方案|plan|document|policy|standard", re.IGNORECASE)
STATUS_ZH = {"in_force": "现行有效", "expired": "已届满/失效", "superseded": "已被替代"}
STATUS_EN = {"in_force": "in force", "expired": "expired (its period has ended)", "superseded": "superseded"}


def document_aspects(question: str) -> list[str]:
    """Which metadata the question asks for; empty when it is not a question about a document."""
    if not _DOCUMENT_WORDS.search(question) or _REQUIREMENT.search(question):
        return []
    return [name for name, pattern in _ASPECTS.items() if pattern.search(question)]


def describe_document(meta: dict[str, Any], aspects: list[str], lang: str) -> str:
    title = str(meta.get("title", ""))
    status = effective_status(meta)
    period = ""
    if meta.get("effective_from") or meta.get("effective_to"):
        period = f"{meta.get('effective_from', '')} – {meta.get('effective_to', '')}"
    parts: list[str] = []
    if lang == "zh":
        for aspect in aspects:
            if aspect == "issuer" and meta.get("issuer"):
                parts.append(f"《{title}》的发布机构是{meta['issuer']}。")
            elif aspect == "date" and meta.get("published"):
                parts.append(f"《{title}》的发布（生成）日期为 {meta['published']}。")
            elif aspect == "status":
                text = f"《{title}》当前状态：{STATUS_ZH.get(status, status)}"
                text += f"（实施期 {period}）。" if period else "。"
                if meta.get("superseded_by"):
                    text += f"已被《{meta['superseded_by']}》替代。"
                parts.append(text)
            elif aspect == "url" and meta.get("url"):
                parts.append(f"《{title}》的官方原文：{meta['url']}")
            elif aspect == "number" and (meta.get("doc_number") or meta.get("index_number")):
                parts.append(f"《{title}》" + "，".join(
                    f"{label}为 {meta[key]}" for key, label in (("doc_number", "文号"), ("index_number", "索引号"))
                    if meta.get(key)) + "。")
    else:
        for aspect in aspects:
            if aspect == "issuer" and meta.get("issuer"):
                parts.append(f"“{title}” was issued by {meta['issuer']}.")
            elif aspect == "date" and meta.get("published"):
                parts.append(f"“{title}” is dated {meta['published']}.")
            elif aspect == "status":
                text = f"“{title}” is {STATUS_EN.get(status, status)}"
                parts.append(text + (f" (effective {period})." if period else "."))
            elif aspect == "url" and meta.get("url"):
                parts.append(f"The official text of “{title}”: {meta['url']}")
            elif aspect == "number" and (meta.get("doc_number") or meta.get("index_number")):
                parts.append(f"“{title}”: " + "; ".join(
                    f"{label} {meta[key]}" for key, label in (("doc_number", "document number"),
                                                              ("index_number", "index number")) if meta.get(key)) + ".")
    return " ".join(parts)
