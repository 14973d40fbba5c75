from __future__ import annotations

from bot.licenses.render import render_license_answer


def test_render_zh(engine):
    text = render_license_answer(engine.check("Apache-2.0 OR MIT", "GPL-2.0-only"), "zh")
    assert "兼容" in text and "选择 MIT 分支" in text and "choose the MIT branch" not in text
    assert "依据" in text and "http" in text


def test_render_en(engine):
    text = render_license_answer(engine.check("GPL-2.0-only", "MIT"), "en")
    assert "Incompatible" in text and "Sources" in text
    assert "不兼容" not in text


def test_render_conditions_and_notes(engine):
    check = engine.check("LGPL-2.1", "闭源", use="dynamic")
    zh = render_license_answer(check, "zh")
    en = render_license_answer(check, "en")
    assert "有条件兼容" in zh and "1. " in zh and "说明" in zh
    assert "Compatible under conditions" in en and "Notes" in en
    assert "proprietary" in en


def test_render_unknown(engine):
    text = render_license_answer(engine.check("OpenSSL", "Apache-2.0"), "zh")
    assert "无法确定" in text
