"""Licence texts chunked by their own clauses, so "Apache-2.0 §4(d)" or "MPL-2.0 §3.3" is one chunk.

A licence numbers its terms ("7. Additional Terms.", "3.3. Distribution of a Larger Work", "Section 1 –
Definitions.", "2.   授予专利许可") and lists conditions under them ("(a)", "b)", "c."). The numbering is
read as a sequence: a number counts only when it follows the previous one, so a wrapped line that
happens to start with "2.1 of this License" or a numbered list inside a clause is body text. A restart
at 0 or 1 after the end of the terms starts another language part (木兰宽松许可证's English half).
Each chunk carries its clause label (`extra["clause"]`: "4(d)", "3.3", "" for the preamble and
appendices) and a section such as "§4(d) Redistribution" that citations show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.text import document_language, has_cjk

_TOP = re.compile(r"^(?:(?:section|article)\s+)?(\d{1,2})(?:\.(?!\d)\s*|\)\s+|\s+[–—-]\s+|\s*[:：]\s*|\s{2,})(?=\S)",
                  re.IGNORECASE)
_SUB = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(?=\s|$)")
_LETTER = re.compile(r"^(?:\(([a-z])\)|([a-z])[.)])\s+(?=\S)")
_END = re.compile(r"^(?:END OF (?:THE )?TERMS AND CONDITIONS|条款结束|APPENDIX\b|How to [Aa]pply\b|Exhibit A\b)",
                  re.IGNORECASE)
_LICENCE_TITLE = re.compile(r"^[A-Z][A-Z0-9 ,.'()-]*\bLICEN[CS]E\b[A-Z0-9 ,.'()-]*$")
_RULE = re.compile(r"^[\s*=_~-]*$")  # box borders and underlines of plain-text licences
_BOXED = re.compile(r"^\*\s(.*?)\s*\*?$")
MIN_SECTIONS = 2


@dataclass
class ClauseChunk:
    label: str          # "4(d)", "3.3", "7", "" (preamble, appendix)
    heading: str        # the section's own heading, "" when it has none
    text: str
    lang: str


@dataclass
class _Unit:
    label: str
    heading: str
    part: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _State:
    titles: dict[int, str] = field(default_factory=dict)  # part -> the title of another licence it embeds
    pending_title: str = ""
    top: int | None = None
    top_indent: int = 0
    sub: int | None = None
    letter: str | None = None
    letter_indent: int = 0
    ended: bool = False
    part: int = 0
    headings: dict[str, str] = field(default_factory=dict)  # label -> heading, per part


def _is_licence_title(line: str) -> bool:
    """"GNU GENERAL PUBLIC LICENSE": a short all-caps licence name, not an all-caps sentence of the terms."""
    return len(line) <= 60 and len(line.split()) <= 6 and bool(_LICENCE_TITLE.match(line))


def _clean(line: str) -> str:
    """A line without the ASCII-art boxes some licence texts put around a clause."""
    if _RULE.fullmatch(line) and line.strip():
        return ""
    boxed = _BOXED.match(line.strip())
    return boxed.group(1) if boxed and line.rstrip().endswith("*") else line.rstrip()


_SMALL_WORDS = {"and", "of", "or", "the", "to", "for", "in", "on", "a", "an", "with", "by"}
_ACRONYMS = {"GNU", "GPL", "LGPL", "AGPL", "FSF", "OSI", "MIT", "BSD", "US", "U.S.", "EU", "EUPL", "CDDL", "EPL", "MPL"}


_ITEM_START = re.compile(r"^\s*(?:\(?[a-z0-9]{1,4}[.)]\s|\d+(?:\.\d+)+\.?\s|[-*•]\s|(?:section|article)\s+\d|§|"
                         r"[“\"]?[A-Z][\w -]{0,40}[”\"]?\s*$)", re.IGNORECASE)


def unwrap(lines: list[str]) -> list[str]:
    """Undo the hard line breaks inside paragraphs ("…copy of this software and\nassociated documentation…"):
    a line that does not start an item, a number or a short heading continues the line before it."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if (line.strip() and previous.strip() and not _ITEM_START.match(line)
                and not previous.rstrip().endswith((":", "：")) and _is_prose(previous)):
            out[-1] = previous.rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def _is_prose(line: str) -> bool:
    """A line of running text (not a title such as "GNU GENERAL PUBLIC LICENSE" or "Version 3, 29 June 2007")."""
    words = line.split()
    return len(words) >= 6 or (len(line.strip()) > 40)


def title_case(text: str) -> str:
    """"GNU GENERAL PUBLIC LICENSE" -> "GNU General Public License" (acronyms stay, small words lower)."""
    words = []
    for number, word in enumerate(text.split()):
        if word.lower() in _SMALL_WORDS and number:
            words.append(word.lower())
        elif word in _ACRONYMS:
            words.append(word)
        else:
            words.append(word.capitalize())
    return " ".join(words)


def heading_of(rest: str) -> str:
    """The heading after a clause number: 'Redistribution' of '4. Redistribution. You may…', else ''."""
    rest = rest.strip()
    first = re.split(r"(?<=[^A-Z])\.\s|\.$|。|：|:", rest, maxsplit=1)[0].strip().strip(".")
    if not first or len(first) > 60:
        return ""
    if has_cjk(first):
        return first if len(first) <= 16 else ""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", first) if len(w) > 3]
    if not words:
        return ""
    capitalised = sum(w[0].isupper() for w in words) / len(words)
    if first == rest or capitalised >= 0.75:
        return title_case(first) if first.isupper() else first
    return ""


def _accept_top(state: _State, number: int, indent: int, line: str) -> bool:
    if state.top is None:
        return number in (0, 1)
    if indent > state.top_indent + 1:
        return False
    if number == state.top + 1 and not state.ended:
        return True
    # a restart after the end of the terms: another language part, if it looks like a heading
    return state.ended and number in (0, 1) and len(line) <= 60


def _next_letter(letter: str | None) -> str:
    return "a" if letter is None else chr(ord(letter) + 1)


def parse_clauses(text: str, limits: dict[str, int] | None = None) -> list[ClauseChunk] | None:
    """The clause units of a licence text, or None when it has no numbered sections to go by.

    A section that fits in one chunk (`limits`: characters by language) stays whole with its conditions
    ("§3.2" with its (a) and (b)); a longer one is cut at its conditions ("§4(a)" … "§4(d)")."""
    state = _State()
    units: list[_Unit] = [_Unit("", "", 0)]
    tops = 0
    for line in unwrap([_clean(raw) for raw in text.split("\n")]):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        unit = units[-1]
        if not stripped:
            unit.lines.append("")
            continue
        if state.top is not None and not state.ended and (_END.match(stripped) or _is_licence_title(stripped)):
            # the end of the terms, or the title of another licence the text goes on with (LGPL-3.0 + GPL-3.0)
            state.ended, state.letter, state.sub = True, None, None
            state.pending_title = title_case(stripped) if _is_licence_title(stripped) else ""
            units.append(_Unit("", heading_of(stripped) or stripped[:60], state.part, [stripped]))
            continue
        top = _TOP.match(stripped)
        if top and _accept_top(state, int(top.group(1)), indent, stripped):
            number = int(top.group(1))
            if state.ended:
                state.part, state.ended = state.part + 1, False
                state.titles[state.part] = state.pending_title
            if state.top is None:
                state.top_indent = indent
            state.top, state.sub, state.letter = number, None, None
            heading = heading_of(stripped[top.end():])
            state.headings[str(number)] = heading
            units.append(_Unit(str(number), heading, state.part, [stripped]))
            tops += 1
            continue
        sub = _SUB.match(stripped)
        if sub and state.top is not None and not state.ended and int(sub.group(1)) == state.top and (
                int(sub.group(2)) == (state.sub + 1 if state.sub is not None else int(sub.group(2)))
                and (state.sub is not None or int(sub.group(2)) in (0, 1))):
            state.sub, state.letter = int(sub.group(2)), None
            label = f"{state.top}.{state.sub}"
            heading = heading_of(stripped[sub.end():]) or state.headings.get(str(state.top), "")
            state.headings[label] = heading
            units.append(_Unit(label, heading, state.part, [stripped]))
            continue
        letter = _LETTER.match(stripped)
        if letter and state.top is not None and not state.ended and (
                (letter.group(1) or letter.group(2)) == _next_letter(state.letter)):
            state.letter, state.letter_indent = letter.group(1) or letter.group(2), indent
            parent = f"{state.top}.{state.sub}" if state.sub is not None else str(state.top)
            units.append(_Unit(f"{parent}({state.letter})", state.headings.get(parent, ""), state.part, [stripped]))
            continue
        if state.letter is not None and 0 < state.letter_indent and indent < state.letter_indent:
            # an unindented paragraph after indented conditions belongs to the section again
            parent = f"{state.top}.{state.sub}" if state.sub is not None else str(state.top)
            state.letter = None
            units.append(_Unit(parent, state.headings.get(parent, ""), state.part, [stripped]))
            continue
        unit.lines.append(stripped if indent else line)
    if tops < MIN_SECTIONS:
        return None
    languages = _part_languages(units)
    limits = limits or {}
    units = _keep_fitting_sections_whole(units, lambda part: limits.get(languages[part], 1000))
    out = []
    for number, unit in enumerate(units):
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(unit.lines).strip())
        if not re.search(r"\w", body) or _heading_only(unit, body, units[number + 1:number + 2]):
            continue
        label, heading = unit.label, unit.heading
        embedded = state.titles.get(unit.part, "")
        if embedded and label:  # another licence's clauses: cite them by that licence, not as this one's
            label, heading = "", f"{embedded} §{unit.label} {heading}".strip()
        out.append(ClauseChunk(label, heading, body, languages[unit.part]))
    return out


def _keep_fitting_sections_whole(units: list[_Unit], limit: Callable[[int], int]) -> list[_Unit]:
    """Join a section with its conditions (and the text after them) when together they fit one chunk."""
    out: list[_Unit] = []
    i = 0
    while i < len(units):
        unit = units[i]
        j = i + 1
        if unit.label and "(" not in unit.label:
            while j < len(units) and units[j].part == unit.part and (
                    units[j].label == unit.label or units[j].label.startswith(unit.label + "(")):
                j += 1
        group = units[i:j]
        if len(group) > 1 and sum(len("\n".join(u.lines)) for u in group) <= limit(unit.part):
            out.append(_Unit(unit.label, unit.heading, unit.part, [line for u in group for line in [*u.lines, ""]]))
            i = j
            continue
        out.append(unit)
        i += 1
    return out


def _heading_only(unit: _Unit, body: str, following: list[_Unit]) -> bool:
    """"1. Definitions" alone, followed by its sub-clauses: no chunk of its own."""
    if "\n" in body or len(body) > 80 or not following or not unit.label:
        return False
    rest = _TOP.sub("", body, count=1) if _TOP.match(body) else _SUB.sub("", body, count=1)
    if title_case(rest.strip().rstrip(".:：")) != title_case(unit.heading) and rest.strip().rstrip(".:：") != unit.heading:
        return False
    child = following[0].label
    return child.startswith((unit.label + ".", unit.label + "("))


def _part_languages(units: list[_Unit]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for unit in units:
        texts.setdefault(unit.part, []).extend(unit.lines)
    return {part: document_language("\n".join(lines)) for part, lines in texts.items()}


def clause_section(label: str, heading: str) -> str:
    """What a citation shows: "§4(d) Redistribution", "§1", or the heading of an appendix."""
    if not label:
        return heading
    return f"§{label} {heading}".strip()
