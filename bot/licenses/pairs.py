"""One inbound licence against one outbound licence: the evidence layers, asked in order.

Each step looks at one kind of evidence and returns a `Finding`, or None when that evidence says
nothing about the pair; the first finding wins. Order:
1. a proprietary outbound (its own rules, `ProprietaryJudge`) or proprietary inbound code;
2. identical licences;
3. the OSADL matrix where it says Yes / No / Same / Check dependency;
4. the override layer (overrides.yaml) where OSADL is silent or says Unknown;
5. derived rules: licence exceptions, an outbound exception, "-or-later" upgrades, generic category
   rules (only where OSADL has no pair at all: an OSADL "Unknown" is never turned into a verdict by a
   category guess);
6. OSADL "Unknown", then "no rule".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.licenses import references as refs
from bot.licenses import wording
from bot.licenses.categories import COPYLEFT, Categories
from bot.licenses.expression import Leaf
from bot.licenses.findings import RANK, Finding
from bot.licenses.names import PROPRIETARY, LicenseCatalog
from bot.licenses.obligations import Obligations
from bot.licenses.proprietary import ProprietaryJudge
from bot.licenses.rules import OsadlPair, OverrideRule, RuleSet, gnu_parts, later_alternatives
from bot.types import LicenseReference

_OSADL_STATED = ("Yes", "No", "Same", "Check dependency")


@dataclass
class Pair:
    """The pair being judged and the data looked up for it once."""

    inb: Leaf
    out: Leaf
    use: str | None
    osadl: OsadlPair | None
    override: OverrideRule | None

    @property
    def i(self) -> str:
        return str(self.inb)

    @property
    def o(self) -> str:
        return str(self.out)


class PairJudge:
    def __init__(self, catalog: LicenseCatalog, rules: RuleSet, obligations: Obligations,
                 categories: Categories):
        self.catalog = catalog
        self.rules = rules
        self.obligations = obligations
        self.categories = categories
        self.proprietary = ProprietaryJudge(self)
        self.steps: tuple[Callable[[Pair], Finding | None], ...] = (
            self._proprietary_outbound,
            self._proprietary_inbound,
            self._same_licence,
            self._osadl_stated,
            self._override,
            self._derived,
            self._osadl_unknown,
        )
        # steps whose findings also carry the pair notes of overrides.yaml
        self._with_pair_notes = {self._osadl_stated, self._override, self._derived, self._osadl_unknown}

    # ------------------------------------------------------------------ entry point
    def judge(self, inb: Leaf, out: Leaf, use: str | None) -> Finding:
        pair = Pair(inb, out, use, self.rules.osadl_pair(str(inb), str(out)),
                    self.rules.overrides.get((str(inb), str(out))))
        for step in self.steps:
            finding = step(pair)
            if finding is not None:
                if step in self._with_pair_notes:
                    self._add_pair_notes(finding, pair)
                return finding
        return Finding("unknown", wording.text("no-rule", i=pair.i, o=pair.o), pair.i, [], self._refs(inb, out),
                       layer="none")

    # ------------------------------------------------------------------ helpers
    def license_ref(self, lid: str) -> LicenseReference:
        meta = self.catalog.licenses.get(lid)
        if meta is None:
            return LicenseReference(title=lid, url=None)
        url = f"https://spdx.org/licenses/{lid}.html" if meta.spdx else meta.url
        return LicenseReference(title=f"{meta.name} ({lid})", url=url)

    def _refs(self, inb: Leaf, out: Leaf) -> list[LicenseReference]:
        return [self.license_ref(inb.license), self.license_ref(out.license)]

    def obligations_for(self, leaf: Leaf, use: str | None) -> list[str]:
        if leaf.license == PROPRIETARY:
            return []
        cat = self.categories.of(leaf.license)
        if use == "saas" and cat != "network copyleft":
            return []
        return self.obligations.for_license(leaf.license, cat)

    def osadl_ref(self, i: str, o: str, raw: str) -> LicenseReference:
        return LicenseReference(title=wording.both("src-osadl-pair", i=i, o=o, raw=raw), url=refs.OSADL_URL)

    def _add_pair_notes(self, finding: Finding, pair: Pair) -> None:
        for n in self.rules.pair_notes.get((pair.i, pair.o), []):
            finding.notes.append(wording.both("note-pair", zh=n.note_zh, en=n.note_en))
            finding.sources.extend(n.sources)

    # ------------------------------------------------------------------ 1-2 proprietary, same licence
    def _proprietary_outbound(self, p: Pair) -> Finding | None:
        return self.proprietary.judge(p.inb, p.use) if p.out.license == PROPRIETARY else None

    def _proprietary_inbound(self, p: Pair) -> Finding | None:
        if p.inb.license != PROPRIETARY:
            return None
        return Finding("unknown", wording.text("proprietary-inbound", i=p.i, o=p.o), p.i, [],
                       [self.license_ref(p.out.license)], layer="proprietary")

    def _same_licence(self, p: Pair) -> Finding | None:
        if p.inb != p.out:
            return None
        srcs = [self.osadl_ref(p.i, p.o, "Same")] if p.osadl else []
        return Finding("compatible", wording.text("same", i=p.i, o=p.o), p.i, self.obligations_for(p.inb, p.use),
                       srcs + [self.license_ref(p.inb.license)], layer="same")

    # ------------------------------------------------------------------ 3 OSADL stated
    def _osadl_stated(self, p: Pair) -> Finding | None:
        pair = p.osadl
        if pair is None or pair.raw not in _OSADL_STATED:
            return None
        kind = "depending" if pair.raw == "Check dependency" else pair.kind
        if kind not in wording.TEMPLATES:
            kind = "explicit-yes" if pair.raw == "Yes" else "explicit-no"
        f = Finding(pair.verdict, wording.text(kind, i=p.i, o=p.o), p.i, self.obligations_for(p.inb, p.use),
                    [self.osadl_ref(p.i, p.o, pair.raw), *self._refs(p.inb, p.out)], layer="osadl")
        if pair.raw == "Check dependency":
            f.conditions.insert(0, wording.both("cond-check-dependency"))
        if gnu_parts(p.inb.license) or gnu_parts(p.out.license):
            f.sources.append(refs.FSF_LIST)
        if p.override is not None and p.override.verdict != f.verdict:
            f.notes.append(wording.both(
                "note-override-kept-osadl", verdict_zh=wording.VERDICT["zh"][p.override.verdict],
                reason_zh=p.override.reason_zh, verdict=p.override.verdict,
            ))
        self._linking_adjust(f, p)
        return f

    def _linking_adjust(self, f: Finding, p: Pair) -> None:
        """LGPL-style library linked (not merged) into a permissively licensed program."""
        if p.use not in ("dynamic", "static") or f.verdict != "incompatible":
            return
        if self.categories.of(p.inb.license) != "weak copyleft" or self.categories.of(p.out.license) not in (
            "permissive", "public domain",
        ):
            return
        rule = self.rules.proprietary["weak copyleft"][p.use]
        f.notes.append(wording.both("note-linking", i=p.inb, o=p.out, how_zh="动态" if p.use == "dynamic" else "静态"))
        f.verdict = "conditional"
        f.reason = wording.text("linking-adjusted", inner=f.reason, zh=rule["reason_zh"], en=rule["reason_en"])
        f.conditions = list(rule.get("conditions") or []) + f.conditions
        f.sources += [LicenseReference(title=s["title"], url=s.get("url")) for s in rule["source"]]

    # ------------------------------------------------------------------ 4 override layer
    def _override(self, p: Pair) -> Finding | None:
        rule = p.override
        if rule is None:
            return None
        reason = wording.text("reason", zh=rule.reason_zh, en=rule.reason_en)
        f = Finding(rule.verdict, reason, p.i,
                    list(rule.conditions) + (self.obligations_for(p.inb, p.use) if rule.verdict != "incompatible" else []),
                    list(rule.sources) + self._refs(p.inb, p.out), layer="override")
        if rule.note_zh:
            f.notes.append(f"{rule.note_zh} / {rule.note_en}")
        return f

    # ------------------------------------------------------------------ 5 derived rules
    def _derived(self, p: Pair) -> Finding | None:
        if p.inb.exception:
            return self._with_exception(p)
        if p.out.exception:
            base = self.judge(p.inb, Leaf(p.out.license), p.use)
            base.notes.append(wording.both("note-outbound-exception", exception=p.out.exception, base=p.out.license))
            return base
        upgraded = self._or_later(p)
        if upgraded is not None:
            return upgraded
        return self._generic(p) if p.osadl is None else None

    def _or_later(self, p: Pair) -> Finding | None:
        """X-or-later inbound: the recipient may pick any allowed version."""
        best = None
        for alt in later_alternatives(p.inb.license):
            if alt == p.inb.license:
                continue
            r = self._known_pair(Leaf(alt), p.out, p.use)
            if r is not None and (best is None or RANK[r.verdict] > RANK[best.verdict]):
                best = r
        if best is None or best.verdict not in ("compatible", "conditional"):
            return None
        best.reason = wording.text("or-later", i=p.i, chosen=best.label, inner=best.reason)
        best.conditions.insert(0, wording.both("cond-use-later", chosen=best.label))
        best.label = p.i
        return best

    def _known_pair(self, inb: Leaf, out: Leaf, use: str | None) -> Finding | None:
        if inb == out:
            return self.judge(inb, out, use)
        pair = self.rules.osadl_pair(str(inb), str(out))
        if (pair is not None and pair.raw != "Unknown") or (str(inb), str(out)) in self.rules.overrides:
            return self.judge(inb, out, use)
        return None

    def _with_exception(self, p: Pair) -> Finding:
        inb, out = p.inb, p.out
        meta = self.rules.exceptions.get(inb.exception or "", {"kind": "other"})
        kind = meta.get("kind", "other")
        exc_ref = self.exception_ref(inb.exception or "", meta.get("url") or f"https://spdx.org/licenses/{inb.exception}.html")
        base = self.judge(Leaf(inb.license), out, p.use)
        base.sources.append(exc_ref)
        base.label = p.i
        if base.verdict == "compatible":
            base.notes.append(wording.both("note-exception-adds", exception=inb.exception))
            return base
        if kind == "gpl2" and (gnu_parts(out.license) or ("", "", ""))[1].startswith("2"):
            return Finding("compatible",
                           wording.text("exception-gpl2", base=inb.license, exception=inb.exception, o=p.o),
                           p.i, self.obligations_for(Leaf(inb.license), p.use),
                           [exc_ref, self.license_ref(out.license)], layer="exception")
        if kind in ("linking", "runtime", "output") and self.categories.of(out.license) not in COPYLEFT:
            return Finding(
                "conditional",
                wording.text("exception-open", base=inb.license, exception=inb.exception, o=p.o, i=p.i,
                             what=wording.text(f"exception-what-{kind}")),
                p.i,
                [wording.both("cond-separate-library"), wording.both("cond-library-source", i=p.i)]
                + self.obligations_for(Leaf(inb.license), p.use),
                [exc_ref, self.license_ref(inb.license)], layer="exception",
            )
        base.notes.append(wording.both("note-exception-read", exception=inb.exception))
        if base.verdict == "incompatible" and kind == "other":
            base.verdict = "unknown"
        return base

    def exception_ref(self, exception: str, url: str | None) -> LicenseReference:
        return LicenseReference(title=f"{self.catalog.exceptions.get(exception, exception)} ({exception})", url=url)

    def _generic(self, p: Pair) -> Finding | None:
        i, o = p.inb.license, p.out.license
        ci, co = self.categories.of(i), self.categories.of(o)
        base_refs = self._refs(p.inb, p.out)
        obl = self.obligations.for_license(i, ci)

        def found(verdict: str, kind: str, sources: list, conditions: list | None = None, **params) -> Finding:
            return Finding(verdict, wording.text(kind, i=i, o=o, **params), i,
                           obl if conditions is None else conditions, base_refs + sources, layer="generic")

        gp = gnu_parts(o)
        if ci == "public domain":
            return found("compatible", "generic-public-domain", [])
        if ci == "permissive":
            if co in ("permissive", "public domain"):
                return found("compatible", "generic-permissive", [refs.OSADL_GENERIC_PERMISSIVE])
            if gp:
                ver, suffix = gp[1], gp[2]
                ok2, ok3 = i in self.rules.gpl2_ok, i in self.rules.gpl3_ok
                ok = ok3 if ver.startswith("3") else ok2 if ver.startswith("2") else False
                if ok:
                    return found("compatible", "fsf-gpl-compatible", [refs.FSF_LIST])
                if ver.startswith("2") and suffix == "or-later" and ok3:
                    return found("conditional", "fsf-gpl3-only", [refs.FSF_LIST],
                                 [wording.both("cond-gpl3-later")] + obl)
                return None
            if co == "non-free":
                return found("compatible", "permissive-to-nonfree", [refs.OSD])
            if co in COPYLEFT and (i in self.rules.gpl3_ok or i in self.rules.gpl2_ok):
                return found("compatible", "permissive-to-copyleft", [refs.FSF_LIST])
            return None
        if ci in COPYLEFT and co in ("permissive", "public domain"):
            return found("incompatible", "copyleft-to-permissive", [refs.OSADL_GENERIC_COPYLEFT_TO_PERMISSIVE], [])
        if ci in ("strong copyleft", "network copyleft") and co in COPYLEFT:
            return found("incompatible", "copyleft-to-copyleft", [refs.OSADL_GENERIC_COPYLEFT_TO_COPYLEFT], [])
        if ci == "non-free" and co in ("permissive", "public domain", *COPYLEFT):
            return found("incompatible", "nonfree-to-open", [refs.FSF_LIST], [])
        return None

    # ------------------------------------------------------------------ 6 OSADL unknown
    def _osadl_unknown(self, p: Pair) -> Finding | None:
        if p.osadl is None:
            return None
        kind = p.osadl.kind if p.osadl.kind in wording.TEMPLATES else "insufficient"
        return Finding("unknown", wording.text(kind, i=p.i, o=p.o), p.i, [],
                       [self.osadl_ref(p.i, p.o, p.osadl.raw), *self._refs(p.inb, p.out)], layer="osadl")
