"""Every pair the OSADL matrix states (Yes / No / Same / Check dependency) must come out the same."""

from __future__ import annotations

import json

import pytest

from bot.licenses.rules import OSADL_MAP, OSADL_URL


def _osadl_pairs(data_dir):
    raw = json.loads((data_dir / "osadl" / "osadl-matrixseqexpl.json").read_text(encoding="utf-8"))
    for lead in raw["licenses"]:
        for c in lead["compatibilities"]:
            yield c["name"], lead["name"], c["compatibility"]


def test_matrix_is_complete(data_dir):
    pairs = list(_osadl_pairs(data_dir))
    assert len(pairs) == 115 * 115


def test_every_stated_osadl_pair_agrees(engine, data_dir):
    checked = 0
    mismatches = []
    for inbound, outbound, raw in _osadl_pairs(data_dir):
        if raw == "Unknown":
            continue
        r = engine.check(inbound, outbound)
        checked += 1
        if r.verdict != OSADL_MAP[raw] or r.inbound != inbound or r.outbound != outbound:
            mismatches.append((inbound, outbound, raw, r.verdict))
    assert checked > 12000
    assert mismatches == []


def test_osadl_unknown_is_never_compatible_without_other_evidence(engine, data_dir):
    bad = []
    for inbound, outbound, raw in _osadl_pairs(data_dir):
        if raw != "Unknown":
            continue
        r = engine.check(inbound, outbound)
        if r.verdict == "compatible" and (inbound, outbound) not in engine.rules.overrides:
            bad.append((inbound, outbound))
    assert bad == []


@pytest.mark.parametrize(
    "inbound,outbound,verdict",
    [
        ("MIT", "GPL-3.0-only", "compatible"),
        ("Apache-2.0", "GPL-2.0-only", "incompatible"),
        ("Apache-2.0", "GPL-3.0-only", "compatible"),
        ("GPL-2.0-only", "GPL-3.0-only", "incompatible"),
        ("GPL-2.0-or-later", "GPL-3.0-only", "compatible"),
        ("LGPL-2.1-only", "GPL-2.0-only", "conditional"),
        ("AGPL-3.0-only", "GPL-3.0-only", "conditional"),
        ("MPL-2.0", "MIT", "incompatible"),
        ("GPL-3.0-only", "GPL-3.0-only", "compatible"),
    ],
)
def test_osadl_spot_checks_with_explanations_and_sources(engine, inbound, outbound, verdict):
    r = engine.check(inbound, outbound)
    assert r.verdict == verdict
    assert r.explanation and r.explanation_en
    assert any(s.url == OSADL_URL for s in r.sources)


def test_explanations_are_our_own_wording(engine, data_dir):
    raw = json.loads((data_dir / "osadl" / "osadl-matrixseqexpl.json").read_text(encoding="utf-8"))
    osadl_sentences = {c["explanation"] for lead in raw["licenses"] for c in lead["compatibilities"]}
    for inbound, outbound in [
        ("MIT", "Apache-2.0"),
        ("GPL-2.0-only", "MIT"),
        ("Apache-2.0", "GPL-2.0-only"),
        ("EPL-2.0", "GPL-3.0-only"),
        ("OpenSSL", "MIT"),
    ]:
        r = engine.check(inbound, outbound)
        for s in osadl_sentences:
            if len(s) > 40:
                assert s not in r.explanation_en and s not in r.explanation
