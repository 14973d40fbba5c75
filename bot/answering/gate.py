"""The relevance gate: answer only when the knowledge base really addresses the question.

People ask the way they talk, so the gate weighs several cheap signals rather than one similarity:

* `dense`: embedding similarity of the best passages to the question (with its everyday words' document terms);
* `coverage`: the share of the question's IDF-weighted words (after the everyday-vocabulary mapping; fillers
  such as 啥/咋整 and the city's own name ignored) that one of the top passages contains;
* `faq`: similarity to the closest FAQ question, a bank of real user phrasings tied to clauses;
* `anchor`: the question names the domain itself (开源, open source, a licence, OpenChain, SPDX …);
* `alien`: the share of the question's weighted words that the policy and FAQ texts never use, nor any of their
  document-vocabulary equivalents (公租房, 低保, 驾照: the marks of another subject).

They are combined by a logistic model fitted on the calibration sets (bench/calibrate_gate.py prints the fit,
the cross-validated error rates and the held-out check; bench/README.md, "Relevance gate"). Above ANSWER_AT the
question is answered; between SUGGEST_AT and ANSWER_AT it is near: the reply offers the closest questions the
knowledge base does answer ("您是不是想问"); below SUGGEST_AT it is refused with what the assistant covers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# calibrated values (bench/calibrate_gate.py; see bench/README.md, "Relevance gate")
WEIGHTS = {"dense": 1.31, "coverage": 5.114, "faq": 0.48, "anchor": 2.37, "alien": -3.994}
BIAS = -4.043
ANSWER_AT = 0.60    # the lowest threshold at which ≤ 2 % of off-topic questions are answered (cross-validated)
SUGGEST_AT = 0.15   # below: clearly off-topic, a plain refusal (19 of 20 in-scope questions not answered are above, cv)

DOMAIN_ANCHOR = re.compile(
    r"开源|开放源代码|open[\s-]?source|\b(?:f?oss|ospo)\b|许可证|许可协议|licen[cs]|copyleft|spdx|openchain|"
    r"\breuse\b|\bsbom\b|iso/?iec|\b5230\b|\b18974\b|\b[al]?gpl|\bmit\b|apache|\bbsd\b|\bmpl\b|木兰|mulan|"
    r"行动计划|三年计划|源生态",
    re.IGNORECASE,
)


def names_the_domain(question: str) -> bool:
    return bool(DOMAIN_ANCHOR.search(question))


@dataclass(frozen=True)
class Relevance:
    dense: float
    coverage: float
    faq: float = 0.0
    anchor: bool = False
    alien: float = 0.0

    @property
    def score(self) -> float:
        """The calibrated probability that the knowledge base answers the question."""
        z = BIAS + sum(WEIGHTS[name] * float(value) for name, value in self._signals().items())
        return 1.0 / (1.0 + math.exp(-z))

    @property
    def passes(self) -> bool:
        return self.score >= ANSWER_AT

    @property
    def near(self) -> bool:
        """Not answered, but close enough that the closest covered questions are worth offering."""
        return SUGGEST_AT <= self.score < ANSWER_AT

    def _signals(self) -> dict[str, float]:
        return {"dense": self.dense, "coverage": self.coverage, "faq": self.faq, "anchor": float(self.anchor),
                "alien": self.alien}

    def as_dict(self) -> dict[str, float]:
        return {name: round(value, 3) for name, value in self._signals().items()} | {"score": round(self.score, 3)}
