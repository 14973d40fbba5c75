"""The audit report as CSV (one row per component), for spreadsheets and CI artefacts.

Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) are prefixed with an
apostrophe: component names and licence strings come from untrusted files.
"""

from __future__ import annotations

import csv
import io

from bot.licenses.audit_models import AuditReport

COLUMNS = [
    "name", "version", "purl", "verdict", "declared", "expression", "resolution",
    "reason", "reason_en", "conditions", "suggestions", "notes", "copyright",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: AuditReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in report.components:
        writer.writerow(
            _safe(value)
            for value in (
                c.name, c.version, c.purl, c.verdict, c.declared, c.expression, c.resolution,
                c.reason, c.reason_en, " | ".join(c.conditions), " | ".join(c.suggestions),
                " | ".join(c.notes), c.copyright,
            )
        )
    return buffer.getvalue()


def _safe(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text
