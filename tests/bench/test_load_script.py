"""bench/load.py drives an app and reports; here against the ASGI app in-process, for a fraction of a second."""

from __future__ import annotations

import importlib.util
import re
import sys

import httpx
import pytest

from tests.api.conftest import build
from tests.helpers import REPO as PROJECT_ROOT


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("bench_load", PROJECT_ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_builtin_questions(load):
    assert 25 <= len(load.QUESTIONS) <= 40 and len(set(load.QUESTIONS)) == len(load.QUESTIONS)
    assert any(re.search(r"[\u4e00-\u9fff]", q) for q in load.QUESTIONS)
    assert any(q.isascii() for q in load.QUESTIONS)


async def test_run_level_counts_ok_and_shed(tmp_path, load):
    app, _ = build(tmp_path, rate_limit_per_minute=5)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=5) as client:
        result = await load.run_level(client, 4, 0.3, load.QUESTIONS, max_requests=40)
    assert result.requests == 40
    assert result.ok == 5 and result.rate_limited == 35 and not result.errors
    assert result.percentile(0.5) is not None
    table = load.markdown_table([result])
    assert table.splitlines()[0].startswith("| clients |") and "| 4 | 40 |" in table
    assert result.summary()["rate_limited"] == 35


async def test_run_level_counts_connection_errors(load):
    async with httpx.AsyncClient(base_url="http://127.0.0.1:9", timeout=1) as client:
        result = await load.run_level(client, 2, 0.2, ["q"], max_requests=4)
    assert result.ok == 0 and sum(result.errors.values()) == result.requests > 0


def test_args(load, tmp_path):
    args = load.parse_args(["--clients", "1,8", "--duration", "5"])
    assert args.clients == [1, 8] and args.duration == 5
    with pytest.raises(SystemExit):
        load.parse_args(["--clients", "a,b"])
    with pytest.raises(SystemExit):
        load.parse_args(["--duration", "0"])
    path = tmp_path / "q.txt"
    path.write_text("# comment\n问题一\n\nquestion two\n", encoding="utf-8")
    assert load.load_questions(path) == ["问题一", "question two"]
