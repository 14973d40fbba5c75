"""Licence mentions and compatibility questions in free text (Chinese and English).

`engine.parse_question("MIT 的代码能用在 GPL-3.0-only 项目里吗？")` ->
`LicenseQuery(inbound="MIT", outbound="GPL-3.0-only", use=None)`; questions that are not about
compatibility ("MIT 许可证要求什么？", "GPL-3.0 第7条讲什么？") give None. Licence families named without
a version ("我在商业软件里用了 LGPL 的库…") are mentions too: the query carries the family name and
`check` answers per version. `find_mentions` is the one finder for the whole product (follow-ups such
as "那 GPL-3.0 呢？", "What if the library is LGPL-2.1?", "那木兰宽松许可证呢" use it too).

How: find licence mentions (SPDX expressions, ids, common English/Chinese names, families, "closed
source"), keep the longest non-overlapping ones, require a compatibility cue, then decide roles from
the words around each mention: the thing used / put into / 用在 / 放进 (code, library, dependency) is
inbound; the project / program / product (or what follows "in", "into", "with", "用在") is outbound.

Cost is bounded per text: a name pattern runs only when one of its words occurs in the text; at most
`MAX_CANDIDATES` distinct candidate strings are looked up (each lookup is cached per engine, misses
too; single tokens go straight to the name index, without exceptions); "did you mean" suggestions are
never computed here; and the mentions of a text are cached per engine, so `parse_question` and
`find_mentions` on the same message scan it once.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.licenses import patterns as rx
from bot.licenses.names import PROPRIETARY
from bot.types import MAX_QUESTION_CHARS, LicenseMention, LicenseQuery

if TYPE_CHECKING:  # pragma: no cover
    from bot.licenses.expression import ExpressionParser
    from bot.ports import LicenseAdvisor

MAX_TEXT_CHARS = MAX_QUESTION_CHARS  # a text longer than any question is not read as one
MAX_CANDIDATES = 24  # distinct candidate strings looked up per text
MAX_CANDIDATE_CHARS = 200
MAX_MATCHES = 96  # licence-like pattern and token matches examined per text (a question has < 15)
MAX_QUESTION_MENTIONS = 8  # more distinct licences than this is a list, not a compatibility question
SCAN_CACHE_SIZE = 256
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT_OR_DASH = re.compile(r"[\d\-]")
_SIMPLE = re.compile(r"[A-Za-z0-9.+\-]+")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    value: str  # canonical expression / id / family name
    family: bool = False


@dataclass
class _Budget:
    """The lookups one text may cause; repeated candidates are free (answered from `seen`)."""

    left: int = MAX_CANDIDATES
    seen: dict[str, tuple[str, bool] | None] = field(default_factory=dict)
    lookups: int = 0
    matches: int = MAX_MATCHES

    def examine(self) -> bool:
        """One more match may be examined (False: stop scanning, the text has had its share)."""
        self.matches -= 1
        return self.matches >= 0 and (self.left > 0 or bool(self.seen))


def _detect_use(text: str) -> str | None:
    return next((name for name, pattern in rx.USE_PATTERNS if pattern.search(text)), None)


def _role_score(text: str, m: _Mention) -> int:
    """> 0 looks like the project (outbound), < 0 like the code being used (inbound)."""
    if m.value == PROPRIETARY:
        return 5
    after = text[m.end : m.end + 40]
    before = text[max(0, m.start - 40) : m.start]
    score = 0
    if rx.PROJ_AFTER.search(after):
        score += 3
    if rx.CODE_AFTER.search(after):
        score -= 3
    if rx.CODE_BEFORE.search(before):
        score -= 2
    elif rx.PROJ_BEFORE.search(before):
        score += 2
    elif rx.INTO_BEFORE.search(before):
        score += 1
    return score


def _dedupe_mentions(mentions: list[_Mention], text: str) -> list[_Mention]:
    # the same licence mentioned twice in a row ("MIT (MIT)") counts once
    uniq: list[_Mention] = []
    for m in mentions:
        if uniq and uniq[-1].value == m.value and m.start - uniq[-1].end <= 3:
            continue
        uniq.append(m)
    # "my Apache-2.0 SaaS" / "MIT 商业软件": a licence right before a product word names the product's licence
    kept: list[_Mention] = []
    for m in uniq:
        if (
            m.value == PROPRIETARY
            and kept
            and kept[-1].value != PROPRIETARY
            and m.start - kept[-1].end <= 2
            and not rx.CLOSED.search(text[m.start : m.end])
            and not rx.MUST_OPEN_MINE.fullmatch(text[m.start : m.end])
        ):
            continue
        kept.append(m)
    return kept


def _is_atom_candidate(raw: str) -> bool:
    """An SPDX-looking token: has a letter, and a digit or dash, or is an upper-case / known short name."""
    if not raw or len(raw) > 60 or raw.upper() in rx.ATOM_STOP:
        return False
    if _DIGIT_OR_DASH.search(raw):
        return _LETTER.search(raw) is not None  # "3.14" is not a licence
    return (raw.isupper() and len(raw) >= 2) or raw.lower() in rx.ATOM_LOWER_OK


def _longest_without_overlaps(spans: list[_Mention], size: int) -> list[_Mention]:
    """Longest first, no overlaps, in text order (linear in the text: an occupancy map)."""
    spans.sort(key=lambda s: (-(s.end - s.start), s.start))
    taken = bytearray(size + 1)
    chosen: list[_Mention] = []
    for s in spans:
        if taken.find(1, s.start, s.end) == -1:
            taken[s.start : s.end] = b"\x01" * (s.end - s.start)
            chosen.append(s)
    chosen.sort(key=lambda s: s.start)
    return chosen


class QuestionReader:
    """Finds licence mentions and compatibility questions in free text, with one engine's names."""

    def __init__(self, parser: ExpressionParser):
        self.parser = parser
        self.catalog = parser.catalog
        self._scan = lru_cache(maxsize=SCAN_CACHE_SIZE)(self._scan_text)

    def _canon(self, text: str, budget: _Budget) -> tuple[str, bool] | None:
        """(canonical expression or family name, is-family) for a candidate string, within the budget."""
        if text in budget.seen:
            return budget.seen[text]
        if budget.left <= 0 or len(text) > MAX_CANDIDATE_CHARS:
            return None
        budget.left -= 1
        budget.lookups += 1
        found = self._token(text) if _SIMPLE.fullmatch(text) else self._expression(text)
        budget.seen[text] = found
        return found

    def _token(self, text: str) -> tuple[str, bool] | None:
        """One id-like token, straight from the name index (no exceptions, no suggestions)."""
        lid = self.catalog.lookup(text)
        if lid is not None:
            r = self.catalog.canonical(lid, text)
            return (f"{r.id} WITH {r.exception}" if r.exception else r.id), False
        family = self.catalog.family(text)
        return (family.key, True) if family is not None else None

    def _expression(self, text: str) -> tuple[str, bool] | None:
        parsed = self.parser.try_parse(text)
        return None if parsed is None else (str(parsed.node), bool(parsed.families))

    # ------------------------------------------------------------------ mentions
    def find_mentions(self, text: str) -> list[LicenseMention]:
        """The licences a text names (SPDX ids, expressions, common names, families, "closed source"), in order."""
        if not isinstance(text, str) or not text.strip():
            return []
        t = unicodedata.normalize("NFKC", text[: MAX_TEXT_CHARS * 2])
        return [LicenseMention(m.start, m.end, m.value, m.family) for m in self._scan(t)[0]]

    def _scan_text(self, text: str) -> tuple[tuple[_Mention, ...], int]:
        """The mentions in a (normalised) text and the lookups it took; cached per text."""
        budget = _Budget()
        return tuple(self._mentions(text, budget)), budget.lookups

    def _mentions(self, text: str, budget: _Budget) -> list[_Mention]:
        spans: list[_Mention] = []
        low = text.lower()
        for pattern, words in zip(rx.NAME_RES, rx.NAME_TRIGGERS, strict=True):
            # specific name patterns first (they get the budget first), only when their words occur
            if words is None:
                if not any(w in text for w in rx.OPERATOR_WORDS):
                    continue
            elif not all(any(w in low for w in group) for group in words):
                continue
            for m in pattern.finditer(text):
                if not budget.examine():
                    break
                inner = m.group(0).strip().strip("`").strip()
                inner_try = inner[1:-1] if inner.startswith("(") and inner.endswith(")") else inner
                found = self._canon(inner, budget) or self._canon(inner_try, budget)
                if found is not None:
                    spans.append(_Mention(m.start(), m.end(), *found))
        for m in rx.ATOM_RE.finditer(text):
            raw = m.group(0).rstrip(".-")
            if "-" in raw:
                raw = rx.ATOM_SUFFIX.sub("", raw)
            if not _is_atom_candidate(raw):
                continue
            if not budget.examine():
                break
            found = self._canon(raw, budget)
            if found is not None:
                spans.append(_Mention(m.start(), m.start() + len(raw), *found))
        if any(w in low for w in rx.PROPRIETARY_TRIGGERS):
            for m in rx.PROPRIETARY_RE.finditer(text):
                if m.group(0).strip():
                    spans.append(_Mention(m.start(), m.end(), PROPRIETARY))
        found = _longest_without_overlaps(spans, len(text))
        if len({m.value for m in found}) == 1 and found[0].value != PROPRIETARY:
            must_open = rx.MUST_OPEN_MINE.search(text)
            if must_open is not None and not any(m.start < must_open.end() and must_open.start() < m.end
                                                 for m in found):
                found.append(_Mention(must_open.start(), must_open.end(), PROPRIETARY))
                found.sort(key=lambda m: m.start)
        return found

    # ------------------------------------------------------------------ questions
    def parse_question(self, text: str) -> LicenseQuery | None:
        """A compatibility question -> LicenseQuery(inbound, outbound, use); anything else -> None. Never raises."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[LicenseQuery | None, int]:
        """The query and the number of candidate lookups it took (for the work-bound test and bench)."""
        budget = _Budget()
        if not text or not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
            return None, 0
        t = unicodedata.normalize("NFKC", text).strip()
        cmd = rx.COMMAND.match(t)
        if cmd:
            q = self._parse_command(cmd.group(1).strip().rstrip("?？"), budget)
            if q is not None:
                return LicenseQuery(q.inbound, q.outbound, q.use or _detect_use(t)), budget.lookups
        found, lookups = self._scan(t)
        budget.left -= lookups
        budget.lookups += lookups
        mentions = _dedupe_mentions(list(found), t)
        if not 2 <= len(mentions) <= 3 * MAX_QUESTION_MENTIONS or len({m.value for m in mentions}) > MAX_QUESTION_MENTIONS:
            return None, budget.lookups
        low = t.lower()
        strong = rx.has_strong_cue(t, low) or rx.MUST_OPEN_MINE.search(t) is not None
        if not strong and (not rx.has_cue(t, low) or rx.has_negative(t, low)):
            return None, budget.lookups
        return self._roles(t, mentions, _detect_use(t), budget), budget.lookups

    def _roles(self, t: str, mentions: list[_Mention], use: str | None, budget: _Budget) -> LicenseQuery | None:
        scores = [_role_score(t, m) for m in mentions]
        if len(mentions) == 2:
            a, b = mentions
            if rx.JOINED.match(t[a.end : b.start]) and a.value != PROPRIETARY and b.value != PROPRIETARY:
                # "A and B code" / "A 和 B 兼容吗": the words around describe both; keep the sentence order
                scores = [0, 0]
            inbound, outbound = (b, a) if scores[0] > scores[1] else (a, b)
            return LicenseQuery(inbound=inbound.value, outbound=outbound.value, use=use)
        # outbound: the most project-like mention (ties: the later one); inbound: the rest, all needed (AND)
        best = max(range(len(mentions)), key=lambda k: (scores[k], k))
        outbound = mentions[best]
        rest: list[str] = []
        for k, m in enumerate(mentions):
            if k != best and m.value not in rest and m.value != outbound.value:
                rest.append(m.value)
        if not rest:
            return None
        inbound_value = " AND ".join(f"({v})" if " OR " in v or " AND " in v else v for v in rest)
        if len(rest) > 1:
            found = self._canon(inbound_value, budget)
            if found is None:
                return None
            inbound_value = found[0]
        return LicenseQuery(inbound=inbound_value, outbound=outbound.value, use=use)

    def _parse_command(self, body: str, budget: _Budget) -> LicenseQuery | None:
        use = None
        m = re.search(r"(?:--use[=\s]+|use=)(\w+)", body)
        if m:
            use = m.group(1).lower()
            body = body[: m.start()] + body[m.end() :]
            if use not in ("binary", "saas", "static", "dynamic"):
                use = None
        try:
            tokens = shlex.split(body.replace("`", '"'))
        except ValueError:
            tokens = body.split()
        if len(tokens) < 2 or len(tokens) > 30:
            return None
        if any(" " in t for t in tokens) and len(tokens) == 2:
            a, b = self._canon(tokens[0], budget), self._canon(tokens[1], budget)
            return LicenseQuery(a[0], b[0], use) if a and b else None
        for k in range(len(tokens) - 1, 0, -1):
            b = self._canon(" ".join(tokens[k:]), budget)
            if not b:
                continue
            a = self._canon(" ".join(tokens[:k]), budget)
            if a:
                return LicenseQuery(a[0], b[0], use)
        return None


def parse_license_question(text: str, engine: LicenseAdvisor) -> LicenseQuery | None:
    """`engine.parse_question(text)`, for callers that hold an engine."""
    return engine.parse_question(text)


def find_mentions(text: str, engine: LicenseAdvisor) -> list[LicenseMention]:
    """`engine.find_mentions(text)`, for callers that hold an engine."""
    return engine.find_mentions(text)


__all__ = ["LicenseQuery", "QuestionReader", "find_mentions", "parse_license_question"]
