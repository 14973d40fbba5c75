"""The kind of licence an id is (permissive, weak / strong / network copyleft, public domain, non-free)."""

from __future__ import annotations

from bot.licenses.names import LicenseCatalog
from bot.licenses.rules import RuleSet

COPYLEFT = ("weak copyleft", "strong copyleft", "network copyleft")


class Categories:
    def __init__(self, catalog: LicenseCatalog, rules: RuleSet):
        self.catalog = catalog
        self.rules = rules

    def of(self, lid: str) -> str:
        if lid in self.rules.category_of:
            return self.rules.category_of[lid]
        meta = self.catalog.licenses.get(lid)
        if (meta and (meta.osi_approved or meta.fsf_libre)) or lid in self.rules.gpl3_ok or lid in self.rules.gpl2_ok:
            return "permissive"
        if self.rules.osadl_name(lid):
            return "permissive" if self._osadl_noncopyleft(lid) else "strong copyleft"
        return "unclassified"

    def _osadl_noncopyleft(self, lid: str) -> bool:
        p = self.rules.osadl_pair(lid, "MIT")
        return p is not None and p.kind != "copyleft-to-permissive" and p.raw != "No"
