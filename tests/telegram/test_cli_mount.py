"""`yuanbot telegram` is mounted on the main CLI but built on first use, so other commands skip its imports."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from bot.cli import app


def test_importing_the_cli_does_not_import_python_telegram_bot() -> None:
    code = "import sys, bot.cli; print(sorted(m for m in ('telegram', 'adapters.telegram.cli') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_telegram_commands_are_reachable_from_the_main_cli(monkeypatch) -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["--help"])
    assert listing.exit_code == 0 and "telegram" in listing.output
    sub = runner.invoke(app, ["telegram", "--help"])
    assert sub.exit_code == 0 and "set-webhook" in sub.output and "delete-webhook" in sub.output
    monkeypatch.delenv("YUANBOT_TELEGRAM_TOKEN", raising=False)
    result = runner.invoke(app, ["telegram"])
    assert result.exit_code == 2 and "YUANBOT_TELEGRAM_TOKEN" in result.output
