"""The dev eval set (a copy of ../shared/eval/license.jsonl) must be fully right, directly and via the question parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.licenses.questions import parse_license_question

DATA = Path(__file__).parent / "data"

ROWS = [
    json.loads(line)
    for line in (DATA / "license_dev.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_direct(engine, row):
    assert engine.check(row["inbound"], row["outbound"]).verdict in row["ok"]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_via_question(engine, row):
    q = parse_license_question(row["q"], engine=engine)
    assert q is not None
    assert engine.resolve(q.inbound) == engine.resolve(row["inbound"])
    assert engine.resolve(q.outbound) == engine.resolve(row["outbound"])
    assert engine.check(q.inbound, q.outbound, q.use).verdict in row["ok"]
