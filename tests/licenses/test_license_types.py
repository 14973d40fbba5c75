"""Licence types: never "permissive" by guess, and no wrong "compatible" for copyleft or non-free code —
checked over every licence in the ScanCode LicenseDB index that has a (current) SPDX id."""

from __future__ import annotations

import pytest

PERMISSIVE_OUT = ("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib")
OPEN_OUT = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "GPL-3.0-only", "LGPL-2.1-only", "MPL-2.0",
            "EPL-2.0", "AGPL-3.0-only")
NON_FREE = ("Proprietary Free", "Source-available", "Commercial", "Free Restricted")
SUPPORTED = ("text", "osadl", "fsf", "derived", "same")  # layers that speak about the pair itself


@pytest.fixture(scope="module")
def spdx_ids(engine):
    ids = sorted(lid for lid in engine.scancode.categories if lid in engine.catalog.licenses
                 and not lid.startswith("LicenseRef-") and not engine.catalog.licenses[lid].deprecated)
    assert len(ids) > 600
    return ids


def _layer(engine, inbound, outbound):
    return engine.pairs.judge(engine.parser.parse(inbound)[0], engine.parser.parse(outbound)[0], None).layer


def test_never_permissive_by_guess(engine, spdx_ids):
    """A licence is permissive only when a source says so: our classification or ScanCode's category."""
    for lid in spdx_ids + sorted(engine.catalog.licenses):
        kind = engine.categories.kind(lid)
        if kind.kind in ("permissive", "public domain"):
            assert kind.source in ("yuanbot", "scancode") and kind.reference is not None, lid
            if kind.source == "scancode":
                assert engine.scancode.category(lid) in ("Permissive", "Public Domain"), lid
        if kind.source == "none":
            assert kind.kind == "unclassified"


def test_osi_or_fsf_approval_alone_is_not_permissive(engine):
    # OSI-approved / FSF-libre copyleft licences outside our classification: ScanCode's type decides
    for lid in ("CERN-OHL-S-2.0", "LPPL-1.3a", "GFDL-1.2-only", "OSL-3.0", "Sleepycat", "EUPL-1.1"):
        assert engine.category(lid) in ("weak copyleft", "strong copyleft", "network copyleft"), lid


def test_copyleft_is_never_compatible_with_a_permissive_project(engine, spdx_ids):
    wrong = []
    for lid in spdx_ids:
        if engine.scancode.category(lid) in ("Copyleft", "Copyleft Limited"):
            wrong += [(lid, out) for out in PERMISSIVE_OUT if engine.check(lid, out).verdict == "compatible"]
    assert wrong == []


def test_non_free_is_never_compatible_with_open_source_or_proprietary(engine, spdx_ids):
    wrong = []
    for lid in spdx_ids:
        fsf = engine.fsf.get(lid)
        if engine.scancode.category(lid) in NON_FREE or (fsf is not None and fsf.non_free):
            for out in (*OPEN_OUT, "proprietary"):
                for use in (None, "saas"):
                    if engine.check(lid, out, use).verdict == "compatible":
                        wrong.append((lid, out, use))
    assert wrong == []


def test_compatible_needs_a_source(engine, spdx_ids):
    """'compatible' into MIT: a pair-level source says so, or a source says the inbound licence is permissive."""
    for lid in spdx_ids:
        r = engine.check(lid, "MIT")
        if r.verdict != "compatible":
            continue
        kind = engine.categories.kind(lid)
        assert _layer(engine, lid, "MIT") in SUPPORTED or (
            kind.kind in ("permissive", "public domain") and kind.reference is not None
        ), lid
        assert r.sources


@pytest.mark.parametrize(
    "inbound,outbound,verdict",
    [
        # the wrong "compatible, both permissive" verdicts
        ("CERN-OHL-S-2.0", "MIT", "incompatible"),
        ("LPPL-1.3a", "Apache-2.0", "incompatible"),
        ("GFDL-1.2-only", "MIT", "incompatible"),
        ("OFL-1.1", "MIT", "incompatible"),
        # the advertising clause travels into the product (licence text layer)
        ("BSD-4-Clause", "Apache-2.0", "conditional"),
        ("BSD-4-Clause", "MIT", "conditional"),
        ("BSD-4-Clause-Shortened", "GPL-3.0-only", "incompatible"),
        # a type source calls it copyleft although OSADL's generic rule says non-copyleft: not plain "compatible"
        ("Artistic-2.0", "MIT", "conditional"),
        # source-available / restricted / non-commercial
        ("BUSL-1.1", "Apache-2.0", "incompatible"),
        ("SSPL-1.0", "MIT", "incompatible"),
        ("Hippocratic-2.1", "GPL-3.0-only", "incompatible"),
        ("BSD-3-Clause-No-Nuclear-License", "MIT", "incompatible"),
        ("CC-BY-NC-4.0", "proprietary", "incompatible"),
    ],
)
def test_type_examples(engine, inbound, outbound, verdict):
    r = engine.check(inbound, outbound)
    assert r.verdict == verdict, r.explanation_en
    assert r.sources


def test_advertising_clause_answer(engine):
    r = engine.check("BSD-4-Clause", "Apache-2.0")
    assert any("advertising" in c for c in r.conditions)
    assert "OSADL generic rule: yes" not in r.explanation_en  # same stance (yes): cited, not a disagreement
    assert any("advertising clause" in s.title for s in r.sources)


def test_copyleft_type_from_scancode_is_cited(engine):
    r = engine.check("CERN-OHL-S-2.0", "MIT")
    assert any(s.title.startswith("ScanCode LicenseDB: cern-ohl-s-2.0") for s in r.sources)
    assert engine.describe("CERN-OHL-S-2.0").category_sources[0].url.startswith("https://scancode-licensedb")


def test_unknown_type_stays_unknown_with_what_to_check(engine):
    unclassified = [lid for lid in sorted(engine.catalog.licenses)
                    if engine.categories.kind(lid).source == "none" and lid != "proprietary"
                    and not engine.catalog.licenses[lid].deprecated
                    and engine.rules.osadl_pair(lid, "MIT") is None and engine.fsf.get(lid) is None]
    assert unclassified
    for lid in unclassified[:10]:
        r = engine.check(lid, "MIT")
        assert r.verdict == "unknown", lid
        assert "Read" in r.explanation_en and "advertising" in r.explanation_en
        assert engine.check(lid, "proprietary").verdict == "unknown"


def _permissive_only_by_type(engine, spdx_ids, outbound):
    """Permissive licences (by a source) that no pair-level layer speaks about for `outbound`."""
    return [lid for lid in spdx_ids if engine.categories.of(lid) == "permissive"
            and _layer(engine, lid, outbound) == "type" and engine.fsf.get(lid) is None
            and engine.rules.kind_rule(lid, "permissive") is None]


@pytest.mark.parametrize("outbound,clause", [("MPL-2.0", "§3.3 Distribution of a Larger Work"),
                                             ("EPL-2.0", "\"Contribution\" and \"Modified Works\"")])
def test_permissive_into_file_level_copyleft_cites_the_clause(engine, spdx_ids, outbound, clause):
    ids = _permissive_only_by_type(engine, spdx_ids, outbound)
    assert len(ids) > 100  # the rule is what answers these pairs
    for lid in ids:
        r = engine.check(lid, outbound)
        assert r.verdict == "compatible", lid
        assert any(clause in s.title for s in r.sources), lid
        assert r.conditions[0].endswith(f"Keep the {lid} code in its own files under {lid}, with its notices; "
                                        f"do not merge it into {outbound} files")
        assert engine.categories.kind(lid).reference in r.sources  # and the source that calls it permissive


def test_file_level_rule_does_not_reach_other_copylefts_or_advertising_clauses(engine, spdx_ids):
    ids = _permissive_only_by_type(engine, spdx_ids, "MPL-2.0")
    for outbound in ("LGPL-2.1-only", "EPL-1.0", "CDDL-1.0"):  # not file-level in the sense cited: unchanged
        for lid in ids[:20]:
            if _layer(engine, lid, outbound) == "type":
                assert engine.check(lid, outbound).verdict != "compatible" or engine.fsf.get(lid), (lid, outbound)
    advertising = engine.check("BSD-Advertising-Acknowledgement", "MPL-2.0")
    assert advertising.verdict != "compatible"  # its clause reaches the whole product
