"""SPDX licence expressions as a small tree of `Leaf` / `Op` nodes.

`ExpressionParser.parse` accepts what people type: one name ("Apache License, Version 2.0",
"GPL-2.0 or later") or an expression whose operands are names ("Apache 2 OR MIT"). Operands are
resolved through the `LicenseCatalog`, the operator structure is parsed by the `license-expression`
package. Results (and failures) are cached per parser instance; `try_parse` is the non-raising
variant for scanning free text, and never computes "did you mean" suggestions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from license_expression import (
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    get_spdx_licensing,
)

from bot.errors import LicenseError
from bot.licenses import wording
from bot.licenses.keys import LATER_PHRASE
from bot.licenses.names import LicenseCatalog

MAX_EXPRESSION_CHARS = 500
MAX_LEAVES = 40
PARSE_CACHE_SIZE = 4096
_SPLIT = re.compile(r"(\(|\)|(?<![\w.+-])(?:AND|OR|WITH)(?![\w.+-]))", re.IGNORECASE)
_OPERATORS = ("AND", "OR", "WITH")
_FAMILY_TOKEN = "LicenseRef-family-"


@dataclass(frozen=True)
class Leaf:
    """One licence, optionally WITH an exception."""

    license: str
    exception: str | None = None

    def __str__(self) -> str:
        return f"{self.license} WITH {self.exception}" if self.exception else self.license


@dataclass(frozen=True)
class Op:
    """AND / OR over two or more sub-expressions."""

    op: str  # "AND" | "OR"
    args: tuple[Node, ...]

    def __str__(self) -> str:
        parts = []
        for a in self.args:
            s = str(a)
            parts.append(f"({s})" if isinstance(a, Op) and a.op != self.op else s)
        return f" {self.op} ".join(parts)


Node = Leaf | Op


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    out: list[Leaf] = []
    for a in node.args:
        out.extend(leaves(a))
    return out


def substitute(node: Node, name: str, replacement: str) -> Node:
    """The tree with every leaf named `name` (a family key) replaced by `replacement` (one version)."""
    if isinstance(node, Leaf):
        return Leaf(replacement, node.exception) if node.license == name else node
    return Op(node.op, tuple(substitute(a, name, replacement) for a in node.args))


@dataclass(frozen=True)
class Parsed:
    node: Node
    notes: tuple[str, ...] = ()
    families: tuple[str, ...] = ()  # family keys used as operands ("LGPL" in "LGPL AND MIT")


class ExpressionParser:
    """Names and SPDX expressions -> `Parsed` trees, cached per instance (hits and failures)."""

    def __init__(self, catalog: LicenseCatalog):
        self.catalog = catalog
        self._licensing = get_spdx_licensing()
        self._cached = lru_cache(maxsize=PARSE_CACHE_SIZE)(self._parse_or_error)

    def parse(self, expression: str) -> tuple[Node, list[str]]:
        """One licence or an SPDX expression -> (tree, notes). Raises LicenseError, also for a family name."""
        parsed = self.parse_full(expression)
        if parsed.families:
            raise self.catalog.family_error(self.catalog.families.get(parsed.families[0]))
        return parsed.node, list(parsed.notes)

    def parse_full(self, expression: str) -> Parsed:
        """Like `parse`, but licence families are allowed as operands (`Parsed.families` lists them)."""
        if not isinstance(expression, str):
            raise LicenseError(wording.error("not-a-string"), [])
        result = self._cached(expression)
        if isinstance(result, LicenseError):
            raise result
        return result

    def try_parse(self, expression: str) -> Parsed | None:
        """Like `parse`, but None instead of an error (for scanning text)."""
        if not isinstance(expression, str):
            return None
        result = self._cached(expression)
        return None if isinstance(result, LicenseError) else result

    def _parse_or_error(self, expression: str) -> Parsed | LicenseError:
        try:
            return self._parse(expression)
        except LicenseError as e:
            return e

    def _parse(self, expression: str) -> Parsed:
        text = unicodedata.normalize("NFKC", expression).strip().strip("`")
        if not text:
            raise LicenseError(wording.error("empty-expression"), [])
        if len(text) > MAX_EXPRESSION_CHARS:
            raise LicenseError(wording.error("expression-too-long", limit=MAX_EXPRESSION_CHARS), [])
        # 1. the whole string as one name ("Apache License, Version 2.0", "GPL-2.0 or later")
        first_error: LicenseError | None = None
        exact = self.catalog.exact(text)
        if exact is not None:  # full names, including ones with parentheses ("Artistic License 1.0 (Perl)")
            r = self.catalog.canonical(exact, text)
            return Parsed(Leaf(r.id, r.exception), tuple(r.notes))
        family = self.catalog.family(text)
        if family is not None:
            return Parsed(Leaf(family.key), (), (family.key,))
        if "(" not in text and ")" not in text:
            try:
                r = self.catalog.resolve(text)
                return Parsed(Leaf(r.id, r.exception), tuple(r.notes))
            except LicenseError as whole_err:
                first_error = whole_err
        # 2. an expression: split on parentheses and operators, resolve every operand
        parts = [p.strip() for p in _SPLIT.split(LATER_PHRASE.sub("+", text))]
        parts = [p for p in parts if p]
        if not any(p.upper() in _OPERATORS or p in ("(", ")") for p in parts):
            raise first_error or self.catalog.unknown(text, shown=text[:80])
        operands = sum(1 for p in parts if p.upper() not in _OPERATORS and p not in ("(", ")"))
        if operands > MAX_LEAVES or len(parts) > 4 * MAX_LEAVES:  # before resolving anything
            raise LicenseError(wording.error("expression-too-complex"), [])
        tokens, notes = self._resolve_operands(parts)
        try:
            parsed = self._licensing.parse(" ".join(tokens), validate=False, simple=False)
        except ExpressionError as e:
            raise LicenseError(wording.error("invalid-expression", text=expression[:80], why=str(e)), []) from None
        except Exception as e:  # noqa: BLE001 - the parser raises a few non-ExpressionError types on garbage
            raise LicenseError(
                wording.error("invalid-expression", text=expression[:80], why=type(e).__name__), []
            ) from None
        if parsed is None:
            raise LicenseError(wording.error("empty-expression"), [])
        node = self._convert(parsed)
        found = leaves(node)
        if len(found) > MAX_LEAVES:
            raise LicenseError(wording.error("expression-too-complex"), [])
        families = tuple(dict.fromkeys(x.license for x in found if x.license in self.catalog.families))
        return Parsed(node, tuple(dict.fromkeys(notes)), families)

    def _resolve_operands(self, parts: list[str]) -> tuple[list[str], list[str]]:
        """Operands -> ids (exceptions after WITH); a deprecated "X-with-Y" id becomes "X WITH Y"."""
        tokens: list[str] = []
        notes: list[str] = []
        prev = None
        for p in parts:
            up = p.upper()
            if up in _OPERATORS:
                tokens.append(up)
            elif p in ("(", ")"):
                tokens.append(p)
            elif prev == "WITH":
                tokens.append(self.catalog.resolve_exception(p))
            elif (family := self.catalog.family(p)) is not None:
                tokens.append(_FAMILY_TOKEN + family.key)  # the SPDX parser would remap "GPL"
            else:
                r = self.catalog.resolve(p)
                tokens.append(r.id)
                notes.extend(r.notes)
                if r.exception:
                    tokens.extend(["WITH", r.exception])
            prev = up if up in _OPERATORS else p
            if len(tokens) > 4 * MAX_LEAVES:
                raise LicenseError(wording.error("expression-too-complex"), [])
        return tokens, notes

    def _convert(self, e) -> Node:
        L = self._licensing
        if isinstance(e, LicenseWithExceptionSymbol):
            lic = self._known_license(e.license_symbol.key)
            return Leaf(lic, self.catalog.check_exception(e.exception_symbol.key))
        if isinstance(e, LicenseSymbol):
            return Leaf(self._known_license(e.key))
        if isinstance(e, (L.AND, L.OR)):
            op = "AND" if isinstance(e, L.AND) else "OR"
            return Op(op, tuple(self._convert(a) for a in e.args))
        raise LicenseError(wording.error("invalid-expression-short"), [])

    def _known_license(self, key: str) -> str:
        if key.startswith(_FAMILY_TOKEN) and key[len(_FAMILY_TOKEN):] in self.catalog.families:
            return key[len(_FAMILY_TOKEN):]
        if key in self.catalog.licenses:
            return key
        # license-expression may remap a deprecated id (e.g. GPL-2.0+ -> GPL-2.0-or-later)
        r = self.catalog.lookup(key)
        if r:
            return self.catalog.canonical(r, key).id
        if key in self.catalog.exceptions:
            raise LicenseError(wording.error("exception-as-licence", name=key), [])
        raise self.catalog.unknown(key)
