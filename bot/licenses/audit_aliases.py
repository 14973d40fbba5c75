"""The audit's lookup tables for messy licence names and licence URLs (data: sbom-aliases.yaml).

Loaded once per Auditor, read-only afterwards. The SPDX License List's `seeAlso` URLs extend the URL
table: a URL listed for exactly one current licence identifies it; one listed for `X-only` and
`X-or-later` reads as `X-only` (a bare version says no more); other shared URLs are ambiguous.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

log = logging.getLogger("yuanbot.audit")

ALIASES_FILE = "sbom-aliases.yaml"
_PUNCT = re.compile(r"[\s,;:()\[\]{}\"'`/\\._\-–—]+")
_URL_SUFFIX = re.compile(r"\.(?:html?|txt|php|md|shtml)$")


@dataclass(frozen=True, slots=True)
class NotALicense:
    reason_zh: str
    reason_en: str
    suggestions: tuple[str, ...] = ()


@dataclass
class AliasTable:
    names: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    url_candidates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ambiguous seeAlso URLs
    not_a_license: dict[str, NotALicense] = field(default_factory=dict)
    not_a_license_prefixes: list[tuple[str, NotALicense]] = field(default_factory=list)

    @classmethod
    def load(cls, engine_dir: Path) -> AliasTable:
        """Read `<engine_dir>/sbom-aliases.yaml` and `<engine_dir>/spdx/licenses.json` (both optional)."""
        table = cls()
        path = engine_dir / ALIASES_FILE
        if path.is_file():
            table._add_yaml(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        else:
            log.warning("no %s in %s: messy licence names will not be resolved", ALIASES_FILE, engine_dir)
        spdx_list = engine_dir / "spdx" / "licenses.json"
        if spdx_list.is_file():
            table._add_see_also(json.loads(spdx_list.read_text(encoding="utf-8")))
        return table

    # -------------------------------------------------------------------------------- lookups

    def name(self, value: str) -> str | None:
        return self.names.get(name_key(value))

    def ambiguous_name(self, value: str) -> str | None:
        return self.ambiguous.get(name_key(value))

    def url(self, value: str) -> str | None:
        return self.urls.get(url_key(value))

    def url_suggestions(self, value: str) -> tuple[str, ...]:
        return self.url_candidates.get(url_key(value), ())

    def non_license(self, value: str) -> NotALicense | None:
        found = self.not_a_license.get(name_key(value))
        if found is not None:
            return found
        upper = value.strip().upper()
        return next((entry for prefix, entry in self.not_a_license_prefixes if upper.startswith(prefix)), None)

    # -------------------------------------------------------------------------------- loading

    def _add_yaml(self, data: dict) -> None:
        for section, target in (("names", self.names), ("ambiguous", self.ambiguous)):
            for expression, names in (data.get(section) or {}).items():
                for name in names or []:
                    target[name_key(str(name))] = str(expression)
        for expression, urls in (data.get("urls") or {}).items():
            for url in urls or []:
                self.urls[url_key(str(url))] = str(expression)
        for entry in data.get("not_a_license") or []:
            info = NotALicense(
                str(entry.get("reason_zh", "")),
                str(entry.get("reason_en", "")),
                tuple(str(s) for s in entry.get("suggestions") or []),
            )
            for name in entry.get("names") or []:
                self.not_a_license[name_key(str(name))] = info
            for prefix in entry.get("prefixes") or []:
                self.not_a_license_prefixes.append((str(prefix).upper(), info))

    def _add_see_also(self, data: dict) -> None:
        by_url: dict[str, set[str]] = {}
        for entry in data.get("licenses") or []:
            if entry.get("isDeprecatedLicenseId"):
                continue
            for url in entry.get("seeAlso") or []:
                by_url.setdefault(url_key(url), set()).add(entry["licenseId"])
        for key, ids in by_url.items():
            if key in self.urls:
                continue  # our own table wins
            chosen = _one_licence(ids)
            if chosen is not None:
                self.urls[key] = chosen
            else:
                self.url_candidates[key] = tuple(sorted(ids))


def _one_licence(ids: set[str]) -> str | None:
    if len(ids) == 1:
        return next(iter(ids))
    bases = {re.sub(r"-(only|or-later)$", "", i) for i in ids}
    if len(bases) == 1 and f"{next(iter(bases))}-only" in ids:
        return f"{next(iter(bases))}-only"
    # MPL-2.0 and MPL-2.0-no-copyleft-exception: the plain licence
    shortest = min(ids, key=len)
    if all(i.startswith(shortest) for i in ids):
        return shortest
    return None


def name_key(value: str) -> str:
    text = value.strip().lower().replace("licence", "license")
    text = re.sub(r"^the\s+", "", text)
    return _PUNCT.sub(" ", text).strip()


def url_key(value: str) -> str:
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.sub(r"^www\.", "", text)
    text = text.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return _URL_SUFFIX.sub("", text)


def looks_like_url(value: str) -> bool:
    return bool(re.match(r"^(https?://|www\.)\S+$", value.strip(), re.IGNORECASE))
