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

Cost is bounded per text: at most `MAX_CANDIDATES` distinct candidate strings are looked up (each
lookup is cached per engine, misses too) and "did you mean" suggestions are never computed here.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.licenses import patterns as rx
from bot.licenses.names import PROPRIETARY
from bot.types import LicenseMention, LicenseQuery

if TYPE_CHECKING:  # pragma: no cover
    from bot.licenses.expression import ExpressionParser
    from bot.ports import LicenseAdvisor

MAX_TEXT_CHARS = 2000
MAX_CANDIDATES = 48  # distinct candidate strings looked up per text
MAX_CANDIDATE_CHARS = 200
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT_OR_DASH = re.compile(r"[\d\-]")


@dataclass
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
        ):
            continue
        kept.append(m)
    return kept


def _is_atom_candidate(raw: str) -> bool:
    """An SPDX-looking token: has a letter, and a digit or dash, or is an upper-case / known short name."""
    if not raw or len(raw) > 60 or not _LETTER.search(raw) or raw.upper() in rx.ATOM_STOP:
        return False
    return bool(_DIGIT_OR_DASH.search(raw)) or (raw.isupper() and len(raw) >= 2) or raw.lower() in rx.ATOM_LOWER_OK


class QuestionReader:
    """Finds licence mentions and compatibility questions in free text, with one engine's names."""

    def __init__(self, parser: ExpressionParser):
        self.parser = parser

    def _canon(self, text: str, budget: _Budget) -> tuple[str, bool] | None:
        """(canonical expression or family name, is-family) for a candidate string, within the budget."""
        if text in budget.seen:
            return budget.seen[text]
        if budget.left <= 0 or len(text) > MAX_CANDIDATE_CHARS:
            return None
        budget.left -= 1
        budget.lookups += 1
        parsed = self.parser.try_parse(text)
        found = None if parsed is None else (str(parsed.node), bool(parsed.families))
        budget.seen[text] = found
        return found

    # ------------------------------------------------------------------ mentions
    def find_mentions(self, text: str) -> list[LicenseMention]:
        """The licences a text names (SPDX ids, expressions, common names, families, "closed source"), in order."""
        if not isinstance(text, str) or not text.strip():
            return []
        t = unicodedata.normalize("NFKC", text[: MAX_TEXT_CHARS * 2])
        return [LicenseMention(m.start, m.end, m.value, m.family) for m in self._mentions(t, _Budget())]

    def _mentions(self, text: str, budget: _Budget) -> list[_Mention]:
        spans: list[_Mention] = []
        for pattern in rx.NAME_RES:  # specific name patterns first: they get the budget first
            for m in pattern.finditer(text):
                inner = m.group(0).strip().strip("`").strip()
                inner_try = inner[1:-1] if inner.startswith("(") and inner.endswith(")") else inner
                found = self._canon(inner, budget) or self._canon(inner_try, budget)
                if found is not None:
                    spans.append(_Mention(m.start(), m.end(), *found))
        for m in rx.ATOM_RE.finditer(text):
            raw = rx.ATOM_SUFFIX.sub("", m.group(0).rstrip(".-"))
            if not _is_atom_candidate(raw):
                continue
            found = self._canon(raw, budget)
            if found is not None:
                spans.append(_Mention(m.start(), m.start() + len(raw), *found))
        for m in rx.PROPRIETARY_RE.finditer(text):
            if m.group(0).strip():
                spans.append(_Mention(m.start(), m.end(), PROPRIETARY))
        # longest first, no overlaps
        spans.sort(key=lambda s: (-(s.end - s.start), s.start))
        chosen: list[_Mention] = []
        for s in spans:
            if all(s.end <= c.start or s.start >= c.end for c in chosen):
                chosen.append(s)
        chosen.sort(key=lambda s: s.start)
        return chosen

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
        use = _detect_use(t)
        cmd = rx.COMMAND.match(t)
        if cmd:
            q = self._parse_command(cmd.group(1).strip().rstrip("?？"), budget)
            if q is not None:
                return LicenseQuery(q.inbound, q.outbound, q.use or use), budget.lookups
        mentions = _dedupe_mentions(self._mentions(t, budget), t)
        if len(mentions) < 2:
            return None, budget.lookups
        if not rx.CUE.search(t) and not rx.STRONG_CUE.search(t):
            return None, budget.lookups
        if rx.NEGATIVE.search(t) and not rx.STRONG_CUE.search(t):
            return None, budget.lookups
        return self._roles(t, mentions, use, budget), budget.lookups

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
