""""Did you mean": for a question near the relevance gate, offer the closest questions the knowledge base answers.

A flat refusal costs a user as much as a wrong answer: they leave. When a question is near the gate (see
gate.py), the reply lists the two or three closest FAQ questions instead: real user phrasings, each tied to the
clause that answers it, so each one is answered when asked. They come back in `Answer.suggestions` with status
`no_answer` (nothing was answered yet); a user picks one by asking it, by pressing its button (widget,
Telegram) or by replying with its number ("1", "①", "第二个") in the same session: the turn remembers what it
offered, in the shared session store, so any worker can resolve the number.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answering.evidence import Retrieval
from bot.answering.faq_bank import FaqBank, FaqMatch
from bot.answering.prompts import render
from bot.types import Answer, Turn

MAX_SUGGESTIONS = 3
MIN_SIMILARITY = 0.38   # a FAQ question less similar than this is not what the user meant
HIT_BONUS = 0.10        # a FAQ entry that hybrid search also ranks high (its words match) is likelier
HITS_CONSIDERED = 10
LANGUAGE_BONUS = 0.03   # between two equally close questions, the one in the user's language
MARKERS = "①②③④⑤⑥⑦⑧⑨"
_NUMERALS = {**{str(i): i for i in range(1, 10)}, **{c: i for i, c in enumerate(MARKERS, 1)},
             **{c: i for i, c in enumerate("一二三四五六七八九", 1)}}
_PICK = re.compile(
    r"^\s*(?:第|选|选择|要|option\s*|number\s*|no\.?\s*|#)?\s*([1-9①-⑨一二三四五六七八九])\s*"
    r"(?:个|条|项|号|个问题)?\s*[.。、)）!！]?\s*$",
    re.IGNORECASE,
)


class Suggester:
    def __init__(self, faq_bank: FaqBank) -> None:
        self.faq_bank = faq_bank

    def offer(self, retrieval: Retrieval, lang: str, answerable: Callable[[str], bool] = lambda q: True,
              ) -> Answer | None:
        """The "did you mean" reply for a question near the gate; None when it is clearly off-topic.
        `answerable` vetoes a FAQ question that another route would turn down."""
        if retrieval.other_places or not retrieval.relevance.near:
            return None
        questions = self.closest(retrieval, lang, answerable)
        if not questions:
            return None
        listed = "\n".join(f"{MARKERS[i]} {q}" for i, q in enumerate(questions))
        return Answer(answer=render("suggestions", lang, suggestions=listed), status="no_answer",
                      suggestions=questions)

    def closest(self, retrieval: Retrieval, lang: str, answerable: Callable[[str], bool] = lambda q: True,
                ) -> list[str]:
        """Up to MAX_SUGGESTIONS FAQ questions, closest first, one per clause. The question's own language is
        preferred, not required: the policy FAQ is Chinese only, and the embeddings are multilingual."""
        ranked_ids = {h.passage.id for h in retrieval.hits[:HITS_CONSIDERED]}

        def rank(match: FaqMatch) -> float:
            return -(match.similarity + (HIT_BONUS if match.passage.id in ranked_ids else 0.0)
                     + (LANGUAGE_BONUS if match.lang == lang else 0.0))

        return _distinct(sorted(self.faq_bank.matches(retrieval.vector), key=rank), answerable)


def _distinct(matches: list[FaqMatch], answerable: Callable[[str], bool]) -> list[str]:
    out: list[str] = []
    clauses: set[str] = set()
    for match in matches:
        clause = match.passage.extra.get("faq_source") or match.question
        if match.similarity < MIN_SIMILARITY or clause in clauses or match.question in out:
            continue
        if not answerable(match.question):
            continue
        clauses.add(clause)
        out.append(match.question)
        if len(out) >= MAX_SUGGESTIONS:
            break
    return out


def is_pick_reply(text: str) -> bool:
    """A reply that only names a number ("1", "②", "第二个"): it means something only with the previous turn."""
    return _PICK.match(text.strip()) is not None


def chosen_suggestion(text: str, history: list[Turn]) -> str | None:
    """The question a reply such as "1" / "②" / "第二个" picks from what the previous turn offered."""
    if not history or not history[-1].suggestions:
        return None
    match = _PICK.match(text)
    if match is None:
        return None
    number = _NUMERALS[match.group(1)]
    offered = history[-1].suggestions
    return offered[number - 1] if number <= len(offered) else None
