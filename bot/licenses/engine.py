"""The licence compatibility engine: inbound expression + outbound licence (+ use) -> LicenseCheck.

`LicenseEngine` implements `bot.ports.LicenseAdvisor`. It parses both sides, judges every inbound
licence against every outbound licence with `PairJudge` (the evidence layers, in order of
precedence), combines the findings over AND / OR, and turns the result into a `LicenseCheck`. A
licence family named without a version ("LGPL", "GPL v2") is answered once per common version.
Everything it loads and caches lives on the instance; the composition root builds one and shares it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from bot.errors import LicenseError
from bot.licenses import references as refs
from bot.licenses import wording
from bot.licenses.categories import Categories
from bot.licenses.expression import ExpressionParser, Leaf, Node, Parsed, leaves, substitute
from bot.licenses.findings import Finding, combine_and, combine_or, dedupe
from bot.licenses.fsf import FsfList
from bot.licenses.identify import LicenseIdentifier
from bot.licenses.names import PROPRIETARY, LicenseCatalog, LicenseMeta
from bot.licenses.obligations import Obligations
from bot.licenses.pairs import PairJudge
from bot.licenses.questions import QuestionReader
from bot.licenses.rules import RuleSet
from bot.licenses.scancode import ScanCodeIndex
from bot.licenses.versions import family_answer
from bot.types import IdentifyResult, LicenseCheck, LicenseInfo, LicenseMention, LicenseQuery

USES = ("binary", "saas", "static", "dynamic")
USE_ALIASES = {
    "binary": "binary", "distribution": "binary", "distribute": "binary", "bin": "binary",
    "分发": "binary", "二进制": "binary",
    "saas": "saas", "network": "saas", "service": "saas", "server": "saas", "cloud": "saas",
    "网络": "saas", "云服务": "saas",
    "static": "static", "static-link": "static", "static_linking": "static", "静态链接": "static",
    "静态": "static",
    "dynamic": "dynamic", "dynamic-link": "dynamic", "dynamic_linking": "dynamic", "shared": "dynamic",
    "动态链接": "dynamic", "动态": "dynamic",
}


class LicenseEngine:
    """Implements bot.ports.LicenseAdvisor. Build it once (`LicenseEngine(data_dir, texts_dir)`) and share it."""

    def __init__(self, data_dir: Path, texts_dir: Path | None = None, scancode_index: Path | None = None):
        """`scancode_index`: the ScanCode LicenseDB index; default: the copy bundled with license-expression."""
        self.data_dir = Path(data_dir)
        if not (self.data_dir / "osadl" / "osadl-matrixseqexpl.json").is_file():
            raise LicenseError(wording.error("data-missing", path=self.data_dir), [])
        self.texts_dir = Path(texts_dir) if texts_dir else self.data_dir.parent / "texts"
        self.catalog = LicenseCatalog(self.data_dir)
        self.rules = RuleSet(self.data_dir)
        self.obligations = Obligations(self.data_dir / "finos-oslc-handbook")
        self.catalog.popular |= {n for n in self.rules.osadl_names if " WITH " not in n}
        for name in sorted(self.rules.osadl_names):
            if " WITH " not in name and not self.catalog.is_known(name):
                self.catalog.add_extra(name, name)
        self.parser = ExpressionParser(self.catalog)
        self.fsf = FsfList(self.data_dir / "fsf", self._canonical_or_none)
        self.scancode = ScanCodeIndex(scancode_index)
        self.categories = Categories(self.catalog, self.rules, self.fsf, self.scancode)
        self.pairs = PairJudge(self.catalog, self.rules, self.obligations, self.categories, self.fsf)
        self.questions = QuestionReader(self.parser)
        self._identifier: LicenseIdentifier | None = None
        self._identifier_lock = threading.Lock()

    # ------------------------------------------------------------------ names and facts
    def resolve(self, name: str) -> str:
        """A licence name or SPDX expression -> canonical SPDX string. Raises LicenseError."""
        node, _ = self.parser.parse(name)
        return str(node)

    def category(self, lid: str) -> str:
        return self.categories.of(lid)

    def _canonical_or_none(self, name: str) -> str | None:
        parsed = self.parser.try_parse(name)
        return str(parsed.node) if parsed is not None and not parsed.families else None

    def describe(self, name: str) -> LicenseInfo:
        node, notes = self.parser.parse(name)
        if not isinstance(node, Leaf):
            raise LicenseError(wording.error("one-licence-only"), [str(x) for x in leaves(node)])
        lid = node.license
        meta: LicenseMeta = self.catalog.licenses[lid]
        cat = self.category(lid)
        info_notes = list(notes)
        if node.exception:
            info_notes.append(wording.both("note-with-exception", exception=node.exception))
        if not meta.spdx and lid != PROPRIETARY:
            info_notes.append(wording.both("note-not-spdx"))
        kind = self.categories.kind(lid)
        return LicenseInfo(
            id=str(node),
            name=meta.name,
            spdx_id=lid if meta.spdx else None,
            category=cat,
            category_sources=[kind.reference] if kind.reference else [],
            osi_approved=meta.osi_approved,
            fsf_libre=meta.fsf_libre,
            deprecated=meta.deprecated,
            obligations=[] if lid == PROPRIETARY else self.obligations.for_license(lid, cat),
            text_url=f"https://spdx.org/licenses/{lid}.html" if meta.spdx else meta.url,
            in_osadl_matrix=self.rules.osadl_name(str(node)) is not None,
            notes=info_notes,
        )

    def identify(self, text: str) -> IdentifyResult:
        if self._identifier is None:
            with self._identifier_lock:
                if self._identifier is None:
                    self._identifier = LicenseIdentifier(self.texts_dir, self.catalog)
        return self._identifier.identify(text)

    # ------------------------------------------------------------------ free text
    def find_mentions(self, text: str) -> list[LicenseMention]:
        return self.questions.find_mentions(text)

    def parse_question(self, text: str) -> LicenseQuery | None:
        return self.questions.parse_question(text)

    # ------------------------------------------------------------------ compatibility
    def check(self, inbound: str, outbound: str, use: str | None = None) -> LicenseCheck:
        use_n = self._normalise_use(use)
        inp, outp = self.parser.parse_full(inbound), self.parser.parse_full(outbound)
        if not inp.families and not outp.families:
            return self._check(inp, outp, use_n)
        if len(set(inp.families) | set(outp.families)) > 1 or (inp.families and outp.families):
            a, b = (list(inp.families) + list(outp.families))[:2]
            fa, fb = self.catalog.families.get(a), self.catalog.families.get(b)
            va, vb = (fa.versions if fa else ()), (fb.versions if fb else ())
            if inp.families and outp.families:  # one on each side: pinning your own licence is the easy fix
                raise LicenseError(wording.error("family-pin-one", a=a, b=b), [*vb, *va], family=a)
            raise LicenseError(wording.error(
                "family-pin-side", a=a, b=b, role=wording.ROLE_NAME["inbound" if inp.families else "outbound"],
                a_versions=", ".join(va), b_versions=", ".join(vb),
            ), list(dict.fromkeys([*va, *vb])), family=a)
        role = "inbound" if inp.families else "outbound"
        family = self.catalog.families.get((inp.families or outp.families)[0])
        rows = []
        for version in family.versions:
            if role == "inbound":
                rows.append(self._check(Parsed(substitute(inp.node, family.key, version), inp.notes), outp, use_n))
            else:
                rows.append(self._check(inp, Parsed(substitute(outp.node, family.key, version), outp.notes), use_n))
        return family_answer(family, role, str(inp.node), str(outp.node), rows, [*inp.notes, *outp.notes])

    def _check(self, inp: Parsed, outp: Parsed, use_n: str | None) -> LicenseCheck:
        in_node, out_node = inp.node, outp.node
        notes = list(inp.notes) + list(outp.notes)
        if isinstance(out_node, Leaf):
            finding = self._evaluate(in_node, out_node, use_n)
        else:
            parts = [self._evaluate(in_node, ol, use_n) for ol in leaves(out_node)]
            finding = combine_and(parts, f"{in_node} → {out_node}")
            notes.append(wording.both("note-outbound-expression", o=out_node))
        if use_n == "saas" and not any(x.license == PROPRIETARY for x in leaves(out_node)):
            notes.append(wording.both("note-saas-open"))
        return self._answer(finding, in_node, out_node, notes)

    def _answer(self, f: Finding, in_node: Node, out_node: Node, notes: list[str]) -> LicenseCheck:
        conditions = dedupe(f.conditions) if f.verdict != "incompatible" else []
        # "choose the X branch" first, then the rest in the order found
        conditions.sort(key=lambda c: not c.startswith(wording.CHOOSE_BRANCH_ZH))
        return LicenseCheck(
            verdict=f.verdict,  # type: ignore[arg-type]
            inbound=str(in_node),
            outbound=str(out_node),
            explanation=f.reason.render("zh"),
            explanation_en=f.reason.render("en"),
            conditions=conditions,
            sources=dedupe(f.sources) or [refs.OSADL_MATRIX],
            notes=dedupe(notes + f.notes),
        )

    def _normalise_use(self, use: str | None) -> str | None:
        if use is None or str(use).strip() == "":
            return None
        u = USE_ALIASES.get(str(use).strip().lower())
        if u is None:
            raise LicenseError(wording.error("unknown-use", use=use), list(USES))
        return u

    def _evaluate(self, node: Node, out: Leaf, use: str | None) -> Finding:
        if isinstance(node, Leaf):
            return self.pairs.judge(node, out, use)
        parts = [self._evaluate(a, out, use) for a in node.args]
        if node.op == "AND":
            return combine_and(parts, str(node))
        return combine_or(parts, str(node))
