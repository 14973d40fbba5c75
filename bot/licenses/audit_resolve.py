"""One declared licence (id, expression, name, URL, text, LicenseRef) -> an SPDX expression, and how.

Order, most certain first; the first that works wins:
1. our alias table for names SBOM tools write that the engine does not resolve (or resolves wrongly for
   SBOM data: npm's `UNLICENSED` is proprietary, not the Unlicense)  -> "alias"
2. `LicenseAdvisor.resolve` (SPDX ids, expressions, common names)   -> "id" for id/expression fields,
   "name" for free-text names
3. the name reworded: "X (ABBR)" -> "X" or "ABBR"; "A or B" / "A and B"  -> "name"
4. the licence URL (alias table, then the SPDX list's seeAlso)        -> "url"
5. a licence family named without a version ("LGPL", "BSD License", "GNU General Public License"): never
   pinned to one version; unresolved with the family's versions, and `family` set so the audit can ask
   the engine for the per-version verdicts                          -> "unresolved"
   other names that leave the licence open ("MIT-style"), read as the table says, with a note -> "alias"
6. `LicenseAdvisor.identify` on a licence text (inline, or a LicenseRef's extracted text) -> "text"
Otherwise "unresolved", with the reason and "did you mean" suggestions.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Literal

from bot.errors import LicenseError
from bot.licenses.audit_aliases import AliasTable, looks_like_url
from bot.licenses.audit_cache import BoundedCache
from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom_model import MAX_LICENSE_TEXT_CHARS, DeclaredLicense, LicenseRefText
from bot.ports import LicenseAdvisor

log = logging.getLogger("yuanbot.audit")

Method = Literal["id", "alias", "name", "url", "text", "unresolved"]
METHODS: tuple[Method, ...] = ("id", "alias", "name", "url", "text", "unresolved")  # most certain first

MAX_LICENSE_CHARS = 500  # an id, name or expression longer than this is reported, not parsed
MAX_SUGGESTIONS = 5
_PARENTHESISED = re.compile(r"^(?P<outer>.+?)\s*\((?P<inner>[^()]+)\)\s*$")
_CONJUNCTION = re.compile(r"\s+(or|and)\s+|\s*,\s*(?:or|and)\s+", re.IGNORECASE)
_LICENSE_REF = re.compile(r"(?:DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+")


@dataclass(frozen=True, slots=True)
class Resolution:
    expression: str | None
    method: Method
    reason_zh: str = ""
    reason_en: str = ""
    suggestions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    family: str | None = None  # the declared text when it names a licence family ("LGPL", "LGPL AND MIT")


class LicenseResolver:
    def __init__(self, advisor: LicenseAdvisor, aliases: AliasTable, cache_size: int = 4096) -> None:
        self.advisor = advisor
        self.aliases = aliases
        self._cache: BoundedCache[Resolution] = BoundedCache(cache_size)

    def resolve(self, declared: DeclaredLicense) -> Resolution:
        return self._cache.get_or_compute(_cache_key(declared), lambda: self._resolve(declared))

    # ------------------------------------------------------------------------------------ steps

    def _resolve(self, declared: DeclaredLicense) -> Resolution:
        suggestions: list[str] = []
        not_license = None
        for value, structured in ((declared.expression, True), (declared.name, False)):
            if not value:
                continue
            if len(value) > MAX_LICENSE_CHARS:
                if declared.text is None and len(value) <= MAX_LICENSE_TEXT_CHARS:
                    found = self._identify(value, suggestions)  # some tools put the whole text in "name"
                    if found is not None:
                        return found
                return _too_long(len(value))
            not_license = not_license or self.aliases.non_license(value)
            if not_license is not None:
                continue
            found = (
                self._alias(value)
                or self._engine(value, "id" if structured else "name", suggestions)
                or self._license_refs(value, declared.refs, suggestions)
                or (self._url(value, suggestions) if looks_like_url(value) else None)
                or (None if structured else self._reworded(value, suggestions))
            )
            if found is not None:
                return found
        if declared.url:
            found = self._url(declared.url, suggestions)
            if found is not None:
                return found
        for value in (declared.expression, declared.name):
            if value and not_license is None and len(value) <= MAX_LICENSE_CHARS:
                found = self._family(value) or self._ambiguous(value)
                if found is not None:
                    return found
        if declared.text:
            found = self._identify(declared.text, suggestions)
            if found is not None:
                return found
        if not_license is not None:
            return Resolution(
                None, "unresolved", not_license.reason_zh, not_license.reason_en,
                _dedupe(list(not_license.suggestions) + suggestions),
            )
        if not (declared.expression or declared.name or declared.url or declared.text):
            return Resolution(None, "unresolved", *pair("no-licence"))
        return Resolution(None, "unresolved", *pair("not-recognised"), _dedupe(suggestions))

    def _alias(self, value: str) -> Resolution | None:
        expression = self.aliases.name(value)
        return self._accept(expression, "alias") if expression else None

    def _ambiguous(self, value: str) -> Resolution | None:
        expression = self.aliases.ambiguous_name(value)
        if not expression:
            return None
        found = self._accept(expression, "alias")
        if found is None:
            return None
        note = both("ambiguous-name", value=value[:80], expression=found.expression)
        return Resolution(found.expression, "alias", notes=(note,))

    def _family(self, value: str) -> Resolution | None:
        """A family named without a version, alone, in an expression or in "Name (ABBR)": never a guess."""
        match = _PARENTHESISED.match(value)
        for text in (value, *(match.group("outer", "inner") if match else ())):
            try:
                self.advisor.resolve(text)
            except LicenseError as exc:
                if exc.family:
                    return family_resolution(text, exc.family, exc.suggestions)
            else:
                return None
        return None

    def _engine(self, value: str, method: Method, suggestions: list[str]) -> Resolution | None:
        try:
            return Resolution(self.advisor.resolve(value), method)
        except LicenseError as exc:
            suggestions.extend(exc.suggestions)
            return None

    def _reworded(self, value: str, suggestions: list[str]) -> Resolution | None:
        """"Mozilla Public License 2.0 (MPL 2.0)", "MPL 2.0 or EPL 1.0", "The X"."""
        match = _PARENTHESISED.match(value)
        if match:
            for part in (match.group("outer"), match.group("inner")):
                found = self._alias(part) or self._engine(part, "name", [])
                if found is not None:
                    return Resolution(found.expression, "name")
        pieces = _CONJUNCTION.split(value)
        if len(pieces) >= 3:
            parts, operators = pieces[0::2], [op for op in pieces[1::2] if op]
            resolved = []
            for part in parts:
                found = self._alias(part) or self._engine(part, "name", [])
                if found is None or found.expression is None:
                    return None
                resolved.append(f"({found.expression})")
            joined = resolved[0]
            for operator, part in zip(operators, resolved[1:], strict=False):
                joined += f" {operator.upper()} {part}"
            return self._engine(joined, "name", suggestions)
        return None

    def _url(self, url: str, suggestions: list[str]) -> Resolution | None:
        expression = self.aliases.url(url)
        if expression:
            return self._accept(expression, "url")
        suggestions.extend(self.aliases.url_suggestions(url))
        return None

    def _license_refs(
        self, value: str, refs: tuple[LicenseRefText, ...], suggestions: list[str]
    ) -> Resolution | None:
        """`LicenseRef-x` ids defined in the document: identify each from its name or text, substitute."""
        used = dict.fromkeys(_LICENSE_REF.findall(value))
        if not used or not refs:
            return None
        by_ref = {ref.ref: ref for ref in refs}
        expression, method = value, "name"
        for token in used:
            ref = by_ref.get(token)
            if ref is None:
                return None
            found = None
            if ref.name:
                found = self._alias(ref.name) or self._engine(ref.name, "name", [])
            if found is None and ref.text:
                found = self._identify(ref.text, suggestions)
                method = "text"
            if found is None or found.expression is None:
                return None
            expression = re.sub(rf"(?<![\w.:-]){re.escape(token)}(?![\w.-])", f"({found.expression})", expression)
        result = self._engine(expression, method, suggestions)  # type: ignore[arg-type]
        return result

    def _identify(self, text: str, suggestions: list[str]) -> Resolution | None:
        result = self.advisor.identify(text[:MAX_LICENSE_TEXT_CHARS])
        if result.id:
            return self._accept(result.id, "text")
        suggestions.extend(c.id for c in result.candidates[:3] if c.score >= 0.5)
        return None

    def _accept(self, expression: str, method: Method) -> Resolution | None:
        """Normalise a table entry through the engine (a bad entry is logged, not fatal)."""
        try:
            return Resolution(self.advisor.resolve(expression), method)
        except LicenseError:
            log.warning("sbom-aliases.yaml maps to %r, which the licence engine does not know", expression)
            return None


def family_resolution(text: str, family: str, versions: list[str]) -> Resolution:
    """Unresolved, saying which versions the family has and where the exact one is written."""
    short = " / ".join(dict.fromkeys(v.removesuffix("-only").removesuffix("-or-later") for v in versions))
    return Resolution(None, "unresolved", *pair("family", family=family, short=short),
                      tuple(versions)[:MAX_SUGGESTIONS + 3], family=text)


def _too_long(length: int) -> Resolution:
    return Resolution(None, "unresolved", *pair("too-long", length=length, limit=MAX_LICENSE_CHARS))


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))[:MAX_SUGGESTIONS]


def _digest(text: str | None) -> str | None:
    if text is None:
        return None
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).hexdigest()


def _cache_key(declared: DeclaredLicense) -> tuple:
    """Long texts are keyed by digest, so the cache's size in memory stays bounded."""
    refs = tuple((r.ref, r.name, _digest(r.text)) for r in declared.refs)
    return (_short(declared.expression), _short(declared.name), _short(declared.url), _digest(declared.text), refs)


def _short(value: str | None) -> str | None:
    return value if value is None or len(value) <= 1000 else _digest(value)
