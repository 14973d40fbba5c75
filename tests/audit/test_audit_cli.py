"""`audit` registered on a fresh Typer app (as the lead wires it into `yuanbot license`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.licenses.audit_cli import register_audit_command

from .support import DATA, FIXTURES, HOSTILE, TEXTS


@pytest.fixture(scope="module")
def app(engine) -> typer.Typer:
    app = typer.Typer()
    register_audit_command(app, lambda: engine, lambda: TEXTS)

    @app.command("other")  # a second command, so Typer keeps `audit` as a sub-command
    def other() -> None:
        pass

    return app


def run(app: typer.Typer, *args: str, stdin: bytes | None = None):
    return CliRunner().invoke(app, ["audit", *args], input=stdin)


def test_conflict_exits_1_with_a_readable_summary(app) -> None:
    result = run(app, str(DATA / FIXTURES["dropwizard"]), "--outbound", "GPL-2.0-only")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "167 个组件（出站许可证 GPL-2.0-only）" in out and "167 components (outbound GPL-2.0-only)" in out
    assert "conflicts (114)" in out and "ch.qos.logback/logback-core" in out and "… 94 more" in out
    assert "unresolved licences (36 components)" in out  # 34 without a licence, 2 naming only "BSD"
    assert "licence family without a version" in out
    assert "CycloneDX 1.2 JSON" in out


def test_clean_sbom_exits_0(app) -> None:
    result = run(app, str(DATA / FIXTURES["laravel"]), "-o", "Apache-2.0", "--use", "binary")
    assert result.exit_code == 0, result.output
    assert "62 compatible" in result.stdout and "obligations" in result.stdout


def test_json_output_is_the_full_report(app) -> None:
    result = run(app, str(DATA / FIXTURES["examplemaven"]), "--outbound", "proprietary", "--use", "saas", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"summary", "components", "obligations", "unresolved", "notice"}
    assert report["summary"]["use"] == "saas" and report["summary"]["total"] == 5


def test_csv_output(app) -> None:
    result = run(app, str(DATA / FIXTURES["acme"]), "--outbound", "MIT", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["name"]: r["verdict"] for r in rows} == {"alpine": "unresolved", "elliptic": "compatible",
                                                       "OpenSSL": "compatible"}


def test_notice_is_written(app, tmp_path: Path) -> None:
    target = tmp_path / "NOTICE.txt"
    result = run(app, str(DATA / FIXTURES["laravel"]), "--outbound", "MIT", "--notice", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("THIRD-PARTY SOFTWARE NOTICES") and "---- MIT (used by 57 components) ----" in text


def test_stdin_and_csv_lists(app) -> None:
    csv_list = b"Name,Version,License\nrequests,2.32.3,Apache Software License\nchardet,5.2.0,LGPL-2.1-or-later\n"
    result = run(app, "-", "--outbound", "MIT", "--json", stdin=csv_list)
    assert result.exit_code == 1  # LGPL code cannot go under MIT
    report = json.loads(result.stdout)
    assert report["summary"]["source"]["encoding"] == "CSV"


@pytest.mark.parametrize("name", ["json not sbom", "xml entity bomb", "binary", "unknown cyclonedx version",
                                  "spdx packages of strings", "spdx packages a number"])
def test_bad_input_exits_2_with_the_sentence(app, tmp_path: Path, name: str) -> None:
    data, _code, words = HOSTILE[name]
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    result = run(app, str(path), "--outbound", "MIT")
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.output


def test_unknown_outbound_and_missing_file_exit_2(app, tmp_path: Path) -> None:
    result = run(app, str(DATA / FIXTURES["laravel"]), "--outbound", "Frobnitz-License")
    assert result.exit_code == 2 and "outbound licence" in result.stderr
    result = run(app, str(tmp_path / "nope.json"), "--outbound", "MIT")
    assert result.exit_code == 2 and "cannot read the file" in result.stderr


def test_outbound_family_exits_2_naming_the_versions(app) -> None:
    result = run(app, str(DATA / FIXTURES["laravel"]), "--outbound", "LGPL")
    assert result.exit_code == 2
    assert "licence family without a version" in result.stderr and "LGPL-2.1-only" in result.stderr
    assert "not recognised" not in result.stderr and "Traceback" not in result.output


def test_a_family_declared_in_a_csv_list_is_not_pinned(app) -> None:
    csv_list = b"Name,Version,License\nsomelib,1.0,GPL\n"
    result = run(app, "-", "--outbound", "GPL-3.0-or-later", "--json", stdin=csv_list)
    [row] = json.loads(result.stdout)["components"]
    assert row["expression"] is None and row["verdict"] == "unresolved"  # GPL-2.0-only would conflict
    assert row["suggestions"] == ["GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later"]
