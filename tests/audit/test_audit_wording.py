"""The audit wording table: every sentence has a Chinese and an English half that format with one set of
parameters, and the readers use the table (no prose left in the parsers)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.licenses.audit_wording import TEXTS, both, pair

CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(__file__).resolve().parents[2]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_sentence_has_both_halves(key: str) -> None:
    zh, en = TEXTS[key]
    params = {name: f"<{name}>" for name in _fields(zh) | _fields(en)}
    out_zh, out_en = pair(key, **params)
    assert CJK.search(out_zh) and not CJK.search(out_en), key
    assert " / " not in out_zh and "\n" not in out_zh + out_en
    shared = {n for n in params if not n.endswith(("_zh", "_en")) and n != "plural"}  # language-specific aside
    for name in shared:  # a value shown in one language is shown in the other
        assert (f"<{name}>" in out_zh) == (f"<{name}>" in out_en), (key, name)
    assert both(key, **params) == f"{out_zh} / {out_en}"


@pytest.mark.parametrize("module", ["sbom_spdx", "sbom_spdx_lenient", "sbom_spdx_fields", "sbom_cyclonedx", "sbom_table", "sbom_model", "audit_resolve"])
def test_readers_keep_no_prose_of_their_own(module: str) -> None:
    source = (ROOT / "bot" / "licenses" / f"{module}.py").read_text(encoding="utf-8")
    assert not CJK.search(source), module
