"""`yuanbot license ...`: check compatibility, show a licence, identify a LICENSE file.

`build_license_cli(make_advisor)` returns the typer sub-app; the composition root passes a factory
that builds (or returns) the shared `LicenseAdvisor`, so this module never knows where data lives.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bot.errors import LicenseError
from bot.licenses.render import render_license_answer
from bot.ports import LicenseAdvisor


def _fail(e: LicenseError, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"detail": {"message": str(e), "suggestions": e.suggestions}}, ensure_ascii=False))
    else:
        typer.echo(f"错误 / error: {e}", err=True)
        if e.suggestions:
            typer.echo("你是不是想找 / did you mean: " + ", ".join(e.suggestions), err=True)
    raise typer.Exit(code=2)


def _show_text(info) -> str:
    def yes_no(b: bool) -> str:
        return "是 / yes" if b else "否 / no"

    lines = [
        f"{info.name} ({info.id})",
        f"  类别 / category:        {info.category}",
        f"  OSI 认证 / OSI approved: {yes_no(info.osi_approved)}",
        f"  FSF 自由 / FSF libre:    {yes_no(info.fsf_libre)}",
        f"  全文 / text:             {info.text_url or '-'}",
    ]
    if info.obligations:
        lines.append("  主要义务 / key obligations:")
        lines += [f"    - {o}" for o in info.obligations]
    lines += [f"  注 / note: {n}" for n in info.notes]
    return "\n".join(lines)


def build_license_cli(make_advisor: Callable[[], LicenseAdvisor]) -> typer.Typer:
    """The `license` sub-app; `make_advisor` is called once per command, when the command needs it."""
    app = typer.Typer(help="许可证兼容性检查 / licence compatibility checks", no_args_is_help=True)

    def advisor() -> LicenseAdvisor:
        try:
            return make_advisor()
        except LicenseError as e:  # the rule data is missing or unreadable
            typer.echo(f"错误 / error: {e}", err=True)
            raise typer.Exit(code=1) from None

    @app.command("check")
    def check_cmd(
        inbound: Annotated[str, typer.Argument(
            help='Inbound licence, licence family or SPDX expression (the code you use), e.g. "MIT OR Apache-2.0", LGPL.')],
        outbound: Annotated[str, typer.Argument(
            help="Outbound licence (your project), e.g. GPL-3.0-only or proprietary.")],
        use: Annotated[str | None, typer.Option("--use", help="binary (default) | saas | static | dynamic")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the LicenseCheck as JSON.")] = False,
        lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
    ) -> None:
        """Can code under INBOUND be used in a work under OUTBOUND?"""
        engine = advisor()
        try:
            result = engine.check(inbound, outbound, use)
        except LicenseError as e:
            _fail(e, as_json)
            return
        typer.echo(result.model_dump_json(indent=2) if as_json else render_license_answer(result, lang))

    @app.command("show")
    def show_cmd(
        license_id: Annotated[str, typer.Argument(
            help="Licence id or common name, e.g. Apache-2.0, 'GPLv3', 木兰宽松许可证第2版.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    ) -> None:
        """Show a licence: name, category, OSI/FSF status, key obligations."""
        engine = advisor()
        try:
            info = engine.describe(license_id)
        except LicenseError as e:
            _fail(e, as_json)
            return
        typer.echo(info.model_dump_json(indent=2) if as_json else _show_text(info))

    @app.command("identify")
    def identify_cmd(
        path: Annotated[Path | None, typer.Argument(help="LICENSE file to identify (default: read stdin).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    ) -> None:
        """Which SPDX licence is this LICENSE text?"""
        engine = advisor()
        text = path.read_text(encoding="utf-8", errors="replace") if path else sys.stdin.read()
        result = engine.identify(text)
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
            return
        if result.id:
            typer.echo(f"{result.id} — {result.name}（相似度 / confidence {result.confidence:.2f}）")
        else:
            typer.echo(f"无法识别 / not identified (best {result.confidence:.2f})")
        for c in result.candidates[:5]:
            typer.echo(f"  {c.score:.2f}  {c.id}")
        for n in result.notes:
            typer.echo(f"  注 / note: {n}")

    return app
