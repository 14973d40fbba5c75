"""Language: which script a text is in, and so which language to answer in. One home for every module.

The assistant answers in the language of the question: any Chinese character makes it Chinese
("GPL 传染性是什么意思？" is a Chinese question), otherwise English. Documents are labelled by their
dominant script, since a Chinese policy quotes English names and an English licence may name 中国.
"""

from __future__ import annotations

import re

Lang = str  # "zh" | "en"

CJK_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CLASS}]")
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_LATIN = re.compile(r"[A-Za-z]")


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def cjk_count(text: str) -> int:
    """How many Chinese characters a text has (a sentence of fewer than a few says little)."""
    return len(CJK.findall(text))


def is_cjk_char(token: str) -> bool:
    """A single Chinese character (carries no topic on its own)."""
    return len(token) == 1 and bool(CJK.match(token))


def question_language(text: str) -> Lang:
    """'zh' when the question has any Chinese characters, else 'en'."""
    return "zh" if has_cjk(text) else "en"


def document_language(text: str) -> Lang:
    """The dominant script of a document's first 4,000 characters (one Chinese character ~ 3 letters)."""
    sample = text[:4000]
    return "zh" if len(CJK.findall(sample)) * 3 >= len(_LATIN.findall(sample)) else "en"


def normalise_lang(value: str | None) -> Lang:
    """A language code as given ("en-US", "EN", "zh-hans", None) -> "en" or "zh" (Chinese unless English)."""
    return "en" if (value or "").lower().startswith("en") else "zh"


def answer_language(text: str | None, preferred: str | None = None) -> Lang:
    """The question's script first; a platform's language setting ("zh-hans", "en-US") when it has none."""
    if text and has_cjk(text):
        return "zh"
    if text and _LATIN.search(text):
        return "en"
    return "zh" if (preferred or "").lower().startswith("zh") else "en"
