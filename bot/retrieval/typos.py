"""Pinyin typos: "生太体系" -> "生态体系", "开原" -> "开源", "欧啦" -> "欧拉", before the question is searched.

People type Chinese with a pinyin input method, so their typos are homophones of the word they meant. A
stretch of the question (2-5 characters) is read as a word of the knowledge base when

* it sounds the same (toneless pinyin) as a word of the policy or FAQ texts,
* it shares at least half its characters, in place, with that word (an IME slip changes one syllable's
  character, not the whole word),
* it is not text the documents contain themselves, nor a common word of the language (jieba's dictionary
  frequency), it does not cut through a dictionary word ("目标是" holds no "标是"), and the characters it
  changes are not grammar (是, 有, 哪 …: "我是" is not "我市").

The vocabulary is built from the corpus and rebuilt when it changes; nothing is tied to a question.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from bot.ports import Corpus
from bot.retrieval.tokenize import dictionary_frequency, word_boundaries
from bot.text import CJK_CLASS

log = logging.getLogger("yuanbot.typos")

COMMON_WORD_FREQ = 100       # a jieba dictionary frequency at which a word is a word, not a typo
MAX_QUESTION_CHARS = 300     # long pasted texts are not corrected
MIN_WORD_COUNT = 2           # passages a word must occur in to be what a typo meant
SOURCE_KINDS = ("policy", "faq")
FUNCTION_CHARS = frozenset("的了是有在要这那就都也还和与之其个么吗呢吧啊嘛哪啥咋怎不没中")
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_CJK_WORD = re.compile(f"[{CJK_CLASS}]{{2,5}}")
_LISTED = re.compile(f"(?<=[、，：])[{CJK_CLASS}]{{2,5}}(?=、)|(?<=、)[{CJK_CLASS}]{{2,5}}(?=[、，。等])")


@dataclass(frozen=True)
class Correction:
    text: str                                              # the question with its typos replaced
    fixes: tuple[tuple[str, str], ...] = field(default=())  # (typed, meant)


def _pinyin(text: str) -> list[str]:
    return lazy_pinyin(text, errors="ignore")


class TypoCorrector:
    """Homophone typos -> knowledge-base words; the sound index is rebuilt when the corpus changes."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._lock = threading.Lock()
        self._built: tuple[str, str, dict[str, str]] | None = None

    def correct(self, text: str) -> Correction:
        if len(text) > MAX_QUESTION_CHARS:
            return Correction(text)
        known_text, by_sound = self._index()
        fixes: list[tuple[str, str]] = []
        out = []
        last = 0
        for run in _CJK_RUN.finditer(text):
            fixed, found = _correct_run(run.group(0), known_text, by_sound)
            out.append(text[last:run.start()])
            out.append(fixed)
            fixes.extend(found)
            last = run.end()
        out.append(text[last:])
        return Correction("".join(out), tuple(fixes)) if fixes else Correction(text)

    def _index(self) -> tuple[str, dict[str, str]]:
        generation = self.corpus.generation
        with self._lock:
            if self._built is None or self._built[0] != generation:
                known_text, by_sound = build_sound_index(self.corpus)
                self._built = (generation, known_text, by_sound)
            return self._built[1], self._built[2]


def build_sound_index(corpus: Corpus) -> tuple[str, dict[str, str]]:
    """The Chinese text of the policy and FAQ passages, and for each sound its most frequent word there."""
    counts: dict[str, int] = {}
    texts: list[str] = []
    for passage in corpus.passages():
        if passage.kind not in SOURCE_KINDS:
            continue
        texts.append(passage.text)
        tokens = passage.extra.get("tokens")
        for token in tokens.split() if tokens else _CJK_WORD.findall(passage.text):
            if _CJK_WORD.fullmatch(token):
                counts[token] = counts.get(token, 0) + 1
        for item in _LISTED.findall(passage.text):  # 云原生、大数据、人工智能: listed items are words
            counts[item] = max(counts.get(item, 0), MIN_WORD_COUNT)
    by_sound: dict[str, str] = {}
    for word in sorted(counts, key=lambda w: (-counts[w], w)):
        if counts[word] >= MIN_WORD_COUNT:  # a word the documents use, not a stray segmentation
            by_sound.setdefault(" ".join(_pinyin(word)), word)
    return "\n".join(texts), by_sound


def _correct_run(run: str, known_text: str, by_sound: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """One run of Chinese characters with its typos replaced (longest first, left to right)."""
    if len(run) < 2:
        return run, []
    sounds = _pinyin(run)
    if len(sounds) != len(run):  # a character without a reading: leave the run alone
        return run, []
    boundaries = word_boundaries(run)
    fixes: list[tuple[str, str]] = []
    out: list[str] = []
    i = 0
    while i < len(run):
        for n in (5, 4, 3, 2):
            typed = run[i:i + n]
            if len(typed) < n or i not in boundaries or i + n not in boundaries:
                continue
            meant = by_sound.get(" ".join(sounds[i:i + n]))
            if meant and _is_typo(typed, meant, known_text):
                out.append(meant)
                fixes.append((typed, meant))
                i += n
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out), fixes


def _is_typo(typed: str, meant: str, known_text: str) -> bool:
    """A slip of the IME: mostly the same characters, no common word, nothing the documents say themselves."""
    if typed == meant or dictionary_frequency(typed) >= COMMON_WORD_FREQ or typed in known_text:
        return False
    changed = [(a, b) for a, b in zip(typed, meant, strict=True) if a != b]
    if len(changed) * 2 > len(typed):
        return False
    if any(a in FUNCTION_CHARS or b in FUNCTION_CHARS for a, b in changed):
        return False  # 我是 / 我市, 政府有 / 附有: grammar, not a slip
    return not any(a == b for a, b in itertools.pairwise(typed))  # 出出主意: a reduplicated verb


