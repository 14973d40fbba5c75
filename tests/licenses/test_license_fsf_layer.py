"""The FSF licence list layer: one test per FSF entry the engine uses (per SPDX id, into GPL-2.0-only and
GPL-3.0-only), the documented corrections, and how a disagreement with a higher layer is shown."""

from __future__ import annotations

import json

import pytest

from bot.licenses.engine import LicenseEngine
from bot.licenses.rules import load_yaml_text
from tests.licenses.conftest import RULE_DATA

_ENGINE = LicenseEngine(RULE_DATA)  # for the parameter list only; tests use the shared fixture
FSF_PAIRS = [(spdx, out) for spdx in sorted(_ENGINE.fsf.entries) for out in ("GPL-2.0-only", "GPL-3.0-only")]
HIGHER = ("text", "osadl", "derived")  # layers that outrank the FSF list


def _stance(verdict: str) -> str | None:
    return {"compatible": "yes", "conditional": "yes", "incompatible": "no"}.get(verdict)


@pytest.mark.parametrize("spdx,outbound", FSF_PAIRS, ids=[f"{s}->{o}" for s, o in FSF_PAIRS])
def test_fsf_entry(engine, spdx, outbound):
    """The engine agrees with the FSF, or a higher-precedence layer decided and the answer says so."""
    entry = engine.fsf.get(spdx)
    expected = "yes" if entry.gpl_compatible(outbound[4]) else "no"
    r = engine.check(spdx, outbound)
    assert r.verdict != "unknown"
    if _stance(r.verdict) == expected:
        assert any(s.url == entry.url for s in r.sources) or r.verdict == "compatible" and spdx == outbound
        return
    layer = engine.pairs.judge(engine.parser.parse(spdx)[0], engine.parser.parse(outbound)[0], None).layer
    assert layer in HIGHER, (spdx, outbound, layer)
    assert "FSF licence list" in r.explanation_en and "FSF 许可证列表" in r.explanation


def test_enough_fsf_entries_are_used(engine):
    assert len(FSF_PAIRS) >= 260
    disagree = [p for p in FSF_PAIRS if _stance(engine.check(*p).verdict)
                != ("yes" if engine.fsf.get(p[0]).gpl_compatible(p[1][4]) else "no")]
    assert len(disagree) / len(FSF_PAIRS) <= 0.03, disagree


def test_corrections_are_documented_and_resolve(engine, data_dir):
    raw = json.loads((data_dir / "fsf" / "licenses-full.json").read_text(encoding="utf-8"))["licenses"]
    fixes = load_yaml_text((data_dir / "fsf" / "corrections.yaml").read_text(encoding="utf-8"))
    for item in fixes["drop"] + fixes["add"] + fixes["tags"]:
        assert len(item["reason"]) > 30
    for item in fixes["drop"]:
        assert item["spdx"] in raw[item["fsf"]]["identifiers"]["spdx"]
        assert all(e.fsf_id != item["fsf"] or e.spdx != item["spdx"] for e in engine.fsf.entries.values())
    for item in fixes["add"]:
        assert item["fsf"] in raw
        for sid in item["spdx"]:
            assert engine.fsf.get(engine.resolve(sid)).fsf_id == item["fsf"]
    for item in fixes["tags"]:
        entry = engine.fsf.get(item["spdx"])
        assert set(item.get("add", [])) <= entry.tags and not set(item.get("remove", [])) & entry.tags
        assert entry.corrected == item["reason"]
    assert engine.fsf.unmapped == []


@pytest.mark.parametrize(
    "inbound,outbound,verdict",
    [
        # the examples: the FSF has a clear answer where the engine said "unknown"
        ("AFL-3.0", "GPL-2.0-only", "incompatible"),
        ("AFL-3.0", "GPL-3.0-only", "incompatible"),
        ("Aladdin", "GPL-2.0-only", "incompatible"),
        ("OSL-3.0", "GPL-3.0-only", "incompatible"),
        ("MS-PL", "GPL-2.0-only", "incompatible"),
        ("ClArtistic", "GPL-2.0-only", "compatible"),
        ("CC-BY-4.0", "GPL-2.0-only", "compatible"),
        # Sleepycat: the FSF (GPL-compatible) outranks OSADL's generic "two copylefts" rule
        ("Sleepycat", "GPL-2.0-only", "compatible"),
        ("Sleepycat", "GPL-3.0-only", "compatible"),
        # corrections: GPLv2-or-later may be used under GPLv3; Apache-2.0 is not GPLv2-compatible
        ("GPL-2.0-or-later", "GPL-3.0-only", "compatible"),
        ("Apache-2.0", "GPL-2.0-only", "incompatible"),
        ("PSF-2.0", "GPL-2.0-only", "compatible"),
        # GPL-N-or-later outbound: a GPLv3-only licence narrows the combined work to GPLv3
        ("CC-BY-SA-4.0", "GPL-2.0-or-later", "conditional"),
        ("GPL-2.0-only", "GPL-2.0-or-later", "conditional"),
        # non-free into any free licence
        ("JSON", "MIT", "incompatible"),
        ("NASA-1.3", "Apache-2.0", "incompatible"),
    ],
)
def test_fsf_examples(engine, inbound, outbound, verdict):
    r = engine.check(inbound, outbound)
    assert r.verdict == verdict, r.explanation_en
    assert any((s.url or "").startswith("https://www.gnu.org/licenses/license-list.html#") for s in r.sources)


def test_disagreement_is_named_and_precedence_decides(engine):
    r = engine.check("Sleepycat", "GPL-2.0-only")
    assert "OSADL generic rule: no" in r.explanation_en and "FSF licence list: compatible" in r.explanation_en
    assert "OSADL 通用规则：不可以" in r.explanation
    r = engine.check("IJG", "GPL-2.0-only")  # OSADL's checklist outranks the FSF list
    assert r.verdict == "incompatible"
    assert "OSADL checklist: incompatible; FSF licence list: GPLv2-compatible" in r.explanation_en
    r = engine.check("Apache-2.0", "GPL-2.0-or-later")  # OSADL: no; FSF: only under GPLv3
    assert r.verdict == "incompatible" and "FSF licence list: GPLv3-compatible only" in r.explanation_en
    assert any("GPLv3" in n for n in r.notes)  # the pair note says how it can still work
    r = engine.check("MIT", "GPL-2.0-only")  # agreeing layers are all cited
    urls = {s.url for s in r.sources}
    assert "https://www.gnu.org/licenses/license-list.html#Expat" in urls
    assert any("osadl.org" in (u or "") for u in urls)
