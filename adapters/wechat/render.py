"""Answer → WeChat plain text: no Markdown, short 【来源】 lines, and pieces that fit 2048 UTF-8 bytes."""

from __future__ import annotations

import re

from bot.types import Answer, split_at_table

MAX_REPLY_BYTES = 2048  # WeChat rejects a passive text reply beyond this
MORE_HINT = "回复“继续”查看剩余内容"
MAX_SOURCES = 3

_MD_RULES = [
    (re.compile(r"```[a-zA-Z0-9_+-]*\n?"), ""),  # code fences
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r"\1（\2）"),  # links keep their URL, WeChat linkifies it
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),  # quotes
    (re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$", re.MULTILINE), ""),  # rules
    (re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE), r"\1• "),  # bullets
    (re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.DOTALL), lambda m: m.group(1) or m.group(2)),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"`([^`]+)`"), r"\1"),  # inline code
    (re.compile(r"\n{3,}"), "\n\n"),
]


def plain_text(markdown: str) -> str:
    """WeChat shows Markdown literally, so strip it to readable plain text."""
    text = markdown.replace("\r\n", "\n")
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return text.strip()


def source_lines(answer: Answer) -> list[str]:
    """Citations as short lines (title + section), de-duplicated, at most a few."""
    lines: list[str] = []
    for source in answer.sources:
        label = " · ".join(part.strip() for part in (source.title, source.section) if part and part.strip())
        line = f"【来源】{label}"
        if label and line not in lines:
            lines.append(line)
        if len(lines) >= MAX_SOURCES:
            break
    return lines


def with_plain_table(text: str, answer: Answer) -> str:
    """A comparison's Markdown table replaced by the same table as aligned plain text."""
    parts = split_at_table(text) if answer.table is not None else None
    if parts is None or answer.table is None:
        return text
    before, after = parts
    return before + answer.table.as_text() + "\n" + after


def render_answer(answer: Answer) -> str:
    """The whole answer as WeChat text (may be longer than one message; see `split_reply`)."""
    body = plain_text(with_plain_table(answer.answer, answer)) or "抱歉，暂时没有找到相关答案。"
    lines = source_lines(answer)
    return body + ("\n\n" + "\n".join(lines) if lines else "")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_reply(text: str, limit: int = MAX_REPLY_BYTES) -> tuple[str, str]:
    """(message to send now, remainder for "继续"); the message incl. the hint fits `limit` bytes.

    Cuts on a character boundary, preferring a line break in the last quarter of the piece so that
    a citation line or a sentence is not split; `head_without_hint + rest == text` always holds.
    """
    if utf8_len(text) <= limit:
        return text, ""
    budget = limit - utf8_len("\n\n" + MORE_HINT)
    used, cut = 0, 0
    for index, char in enumerate(text):
        used += utf8_len(char)
        if used > budget:
            break
        cut = index + 1
    newline = text.rfind("\n", 0, cut)
    if newline > 0 and newline >= cut * 3 // 4:
        cut = newline + 1
    cut = max(cut, 1)
    return text[:cut], text[cut:]


def with_hint(head: str, rest: str) -> str:
    """The message as shown: the piece, plus the "继续" hint when something remains."""
    return head.rstrip("\n") + "\n\n" + MORE_HINT if rest else head
