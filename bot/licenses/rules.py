"""Rule data: the OSADL matrix (verdicts only), the licence-text layer (overrides.yaml), our licence
classification, proprietary-use rules and licence exceptions.

OSADL: "leading" licence = outbound (the licence of the combined work, top-level "name");
"subordinate" = inbound (the code being used, entries of "compatibilities").
We keep only OSADL's verdict and the *kind* of reasoning behind it (generic rule, explicit
checklist statement, insufficient information ...); all answer text is written by us.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.licenses.references import OSADL_URL
from bot.types import LicenseReference

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["OSADL_MAP", "OSADL_URL", "RuleSet", "gnu_parts", "later_alternatives", "load_yaml_text"]


def load_yaml_text(text: str):
    """PyYAML with the C loader when available (5-10x faster)."""
    return yaml.load(text, Loader=_LOADER)

OSADL_MAP = {
    "Yes": "compatible",
    "Same": "compatible",
    "No": "incompatible",
    "Check dependency": "conditional",
    "Unknown": "unknown",
}

CATEGORIES = (
    "public domain",
    "permissive",
    "weak copyleft",
    "strong copyleft",
    "network copyleft",
    "non-free",
    "unclassified",
)
COPYLEFT = ("weak copyleft", "strong copyleft", "network copyleft")


OSADL_GENERIC = ("generic-permissive", "copyleft-to-permissive", "copyleft-to-copyleft")


@dataclass(frozen=True)
class OsadlPair:
    raw: str  # Yes / No / Unknown / Check dependency / Same
    kind: str  # same | generic-permissive | copyleft-to-permissive | copyleft-to-copyleft | explicit-yes | explicit-no | depending | insufficient | openssl | unclear

    @property
    def verdict(self) -> str:
        return OSADL_MAP[self.raw]

    @property
    def generic(self) -> bool:
        """One of OSADL's three generic rules, not a checklist statement about this pair."""
        return self.kind in OSADL_GENERIC


@dataclass
class OverrideRule:
    inbound: str
    outbound: str
    verdict: str
    reason_zh: str
    reason_en: str
    sources: list[LicenseReference]
    conditions: list[str] = field(default_factory=list)
    note_zh: str | None = None
    note_en: str | None = None


@dataclass
class KindRule(OverrideRule):
    """An override that holds for every outbound licence of the given kinds."""

    outbound_kinds: tuple[str, ...] = ()


@dataclass
class PairNote:
    note_zh: str
    note_en: str
    sources: list[LicenseReference]


def _kind(raw: str, explanation: str) -> str:
    e = explanation.lower()
    if raw == "Same":
        return "same"
    if e.startswith("non-copyleft licenses such as"):
        return "generic-permissive"
    if e.startswith("software under a copyleft license") and "under a non-copyleft" in e:
        return "copyleft-to-permissive"
    if e.startswith("software under a copyleft license"):
        return "copyleft-to-copyleft"
    if e.startswith("depending compatibility"):
        return "depending"
    if e.startswith("incompatibility of"):
        return "explicit-no"
    if e.startswith("compatibility of"):
        return "explicit-yes"
    if "ssleay" in e:
        return "openssl"
    if "insufficient information" in e:
        return "insufficient"
    return (
        "unclear"
        if raw == "Unknown"
        else ("explicit-yes" if raw == "Yes" else "explicit-no" if raw == "No" else "depending")
    )


def _sources(value) -> list[LicenseReference]:
    items = value if isinstance(value, list) else [value]
    return [LicenseReference(title=str(s["title"]), url=s.get("url")) for s in items if s]


def _as_list(value) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


class RuleSet:
    def __init__(self, data_dir: Path):
        data_dir = Path(data_dir)
        raw = json.loads((data_dir / "osadl" / "osadl-matrixseqexpl.json").read_text(encoding="utf-8"))
        self.osadl_timestamp = raw.get("timestamp")
        self.osadl: dict[tuple[str, str], OsadlPair] = {}  # (inbound, outbound) -> pair
        self.osadl_names: set[str] = set()
        for lead in raw["licenses"]:
            out = lead["name"]
            self.osadl_names.add(out)
            for c in lead["compatibilities"]:
                self.osadl[(c["name"], out)] = OsadlPair(
                    c["compatibility"], _kind(c["compatibility"], c.get("explanation", ""))
                )
        self.osadl_lower = {n.lower(): n for n in self.osadl_names}

        ov = load_yaml_text((data_dir / "overrides.yaml").read_text(encoding="utf-8"))
        self.overrides: dict[tuple[str, str], OverrideRule] = {}
        for r in ov.get("rules") or []:
            if not r.get("source"):
                raise ValueError(f"override rule without a source: {r}")
            for i in _as_list(r["inbound"]):
                for o in _as_list(r["outbound"]):
                    self.overrides[(i, o)] = OverrideRule(
                        inbound=i,
                        outbound=o,
                        verdict=r["verdict"],
                        reason_zh=r["reason_zh"],
                        reason_en=r["reason_en"],
                        sources=_sources(r["source"]),
                        conditions=list(r.get("conditions") or []),
                        note_zh=r.get("note_zh"),
                        note_en=r.get("note_en"),
                    )
        self.kind_rules: dict[str, list[KindRule]] = {}  # inbound -> rules by outbound kind
        for r in ov.get("kind_rules") or []:
            if not r.get("source"):
                raise ValueError(f"override rule without a source: {r}")
            for i in _as_list(r["inbound"]):
                if r.get("outbound_kind"):
                    self.kind_rules.setdefault(i, []).append(KindRule(
                        inbound=i, outbound="*", verdict=r["verdict"], reason_zh=r["reason_zh"],
                        reason_en=r["reason_en"], sources=_sources(r["source"]),
                        conditions=list(r.get("conditions") or []),
                        outbound_kinds=tuple(_as_list(r["outbound_kind"])),
                    ))
                for o in _as_list(r.get("outbound") or []):
                    self.overrides.setdefault((i, o), OverrideRule(
                        inbound=i, outbound=o, verdict=r["verdict"], reason_zh=r["reason_zh"],
                        reason_en=r["reason_en"], sources=_sources(r["source"]),
                        conditions=list(r.get("conditions") or []),
                    ))
        self.pair_notes: dict[tuple[str, str], list[PairNote]] = {}
        for n in ov.get("notes") or []:
            for i in _as_list(n["inbound"]):
                for o in _as_list(n["outbound"]):
                    self.pair_notes.setdefault((i, o), []).append(
                        PairNote(n["note_zh"], n["note_en"], _sources(n["source"]))
                    )

        meta = load_yaml_text((data_dir / "licenses.yaml").read_text(encoding="utf-8"))
        self.category_of: dict[str, str] = {}
        for cat, ids in (meta.get("categories") or {}).items():
            if cat not in CATEGORIES:
                raise ValueError(f"unknown category {cat}")
            for lid in ids:
                self.category_of[lid] = cat

        prop = load_yaml_text((data_dir / "proprietary.yaml").read_text(encoding="utf-8"))
        self.proprietary: dict[str, dict[str, dict]] = prop["rules"]
        self.proprietary_by_license: list[tuple[list[str], dict[str, dict]]] = [
            (list(entry["ids"]), entry["rules"]) for entry in prop.get("by_license") or []
        ]

        exc = load_yaml_text((data_dir / "exceptions.yaml").read_text(encoding="utf-8"))
        self.exceptions: dict[str, dict] = exc.get("exceptions") or {}

    # ------------------------------------------------------------------ lookups
    def osadl_pair(self, inbound: str, outbound: str) -> OsadlPair | None:
        return self.osadl.get((inbound, outbound))

    def kind_rule(self, inbound: str, outbound_kind: str) -> KindRule | None:
        return next((r for r in self.kind_rules.get(inbound, []) if outbound_kind in r.outbound_kinds), None)

    def proprietary_rules_for(self, lid: str) -> dict[str, dict] | None:
        for patterns, rules in self.proprietary_by_license:
            if any(fnmatch.fnmatchcase(lid, p) for p in patterns):
                return rules
        return None

    def osadl_name(self, lid: str) -> str | None:
        return self.osadl_lower.get(lid.lower())


_GNU = re.compile(r"^(A?GPL|LGPL)-(\d\.\d)-(only|or-later)$")


def gnu_parts(lid: str) -> tuple[str, str, str] | None:
    m = _GNU.match(lid)
    return (m.group(1), m.group(2), m.group(3)) if m else None


LATER_VERSIONS = {
    # family -> ordered versions
    "GPL": ["1.0", "2.0", "3.0"],
    "LGPL": ["2.0", "2.1", "3.0"],
    "AGPL": ["1.0", "3.0"],
}


def later_alternatives(lid: str) -> list[str]:
    """For X-or-later: the concrete licences the recipient may choose (same version and later)."""
    p = gnu_parts(lid)
    if not p or p[2] != "or-later":
        return []
    fam, ver, _ = p
    versions = LATER_VERSIONS.get(fam, [])
    if ver not in versions:
        return []
    out = []
    for v in versions[versions.index(ver) :]:
        out.append(f"{fam}-{v}-only")
    # LGPL-2.x allows conversion to the GPL, version 2 or later (LGPL-2.1 section 3); LGPL-3.0 is GPLv3
    # plus additional permissions, which may be dropped (GPLv3 section 7): GPLv3 only.
    if fam == "LGPL":
        out.extend(["GPL-2.0-only", "GPL-3.0-only"] if ver.startswith("2") else ["GPL-3.0-only"])
    return out
