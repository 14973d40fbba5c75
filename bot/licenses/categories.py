"""The kind of licence an id is: public domain, permissive, weak / strong / network copyleft, non-free.

A kind always comes from a source, in this order: the FSF licence list ("non-free": its restrictions
matter more than its copyleft), our classification read from the licence texts (licenses.yaml), the
ScanCode LicenseDB category. Nothing is
guessed: a licence no source classifies is "unclassified" (never "permissive" because it is
OSI-approved or FSF-libre: those say nothing about copyleft).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.licenses.fsf import FsfList
from bot.licenses.names import LicenseCatalog
from bot.licenses.rules import RuleSet
from bot.licenses.scancode import ScanCodeIndex
from bot.types import LicenseReference

COPYLEFT = ("weak copyleft", "strong copyleft", "network copyleft")
OPEN_KINDS = ("public domain", "permissive", *COPYLEFT)  # kinds of free / open-source licences
CURATED_TITLE = "YuanBot licence classification (knowledge/licenses/engine/licenses.yaml), from the licence text"


@dataclass(frozen=True)
class Kind:
    kind: str
    source: str  # "yuanbot" | "fsf" | "scancode" | "none"
    reference: LicenseReference | None = None


class Categories:
    def __init__(self, catalog: LicenseCatalog, rules: RuleSet, fsf: FsfList, scancode: ScanCodeIndex):
        self.catalog = catalog
        self.rules = rules
        self.fsf = fsf
        self.scancode = scancode
        self._kinds: dict[str, Kind] = {}

    def kind(self, lid: str) -> Kind:
        found = self._kinds.get(lid)
        if found is None:
            found = self._kinds[lid] = self._classify(lid)
        return found

    def of(self, lid: str) -> str:
        return self.kind(lid).kind

    def _classify(self, lid: str) -> Kind:
        entry = self.fsf.get(lid)
        if entry is not None and entry.non_free:  # whatever its copyleft: its restrictions come first
            return Kind("non-free", "fsf", entry.reference())
        if lid in self.rules.category_of:
            meta = self.catalog.licenses.get(lid)
            ref = LicenseReference(title=f"{CURATED_TITLE}: {lid}", url=meta.url if meta else None)
            return Kind(self.rules.category_of[lid], "yuanbot", ref)
        scan = self.scancode.kind(lid)
        if scan is not None:
            return Kind(scan, "scancode", self.scancode.reference(lid))
        return Kind("unclassified", "none")

    def copyleft_claim(self, lid: str) -> Kind | None:
        """A source that classifies `lid` as copyleft or non-free (it is then not simply permissive)."""
        k = self.kind(lid)
        return k if k.kind in (*COPYLEFT, "non-free") else None
