"""Dependency licence audit: an SBOM's components -> verdicts against the project's licence, obligations,
unresolved licences and a NOTICE file.

Talks to the licence engine only through `bot.ports.LicenseAdvisor` (resolve / identify / check).
Components are streamed from the parser and folded into the report one at a time; the only per-component
state kept is the report row itself. Verdicts are cached per (expression, outbound, use) and resolutions
per declared licence, in bounded per-instance caches, so a 10,000-component SBOM costs a few hundred
engine calls.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from license_expression import AND, OR, ExpressionError, get_spdx_licensing

from bot.errors import LicenseError
from bot.licenses.audit_aliases import AliasTable
from bot.licenses.audit_cache import BoundedCache
from bot.licenses.audit_models import (
    VERDICT_LABELS,
    VERDICT_ORDER,
    AuditedComponent,
    AuditReport,
    AuditSummary,
    AuditVerdict,
    Obligation,
    ObligationGroup,
    SbomInfo,
    UnresolvedLicense,
    Use,
    VerdictCount,
)
from bot.licenses.audit_notice import LicenseTexts, build_notice
from bot.licenses.audit_resolve import METHODS, LicenseResolver, Resolution
from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom import SbomComponent, SbomDocument, parse_sbom
from bot.licenses.wording import CHOOSE_BRANCH_ZH
from bot.ports import LicenseAdvisor
from bot.types import LicenseCheck

__all__ = [
    "USES",
    "AuditReport",
    "AuditSummary",
    "AuditedComponent",
    "Auditor",
    "ObligationGroup",
    "UnresolvedLicense",
    "looks_like_audit_request",
]

log = logging.getLogger("yuanbot.audit")

USES: tuple[str, ...] = ("binary", "saas", "static", "dynamic")
MAX_LISTED = 50  # component names listed per obligation group / unresolved licence
MAX_DECLARED_CHARS = 300
MAX_SBOM_TEXTS = 200
ProgressCallback = Callable[[int, int], None]
_LICENSING = get_spdx_licensing()
_BEST_FIRST = ("compatible", "conditional", "unknown", "incompatible")  # the OR branch taken (findings.combine_or)


@dataclass(slots=True)
class _ComponentLicence:
    declared: str
    expression: str | None
    method: str
    resolution: Resolution | None = None  # the unresolved one, when unresolved
    alternatives: str | None = None  # "A OR B" when several licences were listed (read as AND)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Group:
    verdict: AuditVerdict
    conditions: list[str]
    count: int = 0
    names: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Unresolved:
    reason_zh: str
    reason_en: str
    suggestions: list[str]
    count: int = 0
    names: list[str] = field(default_factory=list)


class Auditor:
    """Builds audit reports. One per process is enough (thread-safe; caches are shared by requests).

    `texts_dir` is the licence texts folder (`knowledge/licenses/texts`); the alias table is read from
    `engine_dir` (default: its sibling `engine/`).
    """

    def __init__(
        self,
        advisor: LicenseAdvisor,
        texts_dir: Path,
        *,
        engine_dir: Path | None = None,
        cache_size: int = 4096,
    ) -> None:
        self.advisor = advisor
        self.texts = LicenseTexts(Path(texts_dir))
        self.resolver = LicenseResolver(
            advisor, AliasTable.load(engine_dir or Path(texts_dir).parent / "engine"), cache_size
        )
        self._checks: BoundedCache[LicenseCheck | LicenseError] = BoundedCache(cache_size)
        self._combined: BoundedCache[str | None] = BoundedCache(cache_size)
        self._applicable_cache: BoundedCache[list[str]] = BoundedCache(cache_size)

    # ------------------------------------------------------------------------------------ entry points

    def audit_bytes(
        self,
        data: bytes,
        outbound: str,
        use: str | None = None,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> AuditReport:
        """Parse and audit an uploaded file. Raises SbomError (bad file) or LicenseError (bad outbound/use)."""
        outbound_expression, use = self.validate(outbound, use)
        document = parse_sbom(data, filename, content_type)
        return self.audit(document, outbound_expression, use, progress=progress)

    def validate(self, outbound: str, use: str | None) -> tuple[str, Use | None]:
        """The outbound licence as an SPDX expression and the use mode; LicenseError when not understood."""
        use_value = (use or "").strip().lower() or None
        if use_value is not None and use_value not in USES:
            raise LicenseError(both("unknown-use", use=use_value[:40]), list(USES))
        try:
            outbound_expression = self.advisor.resolve(outbound.strip())
        except LicenseError as exc:
            if exc.family:  # "GPL", "LGPL AND MIT": a family, not an unknown name
                message = both("outbound-family", outbound=outbound[:80], family=exc.family,
                               versions=", ".join(exc.suggestions))
                raise LicenseError(message, exc.suggestions, family=exc.family) from None
            raise LicenseError(both("outbound-unknown", outbound=outbound[:80]), exc.suggestions) from None
        return outbound_expression, use_value  # type: ignore[return-value]

    def audit(
        self,
        document: SbomDocument,
        outbound: str,
        use: Use | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> AuditReport:
        started = time.perf_counter()
        rows: list[AuditedComponent] = []
        groups: dict[str, _Group] = {}  # per licence id (with its exception), not per expression
        unresolved: dict[tuple[str, str], _Unresolved] = {}
        methods: dict[str, int] = dict.fromkeys(METHODS, 0)
        sbom_texts: dict[str, str] = {}
        total = document.component_count
        for index, component in enumerate(document.components(), 1):
            row = self._audit_component(component, outbound, use)
            rows.append(row)
            methods[row.resolution] += 1
            self._fold(row, groups, unresolved, outbound, use)
            _collect_texts(component, sbom_texts)
            if progress is not None and (index % 100 == 0 or index == total):
                progress(index, total)
        rows.sort(key=lambda r: (VERDICT_ORDER.index(r.verdict), r.name.lower(), r.version or ""))
        summary = self._summary(document, rows, outbound, use, methods, started)
        report = AuditReport(
            summary=summary,
            components=rows,
            obligations=_obligation_groups(groups),
            unresolved=_unresolved_list(unresolved),
            notice=build_notice(rows, self.texts, product=document.product, source=document.description,
                                sbom_texts=sbom_texts),
        )
        report.summary.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "audit done",
            extra={"sbom_format": document.description, "components": len(rows), "outbound": outbound,
                   "use": use, "conflicts": summary.conflicts, "unresolved": summary.unresolved,
                   "latency_ms": report.summary.elapsed_ms},
        )
        return report

    def check(self, expression: str, outbound: str, use: str | None) -> LicenseCheck | LicenseError:
        """The engine's verdict, cached per (expression, outbound, use); an engine refusal is cached too."""

        def compute() -> LicenseCheck | LicenseError:
            try:
                return self.advisor.check(expression, outbound, use)
            except LicenseError as exc:
                return exc

        return self._checks.get_or_compute((expression, outbound, use), compute)

    # ------------------------------------------------------------------------------------ one component

    def _audit_component(self, component: SbomComponent, outbound: str, use: str | None) -> AuditedComponent:
        licence = self._component_licence(component)
        base = {
            "name": component.label,
            "version": component.version,
            "purl": component.purl,
            "declared": licence.declared,
            "expression": licence.expression,
            "resolution": licence.method,
            "copyright": component.copyright,
        }
        notes = list(component.notes) + licence.notes
        if licence.expression is None and licence.resolution is not None and licence.resolution.family:
            return self._family_row(base, licence.resolution, notes, outbound, use)
        if licence.expression is None:
            res = licence.resolution or Resolution(None, "unresolved")
            zh, en = _not_resolved(res.reason_zh, res.reason_en)
            return AuditedComponent.model_construct(
                **base, verdict="unresolved", reason=zh, reason_en=en,
                conditions=[], suggestions=list(res.suggestions), notes=notes,
            )
        check = self.check(licence.expression, outbound, use)
        if isinstance(check, LicenseError):
            return AuditedComponent.model_construct(
                **base, verdict="unknown", reason=str(check), reason_en=str(check), conditions=[],
                suggestions=list(check.suggestions), notes=notes,
            )
        if licence.alternatives:
            notes.append(self._alternatives_note(check, licence.alternatives, outbound, use))
        return AuditedComponent.model_construct(
            **base, verdict=check.verdict, reason=check.explanation, reason_en=check.explanation_en or "",
            conditions=check.conditions, suggestions=[], notes=notes + check.notes,
        )

    def _family_row(
        self, base: dict, res: Resolution, notes: list[str], outbound: str, use: str | None
    ) -> AuditedComponent:
        """A licence family without a version: the engine's verdict when every common version agrees,
        else unresolved with each version's verdict (the exact version is in the component's licence file)."""
        check = self.check(res.family or "", outbound, use)
        rows = check.versions if isinstance(check, LicenseCheck) else []
        verdicts = {row.verdict for row in rows}
        if len(verdicts) == 1:
            verdict = rows[0].verdict
            versions = ", ".join(row.inbound for row in rows)
            labels = {"verdict_zh": VERDICT_LABELS[verdict][0], "verdict_en": VERDICT_LABELS[verdict][1]}
            zh = pair("family-versions-agree", reason=res.reason_zh, versions=versions, **labels)[0]
            en = pair("family-versions-agree", reason=res.reason_en, versions=versions, **labels)[1]
            return AuditedComponent.model_construct(
                **base, verdict=verdict, reason=zh, reason_en=en,
                conditions=check.conditions if isinstance(check, LicenseCheck) else [],
                suggestions=list(res.suggestions), notes=notes,
            )
        per_version = [(row.inbound, VERDICT_LABELS[row.verdict]) for row in rows]
        zh = "；".join(f"{v}：{label[0]}" for v, label in per_version)
        en = "; ".join(f"{v}: {label[1]}" for v, label in per_version)
        reason_zh, reason_en = _not_resolved(res.reason_zh + (f"（{zh}）" if zh else ""),
                                             res.reason_en + (f" ({en})" if en else ""))
        return AuditedComponent.model_construct(
            **base, verdict="unresolved", reason=reason_zh, reason_en=reason_en,
            conditions=[], suggestions=list(res.suggestions), notes=notes,
        )

    def _component_licence(self, component: SbomComponent) -> _ComponentLicence:
        declared = "; ".join(d.display() for d in component.licenses) or "(none)"
        if len(declared) > MAX_DECLARED_CHARS:
            declared = declared[: MAX_DECLARED_CHARS - 1] + "…"
        if not component.licenses:
            return _ComponentLicence(
                declared, None, "unresolved",
                Resolution(None, "unresolved", *pair("no-licence")),
            )
        results = [self.resolver.resolve(d) for d in component.licenses]
        notes = [note for r in results for note in r.notes]
        failed = [r for r in results if r.expression is None]
        if failed:
            resolved = [r.expression for r in results if r.expression]
            if resolved:
                notes.append(both("resolved-part", parts=", ".join(resolved)))
            first = failed[0]
            if len(failed) == 1 and first.family and resolved:  # "LGPL" listed with "MIT": all apply (AND)
                whole = " AND ".join(f"({r.expression or r.family})" for r in results)
                first = dataclasses.replace(first, family=whole)
            return _ComponentLicence(declared, None, "unresolved", first, notes=notes)
        expressions = list(dict.fromkeys(r.expression for r in results if r.expression))
        method = max((r.method for r in results), key=METHODS.index)
        if len(expressions) == 1:
            return _ComponentLicence(declared, expressions[0], method, notes=notes)
        combined = self._combine(expressions, "AND")
        if combined is None:
            return _ComponentLicence(
                declared, None, "unresolved",
                Resolution(None, "unresolved", *pair("cannot-combine")),
                notes=notes,
            )
        return _ComponentLicence(declared, combined, method, alternatives=self._combine(expressions, "OR"),
                                 notes=notes)

    def _combine(self, expressions: list[str], operator: str) -> str | None:
        """Several listed licences as one expression (the engine normalises it); cached."""

        def compute() -> str | None:
            try:
                return self.advisor.resolve(f" {operator} ".join(f"({e})" for e in expressions))
            except LicenseError:
                return None

        return self._combined.get_or_compute((operator, tuple(expressions)), compute)

    def _alternatives_note(self, check: LicenseCheck, alternatives: str, outbound: str, use: str | None) -> str:
        rank = VERDICT_ORDER.index
        alt = self.check(alternatives, outbound, use)
        zh, en = pair("read-as-and")
        if isinstance(alt, LicenseCheck) and rank(alt.verdict) > rank(check.verdict):
            more_zh, more_en = pair("if-alternatives", alternatives=alternatives,
                                    verdict_zh=VERDICT_LABELS[alt.verdict][0], verdict_en=VERDICT_LABELS[alt.verdict][1])
            zh, en = zh + more_zh, en + more_en
        return f"{zh} / {en}"

    # ------------------------------------------------------------------------------------ folding

    def _fold(
        self,
        row: AuditedComponent,
        groups: dict[str, _Group],
        unresolved: dict[tuple[str, str], _Unresolved],
        outbound: str,
        use: str | None,
    ) -> None:
        label = f"{row.name} {row.version}" if row.version else row.name
        if row.verdict == "unresolved":
            key = (row.declared, row.reason_en)
            entry = unresolved.get(key)
            if entry is None:
                entry = unresolved[key] = _Unresolved(
                    row.reason.removeprefix(_NOT_RESOLVED[0]),
                    row.reason_en.removeprefix(_NOT_RESOLVED[1]),
                    row.suggestions,
                )
            entry.count += 1
            if len(entry.names) < MAX_LISTED:
                entry.names.append(label)
            return
        if row.verdict in ("incompatible", "unknown") or row.expression is None:
            return
        for licence in self._applicable(row.expression, outbound, use):
            check = self.check(licence, outbound, use)
            if isinstance(check, LicenseError) or not check.conditions or check.verdict == "incompatible":
                continue
            group = groups.get(licence)
            if group is None:
                group = groups[licence] = _Group(check.verdict, _without_choice(check.conditions))
            group.count += 1
            if len(group.names) < MAX_LISTED:
                group.names.append(label)

    def _applicable(self, expression: str, outbound: str, use: str | None) -> list[str]:
        """The licences (each with its exception) whose obligations apply: all of an AND, the best of an OR."""

        def compute() -> list[str]:
            try:
                tree = _LICENSING.parse(expression, validate=False)
            except ExpressionError:
                return []
            return list(dict.fromkeys(self._applicable_in(tree, outbound, use)))

        return self._applicable_cache.get_or_compute((expression, outbound, use), compute)

    def _applicable_in(self, node: object, outbound: str, use: str | None) -> list[str]:
        if isinstance(node, AND):
            return [leaf for arg in node.args for leaf in self._applicable_in(arg, outbound, use)]
        if isinstance(node, OR):
            def rank(arg: object) -> tuple[int, int]:  # as the engine picks: best verdict, then fewest conditions
                check = self.check(str(arg), outbound, use)
                if isinstance(check, LicenseError):
                    return len(_BEST_FIRST), 0
                return _BEST_FIRST.index(check.verdict), len(check.conditions)

            return self._applicable_in(min(node.args, key=rank), outbound, use)
        return [str(node)]

    def _summary(
        self,
        document: SbomDocument,
        rows: list[AuditedComponent],
        outbound: str,
        use: Use | None,
        methods: dict[str, int],
        started: float,
    ) -> AuditSummary:
        counts = dict.fromkeys(VERDICT_ORDER, 0)
        for row in rows:
            counts[row.verdict] += 1
        total = len(rows)
        use_zh, use_en = pair("headline-use", use=use) if use else ("", "")
        parts = [pair("count-part", n=counts[v], label_zh=VERDICT_LABELS[v][0], label_en=VERDICT_LABELS[v][1])
                 for v in VERDICT_ORDER if counts[v]]
        parts_zh, parts_en = "，".join(p[0] for p in parts), ", ".join(p[1] for p in parts)
        return AuditSummary(
            outbound=outbound,
            use=use,
            source=SbomInfo(
                format=document.format, encoding=document.encoding, spec_version=document.spec_version,
                product=document.product, components=document.component_count,
            ),
            total=total,
            counts=[
                VerdictCount(verdict=v, count=counts[v], label_zh=VERDICT_LABELS[v][0], label_en=VERDICT_LABELS[v][1])
                for v in VERDICT_ORDER
            ],
            conflicts=counts["incompatible"],
            unresolved=counts["unresolved"],
            passed=counts["incompatible"] == 0,
            headline_zh=pair("headline", total=total, outbound=outbound, use_zh=use_zh, use_en=use_en,
                             parts=parts_zh)[0],
            headline_en=pair("headline", total=total, outbound=outbound, use_zh=use_zh, use_en=use_en,
                             parts=parts_en)[1],
            resolution={k: v for k, v in methods.items() if v},
            notes=list(document.notes),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        )


# ---------------------------------------------------------------------------------------- helpers


def _collect_texts(component: SbomComponent, sbom_texts: dict[str, str]) -> None:
    if len(sbom_texts) >= MAX_SBOM_TEXTS:
        return
    for declared in component.licenses:
        for ref in declared.refs:
            if ref.text and ref.ref not in sbom_texts:
                sbom_texts[ref.ref] = ref.text


_NOT_RESOLVED = pair("not-resolved", reason="")  # the prefix of an unresolved row's reason


def _not_resolved(reason_zh: str, reason_en: str) -> tuple[str, str]:
    return pair("not-resolved", reason=reason_zh)[0], pair("not-resolved", reason=reason_en)[1]


def _without_choice(conditions: list[str]) -> list[str]:
    """A licence's conditions minus "choose the X branch" (that belongs to the component, not the licence)."""
    return [c for c in conditions if not c.startswith(CHOOSE_BRANCH_ZH)]


def _obligation_groups(groups: dict[str, _Group]) -> list[ObligationGroup]:
    result = []
    for expression, group in sorted(groups.items(), key=lambda item: (-item[1].count, item[0])):
        n, verdict = group.count, group.verdict
        plural = "s" if n != 1 else ""
        obligations = []
        for condition in group.conditions:
            zh, sep, en = condition.partition(" / ")
            en = en if sep else zh
            obligations.append(Obligation(zh=pair("obligation-count", text=zh, n=n, licence=expression,
                                                  plural=plural)[0],
                                          en=pair("obligation-count", text=en, n=n, licence=expression,
                                                  plural=plural)[1]))
        result.append(
            ObligationGroup(license=expression, verdict=verdict, component_count=n,  # type: ignore[arg-type]
                            components=group.names, obligations=obligations)
        )
    return result


def _unresolved_list(unresolved: dict[tuple[str, str], _Unresolved]) -> list[UnresolvedLicense]:
    return [
        UnresolvedLicense(declared=declared, reason_zh=entry.reason_zh, reason_en=entry.reason_en,
                          component_count=entry.count, components=entry.names, suggestions=entry.suggestions)
        for (declared, _), entry in sorted(unresolved.items(), key=lambda item: (-item[1].count, item[0][0]))
    ]


# ---------------------------------------------------------------------------------------- chat pointer

_AUDIT_REQUEST = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bsbom\b",
        r"软件物料清单|物料清单",
        r"bill[\s-]+of[\s-]+materials",
        r"\bcyclone\s*dx\b",
        r"license-checker|pip-licenses",
        (r"(依赖|三方库|第三方(组件|库|依赖|软件)|开源组件|dependenc(y|ies)).{0,15}(许可证|许可|协议|licen[cs]es?)"
        r".{0,12}(检查|审计|审查|扫描|排查|核查|合规|清单|梳理|盘点|报告)"),
        (r"(检查|审计|审查|扫描|排查|核查|梳理|盘点).{0,12}(所有|全部|项目的?|我们的?)?(依赖|三方库|第三方|开源组件)"
        r".{0,15}(许可证|许可|协议|licen[cs]es?)"),
        (r"\b(audit|scan|check|review|verify|list)\b.{0,40}\b(all\s+)?(our|my|the|project'?s?)?\s*"
        r"(dependenc(y|ies)|third[- ]party|packages|libraries|deps)\b.{0,30}\blicen[cs]es?\b"),
        (r"\b(audit|scan|check|review|verify|list)\b.{0,20}\blicen[cs]es?\b.{0,30}"
         r"\b(dependenc(y|ies)|third[- ]party|packages|libraries|deps)\b"),
        r"\b(dependenc(y|ies)|third[- ]party|deps)\b.{0,20}\blicen[cs]e\s+(audit|scan|check|report|compliance)",
        r"\blicen[cs]e\s+(audit|scan)\b",
        r"(生成|制作|输出).{0,8}(notice|第三方声明|归属声明|致谢文件)",
        r"\bthird[- ]party\s+notices?\b|\battribution\s+(file|notice)s?\b|\bnotice\s+file\b.{0,30}\bdependenc",
    )
]


def looks_like_audit_request(text: str) -> bool:
    """Does the message ask to check a whole project's dependencies (-> point to /audit)?

    A question about one licence pair ("MIT 和 GPL 兼容吗", "Can I use GPL code in my MIT project?") is not.
    """
    sample = (text or "")[:2000]
    return any(pattern.search(sample) for pattern in _AUDIT_REQUEST)
