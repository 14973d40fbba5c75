"""Licence types from the ScanCode LicenseDB index bundled with the `license-expression` package.

`license_expression/data/scancode-licensedb-index.json` gives a `category` for 2,579 licences
(Permissive, Copyleft, Copyleft Limited, Proprietary Free, Source-available, Commercial, Free
Restricted, Public Domain, ...). ScanCode LicenseDB, (c) nexB Inc. and others, CC-BY-4.0,
https://scancode-licensedb.aboutcode.org/. It is the lowest-precedence layer: it says what *kind* of
licence an id is, never whether a particular pair is compatible.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from bot.types import LicenseReference

LICENSEDB_URL = "https://scancode-licensedb.aboutcode.org/"

# ScanCode category -> our licence kind
KIND_OF_CATEGORY = {
    "Permissive": "permissive",
    "Public Domain": "public domain",
    "Copyleft": "strong copyleft",
    "Copyleft Limited": "weak copyleft",
    "Proprietary Free": "non-free",
    "Source-available": "non-free",
    "Commercial": "non-free",
    "Free Restricted": "non-free",
}


def bundled_index() -> Path:
    """Where the installed license-expression package keeps the index (a package resource)."""
    return Path(str(resources.files("license_expression") / "data" / "scancode-licensedb-index.json"))


class ScanCodeIndex:
    """SPDX id (or LicenseRef-scancode-* key) -> ScanCode category and LicenseDB key."""

    def __init__(self, path: Path | None = None):
        path = path or bundled_index()
        self.categories: dict[str, tuple[str, str]] = {}  # id -> (category, scancode key)
        if not Path(path).is_file():
            return
        for entry in json.loads(Path(path).read_text(encoding="utf-8")):
            if entry.get("is_exception") or not entry.get("category"):
                continue
            for key in [entry.get("spdx_license_key"), *(entry.get("other_spdx_license_keys") or [])]:
                if key:
                    self.categories.setdefault(key, (entry["category"], entry["license_key"]))

    def category(self, lid: str) -> str | None:
        found = self.categories.get(lid)
        return found[0] if found else None

    def kind(self, lid: str) -> str | None:
        category = self.category(lid)
        return KIND_OF_CATEGORY.get(category) if category else None

    def reference(self, lid: str) -> LicenseReference | None:
        found = self.categories.get(lid)
        if not found:
            return None
        category, key = found
        return LicenseReference(title=f"ScanCode LicenseDB: {key} — category {category} (CC-BY-4.0)",
                                url=f"{LICENSEDB_URL}{key}.html")

    def __len__(self) -> int:
        return len(self.categories)
