"""Escaping, rendering and splitting, checked with the fake server's strict Telegram HTML parser."""

from __future__ import annotations

import pytest

from adapters.telegram.format import (
    TELEGRAM_LIMIT,
    escape,
    html_to_text,
    lang_for,
    render_answer,
    render_sources,
    split_message,
    utf16_len,
)
from bot.types import Answer, Source
from tests.telegram.fake_bot_api import EntityError, parse_html
from tests.telegram.fakes import license_answer


def test_escape_makes_nasty_text_valid_html() -> None:
    nasty = "<script>alert('x')</script> a < b && c > d &amp; &#x1F600; <b>"
    escaped = escape(nasty)
    assert parse_html(escaped) == nasty  # Telegram shows exactly what the core wrote
    with pytest.raises(EntityError):
        parse_html(nasty)


def test_fake_parser_is_strict() -> None:
    assert parse_html('<b>x</b> <a href="https://a.b/?q=1&amp;r=2">l</a>') == "x l"
    for bad in ("<b>x", "<i>x</b>", "<div>x</div>", "a & b", '<a href="javascript:x">l</a>', "x > y"):
        with pytest.raises(EntityError):
            parse_html(bad)


def test_render_answer_escapes_answer_and_titles_and_links_sources() -> None:
    answer = Answer(
        answer="Use <code> & enjoy",
        status="answered",
        sources=[
            Source(
                id="1",
                title="A <b>&</b> title",
                section="§ <3>",
                text="t",
                score=1.0,
                url='https://example.org/x?a=1&b=2"><script>',
            ),
            Source(id="2", title="js", section="", text="t", score=1.0, url="javascript:alert(1)"),
        ],
    )
    out = render_answer(answer, "en")
    visible = parse_html(out)
    assert "Use <code> & enjoy" in visible
    assert "A <b>&</b> title" in visible and "§ <3>" in visible
    assert '<a href="javascript' not in out  # only http(s) links become tappable
    assert '<a href="https://example.org/x?a=1&amp;b=2&quot;&gt;&lt;script&gt;">' in out
    assert visible.startswith("Use <code>") and "Sources" in visible


def test_render_license_in_both_languages() -> None:
    answer = license_answer("Apache-2.0", "GPL-2.0-only")
    en = parse_html(render_answer(answer, "en"))
    zh = parse_html(render_answer(answer, "zh"))
    assert "Apache-2.0 → GPL-2.0-only" in en and "incompatible" in en
    assert "conflict with GPL-2.0 <see FSF>" in en and "Relicense as GPL-3.0 & keep NOTICE" in en
    assert "FSF licence list" in en and "OSADL matrix" in en
    assert "不兼容" in zh and "<见 FSF>" in zh and "条件" in zh
    full = render_sources(answer, "en")
    assert full is not None and "gnu.org" in full


def test_render_sources_full_text_escaped_and_none_without_sources() -> None:
    answer = Answer(
        answer="x",
        status="answered",
        sources=[
            Source(id="1", title="T", section="S", text="<script>&</script>", score=1, status="repealed")
        ],
    )
    out = render_sources(answer, "zh")
    assert out is not None
    visible = parse_html(out)
    assert "<script>&</script>" in visible and "repealed" in visible
    assert render_sources(Answer(answer="x", status="no_answer"), "en") is None


def _check_parts(parts: list[str], original_visible: str, limit: int = TELEGRAM_LIMIT) -> None:
    assert parts
    for part in parts:
        assert utf16_len(part) <= limit
        parse_html(part)  # every part is valid Telegram HTML on its own
    joined = "".join(parse_html(p) for p in parts)
    squash = lambda s: "".join(s.split())
    assert squash(joined) == squash(original_visible)  # nothing lost, nothing duplicated


def test_split_5000_character_answer_on_paragraphs() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 98 for i in range(10)]  # ~500 chars each
    text = escape("\n\n".join(paragraphs))
    assert len(text) > 5000
    parts = split_message(text)
    assert len(parts) == 2
    _check_parts(parts, "\n\n".join(paragraphs))
    assert parts[1].startswith("Paragraph")  # broke at a paragraph boundary


def test_split_counts_utf16_for_emoji() -> None:
    text = "😀" * 3000  # 3000 code points, 6000 UTF-16 code units
    parts = split_message(text, is_html=False)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert all("\ud83d" not in p for p in parts)  # never split a surrogate pair
    zwj = "👩‍💻" * 1500  # ZWJ sequences must not be split
    for part in split_message(zwj, is_html=False):
        assert part.startswith("👩") and part.endswith("💻")


def test_split_prefers_sentences_then_never_breaks_entities() -> None:
    sentence = "开源人才政策包括安家补贴。"
    text = sentence * 400  # no spaces, no newlines: only CJK sentence ends
    parts = split_message(text, is_html=False)
    assert all(p.endswith("。") for p in parts)
    escaped = escape("a&b<c>" * 1000)
    parts = split_message(escaped)
    for part in parts:
        assert not part.endswith("&") and "&am" not in part.replace("&amp;", "")
    _check_parts(parts, "a&b<c>" * 1000)


def test_split_closes_and_reopens_tags() -> None:
    text = "<b>Title</b>\n<blockquote expandable>" + escape("x < y & z. " * 800) + "</blockquote>"
    parts = split_message(text)
    assert len(parts) >= 3
    assert all(p.startswith("<blockquote expandable>") for p in parts[1:])
    _check_parts(parts, "Title\n" + "x < y & z. " * 800)


def test_split_small_text_is_unchanged_and_blank_is_dropped() -> None:
    assert split_message("<b>hi</b> &amp; bye") == ["<b>hi</b> &amp; bye"]
    assert split_message("  \n\n ") == []


def test_html_to_text_keeps_link_targets() -> None:
    assert html_to_text('<b>A &amp; B</b> <a href="https://x.org/?a=1&amp;b=2">doc</a>') == (
        "A & B doc (https://x.org/?a=1&b=2)"
    )


def test_lang_for() -> None:
    assert lang_for("开源人才有什么政策？", "en") == "zh"
    assert lang_for("Is MPL-2.0 compatible with GPL-3.0?", "zh-hans") == "en"
    assert lang_for("1234", "zh-hans") == "zh"
    assert lang_for("1234", None) == "en"


def test_a_comparison_table_is_aligned_text_in_pre() -> None:
    answer = Answer(
        answer="MIT vs Apache-2.0:\n\n| Aspect | MIT | Apache-2.0 |\n| --- | --- | --- |\n"
               "| Patent grant | not addressed[1] | express grant[2] |\n\n<legend> & notes",
        status="answered",
        sources=[Source(id="1", title="MIT", section="", text="…", score=1.0),
                 Source(id="2", title="Apache", section="§3", text="…", score=1.0)],
        table={"columns": ["Aspect", "MIT", "Apache-2.0"], "rows": [["Patent grant", "not addressed[1]", "express grant[2]"]]},
    )
    html_text = render_answer(answer, "en")
    parse_html(html_text)  # valid Telegram HTML
    pre = html_text[html_text.index("<pre>") + 5:html_text.index("</pre>")]
    assert pre.split("\n")[0].startswith("Aspect        MIT")
    assert "Patent grant  not addressed[1]  express grant[2]" in pre
    assert "| --- |" not in html_text and "&lt;legend&gt; &amp; notes" in html_text
