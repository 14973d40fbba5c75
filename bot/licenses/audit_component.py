"""One SBOM component -> its report row: the declared licences resolved and combined, then the engine's verdict.

Kept apart from `bot.licenses.audit` (which streams a document through this and folds the rows into a report)
because reading one component's licences (several listed -> AND, with an "if the alternatives were meant"
note; a versionless family -> every common version's verdict) is its own job with its own cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import LicenseError
from bot.licenses.audit_cache import BoundedCache
from bot.licenses.audit_models import VERDICT_LABELS, VERDICT_ORDER, AuditedComponent
from bot.licenses.audit_resolve import METHODS, LicenseResolver, Resolution
from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom import SbomComponent
from bot.ports import LicenseAdvisor
from bot.types import LicenseCheck

MAX_DECLARED_CHARS = 300
CheckFn = Callable[[str, str, str | None], LicenseCheck | LicenseError]
NOT_RESOLVED = pair("not-resolved", reason="")  # the prefix of an unresolved row's reason


@dataclass(slots=True)
class _ComponentLicence:
    declared: str
    expression: str | None
    method: str
    resolution: Resolution | None = None  # the unresolved one, when unresolved
    alternatives: str | None = None  # "A OR B" when several licences were listed (read as AND)
    notes: list[str] = field(default_factory=list)


class ComponentChecker:
    """Builds one component's row. `check` is the auditor's cached verdict lookup (shared, so the obligations
    folding reuses the same verdicts); listed licences combined into one expression are cached here."""

    def __init__(self, advisor: LicenseAdvisor, resolver: LicenseResolver, check: CheckFn, cache_size: int) -> None:
        self.advisor = advisor
        self.resolver = resolver
        self.check = check
        self._combined: BoundedCache[str | None] = BoundedCache(cache_size)

    def row(self, component: SbomComponent, outbound: str, use: str | None) -> AuditedComponent:
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


def _not_resolved(reason_zh: str, reason_en: str) -> tuple[str, str]:
    return pair("not-resolved", reason=reason_zh)[0], pair("not-resolved", reason=reason_en)[1]
