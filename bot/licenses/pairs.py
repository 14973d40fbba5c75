"""One inbound licence against one outbound licence: the evidence layers, asked in order of precedence.

Each step looks at one source and returns a `Finding`, or None when that source says nothing about
the pair; the first finding wins. Precedence, highest first:
1. the licence texts themselves and the licence stewards (overrides.yaml: pair rules, then rules for
   every outbound licence of a kind, e.g. advertising clauses);
2. OSADL's checklist statements (Yes / No / Same / Check dependency for this very pair);
   then what the licence texts imply through their structure: WITH exceptions and "-or-later";
3. the FSF licence list (GPLv2 / GPLv3 compatibility; non-free licences);
   an OSADL "Unknown" stops here: it is never turned into a verdict by a generic rule;
4. OSADL's generic rules (non-copyleft + non-copyleft: yes; copyleft -> non-copyleft: no;
   two copylefts: no), unless a licence-type source says the inbound licence is copyleft;
5. licence types (our classification, FSF non-free, ScanCode LicenseDB categories).
Otherwise the answer is "unknown", with what to check. Proprietary targets have their own rules
(`ProprietaryJudge`). After the decision, the other layers' opinions on the same pair are compared:
agreeing sources are cited too, disagreeing ones are named in the explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.licenses import references as refs
from bot.licenses import wording
from bot.licenses.categories import COPYLEFT, OPEN_KINDS, Categories
from bot.licenses.expression import Leaf
from bot.licenses.findings import Finding
from bot.licenses.fsf import FsfList
from bot.licenses.names import PROPRIETARY, LicenseCatalog
from bot.licenses.obligations import Obligations
from bot.licenses.opinions import Opinions
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
                 categories: Categories, fsf: FsfList):
        self.catalog = catalog
        self.rules = rules
        self.obligations = obligations
        self.categories = categories
        self.fsf = fsf
        self.proprietary = ProprietaryJudge(self)
        self.opinions = Opinions(self)
        self.steps: tuple[Callable[[Pair], Finding | None], ...] = (
            self._proprietary_outbound,
            self._proprietary_inbound,
            self._same_licence,
            self._licence_texts,
            self._osadl_checklist,
            self._derived,
            self._fsf_list,
            self._osadl_unknown,
            self._osadl_generic,
            self._licence_types,
        )

    # ------------------------------------------------------------------ entry point
    def judge(self, inb: Leaf, out: Leaf, use: str | None) -> Finding:
        pair = Pair(inb, out, use, self.rules.osadl_pair(str(inb), str(out)),
                    self.rules.overrides.get((str(inb), str(out))))
        finding = next((f for f in (step(pair) for step in self.steps) if f is not None), None)
        if finding is None:
            finding = self._nothing_known(pair)
        if finding.layer in ("proprietary", "same"):
            return finding
        self._linking_adjust(finding, pair)
        self._add_pair_notes(finding, pair)
        self.opinions.reconcile(finding, pair)
        return finding

    # ------------------------------------------------------------------ helpers
    def license_ref(self, lid: str) -> LicenseReference:
        meta = self.catalog.licenses.get(lid)
        if meta is None:
            return LicenseReference(title=lid, url=None)
        url = f"https://spdx.org/licenses/{lid}.html" if meta.spdx else meta.url
        return LicenseReference(title=f"{meta.name} ({lid})", url=url)

    def refs(self, inb: Leaf, out: Leaf) -> list[LicenseReference]:
        return [self.license_ref(inb.license), self.license_ref(out.license)]

    def kind_refs(self, *lids: str) -> list[LicenseReference]:
        return [k.reference for k in (self.categories.kind(x) for x in lids) if k.reference is not None]

    def obligations_for(self, leaf: Leaf, use: str | None) -> list[str]:
        if leaf.license == PROPRIETARY:
            return []
        cat = self.categories.of(leaf.license)
        if use == "saas" and cat != "network copyleft":
            return []
        return self.obligations.for_license(leaf.license, cat)

    def osadl_ref(self, i: str, o: str, raw: str) -> LicenseReference:
        return LicenseReference(title=wording.both("src-osadl-pair", i=i, o=o, raw=raw), url=refs.OSADL_URL)

    def exception_ref(self, exception: str, url: str | None) -> LicenseReference:
        return LicenseReference(title=f"{self.catalog.exceptions.get(exception, exception)} ({exception})", url=url)

    def _add_pair_notes(self, finding: Finding, pair: Pair) -> None:
        for n in self.rules.pair_notes.get((pair.i, pair.o), []):
            finding.notes.append(wording.both("note-pair", zh=n.note_zh, en=n.note_en))
            finding.sources.extend(n.sources)

    # ------------------------------------------------------------------ proprietary, same licence
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

    # ------------------------------------------------------------------ 1 licence texts and stewards
    def _licence_texts(self, p: Pair) -> Finding | None:
        rule = p.override or self.rules.kind_rule(p.i, self.categories.of(p.out.license))
        if rule is None:
            return None
        f = Finding(rule.verdict, wording.text("reason", zh=rule.reason_zh, en=rule.reason_en), p.i,
                    list(rule.conditions) + (self.obligations_for(p.inb, p.use) if rule.verdict != "incompatible" else []),
                    list(rule.sources) + self.refs(p.inb, p.out), layer="text")
        if rule.note_zh:
            f.notes.append(f"{rule.note_zh} / {rule.note_en}")
        return f

    # ------------------------------------------------------------------ 2 OSADL checklist statements
    def _osadl_checklist(self, p: Pair) -> Finding | None:
        pair = p.osadl
        if pair is None or pair.raw not in _OSADL_STATED or pair.generic:
            return None
        kind = "depending" if pair.raw == "Check dependency" else pair.kind
        if kind not in wording.TEMPLATES:
            kind = "explicit-yes" if pair.raw == "Yes" else "explicit-no"
        f = Finding(pair.verdict, wording.text(kind, i=p.i, o=p.o), p.i, self.obligations_for(p.inb, p.use),
                    [self.osadl_ref(p.i, p.o, pair.raw), *self.refs(p.inb, p.out)], layer="osadl")
        if pair.raw == "Check dependency":
            f.conditions.insert(0, wording.both("cond-check-dependency"))
        if gnu_parts(p.inb.license) or gnu_parts(p.out.license):
            f.sources.append(refs.FSF_LIST)
        return f

    def _linking_adjust(self, f: Finding, p: Pair) -> None:
        """An LGPL-style library linked (not merged) into a permissively licensed program."""
        if p.use not in ("dynamic", "static") or f.verdict != "incompatible" or f.layer == "text":
            return
        if self.categories.of(p.inb.license) != "weak copyleft" or self.categories.of(p.out.license) not in (
            "permissive", "public domain",
        ):
            return
        rule = self.rules.proprietary["weak copyleft"][p.use]
        f.notes.append(wording.both("note-linking", i=p.inb, o=p.out, how_zh=wording.LINK_HOW_ZH[p.use]))
        f.verdict = "conditional"
        f.reason = wording.text("linking-adjusted", inner=f.reason, zh=rule["reason_zh"], en=rule["reason_en"])
        f.conditions = list(rule.get("conditions") or []) + f.conditions
        f.sources += [LicenseReference(title=s["title"], url=s.get("url")) for s in rule["source"]]

    # ------------------------------------------------------------------ 2b what the licence structure implies
    def _derived(self, p: Pair) -> Finding | None:
        if p.inb.exception:
            return self._with_exception(p)
        if p.out.exception:
            base = self.judge(p.inb, Leaf(p.out.license), p.use)
            base.notes.append(wording.both("note-outbound-exception", exception=p.out.exception, base=p.out.license))
            base.layer = "derived"
            return base
        return self._or_later(p)

    def _or_later(self, p: Pair) -> Finding | None:
        """X-or-later inbound: the recipient may pick any allowed version; take the best one a source states."""
        best = None
        for alt in later_alternatives(p.inb.license):
            if alt == p.inb.license:
                continue
            r = self.judge(Leaf(alt), p.out, p.use)
            if r.layer in ("type", "none", "derived") or r.verdict not in ("compatible", "conditional"):
                continue
            if best is None or (r.verdict == "compatible" and best.verdict != "compatible"):
                best = r
        if best is None:
            return None
        best.reason = wording.text("or-later", i=p.i, chosen=best.label, inner=best.reason)
        best.conditions.insert(0, wording.both("cond-use-later", chosen=best.label))
        best.label = p.i
        best.layer = "derived"
        return best

    def _with_exception(self, p: Pair) -> Finding:
        inb, out = p.inb, p.out
        meta = self.rules.exceptions.get(inb.exception or "", {"kind": "other"})
        kind = meta.get("kind", "other")
        exc_ref = self.exception_ref(inb.exception or "", meta.get("url") or f"https://spdx.org/licenses/{inb.exception}.html")
        base = self.judge(Leaf(inb.license), out, p.use)
        base.sources.append(exc_ref)
        base.label = p.i
        base.layer = "derived"
        if base.verdict == "compatible":
            base.notes.append(wording.both("note-exception-adds", exception=inb.exception))
            return base
        if kind == "gpl2" and (gnu_parts(out.license) or ("", "", ""))[1].startswith("2"):
            return Finding("compatible",
                           wording.text("exception-gpl2", base=inb.license, exception=inb.exception, o=p.o),
                           p.i, self.obligations_for(Leaf(inb.license), p.use),
                           [exc_ref, self.license_ref(out.license)], layer="derived")
        if kind in ("linking", "runtime", "output") and self.categories.of(out.license) not in COPYLEFT:
            return Finding(
                "conditional",
                wording.text("exception-open", base=inb.license, exception=inb.exception, o=p.o, i=p.i,
                             what=wording.text(f"exception-what-{kind}")),
                p.i,
                [wording.both("cond-separate-library"), wording.both("cond-library-source", i=p.i)]
                + self.obligations_for(Leaf(inb.license), p.use),
                [exc_ref, self.license_ref(inb.license)], layer="derived",
            )
        base.notes.append(wording.both("note-exception-read", exception=inb.exception))
        if base.verdict == "incompatible" and kind == "other":
            base.verdict = "unknown"
        return base

    # ------------------------------------------------------------------ 3 FSF licence list
    def _fsf_list(self, p: Pair) -> Finding | None:
        opinion = self.opinions.fsf(p)
        if opinion is None:
            return None
        conditions = self.obligations_for(p.inb, p.use) if opinion.verdict != "incompatible" else []
        if opinion.verdict == "conditional":
            narrowed = opinion.reason.params.get("narrowed")
            first = wording.both("cond-narrowed", narrowed=narrowed) if narrowed else wording.both("cond-gpl3-later")
            conditions = [first, *conditions]
        return Finding(opinion.verdict, opinion.reason, p.i, conditions,
                       [*opinion.sources, *self.refs(p.inb, p.out)], layer="fsf")

    # ------------------------------------------------------------------ OSADL unknown: no guessing below
    def _osadl_unknown(self, p: Pair) -> Finding | None:
        if p.osadl is None or p.osadl.raw != "Unknown":
            return None
        kind = p.osadl.kind if p.osadl.kind in wording.TEMPLATES else "insufficient"
        return Finding("unknown", wording.text(kind, i=p.i, o=p.o), p.i, [],
                       [self.osadl_ref(p.i, p.o, p.osadl.raw), *self.refs(p.inb, p.out)], layer="osadl")

    # ------------------------------------------------------------------ 4 OSADL generic rules
    def _osadl_generic(self, p: Pair) -> Finding | None:
        opinion = self.opinions.osadl_generic(p)
        if opinion is None:
            return None
        if opinion.verdict == "compatible":
            claim = self.categories.copyleft_claim(p.inb.license)
            if claim is not None:  # OSADL calls it non-copyleft, a type source does not: not simply permissive
                return Finding(
                    "conditional",
                    wording.text("disputed-permissive", i=p.i, o=p.o, ltype=wording.kind_name(claim.kind),
                                 source=claim.reference.title if claim.reference else claim.source),
                    p.i, [wording.both("cond-keep-own-licence", i=p.i, o=p.o)] + self.obligations_for(p.inb, p.use),
                    [*opinion.sources, *([claim.reference] if claim.reference else []), *self.refs(p.inb, p.out)],
                    layer="osadl-generic",
                )
        conditions = self.obligations_for(p.inb, p.use) if opinion.verdict != "incompatible" else []
        return Finding(opinion.verdict, opinion.reason, p.i, conditions,
                       [*opinion.sources, *self.refs(p.inb, p.out)], layer="osadl-generic")

    # ------------------------------------------------------------------ 5 licence types
    def _licence_types(self, p: Pair) -> Finding | None:
        i, o = p.inb.license, p.out.license
        ci, co = self.categories.of(i), self.categories.of(o)

        def found(verdict: str, kind: str, extra: list[LicenseReference], conditions: list[str] | None = None,
                  **params) -> Finding:
            obl = self.obligations_for(p.inb, p.use) if verdict != "incompatible" else []
            return Finding(verdict, wording.text(kind, i=i, o=o, **params), i,
                           obl if conditions is None else conditions,
                           [*self.kind_refs(i, o), *extra, *self.refs(p.inb, p.out)], layer="type")

        if ci == "public domain":
            return found("compatible", "generic-public-domain", [])
        if ci == "permissive":
            if co in ("permissive", "public domain"):
                return found("compatible", "generic-permissive", [refs.OSADL_GENERIC_PERMISSIVE])
            if co == "non-free":
                return found("compatible", "permissive-to-nonfree", [refs.OSD])
            entry = self.fsf.get(i)
            if co in COPYLEFT and entry is not None and (entry.gpl_compatible("2") or entry.gpl_compatible("3")):
                return found("compatible", "permissive-to-copyleft", [entry.reference()])
            file_level = refs.FILE_LEVEL_COPYLEFT.get(o)
            # the permissive files keep their own licence beside the copyleft ones (an advertising clause
            # reaches the whole product, so those licences are left to what the other layers say)
            if file_level is not None and self.rules.kind_rule(i, "permissive") is None:
                return found("compatible", "permissive-to-file-copyleft", [file_level],
                             [wording.both("cond-keep-permissive-files", i=i, o=o), *self.obligations_for(p.inb, p.use)])
            if co in COPYLEFT:
                return found("unknown", "permissive-unverified", [], [])
            return None
        if ci in COPYLEFT and co in ("permissive", "public domain"):
            return found("incompatible", "copyleft-to-permissive", [refs.OSADL_GENERIC_COPYLEFT_TO_PERMISSIVE])
        if ci in ("strong copyleft", "network copyleft") and (co in COPYLEFT or co == "non-free"):
            return found("incompatible", "copyleft-to-copyleft", [refs.OSADL_GENERIC_COPYLEFT_TO_COPYLEFT])
        if ci == "non-free" and co in OPEN_KINDS:
            return found("incompatible", "nonfree-to-open", [], ltype=self._kind_label(i))
        return None

    def _kind_label(self, lid: str) -> str:
        category = self.categories.scancode.category(lid)
        return category or "non-free"

    def _nothing_known(self, p: Pair) -> Finding:
        i, o = p.inb.license, p.out.license
        ci, co = self.categories.of(i), self.categories.of(o)
        kind = "unknown-type" if ci == "unclassified" else "no-rule"
        return Finding("unknown", wording.text(kind, i=p.i, o=p.o, ki=wording.kind_name(ci), ko=wording.kind_name(co)),
                       p.i, [], [*self.kind_refs(i, o), *self.refs(p.inb, p.out)], layer="none")

