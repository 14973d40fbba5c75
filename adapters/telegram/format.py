"""Telegram HTML: escaping, rendering answers and sources, splitting into messages Telegram accepts.

Telegram's HTML parse mode knows a handful of tags (b, i, u, s, a, code, pre, blockquote …) and four
named entities (&lt; &gt; &amp; &quot;). Everything the core returns is text, so it is escaped here and
only the tags we add ourselves reach Telegram. A message may hold at most 4096 UTF-16 code units; we
count the HTML as sent (tags included), which is stricter than Telegram's count after parsing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from bot.text import answer_language
from bot.types import Answer, LicenseCheck, Source, split_at_table

TELEGRAM_LIMIT = 4096

# ---------------------------------------------------------------------------------------------------
# escaping and measuring


def escape(text: str) -> str:
    """Escape text for Telegram HTML (`<`, `>`, `&`)."""
    return html.escape(text, quote=False)


def escape_attr(text: str) -> str:
    return html.escape(text, quote=True)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def safe_url(url: str | None) -> str | None:
    """Only http(s) and tg links become tappable; anything else is shown as text."""
    if not url:
        return None
    url = url.strip()
    if re.match(r"^(https?://|tg://)\S+$", url, flags=re.IGNORECASE):
        return url
    return None


def link(title: str, url: str | None) -> str:
    target = safe_url(url)
    if target is None:
        return escape(title)
    return f'<a href="{escape_attr(target)}">{escape(title)}</a>'


_LINK_RE = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.DOTALL | re.IGNORECASE)
_TAG_RE = re.compile(r"<[^<>]*>")


def html_to_text(fragment: str) -> str:
    """Our HTML as plain text (the fallback when Telegram rejects the entities): links keep their URL."""

    def _link(m: re.Match[str]) -> str:
        url = html.unescape(m.group(1))
        label = _TAG_RE.sub("", m.group(2))
        return label if html.unescape(label).strip() == url else f"{label} ({escape(url)})"

    text = _LINK_RE.sub(_link, fragment)
    text = _TAG_RE.sub("", text)
    return html.unescape(text)


# ---------------------------------------------------------------------------------------------------
# splitting

_ATOM_RE = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_SENTENCE_END = set(".!?;…")
_CJK_SENTENCE_END = set("。！？；")
_CJK_SOFT = set("，、：）」』》")
_SPACE = set(" \t\u3000")
_JOINERS = {"\u200d", "\u200c"}


def _atoms(text: str, is_html: bool) -> list[str]:
    if not is_html:
        return list(text)
    out: list[str] = []
    pos = 0
    for m in _ATOM_RE.finditer(text):
        out.extend(text[pos : m.start()])
        out.append(m.group(0))
        pos = m.end()
    out.extend(text[pos:])
    return out


def _is_tag(atom: str) -> bool:
    return len(atom) > 1 and atom[0] == "<"


def _glued(ch: str) -> bool:
    """True when `ch` must stay with the character before it (combining marks, ZWJ, variation selectors…)."""
    if len(ch) != 1:
        return False
    code = ord(ch)
    return (
        ch in _JOINERS
        or unicodedata.combining(ch) != 0
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters (flag sequences)
    )


def _break_priority(atoms: list[str], p: int) -> int | None:
    """How good a split is before atoms[p]: 0 paragraph, 1 line, 2 sentence, 3 word, 4 anywhere; None never."""
    prev = atoms[p - 1]
    cur = atoms[p]
    if _glued(cur) or prev in _JOINERS:
        return None
    if prev == "\n":
        return 0 if p >= 2 and atoms[p - 2] == "\n" else 1
    if prev in _CJK_SENTENCE_END:
        return 2
    if prev in _SPACE:
        return 2 if p >= 2 and atoms[p - 2] in _SENTENCE_END else 3
    if prev in _CJK_SOFT:
        return 3
    return 4


def split_message(text: str, limit: int = TELEGRAM_LIMIT, *, is_html: bool = True) -> list[str]:
    """Split into messages of at most `limit` UTF-16 code units.

    Breaks at paragraph, then line, then sentence, then word boundaries, and only as a last resort
    between characters (never inside a tag, an entity, a surrogate pair or a ZWJ sequence). Tags open
    at a split are closed at the end of one part and reopened at the start of the next.
    """
    atoms = _atoms(text, is_html)
    widths = [utf16_len(a) for a in atoms]
    n = len(atoms)
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag) still open at `start`
    start = 0
    while start < n:
        # a part never starts with whitespace (Telegram strips it anyway)
        while start < n and atoms[start] in ("\n", " ", "\t"):
            start += 1
        if start >= n:
            break
        prefix = "".join(tag for _, tag in open_tags)
        budget = limit - utf16_len(prefix)
        stack = list(open_tags)
        closing = sum(len(name) + 3 for name, _ in stack)
        width = 0
        best: dict[int, tuple[int, list[tuple[str, str]]]] = {}
        p = start
        while p < n:
            atom = atoms[p]
            new_stack = stack
            new_closing = closing
            if is_html and _is_tag(atom):
                m = _TAG_NAME_RE.match(atom)
                if m:
                    name = m.group(2).lower()
                    if m.group(1):
                        if stack and stack[-1][0] == name:
                            new_stack = stack[:-1]
                            new_closing = closing - (len(name) + 3)
                    else:
                        new_stack = [*stack, (name, atom)]
                        new_closing = closing + len(name) + 3
            if width + widths[p] + new_closing > budget:
                break
            width += widths[p]
            stack, closing = new_stack, new_closing
            p += 1
            if p < n:
                prio = _break_priority(atoms, p)
                if prio is not None:
                    best[prio] = (p, stack)
        if p >= n:
            end, end_stack = n, stack
        elif best:
            end, end_stack = best[min(best)]
        elif p > start:  # nothing acceptable: cut where it stopped
            end, end_stack = p, stack
        else:  # a single atom wider than the limit (never produced by our rendering): skip it
            start += 1
            continue
        body = "".join(atoms[start:end]).rstrip()
        part = prefix + body + "".join(f"</{name}>" for name, _ in reversed(end_stack))
        plain = html_to_text(part) if is_html else part
        if plain.strip():
            parts.append(part)
        open_tags = list(end_stack)
        start = end
    return parts


# ---------------------------------------------------------------------------------------------------
# language and texts

def lang_from_code(language_code: str | None) -> str:
    return answer_language(None, language_code)


def lang_for(text: str | None, language_code: str | None) -> str:
    """The language to label an answer in: the question's script first, then the user's Telegram language."""
    return answer_language(text, language_code)


TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "sources": "来源",
        "sources_button": "📚 来源",
        "full_sources": "来源全文",
        "no_sources": "上一条回答没有引用来源。",
        "no_last": "还没有可以显示来源的回答。先问一个问题吧。",
        "expired": "这条回答已过期，请重新提问。",
        "thanks": "谢谢反馈！",
        "already": "已经收到你的评价了。",
        "error": "抱歉，暂时无法回答这个问题，请稍后再试。",
        "too_long": "问题太长了（最多 {n} 个字符），请精简后再问。",
        "ask_usage": "用法：/ask 你的问题\n例如：/ask 开源人才有什么政策？",
        "license_usage": "用法：/license 引入的许可证 项目的许可证\n例如：/license Apache-2.0 GPL-2.0-only",
        "license_title": "许可证兼容性",
        "verdict": "结论",
        "conditions": "条件",
        "notes": "说明",
        "references": "依据",
        "section": "章节",
        "status": "状态",
        "not_in_force": "（已失效或非现行）",
        "compatible": "✅ 兼容",
        "incompatible": "❌ 不兼容",
        "conditional": "⚠️ 有条件兼容",
        "unknown": "❔ 无法确定",
        "understood": "理解为",
    },
    "en": {
        "sources": "Sources",
        "sources_button": "📚 Sources",
        "full_sources": "Sources in full",
        "no_sources": "The last answer cites no sources.",
        "no_last": "There is no answer to show sources for yet. Ask a question first.",
        "expired": "This answer has expired; please ask again.",
        "thanks": "Thanks for the feedback!",
        "already": "You have already rated this answer.",
        "error": "Sorry, I can't answer that right now. Please try again later.",
        "too_long": "Your question is too long (at most {n} characters); please shorten it.",
        "ask_usage": "Usage: /ask your question\nFor example: /ask Is MPL-2.0 compatible with GPL-3.0?",
        "license_usage": "Usage: /license <inbound licence> <outbound licence>\n"
        "For example: /license Apache-2.0 GPL-2.0-only",
        "license_title": "Licence compatibility",
        "verdict": "Verdict",
        "conditions": "Conditions",
        "notes": "Notes",
        "references": "References",
        "section": "Section",
        "status": "Status",
        "not_in_force": "(no longer in force)",
        "compatible": "✅ compatible",
        "incompatible": "❌ incompatible",
        "conditional": "⚠️ compatible under conditions",
        "unknown": "❔ cannot be determined",
        "understood": "Understood as",
    },
}

HELP = {
    "zh": (
        "<b>源问 YuanBot</b>：南京开源政策与开源许可证问答助手。\n\n"
        "我可以回答：\n"
        "• 南京市及江苏省的开源相关政策（人才、资金扶持、项目申报……）\n"
        "• 开源许可证的义务与兼容性\n\n"
        "示例：\n"
        "• 开源人才有什么政策？\n"
        "• /license Apache-2.0 GPL-2.0-only\n"
        "• Is MPL-2.0 compatible with GPL-3.0?\n\n"
        "命令：\n"
        "/ask 问题 — 提问（群聊中使用，或 @我、回复我的消息）\n"
        "/license 引入许可证 项目许可证 — 检查许可证兼容性\n"
        "/sources — 上一条回答的完整来源\n"
        "/help — 显示本帮助\n\n"
        "每条回答下方可以点 👍 / 👎 评价。回答仅供参考，以政策原文为准。"
    ),
    "en": (
        "<b>YuanBot (源问)</b>: answers on Nanjing's open-source policy and open-source licensing.\n\n"
        "I can answer:\n"
        "• open-source policies of Nanjing and Jiangsu (talent, funding, project applications …)\n"
        "• obligations and compatibility of open-source licences\n\n"
        "Examples:\n"
        "• Is MPL-2.0 compatible with GPL-3.0?\n"
        "• /license Apache-2.0 GPL-2.0-only\n"
        "• 开源人才有什么政策？\n\n"
        "Commands:\n"
        "/ask question — ask (in groups, or mention me / reply to me)\n"
        "/license inbound outbound — check licence compatibility\n"
        "/sources — the full sources of the last answer\n"
        "/help — this help\n\n"
        "Rate each answer with 👍 / 👎. Answers are for reference; the official texts prevail."
    ),
}


def t(lang: str, key: str, **kwargs: object) -> str:
    text = TEXTS.get(lang, TEXTS["en"])[key]
    return text.format(**kwargs) if kwargs else text


# ---------------------------------------------------------------------------------------------------
# rendering


def _source_line(index: int, source: Source, lang: str) -> str:
    line = f"{index}. {link(source.title, source.url)}"
    if source.section:
        line += f" · {escape(source.section)}"
    if source.status and source.status not in ("in_force", "active", "current"):
        line += f" {escape(t(lang, 'not_in_force'))}"
    return line


def _bullets(items: Iterable[str]) -> list[str]:
    return [f"• {escape(item)}" for item in items if item and item.strip()]


def render_license(check: LicenseCheck, lang: str) -> str:
    lines = [
        f"<b>{escape(t(lang, 'license_title'))}: {escape(check.inbound)} → {escape(check.outbound)}</b>",
        f"{escape(t(lang, 'verdict'))}: <b>{escape(t(lang, check.verdict))}</b>",
    ]
    explanation = check.explanation_en if lang == "en" and check.explanation_en else check.explanation
    if explanation and explanation.strip():
        lines += ["", escape(explanation.strip())]
    if check.conditions:
        lines += ["", f"<b>{escape(t(lang, 'conditions'))}</b>", *_bullets(check.conditions)]
    if check.notes:
        lines += ["", f"<b>{escape(t(lang, 'notes'))}</b>", *_bullets(check.notes)]
    if check.sources:
        lines += ["", f"<b>{escape(t(lang, 'references'))}</b>"]
        lines += [f"• {link(ref.title, ref.url)}" for ref in check.sources]
    return "\n".join(lines)


def _with_table(answer: Answer) -> str:
    """The answer text, escaped; a comparison's Markdown table as aligned plain text in <pre>."""
    text = answer.answer.strip()
    parts = split_at_table(text) if answer.table is not None else None
    if parts is None or answer.table is None:
        return escape(text)
    before, after = parts
    return escape(before) + f"<pre>{escape(answer.table.as_text())}</pre>" + "\n" + escape(after)


def render_answer(answer: Answer, lang: str, *, max_sources: int = 5) -> str:
    """The answer message: text (or licence verdict), then the sources as tappable links."""
    if answer.license_check is not None:
        return render_license(answer.license_check, lang)
    parts = [_with_table(answer)]
    if answer.sources:
        lines = [f"<b>{escape(t(lang, 'sources'))}</b>"]
        lines += [_source_line(i, s, lang) for i, s in enumerate(answer.sources[:max_sources], start=1)]
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def render_sources(answer: Answer, lang: str) -> str | None:
    """Every source of an answer in full (title, section, status, passage); None when there are none."""
    blocks: list[str] = []
    for i, source in enumerate(answer.sources, start=1):
        block = [f"<b>[{i}]</b> {link(source.title, source.url)}"]
        meta = []
        if source.section:
            meta.append(f"{escape(t(lang, 'section'))}: {escape(source.section)}")
        if source.status and source.status not in ("in_force", "active", "current"):
            meta.append(f"{escape(t(lang, 'status'))}: {escape(source.status)}")
        if meta:
            block.append("<i>" + " · ".join(meta) + "</i>")
        if source.text.strip():
            block.append(f"<blockquote expandable>{escape(source.text.strip())}</blockquote>")
        blocks.append("\n".join(block))
    check = answer.license_check
    if check is not None and check.sources:
        refs = [f"<b>{escape(t(lang, 'references'))}</b>"]
        refs += [f"• {link(ref.title, ref.url)}" for ref in check.sources]
        blocks.append("\n".join(refs))
    if not blocks:
        return None
    return f"<b>{escape(t(lang, 'full_sources'))}</b>\n\n" + "\n\n".join(blocks)
