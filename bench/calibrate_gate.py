"""Measure the relevance-gate signals on in-scope and off-topic questions and sweep the thresholds.

Usage: python bench/calibrate_gate.py [--dev ../shared/eval]   (uses the index in YUANBOT_DATA_DIR)

In-scope questions: bench/calibration/in_scope.jsonl (ours) + the dev policy set when given.
Off-topic: bench/calibration/off_topic.jsonl (ours) + the dev refuse set when given.
Prints every question's signals and, for a grid of thresholds, how many in-scope questions would be
wrongly refused and how many off-topic ones wrongly answered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.answering import gate
from bot.settings import Settings
from bot.wiring import Components

HERE = Path(__file__).resolve().parent


def load(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, help="folder with policy.jsonl and refuse.jsonl")
    args = parser.parse_args()
    inside = load(HERE / "calibration" / "in_scope.jsonl")
    outside = load(HERE / "calibration" / "off_topic.jsonl")
    if args.dev:
        inside += load(args.dev / "policy.jsonl")
        outside += load(args.dev / "refuse.jsonl")
    assistant = Components(Settings()).core_assistant
    rows = []
    for label, questions in (("in", inside), ("off", outside)):
        for q in questions:
            if assistant.licences is not None and assistant.licences.answer(q, "zh"):
                continue
            r = assistant.retrieve(q)
            rows.append((label, q, r.relevance.dense, r.relevance.coverage, bool(r.other_places)))
            print(f"{label:3} score={r.relevance.score:.3f} dense={r.relevance.dense:.3f} cov={r.relevance.coverage:.3f} "
                  f"places={sorted(r.other_places)} {q}")
    print()
    print("weight threshold | wrongly refused (in) | wrongly answered (off) | margin")
    for weight in (0.3, 0.5, 0.7):
        scores_in = sorted(d + weight * c for lab, _, d, c, p in rows if lab == "in")
        scores_off = sorted(d + weight * c for lab, _, d, c, p in rows if lab == "off" and not p)
        for threshold in (0.6, 0.65, 0.7, 0.75, 0.8):
            refused = sum(s < threshold for s in scores_in)
            answered = sum(s >= threshold for s in scores_off)
            print(f"{weight:6} {threshold:9} | {refused:20} | {answered:22} |")
        print(f"  weight {weight}: lowest in-scope {scores_in[:3]}, highest off-topic {scores_off[-3:]}")
    print("current:", gate.MIN_DENSE, gate.COVERAGE_WEIGHT, gate.THRESHOLD)


if __name__ == "__main__":
    main()
