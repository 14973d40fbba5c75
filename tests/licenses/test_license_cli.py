from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.errors import LicenseError
from bot.licenses.cli import build_license_cli

DATA = Path(__file__).parent / "data"

runner = CliRunner()


@pytest.fixture(scope="module")
def license_app(engine):
    """The sub-app as the composition root builds it: with a factory returning the shared engine."""
    return build_license_cli(lambda: engine)


def test_check_human_output(license_app):
    r = runner.invoke(license_app, ["check", "MIT", "GPL-3.0-only"])
    assert r.exit_code == 0, r.output
    assert "兼容" in r.output and "MIT" in r.output and "GPL-3.0-only" in r.output


def test_check_english_and_expression(license_app):
    r = runner.invoke(license_app, ["check", "Apache-2.0 OR MIT", "GPL-2.0-only", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Compatible" in r.output and "choose the MIT branch" in r.output


def test_check_json_with_use(license_app):
    r = runner.invoke(license_app, ["check", "LGPL-2.1-only", "proprietary", "--use", "dynamic", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["verdict"] == "conditional" and body["outbound"] == "proprietary"


def test_check_unknown_licence_exits_2_with_suggestions(license_app):
    r = runner.invoke(license_app, ["check", "Apache-3.0", "MIT"])
    assert r.exit_code == 2
    assert "Apache-2.0" in r.output
    r = runner.invoke(license_app, ["check", "MIT AND", "MIT", "--json"])
    assert r.exit_code == 2
    assert "message" in json.loads(r.output)["detail"]


def test_show(license_app):
    r = runner.invoke(license_app, ["show", "木兰宽松许可证第2版"])
    assert r.exit_code == 0, r.output
    assert "MulanPSL-2.0" in r.output and "permissive" in r.output
    r = runner.invoke(license_app, ["show", "GPL-3.0", "--json"])
    body = json.loads(r.output)
    assert body["id"] == "GPL-3.0-only" and body["category"] == "strong copyleft"
    r = runner.invoke(license_app, ["show", "NoSuchLicence-9"])
    assert r.exit_code == 2
    # a family is not one licence: exit 2 and the versions to choose from
    r = runner.invoke(license_app, ["show", "GPLv3", "--json"])
    assert r.exit_code == 2
    assert json.loads(r.output)["detail"]["suggestions"] == ["GPL-3.0-only", "GPL-3.0-or-later"]


def test_missing_data_exits_1(tmp_path):
    from bot.licenses.engine import LicenseEngine

    app = build_license_cli(lambda: LicenseEngine(tmp_path))
    r = runner.invoke(app, ["check", "MIT", "MIT"])
    assert r.exit_code == 1


def test_factory_is_called_only_when_a_command_runs():
    calls = []

    def make():
        calls.append(1)
        raise LicenseError("no data", [])

    app = build_license_cli(make)
    assert runner.invoke(app, ["--help"]).exit_code == 0 and calls == []
    assert runner.invoke(app, ["show", "MIT"]).exit_code == 1 and calls == [1]


def test_identify_command(license_app):
    r = runner.invoke(
        license_app, ["identify", str(DATA / "texts" / "ISC.txt"), "--json"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["id"] == "ISC"
