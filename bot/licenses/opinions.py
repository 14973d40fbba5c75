"""What each pair-level source says about one pair, and how a decision is reconciled with the others.

The layers that speak about a pair (licence texts / stewards, OSADL's checklist, the FSF list, OSADL's
generic rules) can disagree. The highest-precedence one decides (see `pairs.py`); `reconcile` then
cites every other source that agrees and names every one that does not, e.g.
"Sources disagree: OSADL checklist: no; FSF licence list: GPL-compatible".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.licenses import references as refs
from bot.licenses import wording
from bot.licenses.categories import OPEN_KINDS
from bot.licenses.findings import Finding
from bot.licenses.rules import gnu_parts
from bot.licenses.wording import Bi, Join, Text
from bot.types import LicenseReference

if TYPE_CHECKING:  # pragma: no cover
    from bot.licenses.pairs import Pair, PairJudge

_OSADL_GENERIC_REFS = {
    "generic-permissive": refs.OSADL_GENERIC_PERMISSIVE,
    "copyleft-to-permissive": refs.OSADL_GENERIC_COPYLEFT_TO_PERMISSIVE,
    "copyleft-to-copyleft": refs.OSADL_GENERIC_COPYLEFT_TO_COPYLEFT,
}


def stance(verdict: str) -> str | None:
    """yes / no / None (unknown says nothing)."""
    return {"compatible": "yes", "conditional": "yes", "incompatible": "no"}.get(verdict)


@dataclass
class Opinion:
    layer: str
    verdict: str
    said: Bi | Text  # what the source says, in a few words ("GPL-compatible", "no")
    reason: Text
    sources: list[LicenseReference] = field(default_factory=list)


class Opinions:
    def __init__(self, judge: PairJudge):
        self.judge = judge

    # ------------------------------------------------------------------ each source's opinion
    def text(self, p: Pair) -> Opinion | None:
        rule = p.override or self.judge.rules.kind_rule(p.i, self.judge.categories.of(p.out.license))
        if rule is None:
            return None
        return Opinion("text", rule.verdict, wording.verdict(rule.verdict),
                       wording.text("reason", zh=rule.reason_zh, en=rule.reason_en), list(rule.sources))

    def osadl_checklist(self, p: Pair) -> Opinion | None:
        pair = p.osadl
        if pair is None or pair.raw in ("Unknown", "Same") or pair.generic:
            return None
        return Opinion("osadl", pair.verdict, wording.osadl_said(pair.raw),
                       wording.text("explicit-yes" if pair.raw == "Yes" else "explicit-no", i=p.i, o=p.o),
                       [self.judge.osadl_ref(p.i, p.o, pair.raw)])

    def osadl_generic(self, p: Pair) -> Opinion | None:
        pair = p.osadl
        if pair is None or not pair.generic:
            return None
        return Opinion("osadl-generic", pair.verdict, wording.osadl_said(pair.raw),
                       wording.text(pair.kind, i=p.i, o=p.o),
                       [self.judge.osadl_ref(p.i, p.o, pair.raw), _OSADL_GENERIC_REFS[pair.kind]])

    def fsf(self, p: Pair) -> Opinion | None:
        """GPL outbound: the FSF's GPLv2 / GPLv3 compatibility; any free outbound: FSF "non-free"."""
        entry = self.judge.fsf.get(p.i)
        if entry is None:
            return None
        src = [entry.reference()]
        gp = gnu_parts(p.out.license) if not p.out.exception else None
        if gp and gp[0] == "GPL" and gp[1] in ("2.0", "3.0"):
            return self._fsf_gpl(p, entry, gp[1][0], gp[2] == "or-later")
        if entry.non_free and self.judge.categories.of(p.out.license) in OPEN_KINDS:
            return Opinion("fsf", "incompatible", wording.text("said-non-free"),
                           wording.text("fsf-nonfree", i=p.i, o=p.o, fsf_name=entry.name, gpl=p.o), src)
        return None

    def _fsf_gpl(self, p: Pair, entry, version: str, later: bool) -> Opinion:
        """GPL-N-only: the FSF's GPLvN tag. GPL-N-or-later: every later version must work too, or the
        combined work narrows to one version (still possible: "conditional", with that condition)."""
        name, src = f"GPLv{version}", [entry.reference()]
        params = {"i": p.i, "o": p.o, "gpl": name, "fsf_name": entry.name}
        inbound_only = (gnu_parts(p.inb.license) or ("", "", ""))[0] == "GPL" and p.inb.license.endswith("-only")
        if entry.gpl_compatible(version):
            if not later or ((version == "3" or entry.gpl_compatible("3")) and not inbound_only):
                return Opinion("fsf", "compatible", wording.text("said-gpl-compatible", gpl=name),
                               wording.text("fsf-compatible", **params), src)
            narrowed = p.inb.license if inbound_only else f"GPL-{version}.0-only"
            return Opinion("fsf", "conditional", wording.text("said-gpl-compatible", gpl=name),
                           wording.text("fsf-narrows", narrowed=narrowed, **params), src)
        if version == "2" and later and entry.gpl_compatible("3"):
            return Opinion("fsf", "conditional", wording.text("said-gpl3-only"),
                           wording.text("fsf-gpl3-only", **params), src)
        if entry.non_free:
            return Opinion("fsf", "incompatible", wording.text("said-non-free"),
                           wording.text("fsf-nonfree", **params), src)
        return Opinion("fsf", "incompatible", wording.text("said-gpl-incompatible", gpl=name),
                       wording.text("fsf-incompatible", **params), src)

    def all(self, p: Pair) -> list[Opinion]:
        found = (self.text(p), self.osadl_checklist(p), self.fsf(p), self.osadl_generic(p))
        return [o for o in found if o is not None]

    # ------------------------------------------------------------------ reconcile a decision
    def reconcile(self, finding: Finding, p: Pair) -> None:
        """Cite the sources that agree with the decision; name those that do not, in the explanation."""
        decided = stance(finding.verdict)
        disagree: list[Opinion] = []
        for o in self.all(p):
            if o.layer == finding.layer:
                continue
            if decided is not None and stance(o.verdict) == decided:
                finding.sources.extend(o.sources)
            elif stance(o.verdict) is not None:
                disagree.append(o)
        if not disagree:
            return
        said = [wording.text("opinion", layer=wording.LAYER_NAME.get(finding.layer, finding.layer),
                             said=wording.verdict(finding.verdict))]
        said += [wording.text("opinion", layer=wording.LAYER_NAME[o.layer], said=o.said) for o in disagree]
        finding.reason = wording.text(
            "with-disagreement", inner=finding.reason, opinions=Join(tuple(said), "；", "; "),
            winner=wording.LAYER_NAME.get(finding.layer, finding.layer),
        )
