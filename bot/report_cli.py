"""`yuanbot report [--since 7d] [--json]`: the staff to-do list for the FAQ, and the trends.

Mount in bot/cli.py with `app.command(name="report")(report)`; `report_app` is the same command as a
stand-alone Typer app (tests, `python -m bot.report_cli`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.questionlog import QuestionGroup, QuestionLog, Report, parse_since
from bot.settings import Settings


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _groups_table(title: str, groups: list[QuestionGroup], empty: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("count", justify="right")
    table.add_column("question (example)", overflow="fold")
    table.add_column("other wordings", overflow="fold", style="dim")
    if not groups:
        table.add_row("", "", empty, "")
    for i, group in enumerate(groups, 1):
        others = [v for v in group.variants if v != group.example]
        extra = "; ".join(others[:3]) + (f" (+{len(others) - 3})" if len(others) > 3 else "")
        table.add_row(str(i), str(group.count), group.example, extra)
    return table


def render_report(report: Report, console: Console) -> None:
    summary = Table(title=f"YuanBot report {report.since} → {report.until}", title_justify="left", show_header=False)
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_row("questions", str(report.total_questions))
    summary.add_row("answered", f"{report.answered} ({_pct(report.answer_rate)})")
    summary.add_row("no answer", str(report.no_answer))
    summary.add_row("feedback 👍 / 👎", f"{report.feedback_up} / {report.feedback_down}")
    if report.latency_p50_ms is not None:
        summary.add_row("latency p50 / p95", f"{report.latency_p50_ms} ms / {report.latency_p95_ms} ms")
    for channel, count in report.by_channel.items():
        summary.add_row(f"  channel {channel}", str(count))
    console.print(summary)

    console.print(_groups_table("FAQ to-do: most frequent questions without an answer", report.unanswered,
                                "nothing unanswered in this period"))
    console.print(_groups_table("Most down-voted questions (👎)", report.downvoted, "no down-votes in this period"))

    trend = Table(title="Trend per day", title_justify="left")
    for name in ("day", "questions", "answered", "👍", "👎"):
        trend.add_column(name, justify="right" if name != "day" else "left")
    for day in report.trend:
        trend.add_row(day.day, str(day.questions), _pct(day.answered_share), str(day.up), str(day.down))
    if not report.trend:
        trend.add_row("–", "0", "–", "0", "0")
    console.print(trend)


def report(
    since: Annotated[str, typer.Option("--since", help="Period to cover: 7d, 24h, 30m, 2w.")] = "7d",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Groups per list.")] = 15,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Default: YUANBOT_DATA_DIR.")] = None,
) -> None:
    """The FAQ to-do list (unanswered and down-voted questions, near-duplicates grouped) and the trends."""
    err = Console(stderr=True)
    try:
        period = parse_since(since)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    if data_dir is None:
        data_dir = Settings().data_dir
    question_log = QuestionLog(data_dir)
    try:
        result = question_log.report(period, limit=limit)
    finally:
        question_log.close()
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    render_report(result, Console())


report_app = typer.Typer(help="The staff report.", add_completion=False)
report_app.command(name="report")(report)

if __name__ == "__main__":  # pragma: no cover
    report_app()
