"""`pip install` of the wheel works outside the source checkout: prompts, licence data and the bundled
knowledge come with the package (importlib.resources), not from the repository's folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.helpers import KNOWLEDGE, POLICY, REPO


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(args, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode in (0, 1), f"{args}: {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.slow
def test_the_installed_wheel_answers_outside_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("yuanbot-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # the dependencies (torch, chromadb …) come from the test environment, not a second download
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "deps-from-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    outside = tmp_path / "elsewhere"
    (outside / "kb" / "policy").mkdir(parents=True)
    shutil.copy(POLICY, outside / "kb" / "policy" / POLICY.name)
    env = {key: value for key, value in os.environ.items() if not key.startswith("YUANBOT_")}
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONPATH="",
               YUANBOT_DATA_DIR=str(outside / "data"), YUANBOT_KNOWLEDGE_DIR=str(outside / "kb"))
    # one process for every command (the model loads once); `yuanbot --help` proves the console script
    assert "ingest" in _run([str(venv / "bin" / "yuanbot"), "--help"], outside, env).stdout
    result = _run([str(python), "-c", SCRIPT], outside, env)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert str(REPO) not in report["bot"] and str(venv) in report["bot"]  # really the installed copy
    assert report["ingest"]["exit"] == 0 and report["ingest"]["added"] == 1
    licence, policy = report["licence"], report["policy"]
    assert licence["status"] == "answered" and licence["license_check"]["verdict"] == "compatible"
    assert policy["status"] == "answered" and "住房" in policy["answer"]
    assert "Apache" in report["show"]
    # the bundled knowledge folder ships in the wheel too (the default for `yuanbot ingest`)
    assert report["bundled_texts"] == len(list((KNOWLEDGE / "licenses" / "texts").glob("*.txt")))


SCRIPT = """
import json
from typer.testing import CliRunner
import bot
from bot.cli import app
from bot.resources import bundled_knowledge_dir

runner = CliRunner()
def last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])
ingest = runner.invoke(app, ["ingest", "--json"])
report = {
    "bot": bot.__file__,
    "ingest": {"exit": ingest.exit_code, **last_json(ingest)},
    "licence": last_json(runner.invoke(app, ["ask", "MIT 许可的代码可以放进 GPL-3.0-only 的项目吗？", "--json"])),
    "policy": last_json(runner.invoke(app, ["ask", "开源人才能享受哪些住房方面的支持？", "--json"])),
    "show": runner.invoke(app, ["license", "show", "Apache-2.0"]).stdout,
    "bundled_texts": sum(1 for _ in (bundled_knowledge_dir() / "licenses" / "texts").glob("*.txt")),
}
print(json.dumps(report, ensure_ascii=False))
"""
