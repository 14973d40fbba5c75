"""Licence families: "LGPL", "GPL v2", "BSD", "Apache", "MPL" ... named without a (full) version.

A family never resolves to one licence (that would be a guess). The engine answers for each of its
common versions and asks the user to take the exact version from the dependency's licence file.
Data: `families.yaml` (key, the names people type, the common versions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.licenses.rules import load_yaml_text


@dataclass(frozen=True)
class Family:
    key: str  # the family's name in answers and queries ("LGPL", "GPLv2")
    versions: tuple[str, ...]  # SPDX ids, most used first


class Families:
    def __init__(self, path: Path, key_of: Callable[[str], str]):
        self.by_key: dict[str, Family] = {}
        self._by_name: dict[str, Family] = {}  # loose key (see names.squash) -> family
        data = load_yaml_text(path.read_text(encoding="utf-8")) if path.is_file() else {}
        for key, entry in (data.get("families") or {}).items():
            family = Family(str(key), tuple(entry["versions"]))
            self.by_key[family.key] = family
            for name in [family.key, *entry.get("names", [])]:
                self._by_name.setdefault(key_of(str(name)), family)

    def get(self, key: str) -> Family | None:
        return self.by_key.get(key)

    def find(self, loose_key: str) -> Family | None:
        return self._by_name.get(loose_key)

    def __contains__(self, key: str) -> bool:
        return key in self.by_key
