"""Readable answers for a LicenseCheck, in Chinese ("zh") or English ("en").

Markdown that still reads well as plain text (chat channels that do not render Markdown show it as
it is). A licence family gets a short table: one row per common version, with its verdict and its
first condition.
"""

from __future__ import annotations

from bot.types import LicenseCheck

_VERDICT = {
    "zh": {
        "compatible": "✅ 兼容",
        "incompatible": "❌ 不兼容",
        "conditional": "⚠️ 有条件兼容",
        "unknown": "❓ 无法确定",
    },
    "en": {
        "compatible": "✅ Compatible",
        "incompatible": "❌ Incompatible",
        "conditional": "⚠️ Compatible under conditions",
        "unknown": "❓ Unknown",
    },
}
_LABELS = {
    "zh": {
        "title": "许可证兼容性",
        "in": "入站（被使用的代码）",
        "out": "出站（你的项目/作品）",
        "why": "理由",
        "cond": "需要满足的条件",
        "notes": "说明",
        "src": "依据",
        "disclaimer": "以上为自动分析，仅供参考，不构成法律意见。",
        "versions": "各版本结论",
        "version": "版本",
        "verdict": "结论",
        "first_condition": "主要条件",
    },
    "en": {
        "title": "Licence compatibility",
        "in": "Inbound (code being used)",
        "out": "Outbound (your project/work)",
        "why": "Why",
        "cond": "Conditions",
        "notes": "Notes",
        "src": "Sources",
        "disclaimer": "Automated analysis for guidance only; not legal advice.",
        "versions": "Per version",
        "version": "Version",
        "verdict": "Verdict",
        "first_condition": "Main condition",
    },
}


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
    lang = "en" if str(lang).lower().startswith("en") else "zh"
    lab = _LABELS[lang]
    lines = [
        f"**{lab['title']}：{_VERDICT[lang][check.verdict]}**"
        if lang == "zh"
        else f"**{lab['title']}: {_VERDICT[lang][check.verdict]}**",
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
    lab = _LABELS[lang]
    by_inbound = len({v.inbound for v in check.versions}) > 1
    lines = [
        f"**{lab['versions']}**",
        f"| {lab['version']} | {lab['verdict']} | {lab['first_condition']} |",
        "|---|---|---|",
    ]
    for v in check.versions:
        name = v.inbound if by_inbound else _out_name(v.outbound, lang)
        first = _pick(v.conditions[0], lang) if v.conditions else "—"
        lines.append(f"| {_cell(name)} | {_VERDICT[lang][v.verdict]} | {_cell(first)} |")
    lines.append("")
    return lines
