"""With several workers (`yuanbot serve --workers N` sets PROMETHEUS_MULTIPROC_DIR), /metrics from any one
worker reports the sum over all of them, not only the process that happened to answer the scrape."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

WORKER = textwrap.dedent("""
    import sys
    from bot.api.metrics import Metrics
    metrics = Metrics()
    for _ in range(int(sys.argv[1])):
        metrics.observe_answer("answered", "extractive", sys.argv[2])
    if sys.argv[3] == "scrape":
        print(metrics.exposition().decode())
""")


def _worker(env: dict[str, str], answers: int, channel: str, scrape: bool = False) -> str:
    done = subprocess.run([sys.executable, "-c", WORKER, str(answers), channel, "scrape" if scrape else "-"],
                          env=env, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_scrape_sums_every_worker(tmp_path):
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    _worker(env, 3, "wechat")
    _worker(env, 2, "wechat")
    text = _worker(env, 1, "api", scrape=True)
    lines = [line for line in text.splitlines() if line.startswith("yuanbot_answers_total{")]
    assert any('channel="wechat"' in line and line.endswith(" 5.0") for line in lines), lines
    assert any('channel="api"' in line and line.endswith(" 1.0") for line in lines), lines
