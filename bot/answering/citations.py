"""The grounding check for LLM text: every sentence cites a passage it agrees with, every link is quoted.

An LLM answer is used only when it passes; otherwise the caller falls back to the extractive answer.
The same check runs on a whole answer (`LLMGenerator.answer`) and sentence by sentence while an answer
streams (`SentenceSplitter` cuts the stream at sentence ends, so no unchecked text reaches the client).

Documented thresholds:
* at least one citation in an answer; every [n] (also [1,2], [1][2], 【1】) is within 1..len(passages);
* every sentence cites: only a sentence with fewer than `MIN_UNITS` (3) content units and no number or
  link may stand without a citation ("好的。", "Yes."). Units are Chinese character bigrams plus
  lower-cased English words/numbers of 3+ characters (stopwords removed);
* a cited sentence shares content with the passages it cites: at least `SUPPORT_THRESHOLD` (0.30) of
  its units are found in them (sentences under `MIN_UNITS` units are not measured);
* every link (http(s)://…, www.…, or a bare domain with a path or a common top-level domain) appears in
  a passage the sentence cites (its text, title or URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.text import CJK_RUN
from bot.types import Passage

SUPPORT_THRESHOLD = 0.30
MIN_UNITS = 3

_CITE = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
_CITES = r"(?:[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】]\s*)+"
_CITE_AFTER_END = re.compile(r"([。！？!?；;]|\.(?=\s|$))\s*(" + _CITES + ")")
_SENTENCES = re.compile(r"(?<=[。！？!?；;])\s*|\n+|(?<=\.)\s+")
# where a streamed sentence ends: a terminator (an English period only before a space), then the
# citations placed after it; settled once a character other than a space or an opening bracket follows
_STREAM_END = re.compile(r"(?:[。！？!?；;]|\.(?=\s))\s*(?:" + _CITES + r")?(?=[^\s\[【])|\n+")

_WORD = re.compile(r"[a-z0-9][a-z0-9.+\-]*[a-z0-9]|[a-z0-9]")
_STOP = frozenset(
    ["the", "and", "for", "are", "was", "were", "with", "that", "this", "from", "have", "has", "not", "but",
     "can", "may", "shall", "will", "its", "their", "them", "which", "what", "when", "where", "who", "how",
     "any", "all", "per", "into", "under", "than", "then", "there", "these", "those", "such", "also", "only",
     "been", "being", "does", "did", "you", "your", "our", "out", "use", "used"]
)
_NUMERAL = re.compile(r"[0-9０-９〇零一二两三四五六七八九十百千万亿]")
_URLISH = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_~:/?#=&%+@!$,;]*")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_COMMON_TLDS = frozenset(
    ["com", "cn", "net", "org", "gov", "edu", "int", "mil", "io", "co", "info", "biz", "top", "xyz", "site",
     "online", "app", "dev", "me", "cc", "tv", "link", "club", "vip", "shop", "ltd", "tech", "ai", "ru", "uk",
     "de", "jp", "hk", "tw", "us", "example", "zip", "mov", "click", "live", "work", "store", "icu"]
)


def cited_numbers(text: str) -> list[int]:
    out = []
    for m in _CITE.finditer(text):
        out.extend(int(n) for n in re.split(r"\s*[,，、]\s*", m.group(1)))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of a text, each with the citations written after its end moved inside it."""
    text = _CITE_AFTER_END.sub(lambda m: m.group(2).strip() + m.group(1), text)
    return [s for s in _SENTENCES.split(text) if s.strip()]


def units(text: str) -> set[str]:
    found: set[str] = set()
    for run in CJK_RUN.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            found.add(run)
    for word in _WORD.findall(text.lower()):
        if len(word) >= 3 and word not in _STOP or any(c.isdigit() for c in word):
            found.add(word)
    return found


def _normal_link(text: str) -> str:
    text = _SCHEME.sub("", text.lower().rstrip(".,;:!?/"))
    return text.removeprefix("www.")


def links(text: str) -> list[str]:
    """The links in a text, normalised (lower case, no scheme, no www., no trailing punctuation)."""
    found = []
    for match in _URLISH.finditer(text):
        token = match.group(0).rstrip(".,;:!?")
        lowered = token.lower()
        if _SCHEME.match(lowered) or lowered.startswith("www."):
            found.append(_normal_link(token))
            continue
        host, slash, _path = lowered.partition("/")
        labels = host.split(".")
        if len(labels) < 2 or not all(labels) or not labels[-1].isalpha() or len(labels[-1]) < 2:
            continue
        if slash or labels[-1] in _COMMON_TLDS:
            found.append(_normal_link(token))
    return found


class CitationCheck:
    """Checks LLM text against the numbered passages it was written from."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = list(passages)
        self._units: dict[int, set[str]] = {}
        self._texts: dict[int, str] = {}

    def _source_units(self, n: int) -> set[str]:
        if n not in self._units:
            p = self.passages[n - 1]
            self._units[n] = units(f"{p.title} {p.section} {p.text}")
        return self._units[n]

    def _source_text(self, n: int) -> str:
        if n not in self._texts:
            p = self.passages[n - 1]
            raw = f"{p.title}\n{p.text}\n{p.url or ''}".lower()
            self._texts[n] = re.sub(r"[a-z][a-z0-9+.\-]*://(www\.)?|\bwww\.", "", raw)
        return self._texts[n]

    def answer(self, text: str) -> str | None:
        """None when a whole answer passes, else the reason."""
        if not text or not text.strip():
            return "empty answer"
        if not cited_numbers(text):
            return "no citation"
        return self.text(text)

    def text(self, text: str) -> str | None:
        """None when every sentence in `text` (a whole answer or a streamed piece) passes, else the reason."""
        for sentence in sentences(text):
            reason = self.sentence(sentence)
            if reason:
                return reason
        return None

    def sentence(self, sentence: str) -> str | None:
        cited = sorted(set(cited_numbers(sentence)))
        bad = [n for n in cited if n < 1 or n > len(self.passages)]
        if bad:
            return f"citation {bad} out of range 1..{len(self.passages)}"
        plain = _CITE.sub(" ", sentence)
        claim = units(plain)
        found_links = links(plain)
        short = plain.strip()[:60]
        if not cited:
            if len(claim) < MIN_UNITS and not found_links and not _NUMERAL.search(plain):
                return None
            return f"sentence without a citation: {short}"
        if len(claim) >= MIN_UNITS:
            source: set[str] = set().union(*(self._source_units(n) for n in cited))
            support = len(claim & source) / len(claim)
            if support < SUPPORT_THRESHOLD:
                return f"sentence not supported by cited passage(s) {cited} ({support:.2f}): {short}"
        for link in found_links:
            if not any(link in self._source_text(n) for n in cited):
                return f"link not in the cited passage(s) {cited}: {link[:80]}"
        return None


def check_citations(answer: str, passages: Sequence[Passage]) -> str | None:
    """None when the answer's citations are valid, else the reason (see the module docstring)."""
    return CitationCheck(passages).answer(answer)


class SentenceSplitter:
    """Cuts streamed text into whole sentences (with the citations after their end), in order.

    `feed` returns the sentences that are complete so far; `rest` is what remains when the stream ends.
    Joined, the pieces are exactly the text fed in.
    """

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, piece: str) -> Iterator[str]:
        self._buffer += piece
        start = 0
        for match in _STREAM_END.finditer(self._buffer):
            yield self._buffer[start : match.end()]
            start = match.end()
        self._buffer = self._buffer[start:]

    def rest(self) -> str:
        rest, self._buffer = self._buffer, ""
        return rest
