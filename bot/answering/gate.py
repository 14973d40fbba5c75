"""The relevance gate: answer only when the best passages really address the question.

Two signals, both cheap: the embedding similarity of the best passages to the question, and the
share of the question's IDF-weighted vocabulary they contain (words the corpus never uses, such as
天气 or 北京, weigh the most). Thresholds were calibrated on the development questions plus our own
off-topic probes (bench/calibrate_gate.py prints the table behind these numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

# calibrated values (see bench/README.md, "Relevance gate")
MIN_DENSE = 0.20          # below this the passages are about something else, whatever the words
COVERAGE_WEIGHT = 0.5     # relevance = dense + COVERAGE_WEIGHT * coverage
THRESHOLD = 0.65          # midway between in-scope (0.715) and off-topic (0.581) probes, outliers aside


@dataclass(frozen=True)
class Relevance:
    dense: float
    coverage: float

    @property
    def score(self) -> float:
        return self.dense + COVERAGE_WEIGHT * self.coverage

    @property
    def passes(self) -> bool:
        return self.dense >= MIN_DENSE and self.score >= THRESHOLD

    def as_dict(self) -> dict[str, float]:
        return {"dense": round(self.dense, 3), "coverage": round(self.coverage, 3), "score": round(self.score, 3)}
