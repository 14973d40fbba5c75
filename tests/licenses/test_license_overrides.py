"""The override layer, proprietary targets, exceptions, or-later semantics — table-driven."""

from __future__ import annotations

import pytest

from bot.licenses.rules import OSADL_MAP, load_yaml_text


def _rules(data_dir):
    doc = load_yaml_text((data_dir / "overrides.yaml").read_text(encoding="utf-8"))
    for r in doc["rules"]:
        ins = r["inbound"] if isinstance(r["inbound"], list) else [r["inbound"]]
        outs = r["outbound"] if isinstance(r["outbound"], list) else [r["outbound"]]
        for i in ins:
            for o in outs:
                yield i, o, r


def test_every_override_rule_has_a_source(data_dir):
    rules = list(_rules(data_dir))
    assert len(rules) >= 30
    for i, o, r in rules:
        srcs = r["source"] if isinstance(r["source"], list) else [r["source"]]
        assert srcs and all(s.get("title") for s in srcs), (i, o)
        assert r["verdict"] in ("compatible", "incompatible", "conditional", "unknown")
        assert r["reason_zh"] and r["reason_en"]


def test_override_rules_decide_and_say_when_osadl_disagrees(engine, data_dir):
    """Licence texts and stewards are the highest-precedence layer."""
    for i, o, r in _rules(data_dir):
        res = engine.check(i, o)
        assert res.verdict == r["verdict"], (i, o)
        titles = {s.title for s in res.sources}
        rule_srcs = r["source"] if isinstance(r["source"], list) else [r["source"]]
        assert any(s["title"] in titles for s in rule_srcs)
        pair = engine.rules.osadl_pair(i, o)
        stance = {"compatible": "yes", "conditional": "yes", "incompatible": "no"}
        if pair is not None and pair.raw != "Unknown" and stance.get(OSADL_MAP[pair.raw]) != stance.get(r["verdict"]):
            assert "OSADL" in res.explanation_en, (i, o)


@pytest.mark.parametrize(
    "inbound,outbound,verdict",
    [
        ("MulanPSL-2.0", "Apache-2.0", "compatible"),
        ("MulanPSL-2.0", "GPL-3.0-only", "compatible"),
        ("MulanPSL-2.0", "GPL-3.0-or-later", "compatible"),
        ("MulanPSL-2.0", "MIT", "compatible"),
        ("MIT", "MulanPSL-2.0", "compatible"),
        ("Apache-2.0", "MulanPSL-2.0", "compatible"),
        ("GPL-3.0-only", "MulanPSL-2.0", "incompatible"),
        ("MulanPubL-2.0", "GPL-3.0-only", "compatible"),
        ("MulanPubL-2.0", "AGPL-3.0-only", "compatible"),
        ("MulanPubL-2.0", "MIT", "incompatible"),
        ("MulanPubL-2.0", "Apache-2.0", "incompatible"),
        ("MulanPubL-2.0", "proprietary", "incompatible"),
        ("MulanPSL-2.0", "proprietary", "compatible"),
        ("MulanPubL-1.0", "GPL-3.0-only", "unknown"),
        ("MIT", "MulanPubL-2.0", "compatible"),
        ("Apache-2.0", "EUPL-1.2", "compatible"),
        ("CC-BY-NC-4.0", "MIT", "incompatible"),
        ("MIT-0", "GPL-2.0-only", "compatible"),
        ("PSF-2.0", "GPL-3.0-only", "compatible"),
    ],
)
def test_override_and_generic_rules(engine, inbound, outbound, verdict):
    r = engine.check(inbound, outbound)
    assert r.verdict == verdict, r.explanation
    assert r.sources and r.explanation and r.explanation_en


@pytest.mark.parametrize(
    "inbound,use,verdict",
    [
        ("MIT", None, "compatible"),
        ("MIT", "saas", "compatible"),
        ("Apache-2.0", "static", "compatible"),
        ("CC0-1.0", None, "compatible"),
        ("LGPL-2.1-only", None, "conditional"),
        ("LGPL-2.1-only", "dynamic", "conditional"),
        ("LGPL-2.1-only", "static", "conditional"),
        ("LGPL-3.0-or-later", "saas", "compatible"),
        ("MPL-2.0", "binary", "conditional"),
        ("GPL-2.0-only", None, "incompatible"),
        ("GPL-3.0-only", "dynamic", "incompatible"),
        ("GPL-3.0-only", "static", "incompatible"),
        ("GPL-3.0-only", "saas", "compatible"),
        ("AGPL-3.0-only", "saas", "incompatible"),
        ("AGPL-3.0-only", "binary", "incompatible"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "dynamic", "conditional"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", None, "conditional"),
        ("GPL-3.0-or-later WITH GCC-exception-3.1", None, "compatible"),
        ("Apache-2.0 WITH LLVM-exception", None, "compatible"),
        ("BUSL-1.1", None, "conditional"),
        ("CC-BY-NC-4.0", None, "incompatible"),
        ("CC-BY-NC-SA-4.0", "saas", "incompatible"),
        ("Elastic-2.0", "binary", "conditional"),
        ("Elastic-2.0", "saas", "unknown"),
        ("JSON", None, "unknown"),
        ("SSPL-1.0", "saas", "incompatible"),
    ],
)
def test_proprietary_outbound_by_use(engine, inbound, use, verdict):
    r = engine.check(inbound, "proprietary", use=use)
    assert r.verdict == verdict, r.explanation
    assert r.outbound == "proprietary"
    assert r.sources


def test_lgpl_dynamic_conditions_mention_relinking(engine):
    r = engine.check("LGPL-2.1-only", "闭源", use="dynamic")
    text = " ".join(r.conditions)
    assert "动态链接" in text and "source" in text.lower()
    s = engine.check("LGPL-2.1-only", "closed source", use="static")
    assert any("目标文件" in c or "object files" in c for c in s.conditions)


def test_proprietary_aliases(engine):
    for alias in ["proprietary", "closed source", "闭源", "商业闭源", "commercial", "闭源商业软件"]:
        assert engine.check("MIT", alias).outbound == "proprietary"


def test_conditions_come_from_finos_obligations(engine):
    r = engine.check("Apache-2.0", "proprietary")
    assert any("NOTICE" in c for c in r.conditions)
    assert any("许可证" in c and "licence" in c for c in r.conditions)
    r2 = engine.check("MIT", "GPL-3.0-only")
    assert any("版权" in c for c in r2.conditions)


def test_or_later_upgrades(engine):
    # GPL-2.0-or-later code may be taken under GPL-3.0
    assert engine.check("GPL-2.0-or-later", "GPL-3.0-only").verdict == "compatible"
    assert engine.check("GPL-2.0+", "GPL-3.0-or-later").verdict == "compatible"
    assert engine.check("GPL-2.0-only", "GPL-3.0-only").verdict == "incompatible"


def test_exceptions_with_open_outbound(engine):
    r = engine.check("GPL-2.0-only WITH Classpath-exception-2.0", "Apache-2.0")
    assert r.verdict in ("conditional", "incompatible")  # OSADL states this pair
    r = engine.check("GPL-3.0-only WITH Classpath-exception-2.0", "MIT")
    assert r.verdict == "conditional"
    r = engine.check("Apache-2.0 WITH LLVM-exception", "GPL-2.0-only")
    assert r.verdict == "compatible"
    assert any("LLVM-exception" in (s.title or "") for s in r.sources)


def test_unknown_use_mode_is_an_error(engine):
    from bot.errors import LicenseError

    with pytest.raises(LicenseError) as e:
        engine.check("MIT", "proprietary", use="teleport")
    assert "saas" in e.value.suggestions


def test_every_verdict_has_explanation_and_source(engine):
    ids = [
        "MIT",
        "Apache-2.0",
        "GPL-2.0-only",
        "GPL-3.0-or-later",
        "LGPL-2.1-only",
        "MPL-2.0",
        "AGPL-3.0-only",
        "EPL-2.0",
        "MulanPSL-2.0",
        "MulanPubL-2.0",
        "CC-BY-NC-4.0",
        "OpenSSL",
        "Glide",
        "BUSL-1.1",
        "proprietary",
    ]
    for i in ids:
        for o in ids:
            r = engine.check(i, o)
            assert r.explanation and r.explanation_en, (i, o)
            assert r.sources, (i, o)


def test_engine_is_a_license_advisor(engine):
    from bot.ports import LicenseAdvisor

    assert isinstance(engine, LicenseAdvisor)


def test_engines_share_no_state(data_dir, texts_dir):
    from bot.licenses.engine import LicenseEngine

    a, b = LicenseEngine(data_dir, texts_dir), LicenseEngine(data_dir, texts_dir)
    assert a is not b and a.catalog is not b.catalog and a.parser is not b.parser
    assert a.check("MIT", "GPL-3.0-only").verdict == b.check("MIT", "GPL-3.0-only").verdict == "compatible"
