"""`yuanbot`: ingest the knowledge base, ask and search from a terminal, serve the API."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import click
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from bot.api.server import SERVER_OPTIONS
from bot.api.tokens import check_admin_token
from bot.errors import IngestBusy, KnowledgeError, YuanbotError
from bot.licenses.audit_cli import register_audit_command
from bot.licenses.cli import build_license_cli
from bot.logging_setup import configure_logging
from bot.report_cli import report
from bot.resources import license_texts_dir
from bot.settings import Settings
from bot.types import Question


class _Commands(TyperGroup):
    """The top-level commands, with `yuanbot telegram` built on first use: python-telegram-bot takes about a
    second to import, which `ask`, `ingest` and every other command would otherwise pay."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), "telegram"]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "telegram":
            return _telegram_command()
        return super().get_command(ctx, cmd_name)


app = typer.Typer(help="YuanBot 源问: grounded answers on open-source policy and licensing.",
                  no_args_is_help=True, pretty_exceptions_show_locals=False, cls=_Commands)
kb_app = typer.Typer(help="Inspect the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

console = Console()
err = Console(stderr=True)
EXIT_BUSY = 75  # EX_TEMPFAIL: another ingest is running; try again when it has finished


def _settings() -> Settings:
    settings = Settings()
    configure_logging(settings.log_level if os.environ.get("YUANBOT_LOG_LEVEL") else "WARNING", settings.log_json)
    return settings


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the knowledge folder).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from an empty index.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan, change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Make the index match the knowledge folder: new, changed and deleted documents."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from bot.wiring import Components
    from ingest.lock import LockHolder

    settings = _settings()
    components = Components(settings)
    targets = paths or [components.knowledge_dir]
    lease = None
    try:
        if not dry_run:  # one ingest at a time with the console, the admin API and other terminals
            what = "rebuild" if rebuild else ", ".join(str(t) for t in targets)[:120]
            lease = components.ingest_lock.acquire(LockHolder(who="yuanbot ingest", what=what))
    except IngestBusy as exc:
        _fail(str(exc), code=EXIT_BUSY)
    except YuanbotError as exc:
        _fail(str(exc))
    try:
        sync = components.sync()
        show_bar = sys.stderr.isatty() and not as_json
        with Progress(TextColumn("[bold]embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=err, disable=not show_bar, transient=True) as bar:
            task = bar.add_task("embedding", total=None)

            def progress(event: str, amount: int) -> None:
                if event == "total":
                    bar.update(task, total=amount)
                else:
                    bar.advance(task, amount)

            report = sync.sync(targets, dry_run=dry_run, rebuild=rebuild, progress=progress)
        components.failure_ledger.update(report, sync.root)  # the console's documents page shows them
    except YuanbotError as exc:
        _fail(str(exc))
        return
    finally:
        if lease is not None:
            lease.release()
    summary = report.as_dict()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        verb = "would be" if dry_run else ""
        for label in ("added", "updated", "removed"):
            for doc in summary["documents"][label]:
                console.print(f"  {label:<8} {verb} {doc}")
        for failure in summary["failures"]:
            err.print(f"  [red]failed[/red]   {failure['path']}: {failure['reason']}")
        console.print(
            f"{'plan' if dry_run else 'done'}: {summary['added']} added, {summary['updated']} updated, "
            f"{summary['removed']} removed, {summary['unchanged']} unchanged, {summary['failed']} failed; "
            f"{summary['chunks']} chunks in {summary['seconds']} s"
        )
    if report.failed:
        raise typer.Exit(1)


@kb_app.command("lint-faq")
def kb_lint_faq(
    knowledge: Annotated[Path | None, typer.Option("--knowledge", help="The knowledge folder (default: settings).")] = None,
) -> None:
    """Check that every FAQ entry names a clause that exists in the knowledge folder (exit 1 if not)."""
    from bot.wiring import Components
    from ingest.faq_lint import main as lint

    raise typer.Exit(lint(knowledge or Components(_settings()).knowledge_dir))


@kb_app.command("stats")
def kb_stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents, chunks, by kind, the embedding model and the last sync."""
    from bot.wiring import Components

    settings = _settings()
    try:
        index = Components(settings).index
        if not index.exists():
            raise KnowledgeError("the knowledge base has not been built yet: run `yuanbot ingest`")
        docs = index.documents()
        state = index.state()
        chunks = index.count_chunks()
    except YuanbotError as exc:
        _fail(str(exc))
        return
    by_kind: dict[str, dict[str, int]] = {}
    for meta in docs.values():
        row = by_kind.setdefault(str(meta.get("kind", "other")), {"documents": 0, "chunks": 0})
        row["documents"] += 1
        row["chunks"] += int(meta.get("chunks", 0))
    stats = {"documents": len(docs), "chunks": chunks, "by_kind": by_kind, "model": state["model"],
             "dimension": state["dimension"], "last_sync": state["last_sync"],
             "store": settings.chroma_url or str(settings.chroma_dir)}
    if as_json:
        print(json.dumps(stats, ensure_ascii=False))
        return
    table = Table(title="YuanBot knowledge base")
    for column in ("kind", "documents", "chunks"):
        table.add_column(column)
    for kind, row in sorted(by_kind.items()):
        table.add_row(kind, str(row["documents"]), str(row["chunks"]))
    console.print(table)
    console.print(f"model {stats['model']} ({stats['dimension']} d) · last sync {stats['last_sync']} · {stats['store']}")


def _print_answer(answer) -> None:
    console.print(answer.answer, markup=False, highlight=False)
    if answer.understood_question:
        console.print(f"(understood as: {answer.understood_question})", style="dim", markup=False)
    for number, source in enumerate(answer.sources, 1):
        where = f"{source.title} > {source.section}" if source.section else source.title
        console.print(f"[{number}] {where}", style="cyan", markup=False, highlight=False)
        if source.url:
            console.print(f"    {source.url}", style="dim", markup=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Chinese or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="The same JSON as POST /api/ask.")] = False,
    session: Annotated[str | None, typer.Option("--session", help="Session id for follow-ups.")] = None,
) -> None:
    """Answer one question from the knowledge base (no server needed)."""
    from bot.wiring import Components

    settings = _settings()
    text = question.strip()
    if not text:
        _fail("the question is empty")
    if len(text) > settings.max_question_chars:
        _fail(f"the question is longer than {settings.max_question_chars} characters")
    try:
        answer = Components(settings).assistant.ask(Question(text=text, session_id=session, channel="cli"))
    except YuanbotError as exc:
        _fail(str(exc))
        return
    if as_json:
        print(answer.model_dump_json())
    else:
        _print_answer(answer)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Search words or a question.")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="Number of passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the passages hybrid retrieval ranks highest."""
    from bot.wiring import Components

    settings = _settings()
    if not query.strip():
        _fail("the query is empty")
    try:
        hits = Components(settings).searcher.search(query, k)
    except YuanbotError as exc:
        _fail(str(exc))
        return
    rows = [{"id": h.passage.id, "title": h.passage.title, "section": h.passage.section,
             "text": h.passage.text, "score": round(h.score, 4)} for h in hits]
    if as_json:
        print(json.dumps({"hits": rows}, ensure_ascii=False))
        return
    for number, row in enumerate(rows, 1):
        console.print(f"[{number}] {row['title']} > {row['section']}  (score {row['score']})",
                      style="cyan", markup=False)
        console.print("    " + row["text"][:300].replace("\n", " "), markup=False, highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default YUANBOT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default YUANBOT_PORT).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API, OpenAPI docs at /docs and the widget demo page at /."""
    import uvicorn

    settings = _settings()
    configure_logging(settings.log_level, settings.log_json)
    host, port = host or settings.host, port or settings.port
    try:
        check_admin_token(settings.admin)  # refuse a weak token before loading anything
    except YuanbotError as exc:
        _fail(str(exc))
    server_options = {"host": host, "port": port, "log_level": settings.log_level.lower(), **SERVER_OPTIONS}
    console.print(f"YuanBot on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    if workers > 1:
        with tempfile.TemporaryDirectory(prefix="yuanbot-metrics-") as metrics_dir:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # /metrics sums every worker's series
            uvicorn.run("bot.wiring:asgi_app", factory=True, workers=workers, **server_options)
        return
    try:
        from bot.wiring import build_app

        application = build_app(settings)
    except YuanbotError as exc:
        _fail(str(exc))
        return
    uvicorn.run(application, **server_options)


def _licence_advisor():
    from bot.wiring import Components

    return Components(_settings()).licences


def _telegram_services(settings: Settings):
    from bot.wiring import build_services

    return build_services(settings)


@functools.cache
def _telegram_command() -> click.Command:
    from adapters.telegram.cli import build_telegram_cli

    return typer.main.get_group(build_telegram_cli(services_factory=_telegram_services))


license_app = build_license_cli(_licence_advisor)
register_audit_command(license_app, _licence_advisor, license_texts_dir)
app.add_typer(license_app, name="license", help="Licence compatibility and licence facts.")
app.command(name="report", help="What people asked that the knowledge base could not answer.")(report)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover - `python -m bot.cli …`
    main()
