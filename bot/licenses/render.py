"""Readable answers for a LicenseCheck, in Chinese ("zh") or English ("en").

Markdown that still reads well as plain text (chat channels that do not render Markdown show it as
it is). A licence family gets a short table: one row per common version, with its verdict and its
first condition.
"""

from __future__ import annotations

from bot.licenses.wording import ANSWER_LABELS, VERDICT_BADGE
from bot.text import normalise_lang
from bot.types import LicenseCheck


def _pick(text: str, lang: str) -> str:
    """Bilingual strings are written 'zh / en'; show the requested half."""
    if " / " not in text:
        return text
    zh, _, en = text.partition(" / ")
    return zh if lang == "zh" else en


def _out_name(outbound: str, lang: str) -> str:
    if outbound == "proprietary":
        return "闭源/专有软件 (proprietary)" if lang == "zh" else "proprietary (closed-source) software"
    return outbound


def render_license_answer(check: LicenseCheck, lang: str = "zh") -> str:
    lang = normalise_lang(str(lang))
    lab = ANSWER_LABELS[lang]
    lines = [
        f"**{lab['title']}：{VERDICT_BADGE[lang][check.verdict]}**"
        if lang == "zh"
        else f"**{lab['title']}: {VERDICT_BADGE[lang][check.verdict]}**",
        f"- {lab['in']}: `{check.inbound}`",
        f"- {lab['out']}: `{_out_name(check.outbound, lang)}`",
        "",
    ]
    why = check.explanation if lang == "zh" else (check.explanation_en or check.explanation)
    lines += [f"**{lab['why']}**", why, ""]
    if check.versions:
        lines += _version_table(check, lang)
    if check.conditions:
        lines.append(f"**{lab['cond']}**")
        lines += [f"{k}. {_pick(c, lang)}" for k, c in enumerate(check.conditions, 1)]
        lines.append("")
    if check.notes:
        lines.append(f"**{lab['notes']}**")
        lines += [f"- {_pick(n, lang)}" for n in check.notes]
        lines.append("")
    if check.sources:
        lines.append(f"**{lab['src']}**")
        for s in check.sources:
            lines.append(f"- {_pick(s.title, lang)}" + (f" — {s.url}" if s.url else ""))
        lines.append("")
    lines.append(f"_{lab['disclaimer']}_")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def _version_table(check: LicenseCheck, lang: str) -> list[str]:
    lab = ANSWER_LABELS[lang]
    by_inbound = len({v.inbound for v in check.versions}) > 1
    lines = [
        f"**{lab['versions']}**",
        f"| {lab['version']} | {lab['verdict']} | {lab['first_condition']} |",
        "|---|---|---|",
    ]
    for v in check.versions:
        name = v.inbound if by_inbound else _out_name(v.outbound, lang)
        first = _pick(v.conditions[0], lang) if v.conditions else "—"
        lines.append(f"| {_cell(name)} | {VERDICT_BADGE[lang][v.verdict]} | {_cell(first)} |")
    lines.append("")
    return lines
