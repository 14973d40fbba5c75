"""Bad input: each one is an SbomError with one sentence naming the problem, never a crash."""

from __future__ import annotations

import time

import pytest

from bot.licenses.audit import Auditor
from bot.licenses.sbom import SbomError, parse_sbom

from .support import HOSTILE, component, cyclonedx


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_one_clear_sentence(name: str) -> None:
    data, code, words = HOSTILE[name]
    started = time.perf_counter()
    with pytest.raises(SbomError) as info:
        list(parse_sbom(data, "upload").components())
    assert time.perf_counter() - started < 5
    error = info.value
    assert error.code == code
    assert words in str(error)
    message = str(error)
    assert "\n" not in message and len(message) < 400
    assert error.zh and error.en and message == f"{error.zh} / {error.en}"


def test_huge_licence_string_is_capped_and_reported_unresolved(auditor: Auditor) -> None:
    huge = "GPL-2.0-only OR " * 70_000 + "MIT"  # ~1 MB in one licence field
    report = auditor.audit_bytes(cyclonedx([component("big", {"license": {"name": huge}}),
                                            component("ok", {"license": {"id": "MIT"}})]), "MIT")
    rows = {c.name: c for c in report.components}
    assert rows["big"].verdict == "unresolved" and "too long" in rows["big"].reason_en
    assert len(rows["big"].declared) <= 300  # clipped in the report
    assert rows["ok"].verdict == "compatible"
    assert len(report.model_dump_json()) < 200_000


def test_huge_expression_field_is_capped_too(auditor: Auditor) -> None:
    report = auditor.audit_bytes(cyclonedx([component("big", {"expression": "(" * 5000 + "MIT" + ")" * 5000})]), "MIT")
    [row] = report.components
    assert row.verdict == "unresolved" and "too long" in row.reason_en
