"""`yuanbot license audit FILE --outbound X [--use …] [--json|--csv] [--notice OUT]`.

Exit codes, so the command can gate CI: 0 no conflict, 1 at least one component conflicts with the
outbound licence, 2 the input cannot be audited (not an SBOM, unknown outbound licence, unreadable file).
The `license` sub-app belongs to the licence engine; the composition root registers this command on it
with `register_audit_command(license_app, make_advisor, texts_dir)`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.errors import LicenseError
from bot.licenses.audit import Auditor
from bot.licenses.audit_export import report_csv
from bot.licenses.audit_models import VERDICT_LABELS, AuditReport
from bot.licenses.sbom import SbomError, parse_sbom
from bot.ports import LicenseAdvisor

log = logging.getLogger("yuanbot.audit")

EXIT_OK, EXIT_CONFLICT, EXIT_BAD_INPUT = 0, 1, 2
MAX_FILE_BYTES = 256 * 1024 * 1024
PROGRESS_FROM = 500  # components; smaller files finish before a bar is worth drawing
VERDICT_STYLES = {
    "incompatible": "bold red",
    "unresolved": "magenta",
    "unknown": "yellow",
    "conditional": "dark_orange",
    "compatible": "green",
}


class UseChoice(str, Enum):
    binary = "binary"
    saas = "saas"
    static = "static"
    dynamic = "dynamic"


def register_audit_command(
    app: typer.Typer,
    make_advisor: Callable[[], LicenseAdvisor],
    texts_dir: Callable[[], Path],
) -> None:
    """Add the `audit` command to `app` (the licence sub-app). The factories run only when it is used."""

    @app.command("audit")
    def audit(
        file: Annotated[Path, typer.Argument(help="SBOM: CycloneDX JSON/XML, SPDX JSON/YAML/tag-value/RDF, or a "
                                                  "CSV/TSV list (pip-licenses, license-checker). '-' reads stdin.")],
        outbound: Annotated[str, typer.Option("--outbound", "-o", help="Your project's licence, e.g. Apache-2.0, "
                                                                      "GPL-3.0-only or proprietary.")],
        use: Annotated[UseChoice | None, typer.Option(help="How the product is shipped.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="Print one CSV row per component.")] = False,
        notice: Annotated[Path | None, typer.Option("--notice", help="Write the third-party NOTICE file here.")] = None,
    ) -> None:
        """依赖许可证审计 / Audit every dependency in an SBOM against your licence (exit 1 on a conflict)."""
        if as_json and as_csv:
            _fail("--json 与 --csv 只能选一个 / choose one of --json and --csv")
        data = _read(file)
        try:
            auditor = Auditor(make_advisor(), texts_dir())
            outbound_expression, use_value = auditor.validate(outbound, use.value if use else None)
            document = parse_sbom(data, file.name, None)
            del data
            report = _run(auditor, document, outbound_expression, use_value)
        except SbomError as exc:
            _fail(str(exc))
        except LicenseError as exc:
            _fail(str(exc), exc.suggestions)
        if notice is not None:
            try:
                notice.write_text(report.notice, encoding="utf-8")
            except OSError as exc:
                _fail(f"无法写入 NOTICE 文件 / cannot write the NOTICE file: {exc.strerror or exc}")
        if as_json:
            typer.echo(report.model_dump_json(indent=2))
        elif as_csv:
            sys.stdout.write(report_csv(report))
            sys.stdout.flush()
        else:
            _print_report(report, notice)
        raise typer.Exit(EXIT_OK if report.summary.passed else EXIT_CONFLICT)


def _read(file: Path) -> bytes:
    try:
        if str(file) == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with file.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        _fail(f"无法读取文件 / cannot read the file: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        _fail(f"文件超过 {MAX_FILE_BYTES // 2**20} MB 上限 / The file is larger than the {MAX_FILE_BYTES // 2**20} MB limit")
    return data


def _run(auditor: Auditor, document, outbound: str, use: str | None) -> AuditReport:
    """With a progress bar on a terminal when the SBOM is big."""
    if document.component_count < PROGRESS_FROM or not sys.stderr.isatty():
        return auditor.audit(document, outbound, use)  # type: ignore[arg-type]
    columns = (TextColumn("审计 / auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("audit", total=document.component_count)
        return auditor.audit(
            document, outbound, use,  # type: ignore[arg-type]
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )


def _fail(message: str, suggestions: list[str] | None = None) -> None:
    typer.echo(f"错误 / error: {message}", err=True)
    if suggestions:
        typer.echo("你是不是想找 / did you mean: " + ", ".join(suggestions[:5]), err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _print_report(report: AuditReport, notice: Path | None, limit: int = 20) -> None:
    console = Console(highlight=False, soft_wrap=True)
    s = report.summary
    source = f"{s.source.format} {s.source.spec_version or ''} {s.source.encoding}".replace("  ", " ")
    console.print(f"[bold]{escape(s.headline_zh)}[/bold]")
    console.print(escape(s.headline_en))
    console.print(f"SBOM: {escape(source)}" + (f" · {escape(s.source.product)}" if s.source.product else ""))
    counts = Table(show_header=True, header_style="bold")
    counts.add_column("结论 / verdict")
    counts.add_column("组件数 / components", justify="right")
    for c in s.counts:
        counts.add_row(f"[{VERDICT_STYLES[c.verdict]}]{c.label_zh} / {c.label_en}[/]", str(c.count))
    console.print(counts)
    conflicts = [c for c in report.components if c.verdict == "incompatible"]
    if conflicts:
        console.print(f"[bold red]冲突 / conflicts ({len(conflicts)}):[/]")
        for c in conflicts[:limit]:
            version = f" {c.version}" if c.version else ""
            console.print(f"  ✗ {escape(c.name)}{escape(version)}  [{escape(c.expression or c.declared)}]  "
                          f"{escape(c.reason_en or c.reason)}")
            for note in c.notes[:2]:
                console.print(f"      [yellow]↳ {escape(note)}[/]")
        if len(conflicts) > limit:
            console.print(f"  … {len(conflicts) - limit} more / 另有 {len(conflicts) - limit} 个（--json / --csv）")
    if report.unresolved:
        console.print(f"[magenta]许可证未识别 / unresolved licences ({s.unresolved} components):[/]")
        for u in report.unresolved[:limit]:
            hint = f" → {', '.join(u.suggestions)}?" if u.suggestions else ""
            console.print(f"  ? {escape(u.declared)} ×{u.component_count}: {escape(u.reason_en)}{escape(hint)}")
    if report.obligations:
        console.print("[bold]义务 / obligations:[/]")
        for group in report.obligations[:limit]:
            label_en = VERDICT_LABELS[group.verdict][1]
            console.print(f"  {escape(group.license)} ×{group.component_count} ({label_en})")
            for o in group.obligations:
                console.print(f"    - {escape(o.zh)}")
                console.print(f"      {escape(o.en)}")
    for note in s.notes:
        console.print(f"[yellow]注意 / note:[/] {escape(note)}")
    if notice is not None:
        console.print(f"NOTICE → {escape(str(notice))}")
