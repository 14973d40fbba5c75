"""What one evidence layer concludes about one pair of licences, and how AND / OR combine conclusions.

A `Finding` is the unit the engine passes around: a verdict, the reason as a `wording.Text`
(rendered in Chinese and English only when the answer is built), the label of what it is about, and
the conditions, sources and notes that go with it. Combining is pure: AND takes the least favourable
part, OR the most favourable branch (and says which to choose); the order is
incompatible < unknown < conditional < compatible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from bot.licenses import wording
from bot.licenses.wording import Join, Text
from bot.types import LicenseReference

RANK = {"incompatible": 0, "unknown": 1, "conditional": 2, "compatible": 3}


@dataclass
class Finding:
    verdict: str
    reason: Text
    label: str
    conditions: list[str] = field(default_factory=list)
    sources: list[LicenseReference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # which layer decided: text | osadl | fsf | osadl-generic | type | derived | proprietary | same | none
    layer: str = ""


def dedupe(items: list) -> list:
    seen, out = set(), []
    for x in items:
        key = x.model_dump_json() if isinstance(x, BaseModel) else x
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def _summary(parts: list[Finding], sep_zh: str = "；", sep_en: str = "; ") -> Join:
    return Join(tuple(wording.text("part-verdict", label=p.label, verdict=wording.verdict(p.verdict))
                      for p in parts), sep_zh, sep_en)


def combine_and(parts: list[Finding], label: str) -> Finding:
    worst = min(parts, key=lambda p: RANK[p.verdict])
    details = Join(tuple(wording.text("part-reason", label=p.label, reason=p.reason) for p in parts))
    reason = wording.text("and", label=label, summary=_summary(parts), details=details)
    finding = Finding(worst.verdict, reason, label, layer=worst.layer)
    for p in parts:
        finding.conditions += p.conditions
        finding.sources += p.sources
        finding.notes += p.notes
    return finding


def combine_or(parts: list[Finding], label: str) -> Finding:
    best_rank = max(RANK[p.verdict] for p in parts)
    best = min((p for p in parts if RANK[p.verdict] == best_rank), key=lambda p: len(p.conditions))
    others = [p for p in parts if p is not best]
    reason = wording.text(
        "or", label=label, best=best.label, verdict=wording.verdict(best.verdict), reason=best.reason,
        others=wording.text("or-others", summary=_summary(others)) if others else "",
    )
    conditions = list(best.conditions)
    if best.verdict != "incompatible":
        conditions.insert(0, wording.both("cond-choose-branch", label=best.label))
    sources = list(best.sources)
    for p in others:
        sources += p.sources[:1]
    return Finding(best.verdict, reason, label, conditions, sources, list(best.notes), best.layer)
