"""The relevance gate: answer only when the best passages really address the question.

Two signals, both cheap: the embedding similarity of the best passages to the question, and the
share of the question's IDF-weighted vocabulary they contain (words the corpus never uses, such as
天气 or 北京, weigh the most). Thresholds were calibrated on the development questions plus our own
off-topic probes (bench/calibrate_gate.py prints the table behind these numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

# calibrated values (see bench/README.md, "Relevance gate")
MIN_DENSE = 0.30        # below this the passages are about something else, whatever the words
MIN_COVERAGE = 0.34     # share of the question's weighted vocabulary found in the best passages
STRONG_DENSE = 0.52     # above this a match counts even with little word overlap (paraphrases, English)


@dataclass(frozen=True)
class Relevance:
    dense: float
    coverage: float

    @property
    def passes(self) -> bool:
        if self.dense < MIN_DENSE:
            return False
        return self.coverage >= MIN_COVERAGE or self.dense >= STRONG_DENSE

    def as_dict(self) -> dict[str, float]:
        return {"dense": round(self.dense, 3), "coverage": round(self.coverage, 3)}
