"""Open-source code inside proprietary (closed-source) software, by licence kind and use mode.

The rules are data (`proprietary.yaml`: per licence category, or per licence id pattern, and per
use mode binary / saas / static / dynamic); licence exceptions that allow linking or leave output
free (Classpath, GCC runtime, Bison ...) are handled first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.licenses import references as refs
from bot.licenses import wording
from bot.licenses.categories import COPYLEFT
from bot.licenses.expression import Leaf
from bot.licenses.findings import Finding
from bot.types import LicenseReference

if TYPE_CHECKING:  # pragma: no cover
    from bot.licenses.pairs import PairJudge

_EXCEPTION_KINDS = ("linking", "runtime", "output")


class ProprietaryJudge:
    def __init__(self, pairs: PairJudge):
        self.pairs = pairs
        self.rules = pairs.rules

    def judge(self, inb: Leaf, use: str | None) -> Finding:
        if inb.exception:
            found = self._exception(inb, use)
            if found is not None:
                return found
        return self._by_category(inb, use)

    def _exception(self, inb: Leaf, use: str | None) -> Finding | None:
        i, u = str(inb), use or "binary"
        meta = self.rules.exceptions.get(inb.exception, {"kind": "other"})
        kind = meta.get("kind", "other")
        exc_ref = self.pairs.exception_ref(inb.exception or "", meta.get("url"))
        if kind == "gpl2":
            found = self.judge(Leaf(inb.license), use)
            found.label = i
            found.sources.append(exc_ref)
            return found
        if kind not in _EXCEPTION_KINDS or self.pairs.categories.of(inb.license) not in COPYLEFT or u == "saas":
            return None
        params = {"base": inb.license, "exception": inb.exception, "i": i}
        if kind == "linking":
            return Finding(
                "conditional", wording.text("proprietary-linking-exception", **params), i,
                [wording.both("cond-link-only"), wording.both("cond-ship-library-licence", i=i)],
                [exc_ref, self.pairs.license_ref(inb.license), refs.GPL_FAQ], layer="exception",
            )
        return Finding(
            "compatible" if kind == "runtime" else "conditional",
            wording.text(f"proprietary-{kind}-exception", **params), i,
            [wording.both("cond-exception-applies"), wording.both("cond-tool-stays")],
            [exc_ref, self.pairs.license_ref(inb.license)], layer="exception",
        )

    def _by_category(self, inb: Leaf, use: str | None) -> Finding:
        i, u = str(inb), use or "binary"
        cat = self.pairs.categories.of(inb.license)
        table = (
            self.rules.proprietary_rules_for(inb.license)
            or self.rules.proprietary.get(cat)
            or self.rules.proprietary["unclassified"]
        )
        rule = table.get(u) or table.get("default") or self.rules.proprietary["unclassified"]["default"]
        conditions = list(rule.get("conditions") or [])
        if rule["verdict"] in ("compatible", "conditional"):
            conditions += self.pairs.obligations_for(inb, u)
        mode_zh, mode_en = wording.USE_MODE[u]
        reason = wording.text(
            "proprietary-category", i=i, category=cat, category_zh=wording.CATEGORY_ZH.get(cat, cat),
            mode_zh=mode_zh, mode_en=mode_en, zh=rule["reason_zh"], en=rule["reason_en"],
        )
        notes = []
        if use is None and cat in ("weak copyleft", "strong copyleft"):
            notes.append(wording.both("note-no-use"))
        sources = [LicenseReference(title=s["title"], url=s.get("url")) for s in rule["source"]]
        sources += self.pairs.kind_refs(inb.license)
        return Finding(rule["verdict"], reason, i, conditions, sources + [self.pairs.license_ref(inb.license)],
                       notes, layer="proprietary")
