"""The report's two aggregated lists: obligations per licence id, and the licences that could not be resolved.

Kept apart from `bot.licenses.audit` because the grouping has its own rules: an `A AND B` component counts for
both licences, an `A OR B` one only for the branch the engine would pick (best verdict, then fewest
conditions); components in conflict are left out; "choose the X branch" conditions belong to a component,
not to a licence. Which licences of an expression apply is cached per auditor; the groups are per audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from license_expression import AND, OR, ExpressionError, get_spdx_licensing

from bot.errors import LicenseError
from bot.licenses.audit_cache import BoundedCache
from bot.licenses.audit_component import NOT_RESOLVED, CheckFn
from bot.licenses.audit_models import (
    AuditedComponent,
    AuditVerdict,
    Obligation,
    ObligationGroup,
    UnresolvedLicense,
)
from bot.licenses.audit_wording import pair
from bot.licenses.findings import RANK
from bot.licenses.wording import CHOOSE_BRANCH_ZH

MAX_LISTED = 50  # component names listed per obligation group / unresolved licence
_LICENSING = get_spdx_licensing()


class ApplicableLicences:
    """The licences (each with its exception) whose obligations apply: all of an AND, the best of an OR.

    One per auditor; cached per (expression, outbound, use). `check` is the auditor's cached verdict lookup.
    """

    def __init__(self, check: CheckFn, cache_size: int) -> None:
        self.check = check
        self._cache: BoundedCache[list[str]] = BoundedCache(cache_size)

    def __call__(self, expression: str, outbound: str, use: str | None) -> list[str]:
        def compute() -> list[str]:
            try:
                tree = _LICENSING.parse(expression, validate=False)
            except ExpressionError:
                return []
            return list(dict.fromkeys(self._applicable_in(tree, outbound, use)))

        return self._cache.get_or_compute((expression, outbound, use), compute)

    def _applicable_in(self, node: object, outbound: str, use: str | None) -> list[str]:
        if isinstance(node, AND):
            return [leaf for arg in node.args for leaf in self._applicable_in(arg, outbound, use)]
        if isinstance(node, OR):
            def rank(arg: object) -> tuple[int, int]:  # as the engine picks: best verdict, then fewest conditions
                check = self.check(str(arg), outbound, use)
                if isinstance(check, LicenseError):
                    return 1, 0  # after every verdict
                return -RANK[check.verdict], len(check.conditions)

            return self._applicable_in(min(node.args, key=rank), outbound, use)
        return [str(node)]


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


class ReportFold:
    """One audit's running groups: `add` each row as it is built, then read `obligations()` / `unresolved()`."""

    def __init__(self, applicable: ApplicableLicences, outbound: str, use: str | None) -> None:
        self.applicable = applicable
        self.outbound = outbound
        self.use = use
        self._groups: dict[str, _Group] = {}  # per licence id (with its exception), not per expression
        self._unresolved: dict[tuple[str, str], _Unresolved] = {}

    def add(self, row: AuditedComponent) -> None:
        label = f"{row.name} {row.version}" if row.version else row.name
        if row.verdict == "unresolved":
            key = (row.declared, row.reason_en)
            entry = self._unresolved.get(key)
            if entry is None:
                entry = self._unresolved[key] = _Unresolved(
                    row.reason.removeprefix(NOT_RESOLVED[0]),
                    row.reason_en.removeprefix(NOT_RESOLVED[1]),
                    row.suggestions,
                )
            entry.count += 1
            if len(entry.names) < MAX_LISTED:
                entry.names.append(label)
            return
        if row.verdict in ("incompatible", "unknown") or row.expression is None:
            return
        check_fn = self.applicable.check
        for licence in self.applicable(row.expression, self.outbound, self.use):
            check = check_fn(licence, self.outbound, self.use)
            if isinstance(check, LicenseError) or not check.conditions or check.verdict == "incompatible":
                continue
            group = self._groups.get(licence)
            if group is None:
                group = self._groups[licence] = _Group(check.verdict, _without_choice(check.conditions))
            group.count += 1
            if len(group.names) < MAX_LISTED:
                group.names.append(label)

    def obligations(self) -> list[ObligationGroup]:
        result = []
        for expression, group in sorted(self._groups.items(), key=lambda item: (-item[1].count, item[0])):
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

    def unresolved(self) -> list[UnresolvedLicense]:
        return [
            UnresolvedLicense(declared=declared, reason_zh=entry.reason_zh, reason_en=entry.reason_en,
                              component_count=entry.count, components=entry.names, suggestions=entry.suggestions)
            for (declared, _), entry in sorted(self._unresolved.items(),
                                               key=lambda item: (-item[1].count, item[0][0]))
        ]


def _without_choice(conditions: list[str]) -> list[str]:
    """A licence's conditions minus "choose the X branch" (that belongs to the component, not the licence)."""
    return [c for c in conditions if not c.startswith(CHOOSE_BRANCH_ZH)]
