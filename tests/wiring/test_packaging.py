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
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
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
    yuanbot = str(venv / "bin" / "yuanbot")

    where = _run([str(python), "-c", "import bot, knowledge, prompts; print(bot.__file__, knowledge.__file__)"],
                 outside, env)
    assert str(REPO) not in where.stdout and str(venv) in where.stdout  # really the installed copy

    _run([yuanbot, "ingest", "--json"], outside, env)
    licence = _run([yuanbot, "ask", "MIT 的代码能用在 GPL-3.0-only 项目里吗？", "--json"], outside, env)
    answer = json.loads(licence.stdout.strip().splitlines()[-1])
    assert answer["status"] == "answered" and answer["license_check"]["verdict"] == "compatible"
    policy = _run([yuanbot, "ask", "开源人才能享受哪些住房方面的支持？", "--json"], outside, env)
    answer = json.loads(policy.stdout.strip().splitlines()[-1])
    assert answer["status"] == "answered" and "住房" in answer["answer"]
    shown = _run([yuanbot, "license", "show", "Apache-2.0"], outside, env)
    assert "Apache" in shown.stdout
    # the bundled knowledge folder ships in the wheel too (the default for `yuanbot ingest`)
    bundled = _run([str(python), "-c", "from bot.resources import bundled_knowledge_dir as b; "
                    "print(sum(1 for _ in (b() / 'licenses' / 'texts').glob('*.txt')))"], outside, env)
    assert int(bundled.stdout.strip()) == len(list((KNOWLEDGE / "licenses" / "texts").glob("*.txt")))
