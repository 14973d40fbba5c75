"""Dependency licence audit: an SBOM's components -> verdicts against the project's licence, obligations,
unresolved licences and a NOTICE file.

Talks to the licence engine only through `bot.ports.LicenseAdvisor` (resolve / identify / check).
Components are streamed from the parser and folded into the report one at a time; the only per-component
state kept is the report row itself. Verdicts are cached per (expression, outbound, use) and resolutions
per declared licence, in bounded per-instance caches, so a 10,000-component SBOM costs a few hundred
engine calls.

One component's row is built in `audit_component`, the obligations / unresolved lists are grouped in
`audit_obligations`; this module streams the document through both and writes the summary. The chat's
"check my dependencies" detector lives with its user, `bot.answering.audit_pointer`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from bot.errors import LicenseError
from bot.licenses.audit_aliases import AliasTable
from bot.licenses.audit_cache import BoundedCache
from bot.licenses.audit_component import ComponentChecker
from bot.licenses.audit_models import (
    VERDICT_LABELS,
    VERDICT_ORDER,
    AuditedComponent,
    AuditReport,
    AuditSummary,
    ObligationGroup,
    SbomInfo,
    UnresolvedLicense,
    Use,
    VerdictCount,
)
from bot.licenses.audit_notice import LicenseTexts, build_notice
from bot.licenses.audit_obligations import ApplicableLicences, ReportFold
from bot.licenses.audit_resolve import METHODS, LicenseResolver
from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom import SbomComponent, SbomDocument, parse_sbom
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
]

log = logging.getLogger("yuanbot.audit")

USES: tuple[str, ...] = ("binary", "saas", "static", "dynamic")
MAX_SBOM_TEXTS = 200
ProgressCallback = Callable[[int, int], None]


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
        self.components = ComponentChecker(advisor, self.resolver, self.check, cache_size)
        self.applicable = ApplicableLicences(self.check, cache_size)

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
        fold = ReportFold(self.applicable, outbound, use)
        methods: dict[str, int] = dict.fromkeys(METHODS, 0)
        sbom_texts: dict[str, str] = {}
        total = document.component_count
        for index, component in enumerate(document.components(), 1):
            row = self.components.row(component, outbound, use)
            rows.append(row)
            methods[row.resolution] += 1
            fold.add(row)
            _collect_texts(component, sbom_texts)
            if progress is not None and (index % 100 == 0 or index == total):
                progress(index, total)
        rows.sort(key=lambda r: (VERDICT_ORDER.index(r.verdict), r.name.lower(), r.version or ""))
        summary = self._summary(document, rows, outbound, use, methods, started)
        report = AuditReport(
            summary=summary,
            components=rows,
            obligations=fold.obligations(),
            unresolved=fold.unresolved(),
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
