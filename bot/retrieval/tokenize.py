"""Tokens for BM25: jieba for Chinese (with a policy user dictionary), whole ids for Latin text.

"GPL-3.0-only", "2025" and "ISO/IEC 5230" must match exactly, so Latin runs are kept whole and also
split into their parts; Chinese runs use jieba's search mode so 高层次人才 also yields 人才.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from bot.text import CJK_CLASS, CJK_RUN

USER_DICT = Path(__file__).with_name("userdict.txt")

_WORD = re.compile(f"[{CJK_CLASS}]+|[A-Za-z0-9][A-Za-z0-9.+_/-]*")
_SPLIT = re.compile(r"[_/-]+")

STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "等", "是", "在", "为", "对", "将", "把", "被", "由", "从", "以", "于", "其", "之", "也", "都", "而", "并", "就", "可", "能", "会", "要", "有", "这", "那", "个", "哪些", "什么", "怎么", "如何", "吗", "呢", "吧", "啊", "想", "请", "问", "讲", "说", "讲什么", "说什么", "是什么", "什么样", "意思", "什么意思", "我", "我们", "你", "你们", "他", "她", "它", "他们", "一个", "一些", "一下", "请问", "是否", "可以", "哪", "多少", "几", "方面", "相关", "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "has", "have", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "so", "that", "the", "their", "them", "then", "there", "these", "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your"]
)

_init_lock = threading.Lock()
TOKENIZER_REVISION = "3"


@lru_cache(maxsize=1)
def tokenizer_version() -> str:
    """Changes when the tokenizer or its dictionary does, so stored tokens can be recomputed."""
    return hashlib.sha256(TOKENIZER_REVISION.encode() + USER_DICT.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _jieba():
    """Load jieba and our dictionary once per process (about a second)."""
    with _init_lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        jieba.load_userdict(str(USER_DICT))
        return jieba


def tokenize(text: str) -> list[str]:
    """Lower-cased search tokens of a text, stopwords and punctuation removed."""
    jieba = _jieba()
    tokens: list[str] = []
    for match in _WORD.finditer(text):
        run = match.group(0)
        if CJK_RUN.fullmatch(run):
            tokens.extend(t for t in jieba.cut_for_search(run) if t not in STOPWORDS)
            continue
        word = run.lower().rstrip(".-_/")
        if not word or word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        tokens.append(word)
        parts = [p for p in _SPLIT.split(word) if p]
        if len(parts) > 1:
            tokens.extend(p for p in parts if p not in STOPWORDS)
            # "gpl-3.0-only" also yields "gpl-3.0", so ids match across -only / -or-later variants
            tokens.extend("-".join(parts[:n]) for n in range(2, min(len(parts), 4)))
    return tokens


def dictionary_frequency(word: str) -> int:
    """How common a word is in jieba's dictionary (or ours); 0 for one its HMM pieced together."""
    return int(_jieba().dt.FREQ.get(word) or 0)


def is_dictionary_word(word: str) -> bool:
    """A word of jieba's dictionary (or ours), not one its HMM pieced together from unknown text."""
    return dictionary_frequency(word) > 0


def word_boundaries(text: str) -> set[int]:
    """Where jieba's dictionary words (no HMM guesses) of a text start and end."""
    bounds, position = {0}, 0
    for word in _jieba().lcut(text, HMM=False):
        position += len(word)
        bounds.add(position)
    return bounds


def passage_tokens(title: str, section: str, text: str) -> list[str]:
    """Index tokens of a chunk; the title and section path count twice (field boost)."""
    head = tokenize(f"{title} {section}")
    return head + head + tokenize(text)
