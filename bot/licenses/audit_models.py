"""The dependency audit report: what the API returns, the CLI prints and the page shows.

Re-exported by `bot.licenses.audit`; kept apart so the NOTICE and CSV writers can import them
without importing the auditor.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

AuditVerdict = Literal["incompatible", "unresolved", "unknown", "conditional", "compatible"]
# conflicts first: the order of the summary, the table and the CLI
VERDICT_ORDER: tuple[AuditVerdict, ...] = ("incompatible", "unresolved", "unknown", "conditional", "compatible")
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "incompatible": ("冲突", "conflict"),
    "unresolved": ("许可证未识别", "licence not resolved"),
    "unknown": ("无法确定", "unknown"),
    "conditional": ("有条件兼容", "compatible under conditions"),
    "compatible": ("兼容", "compatible"),
}
ResolutionMethod = Literal["id", "alias", "name", "url", "text", "unresolved"]
Use = Literal["binary", "saas", "static", "dynamic"]


class SbomInfo(BaseModel):
    """What was read."""

    format: str = Field(description="CycloneDX, SPDX or list (CSV/TSV/JSON dependency list)")
    encoding: str = Field(description="JSON, XML, YAML, tag-value, RDF/XML, CSV or TSV")
    spec_version: str | None = None
    product: str | None = Field(None, description="The product the SBOM describes, when it says")
    components: int


class VerdictCount(BaseModel):
    verdict: AuditVerdict
    count: int
    label_zh: str
    label_en: str


class AuditSummary(BaseModel):
    outbound: str = Field(description="The project's licence, as the engine resolved it")
    use: Use | None = None
    source: SbomInfo
    total: int
    counts: list[VerdictCount] = Field(description="Every verdict, conflicts first")
    conflicts: int
    unresolved: int
    passed: bool = Field(description="True when no component conflicts with the outbound licence")
    headline_zh: str
    headline_en: str
    resolution: dict[str, int] = Field(
        default_factory=dict, description="How many components' licences were resolved by each method"
    )
    notes: list[str] = Field(default_factory=list, description="How the file was read; assumptions made")
    elapsed_ms: float = 0.0


class AuditedComponent(BaseModel):
    name: str
    version: str | None = None
    purl: str | None = None
    declared: str = Field(description="The licence as the SBOM declared it")
    expression: str | None = Field(None, description="The normalised SPDX expression (None when unresolved)")
    resolution: ResolutionMethod = Field(description="How the licence was resolved")
    verdict: AuditVerdict
    reason: str = Field(description="Why (Chinese)")
    reason_en: str = Field(description="Why (English)")
    conditions: list[str] = Field(default_factory=list, description="What to do to use it, '中文 / English'")
    suggestions: list[str] = Field(default_factory=list, description="Licences it may be, when unresolved")
    notes: list[str] = Field(default_factory=list)
    copyright: str | None = None


class Obligation(BaseModel):
    zh: str
    en: str


class ObligationGroup(BaseModel):
    """One licence (expression) and what using its components requires, derived from the checks."""

    license: str
    verdict: AuditVerdict
    component_count: int
    components: list[str] = Field(description="Up to 50 component names")
    obligations: list[Obligation]


class UnresolvedLicense(BaseModel):
    declared: str
    reason_zh: str
    reason_en: str
    component_count: int
    components: list[str] = Field(description="Up to 50 component names")
    suggestions: list[str] = Field(default_factory=list)


class AuditReport(BaseModel):
    summary: AuditSummary
    components: list[AuditedComponent] = Field(description="Conflicts first, then by name")
    obligations: list[ObligationGroup] = Field(description="Grouped by licence, most components first")
    unresolved: list[UnresolvedLicense]
    notice: str = Field(description="A third-party NOTICE / attribution file (plain text)")
