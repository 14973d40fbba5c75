"""Every pair the OSADL matrix states (Yes / No / Same / Check dependency) comes out the same, unless a
higher-precedence source decides (licence texts / stewards, the licence's own exception or "or later"
terms, and, over OSADL's generic rules, the FSF list or a type source that calls the licence copyleft);
then the explanation says that the sources disagree."""

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


def _finding(engine, inbound, outbound):
    return engine.pairs.judge(engine.parser.parse(inbound)[0], engine.parser.parse(outbound)[0], None)


def _stance(verdict):
    return {"compatible": "yes", "conditional": "yes", "incompatible": "no"}.get(verdict)


def test_every_stated_osadl_pair_agrees_unless_a_higher_source_decides(engine, data_dir):
    checked, overruled, unexplained = 0, [], []
    for inbound, outbound, raw in _osadl_pairs(data_dir):
        if raw == "Unknown":
            continue
        r = engine.check(inbound, outbound)
        checked += 1
        assert r.inbound == inbound and r.outbound == outbound
        if r.verdict == OSADL_MAP[raw]:
            continue
        pair, f = engine.rules.osadl_pair(inbound, outbound), _finding(engine, inbound, outbound)
        higher = ("text", "derived", "fsf") if pair.generic else ("text", "derived")
        disputed = pair.kind == "generic-permissive" and engine.categories.copyleft_claim(inbound) is not None
        if f.layer not in higher and not (disputed and r.verdict == "conditional"):
            overruled.append((inbound, outbound, raw, r.verdict, f.layer))
        if _stance(r.verdict) != _stance(OSADL_MAP[raw]) and "OSADL" not in r.explanation_en:
            unexplained.append((inbound, outbound))
    assert checked > 12000
    assert overruled == []
    assert unexplained == []


def test_osadl_checklist_statements_are_overruled_only_by_licence_texts(engine, data_dir):
    for inbound, outbound, raw in _osadl_pairs(data_dir):
        pair = engine.rules.osadl_pair(inbound, outbound)
        if raw in ("Unknown", "Same") or pair.generic:
            continue
        r = engine.check(inbound, outbound)
        if _stance(r.verdict) != _stance(OSADL_MAP[raw]):
            assert _finding(engine, inbound, outbound).layer == "text", (inbound, outbound)


def test_osadl_unknown_is_never_compatible_without_other_evidence(engine, data_dir):
    bad = []
    for inbound, outbound, raw in _osadl_pairs(data_dir):
        if raw != "Unknown":
            continue
        r = engine.check(inbound, outbound)
        if r.verdict == "compatible" and _finding(engine, inbound, outbound).layer not in ("text", "fsf", "derived"):
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
