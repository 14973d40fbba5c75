"""Page furniture that must never become a chunk, and numbering that the page layout hid.

* A table of contents (a "目录 / Contents" title followed by lines with dot leaders or a tab and a page
  number, or a Markdown "Contents" section) is dropped, and so is any stray dot-leader line. What it
  says is kept: Word documents number their headings automatically, so the text of a heading lacks
  the number that the table of contents shows ("3.1.1	政策	2"); such headings get it back.
* PDF and Word definitions put the clause number on a line of its own ("2.1" / "合规文件"): the two
  lines are joined into one heading line ("2.1 合规文件").
"""

from __future__ import annotations

import re

TOC_TITLE = re.compile(r"^(#{1,6}\s*)?(?:目\s*录|目\s*次|內\s*容|Contents|Table of Contents)\s*$", re.IGNORECASE)
_PAGE = r"[ivxlcdm\d]{1,4}"
LEADER = re.compile(rf"(?:\.{{4,}}|…{{2,}}|·{{4,}}|_{{4,}})\s*{_PAGE}\s*$", re.IGNORECASE)
TAB_PAGE = re.compile(rf"^(.+?)\t+\s*{_PAGE}\s*$", re.IGNORECASE)
_ENTRY = re.compile(r"^([A-Z]?\d+(?:\.\d+)*)\s*(?:[-–—]\s*|\t+|\s+)(\S.*?)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
_NUMBER_ONLY = re.compile(r"^\s*(\d+(?:\.\d+)+)\s*$")
_NUMBERED = re.compile(r"^\s*(?:[A-Z]?\d+(?:\.\d+)*|附[录錄]|Annex|Appendix)\b", re.IGNORECASE)
SHORT_LINE = 12      # "简介 iv": short lines inside a table of contents go with it
JOINED_TITLE = 30    # a definition's term after a number-only line


def is_toc_line(line: str) -> bool:
    stripped = line.strip()
    return bool(LEADER.search(stripped) or TAB_PAGE.match(stripped))


def _entry(line: str) -> tuple[str, str] | None:
    """("3.1.1", "政策") from a table-of-contents line, None when it has no number."""
    text = LEADER.sub("", line.strip())
    tab = TAB_PAGE.match(text)
    text = (tab.group(1) if tab else text).strip().lstrip("- ").strip()
    match = _ENTRY.match(text)
    return (match.group(1), re.sub(r"\s+", "", match.group(2).strip(" -–—"))) if match else None


def strip_contents(text: str) -> tuple[str, dict[str, str]]:
    """The text without its table(s) of contents, and the heading numbers they list (title -> number)."""
    lines = text.split("\n")
    out: list[str] = []
    titles: dict[str, list[str]] = {}
    i = 0
    while i < len(lines):
        title = TOC_TITLE.match(lines[i].strip())
        if not title:
            if not LEADER.search(lines[i].strip()):
                out.append(lines[i])
            i += 1
            continue
        end = _markdown_contents_end(lines, i, len(title.group(1).strip())) if title.group(1) else \
            _plain_contents_end(lines, i)
        for line in lines[i + 1:end + 1]:
            found = _entry(line)
            if found:
                titles.setdefault(found[1], []).append(found[0])
        i = end + 1
    numbers = {t: n[0] for t, n in titles.items() if len(set(n)) == 1}
    return "\n".join(out), numbers


def _markdown_contents_end(lines: list[str], start: int, rank: int) -> int:
    """A Markdown "## Contents" section ends before the next heading of the same or a higher rank."""
    for j in range(start + 1, len(lines)):
        heading = _MD_HEADING.match(lines[j].strip())
        if heading and len(heading.group(1)) <= rank:
            return j - 1
    return len(lines) - 1


def _plain_contents_end(lines: list[str], start: int) -> int:
    """The last table-of-contents line after a "目录" title (short lines and blanks in between go too)."""
    last, loose = start, 0
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if is_toc_line(stripped):
            last, loose = j, 0
        elif stripped and len(stripped) > SHORT_LINE:
            break
        elif stripped:
            loose += 1
            if loose > 3:
                break
    return last


def number_headings(text: str, numbers: dict[str, str]) -> str:
    """Give Markdown headings without a number the number the table of contents gave them."""
    if not numbers:
        return text
    out = []
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line.strip())
        if heading and not _NUMBERED.match(heading.group(2)):
            number = numbers.get(re.sub(r"\s+", "", heading.group(2)))
            if number:
                line = f"{heading.group(1)} {number} {heading.group(2)}"
        out.append(line)
    return "\n".join(out)


def join_number_lines(text: str) -> str:
    """"2.1" on its own line followed by a short term ("合规文件") becomes one line "2.1 合规文件"."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        number = _NUMBER_ONLY.match(lines[i])
        if number:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            term = lines[j].strip() if j < len(lines) else ""
            if term and len(term) <= JOINED_TITLE and not term[0].isdigit():
                out.append(f"{number.group(1)} {term}")
                i = j + 1
                continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def clean_layout(text: str, *, markdown_source: bool) -> str:
    """Tables of contents out, hidden heading numbers back in, number-only lines joined (not in Markdown)."""
    text, numbers = strip_contents(text)
    text = number_headings(text, numbers)
    return text if markdown_source else join_number_lines(text)
