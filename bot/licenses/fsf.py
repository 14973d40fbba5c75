"""The FSF licence list as data: which licences the FSF calls GPLv2- / GPLv3-compatible, free, non-free.

Source: `fsf/licenses-full.json` (wking/fsf-api, a 2018 scrape of
https://www.gnu.org/licenses/license-list.html; scraper data MIT, the classifications are the FSF's)
with our `fsf/corrections.yaml` applied: the scrape maps FSF entries to SPDX ids loosely, and every
correction we rely on is written down there with its reason. Each entry keeps the FSF anchor URL so
answers can cite the exact paragraph.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.licenses.rules import load_yaml_text
from bot.types import LicenseReference

GPL2 = "gpl-2-compatible"
GPL3 = "gpl-3-compatible"
LIBRE = "libre"
NON_FREE = "non-free"


@dataclass(frozen=True)
class FsfEntry:
    """One FSF licence-list entry as it applies to one SPDX licence (tags after corrections)."""

    fsf_id: str
    name: str
    tags: frozenset[str]
    url: str
    spdx: str  # canonical SPDX expression
    corrected: str | None = None  # the reason, when our corrections changed the mapping or tags

    @property
    def non_free(self) -> bool:
        return NON_FREE in self.tags

    def gpl_compatible(self, version: str) -> bool:
        return (GPL2 if version.startswith("2") else GPL3) in self.tags

    def reference(self) -> LicenseReference:
        return LicenseReference(title=f"FSF licence list: {self.name} (#{self.fsf_id})", url=self.url)


class FsfList:
    """SPDX id -> FSF entry. `canonical` maps the SPDX ids of the data to our canonical expressions."""

    def __init__(self, fsf_dir: Path, canonical: Callable[[str], str | None]):
        raw = json.loads((fsf_dir / "licenses-full.json").read_text(encoding="utf-8"))["licenses"]
        fixes = load_yaml_text((fsf_dir / "corrections.yaml").read_text(encoding="utf-8")) or {}
        dropped = {(d["fsf"], d["spdx"]) for d in fixes.get("drop") or []}
        mapping: dict[str, list[tuple[str, str | None]]] = {}  # fsf id -> [(spdx id, correction reason)]
        for fid, entry in raw.items():
            for sid in (entry.get("identifiers") or {}).get("spdx") or []:
                if (fid, sid) not in dropped:
                    mapping.setdefault(fid, []).append((sid, None))
        for a in fixes.get("add") or []:
            for sid in a["spdx"]:
                mapping.setdefault(a["fsf"], []).append((sid, a["reason"]))
        tag_fixes = {t["spdx"]: t for t in fixes.get("tags") or []}
        self.entries: dict[str, FsfEntry] = {}
        self.unmapped: list[str] = []  # SPDX ids of the data we cannot resolve
        for fid, ids in mapping.items():
            entry = raw[fid]
            url = next((u for u in entry.get("uris") or [] if "gnu.org/licenses/license-list" in u),
                       f"https://www.gnu.org/licenses/license-list.html#{fid}")
            for sid, reason in ids:
                spdx = canonical(sid)
                if spdx is None:
                    self.unmapped.append(sid)
                    continue
                tags = set(entry.get("tags") or [])
                fix = tag_fixes.get(spdx)
                if fix:
                    tags |= set(fix.get("add") or [])
                    tags -= set(fix.get("remove") or [])
                    reason = fix["reason"]
                if spdx not in self.entries or reason:
                    self.entries[spdx] = FsfEntry(fid, entry["name"], frozenset(tags), url, spdx, reason)

    def get(self, spdx: str) -> FsfEntry | None:
        return self.entries.get(spdx)

    def __len__(self) -> int:
        return len(self.entries)
