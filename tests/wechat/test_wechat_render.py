"""Answers become WeChat-sized plain text."""

from __future__ import annotations

import unicodedata

from adapters.wechat.render import (
    MAX_REPLY_BYTES,
    MORE_HINT,
    plain_text,
    render_answer,
    split_reply,
    utf8_len,
    with_hint,
)
from bot.types import Answer, Source


def test_markdown_is_stripped_and_sources_are_short_lines():
    answer = Answer(
        answer="## 扶持政策\n**重点**支持 `开源` 项目，详见[通知](https://example.gov.cn/a)。\n- 第一条\n* 第二条",
        status="answered",
        sources=[Source(id="1", title="南京市开源政策", section="第三条", text="…", score=0.9),
                 Source(id="2", title="南京市开源政策", section="第三条", text="…", score=0.8),
                 Source(id="3", title="MIT License", section="", text="…", score=0.7)],
    )
    text = render_answer(answer)
    assert "#" not in text and "**" not in text and "`" not in text and "](" not in text
    assert "重点支持 开源 项目" in text and "• 第一条" in text and "• 第二条" in text
    assert text.endswith("【来源】南京市开源政策 · 第三条\n【来源】MIT License")


def test_split_fits_2048_bytes_on_character_boundaries():
    text = "".join(f"第{i}段：南京开源政策😀说明。" for i in range(400))
    pieces, rest = [], text
    while rest:
        head, rest = split_reply(rest)
        shown = with_hint(head, rest)
        assert utf8_len(shown) <= MAX_REPLY_BYTES
        assert shown.endswith(MORE_HINT) == bool(rest)
        pieces.append(head)
    assert "".join(pieces) == text
    assert len(pieces) > 2


def test_short_text_is_not_split():
    assert split_reply("短") == ("短", "")
    assert plain_text("***") == ""


COMPARISON = Answer(
    answer="MulanPSL-2.0 与 Apache-2.0 对比：\n\n| 方面 | MulanPSL-2.0 | Apache-2.0 |\n| --- | --- | --- |\n"
           "| 类型 | 宽松型 | 宽松型 |\n| 商标 | 不授予[1] | 不授予[2] |\n\n“—”表示条文未就此作出规定。",
    status="answered",
    sources=[Source(id="1", title="Mulan", section="§3 无商标许可", text="…", score=1.0),
             Source(id="2", title="Apache", section="§6 Trademarks", text="…", score=1.0)],
    table={"columns": ["方面", "MulanPSL-2.0", "Apache-2.0"],
           "rows": [["类型", "宽松型", "宽松型"], ["商标", "不授予[1]", "不授予[2]"]]},
)


def width(text: str) -> int:
    """Display cells: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def test_a_comparison_table_becomes_aligned_plain_text():
    text = render_answer(COMPARISON)
    assert "|" not in text and "---" not in text
    lines = text.split("\n")
    header = next(line for line in lines if line.startswith("方面"))
    row = next(line for line in lines if line.startswith("商标"))
    assert width(header[:header.index("Apache-2.0")]) == width(row[:row.index("不授予[2]")])  # aligned on screen
    assert text.index("MulanPSL-2.0 与 Apache-2.0 对比") < text.index("方面") < text.index("表示条文未就此作出规定")
    assert "【来源】Mulan · §3 无商标许可" in text
