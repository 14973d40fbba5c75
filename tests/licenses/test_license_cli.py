from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.licenses.cli import license_app

DATA = Path(__file__).parent / "data"

runner = CliRunner()


def test_check_human_output():
    r = runner.invoke(license_app, ["check", "MIT", "GPL-3.0-only"])
    assert r.exit_code == 0, r.output
    assert "兼容" in r.output and "MIT" in r.output and "GPL-3.0-only" in r.output


def test_check_english_and_expression():
    r = runner.invoke(license_app, ["check", "Apache-2.0 OR MIT", "GPL-2.0-only", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Compatible" in r.output and "choose the MIT branch" in r.output


def test_check_json_with_use():
    r = runner.invoke(license_app, ["check", "LGPL-2.1-only", "proprietary", "--use", "dynamic", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["verdict"] == "conditional" and body["outbound"] == "proprietary"


def test_check_unknown_licence_exits_2_with_suggestions():
    r = runner.invoke(license_app, ["check", "Apache-3.0", "MIT"])
    assert r.exit_code == 2
    assert "Apache-2.0" in r.output
    r = runner.invoke(license_app, ["check", "MIT AND", "MIT", "--json"])
    assert r.exit_code == 2
    assert "message" in json.loads(r.output)["detail"]


def test_show():
    r = runner.invoke(license_app, ["show", "木兰宽松许可证第2版"])
    assert r.exit_code == 0, r.output
    assert "MulanPSL-2.0" in r.output and "permissive" in r.output
    r = runner.invoke(license_app, ["show", "GPLv3", "--json"])
    body = json.loads(r.output)
    assert body["id"] == "GPL-3.0-only" and body["category"] == "strong copyleft"
    r = runner.invoke(license_app, ["show", "NoSuchLicence-9"])
    assert r.exit_code == 2


def test_data_dir_override(tmp_path):
    r = runner.invoke(license_app, ["check", "MIT", "MIT", "--data-dir", str(tmp_path)])
    assert r.exit_code == 1


def test_identify_command(texts_dir):
    r = runner.invoke(
        license_app, ["identify", str(DATA / "texts" / "ISC.txt"), "--texts-dir", str(texts_dir), "--json"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["id"] == "ISC"
