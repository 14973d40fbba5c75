"""Bad input: each one is an SbomError with one sentence naming the problem, never a crash."""

from __future__ import annotations

import json
import time

import pytest

from bot.licenses.audit import Auditor
from bot.licenses.sbom import SbomError, parse_sbom

from .support import HOSTILE, MISSHAPEN, component, cyclonedx, spdx_document


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
    assert error.en.count("not an SBOM") <= 1 and error.zh.count("不是 SBOM") <= 1  # said once, not repeated


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


@pytest.mark.parametrize("name", list(MISSHAPEN))
def test_misshapen_spdx_fields_are_read_leniently_and_named(name: str) -> None:
    data, words = MISSHAPEN[name]
    document = parse_sbom(data, "upload.spdx.json")
    [lib] = list(document.components())  # the described package (the product) is still left out
    assert lib.name == "lib" and lib.licenses[0].expression == "MIT"
    assert any(words in note for note in document.notes), document.notes


def test_the_valid_spdx_base_of_the_misshapen_cases_is_read_strictly() -> None:
    """Guards the table above: without the bad field the document parses with spdx-tools, with no note."""
    document = parse_sbom(json.dumps(spdx_document()).encode(), "upload.spdx.json")
    assert [c.name for c in document.components()] == ["lib"] and document.notes == []
    assert next(iter(document.components())).purl == "pkg:npm/lib@2.0"
