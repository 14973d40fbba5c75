"""Fit the relevance gate on realistic questions and measure how well it generalises.

Usage: python bench/calibrate_gate.py [--dev ../shared/eval] [--verbose]   (uses the index in YUANBOT_DATA_DIR)

Fit: a logistic model over the gate's signals (bot/answering/gate.py) on the colloquial calibration sets,
`colloquial_in_scope.jsonl` (answerable) and `colloquial_off_topic.jsonl` (not). Questions the licence engine
answers, or that name another city (refused by the place rule), are left out of the fit.

Generalisation is estimated twice, never on data the weights were fitted on:
* 5-fold cross-validation on the fitting sets (each fold scored by a model fitted on the other four);
* held-out files written earlier and independently: `in_scope.jsonl`, `probe_policy.jsonl`, the in-scope
  examples of `vocabulary_examples.jsonl` (answerable) and `off_topic.jsonl`, `probe_refuse.jsonl`, the
  off-topic examples of `vocabulary_examples.jsonl` (not), scored with the model in gate.py;
* the development sets (`--dev`) are reported as a check only.

Prints the fitted weights, a threshold table (in-scope not answered / off-topic answered) and, for the
thresholds in gate.py, each set's figures. With --verbose, every wrongly judged question.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.answering import gate
from bot.settings import Settings
from bot.wiring import Components

HERE = Path(__file__).resolve().parent / "calibration"
SIGNALS = list(gate.WEIGHTS)
OFF_WEIGHT = 3  # a wrong answer to an off-topic question costs more than one more "did you mean"


def load(path: Path, field: str = "q") -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)[field] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(assistant, questions: list[str]) -> list[dict]:
    """The gate's signals for each question that reaches the gate (not licence pairs, not other cities)."""
    rows = []
    for q in questions:
        if assistant.licences is not None and assistant.licences.answer(q, "zh"):
            continue
        r = assistant.retrieve(q)
        if r.other_places:
            continue
        rows.append({"q": q, "signals": r.relevance.signals(), "score": r.relevance.score})
    return rows


def matrix(rows: list[dict]) -> np.ndarray:
    return np.array([[row["signals"][name] for name in SIGNALS] for row in rows])


def rates(p_in: np.ndarray, p_off: np.ndarray, threshold: float) -> str:
    refused = int(np.sum(p_in < threshold))
    answered = int(np.sum(p_off >= threshold))
    return (f"{refused:3}/{len(p_in)} ({refused / max(len(p_in), 1):5.1%}) | "
            f"{answered:3}/{len(p_off)} ({answered / max(len(p_off), 1):5.1%})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, help="folder with policy.jsonl, refuse.jsonl and colloquial/")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    assistant = Components(Settings()).core_assistant
    assistant.conversation = None

    fit_in = measure(assistant, load(HERE / "colloquial_in_scope.jsonl"))
    fit_off = measure(assistant, load(HERE / "colloquial_off_topic.jsonl"))
    x = np.vstack([matrix(fit_in), matrix(fit_off)])
    y = np.array([1] * len(fit_in) + [0] * len(fit_off))
    model = LogisticRegression(C=1.0, class_weight={1: 1, 0: OFF_WEIGHT}, max_iter=5000)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    p_cv = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    model.fit(x, y)
    weights = {name: round(float(w), 3) for name, w in zip(SIGNALS, model.coef_[0], strict=True)}
    print(f"fitted on {len(fit_in)} in-scope + {len(fit_off)} off-topic questions")
    print(f"WEIGHTS = {weights}\nBIAS = {round(float(model.intercept_[0]), 3)}")
    print(f"in gate.py: WEIGHTS = {gate.WEIGHTS}, BIAS = {gate.BIAS}, "
          f"ANSWER_AT = {gate.ANSWER_AT}, SUGGEST_AT = {gate.SUGGEST_AT}\n")

    print("5-fold cross-validation: threshold | in-scope not answered | off-topic answered")
    p_in, p_off = p_cv[y == 1], p_cv[y == 0]
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8):
        print(f"  {threshold:4} | {rates(p_in, p_off, threshold)}")
    print(f"\nnear the gate (cv), between SUGGEST_AT and ANSWER_AT = {gate.ANSWER_AT}: "
          "suggest at | in-scope not answered, near | off-topic near")
    for suggest_at in (0.05, 0.1, 0.15, 0.2, 0.3):
        near_in = int(np.sum((p_in >= suggest_at) & (p_in < gate.ANSWER_AT)))
        near_off = int(np.sum((p_off >= suggest_at) & (p_off < gate.ANSWER_AT)))
        print(f"  {suggest_at:4} | {near_in:3}/{int(np.sum(p_in < gate.ANSWER_AT))} | {near_off:3}/{len(p_off)}")
    print()

    report = [("held-out older files (in_scope, probe_policy / off_topic, probe_refuse)",
               measure(assistant, load(HERE / "in_scope.jsonl") + load(HERE / "probe_policy.jsonl")),
               measure(assistant, load(HERE / "off_topic.jsonl") + load(HERE / "probe_refuse.jsonl"))),
              ("held-out vocabulary examples (one pair per entry)",
               measure(assistant, load(HERE / "vocabulary_examples.jsonl", "in_scope")),
               measure(assistant, load(HERE / "vocabulary_examples.jsonl", "off_topic")))]
    if args.dev:
        report.append(("development policy + colloquial / refuse",
                       measure(assistant, load(args.dev / "policy.jsonl") + load(args.dev / "colloquial" / "policy.jsonl")),
                       measure(assistant, load(args.dev / "refuse.jsonl"))))
        report.append(("development kb (licence texts, standards)",
                       measure(assistant, load(args.dev / "kb" / "policy.jsonl")), []))
    print(f"with gate.py (answer at {gate.ANSWER_AT}): set | in-scope not answered | off-topic answered")
    for name, inside, outside in report:
        s_in = np.array([r["score"] for r in inside])
        s_off = np.array([r["score"] for r in outside])
        print(f"  {name}: {rates(s_in, s_off, gate.ANSWER_AT)}")
        if args.verbose:
            for row in inside:
                if row["score"] < gate.ANSWER_AT:
                    print(f"      not answered {row['score']:.2f} {row['q']}")
            for row in outside:
                if row["score"] >= gate.ANSWER_AT:
                    print(f"      answered     {row['score']:.2f} {row['q']}")
    if args.verbose:
        print("\ncross-validation mistakes:")
        rows = fit_in + fit_off
        for row, p, label in sorted(zip(rows, p_cv, y, strict=True), key=lambda t: t[1]):
            if (label == 1 and p < gate.ANSWER_AT) or (label == 0 and p >= gate.ANSWER_AT):
                signals = " ".join(f"{k}={v:.2f}" for k, v in row["signals"].items())
                print(f"  {'in ' if label else 'off'} {p:.2f} {signals} {row['q']}")


if __name__ == "__main__":
    main()
