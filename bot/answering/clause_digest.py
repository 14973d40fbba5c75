"""What a clause says, for a question that only names it: "GPL-2.0 第3条", "MPL-2.0 section 3.2".

Such a question has no other words to score sentences by, so sentence extraction picks a stray sentence,
a closing paragraph or the bare heading ("5. 免责声明与责任限制"). Instead:

* a FAQ entry written about that very clause (its source cites the clause) answers, with the clause
  passage first as its source and the entry after it — the paraphrase that explains the clause;
* otherwise the clause's own opening and the first sentence of each of its items (a), (b) …, each cited,
  in the question's language when the text exists in it (木兰宽松许可证 has a Chinese text).
"""

from __future__ import annotations

import re

from bot.answering.clauses import ClauseIndex
from bot.answering.compose import AnswerComposer, to_source
from bot.answering.evidence import Retrieval
from bot.answering.text import split_sentences
from bot.ports import Corpus
from bot.retrieval.clause_refs import ClauseRef, parse_source
from bot.retrieval.ranking import CLAUSE_MENTION, clause_mentions, licence_family, licence_id
from bot.types import Answer, Hit, Passage

# what a question may say besides the licence and the clause and still ask only "what does it say"
_GENERIC = re.compile(
    r"讲(?:了)?(?:什么|啥|的是什么)|说(?:了)?(?:什么|啥|的是什么)|写(?:了)?(?:什么|啥)|规定(?:了)?(?:什么|啥|哪些)?|"
    r"(?:是|有)?(?:什么|哪些)(?:内容|意思|规定|要求)?|内容|意思|条款|全文|原文|解释|介绍|一下|请问|关于|"
    r"许可证|许可|协议|第\s*\d+\s*版|版本|的|呢|吗|"
    r"\bwhat\b|\bdoes\b|\bdo\b|\bsays?\b|\babout\b|\bmeans?\b|\brequires?\b|\bis\b|\bin\b|\bof\b|\bthe\b|\btext\b|"
    r"\bexplain\b|\bsummari[sz]e\b|\bclause\b|\bsection\b|\blicen[cs]e\b|\bversion\b|\bplease\b",
    re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:\(?[a-z0-9]{1,2}\)|[a-z]\.)\s", re.IGNORECASE)
OPENING_CHARS = 400
ITEM_CHARS = 400
MAX_ITEMS = 8


def asks_only_for_clause(text: str, licence_spans: list[tuple[int, int]]) -> bool:
    """Nothing in the question but the licence, the clause and words like 讲什么 / what does it say.
    `licence_spans`: where the question names licences (the engine's recognition)."""
    rest = "".join(" " if any(a <= i < b for a, b in licence_spans) else ch for i, ch in enumerate(text))
    rest = CLAUSE_MENTION.sub(" ", rest)
    rest = _GENERIC.sub(" ", rest)
    return not re.sub(r"[\W_]+", "", rest)


class ClauseDigest:
    def __init__(self, corpus: Corpus, clauses: ClauseIndex, composer: AnswerComposer) -> None:
        self.corpus = corpus
        self.clauses = clauses
        self.composer = composer
        self._faq_entries: tuple[str, list[tuple[Passage, list[ClauseRef], list[str]]]] | None = None

    def answer(self, retrieval: Retrieval, lang: str, only_the_clause: bool) -> Answer | None:
        if not retrieval.named or not only_the_clause:
            return None
        first = retrieval.named[0]
        spdx, label = licence_id(first), first.extra.get("clause")
        if not spdx or not label:
            return None
        return self._faq(spdx, label, lang) or self._digest(spdx, label, lang)

    # --- a FAQ entry about this clause -------------------------------------------------------------
    def _faq(self, spdx: str, label: str, lang: str) -> Answer | None:
        """An entry resting first on the clause whose question (in either language) names the clause: "GPL-3.0
        第7条的“附加条款”允许加些什么？". An entry that only uses the clause (aggregation, under §5) is not one."""
        entries = self._entries()
        naming = {p.extra.get("faq_id") for p, _, named in entries if label in named}
        best: tuple[tuple[bool, int], Passage] | None = None
        for entry, refs, _ in entries:
            if not refs or refs[0].titled or refs[0].clause != label or entry.extra.get("faq_id") not in naming:
                continue
            if licence_family(refs[0].target) != licence_family(spdx):
                continue
            key = (entry.lang != lang, len(refs))  # the question's language, then the entry about this clause alone
            if best is None or key < best[0]:
                best = (key, entry)
        if best is None:
            return None
        entry = best[1]
        clause = self.clauses.passages_for(entry.extra["faq_source"], lang, limit=1)
        listed = [Hit(passage=p, score=1.0) for p in clause] + [Hit(passage=entry, score=1.0)]
        body = entry.extra.get("faq_answer", "") + "[1]" + self.composer.status_notes(listed[:1], lang)
        return Answer(answer=body, status="answered", sources=[to_source(h) for h in listed])

    def _entries(self) -> list[tuple[Passage, list[ClauseRef], list[str]]]:
        """FAQ entries with their parsed sources and the clauses their questions name; rebuilt when the
        corpus changes."""
        generation = self.corpus.generation
        if self._faq_entries is None or self._faq_entries[0] != generation:
            entries = [(p, parse_source(p.extra["faq_source"]), clause_mentions(p.extra.get("faq_question", "")))
                       for p in self.corpus.passages() if p.kind == "faq" and p.extra.get("faq_source")]
            self._faq_entries = (generation, entries)
        return self._faq_entries[1]

    # --- the clause's opening and its items ---------------------------------------------------------
    def _digest(self, spdx: str, label: str, lang: str) -> Answer | None:
        passages = self.clauses.resolve(ClauseRef(spdx, label), lang)
        if not passages:
            return None
        same = [p for p in passages if p.lang == lang] or [p for p in passages if p.lang == passages[0].lang]
        same.sort(key=lambda p: p.id)  # document order
        pieces: list[tuple[str, Passage]] = []
        opened, items = False, 0
        for passage in same:
            for paragraph in _paragraphs(passage):
                if _ITEM.match(paragraph):
                    if items < MAX_ITEMS:
                        pieces.append((_first_sentence(paragraph, ITEM_CHARS), passage))
                        items += 1
                elif not opened:
                    pieces.append((_clip(paragraph, OPENING_CHARS), passage))
                    opened = True
                elif len(pieces) == 1:  # no items yet: the clause goes on in prose
                    pieces.append((_clip(paragraph, OPENING_CHARS), passage))
        if not pieces:
            return None
        listed: list[Passage] = []
        out = []
        for sentence, passage in pieces:
            if passage.id not in {p.id for p in listed}:
                listed.append(passage)
            out.append(f"{sentence}[{[p.id for p in listed].index(passage.id) + 1}]")
        heading = same[0].section or label
        lead = f"{spdx} {heading}：" if lang == "zh" else f"{spdx} {heading}: "
        body = lead + ("" if lang == "zh" else " ").join(out)
        hits = [Hit(passage=p, score=1.0) for p in listed]
        return Answer(answer=body + self.composer.status_notes(hits, lang), status="answered",
                      sources=[to_source(h) for h in hits])


def _paragraphs(passage: Passage) -> list[str]:
    """The passage's paragraphs without the clause heading ("3.2. Distribution of Executable Form")."""
    out = []
    title = re.sub(r"^§\S+\s*", "", passage.section).strip().rstrip(".")
    for paragraph in re.split(r"\n\s*\n", passage.text):
        paragraph = " ".join(paragraph.split())
        if title:  # "5. Conveying Modified Source Versions. You may convey…": the heading runs into the text
            paragraph = re.sub(rf"^\d+(?:\.\d+)*\.?\s*{re.escape(title)}\.?\s+(?=\S)", "", paragraph)
        label = passage.extra.get("clause", "")
        if label and "(" not in label:  # "3. You may copy…": the number is already in the answer's lead
            paragraph = re.sub(rf"^{re.escape(label)}\.\s+(?=\S)", "", paragraph)
        if paragraph and not _is_heading(paragraph, passage.section):
            out.append(paragraph)
    return out


def _is_heading(paragraph: str, section: str) -> bool:
    title = re.sub(r"^§\S+\s*", "", section).strip().rstrip(".")
    core = re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", paragraph).strip().rstrip(".。")
    return bool(core) and (core == title or (len(core) <= 60 and not re.search(r"[.。;；:：,，]", core)))


def _first_sentence(paragraph: str, limit: int) -> str:
    """An item's first sentence, without the "; and" / "; or," that joins it to the next item."""
    sentences = split_sentences(paragraph)
    sentence = _clip(sentences[0] if sentences else paragraph, limit)
    return re.sub(r"\s*;\s*(?:and|or),?$|;$", ";", sentence)


def _clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a sentence end when there is one in reach."""
    if len(text) <= limit:
        return text
    sentences, kept = split_sentences(text), ""
    for sentence in sentences:
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence if not kept or not sentence[0].isascii() else " " + sentence
    return kept.strip() or text[:limit].rstrip() + "…"
