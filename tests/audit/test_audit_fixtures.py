"""Verdicts over the five real SBOMs, against the real licence engine."""

from __future__ import annotations

import re
from collections import Counter

from bot.licenses.audit import Auditor
from bot.licenses.audit_notice import licence_ids

from .support import FIXTURES, read


def by_name(report):
    return {c.name: c for c in report.components}


def test_dropwizard_against_gpl2_flags_apache_components(auditor: Auditor) -> None:
    report = auditor.audit_bytes(read(FIXTURES["dropwizard"]), "GPL-2.0-only", filename=FIXTURES["dropwizard"])
    s = report.summary
    assert s.total == 167 and s.source.spec_version == "1.2" and s.outbound == "GPL-2.0-only"
    assert not s.passed and s.conflicts > 0
    assert [c.verdict for c in s.counts] == ["incompatible", "unresolved", "unknown", "conditional", "compatible"]
    assert sum(c.count for c in s.counts) == 167
    apache = [c for c in report.components if c.expression == "Apache-2.0"]
    assert len(apache) >= 60 and all(c.verdict == "incompatible" for c in apache)
    assert report.components[0].verdict == "incompatible"  # conflicts first
    rows = by_name(report)
    guava = rows["com.google.guava/guava"]
    assert guava.resolution == "id" and "Apache-2.0" in guava.reason
    assert rows["org.slf4j/slf4j-api"].verdict == "compatible"  # MIT fits in GPL-2.0
    # a 34-component gap: parent modules and javax.* without licences in this SBOM, plus the components
    # that name only the BSD family ("BSD License"): BSD-4-Clause would conflict with GPL-2.0, so no verdict
    bsd_family = [c for c in report.components if c.declared.lower() in ("bsd license", "bsd licence")]
    assert len(bsd_family) == 2 and all(c.verdict == "unresolved" and c.expression is None for c in bsd_family)
    assert s.unresolved == 34 + len(bsd_family) and rows["io.dropwizard/dropwizard-core"].verdict == "unresolved"
    gap = next(u for u in report.unresolved if u.declared == "(none)")
    assert gap.component_count == 34 and report.unresolved[0] is gap  # the biggest gap first


def test_dropwizard_messy_names_are_resolved(auditor: Auditor) -> None:
    rows = by_name(auditor.audit_bytes(read(FIXTURES["dropwizard"]), "Apache-2.0"))
    expected = {
        "org.slf4j/log4j-over-slf4j": ("Apache-2.0", "alias"),  # "Apache Software Licenses"
        "com.h2database/h2": ("MPL-2.0 OR EPL-1.0", "alias"),  # "MPL 2.0 or EPL 1.0"
        "org.hibernate/hibernate-core": ("LGPL-2.1-only", "url"),  # bare name, versioned URL
        "org.junit.jupiter/junit-jupiter-api": ("EPL-2.0", "name"),  # "Eclipse Public License v2.0"
        "org.dom4j/dom4j": ("BSD-3-Clause", "alias"),  # "BSD 3-clause New License"
        "org.openjdk.jmh/jmh-core": ("GPL-2.0-only WITH Classpath-exception-2.0", "alias"),
        "org.glassfish.hk2/osgi-resource-locator": ("CDDL-1.0 OR GPL-2.0-only WITH Classpath-exception-2.0", "id"),
        # "ASL 2.0", "GPL v2": "GPL v2" alone names a family, so the component's licence URL pins the version
        "com.rabbitmq/amqp-client": ("MPL-1.1 AND Apache-2.0 AND GPL-2.0-only", "url"),
    }
    for name, (expression, method) in expected.items():
        assert (rows[name].expression, rows[name].resolution) == (expression, method), name
    antlr = rows["antlr"]  # "BSD License": which BSD is not said, and the versions' verdicts differ
    versions = ["BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause"]
    assert len({auditor.check(v, "Apache-2.0", None).verdict for v in versions}) > 1
    assert antlr.expression is None and antlr.verdict == "unresolved"
    assert "licence family without a version" in antlr.reason_en and "check the component's licence file" in antlr.reason_en
    assert all(f"{v}: " in antlr.reason_en for v in versions) and antlr.suggestions == versions


def test_dropwizard_several_licences_read_as_and_with_the_or_verdict_noted(auditor: Auditor) -> None:
    rows = by_name(auditor.audit_bytes(read(FIXTURES["dropwizard"]), "GPL-2.0-only"))
    jetty = rows["org.eclipse.jetty/jetty-server"]  # Apache-2.0 and EPL-1.0 listed
    assert jetty.expression == "Apache-2.0 AND EPL-1.0" and jetty.verdict == "incompatible"
    amqp = rows["com.rabbitmq/amqp-client"]  # MPL-1.1, ASL 2.0, GPL v2: GPL-2.0 alone would be fine
    assert any("if they are alternatives" in note and "compatible" in note for note in amqp.notes)


def test_dropwizard_for_closed_source(auditor: Auditor) -> None:
    saas = auditor.audit_bytes(read(FIXTURES["dropwizard"]), "proprietary", "saas")
    assert saas.summary.outbound == "proprietary" and saas.summary.use == "saas" and saas.summary.passed
    binary = auditor.audit_bytes(read(FIXTURES["dropwizard"]), "closed source", "binary")
    assert binary.summary.outbound == "proprietary"
    # every component that ships Apache-2.0 code, alone or in an AND ("Apache-2.0 AND EPL-1.0"), not in conflict
    apache_rows = [c for c in binary.components if c.verdict in ("compatible", "conditional")
                   and "Apache-2.0" in licence_ids(c.expression or "")[0] and " OR " not in (c.expression or "")]
    assert len(apache_rows) > len([c for c in apache_rows if c.expression == "Apache-2.0"])  # AND ones count too
    apache = next(g for g in binary.obligations if g.license == "Apache-2.0")
    assert apache.component_count == len(apache_rows) > 60
    notice = next(o for o in apache.obligations if "NOTICE" in o.en)
    assert f"({len(apache_rows)} Apache-2.0 components)" in notice.en
    assert f"{len(apache_rows)} 个 Apache-2.0 组件" in notice.zh
    lgpl = next(g for g in binary.obligations if g.license == "LGPL-2.1-only")
    assert lgpl.verdict == "conditional" and any("source" in o.en for o in lgpl.obligations)
    assert any("relink" in o.en and "LGPL-2.1 §6" in o.en for o in lgpl.obligations)
    bsd = next(g for g in binary.obligations if g.license == "BSD-3-Clause")
    assert any("endorse" in o.en and "contributors" in o.en for o in bsd.obligations)
    assert any("背书" in o.zh for o in bsd.obligations)


def _chosen(row) -> str:
    """The branch of an OR the engine chose for this component (its "choose the X branch" condition)."""
    for condition in row.conditions:
        found = re.search(r"choose the (.+) branch", condition)
        if found:
            return found.group(1)
    return row.expression


def test_obligations_are_per_licence_and_counted_like_the_notice(auditor: Auditor) -> None:
    """One group per licence id, not per expression; its count is the NOTICE's "used by N" minus the
    components in conflict and the OR branches not taken."""
    report = auditor.audit_bytes(read(FIXTURES["dropwizard"]), "proprietary", "binary")
    used_by = re.findall(r"^---- (\S+) \(used by (\d+) component", report.notice, re.MULTILINE)
    notice = {lid: int(n) for lid, n in used_by}
    expected: Counter[str] = Counter()
    not_counted: Counter[str] = Counter()
    for row in report.components:
        if not row.expression:
            continue
        applied = licence_ids(_chosen(row))[0] if row.verdict in ("compatible", "conditional") else []
        expected.update(applied)
        not_counted.update(lid for lid in licence_ids(row.expression)[0] if lid not in applied)
    grouped: Counter[str] = Counter()
    for group in report.obligations:
        assert " AND " not in group.license and " OR " not in group.license  # a licence, not an expression
        grouped[licence_ids(group.license)[0][0]] += group.component_count
    assert grouped == expected
    for lid, count in notice.items():
        assert grouped[lid] + not_counted[lid] == count, lid
    assert not_counted  # the fixture has a conflict and OR choices, so the subtraction is exercised


def test_laravel_is_clean_for_apache(auditor: Auditor) -> None:
    report = auditor.audit_bytes(read(FIXTURES["laravel"]), "Apache-2.0", "binary")
    s = report.summary
    assert s.passed and s.total == 62
    assert {c.verdict: c.count for c in s.counts}["compatible"] == 62
    assert s.resolution == {"id": 62}
    mit = next(g for g in report.obligations if g.license == "MIT")
    assert mit.component_count == 57 and mit.verdict == "compatible"
    assert any("57 MIT components" in o.en for o in mit.obligations)


def test_examplemaven_noassertion_is_unresolved_with_reason(auditor: Auditor) -> None:
    report = auditor.audit_bytes(read(FIXTURES["examplemaven"]), "proprietary", "binary")
    rows = by_name(report)
    assert rows["JUnit"].expression == "CPL-1.0" and rows["JUnit"].verdict == "conditional"
    assert report.summary.unresolved == 4 and report.summary.passed
    [noassertion] = report.unresolved
    assert noassertion.declared == "NOASSERTION" and noassertion.component_count == 4
    assert "NOASSERTION" in noassertion.reason_en


def test_acme_package_without_licence(auditor: Auditor) -> None:
    report = auditor.audit_bytes(read(FIXTURES["acme"]), "MIT")
    rows = by_name(report)
    assert set(rows) == {"elliptic", "alpine", "OpenSSL"}
    assert rows["alpine"].verdict == "unresolved" and rows["alpine"].reason_en.endswith("the SBOM gives no licence")
    assert rows["elliptic"].verdict == rows["OpenSSL"].verdict == "compatible"


def test_example2_gpl3_binary(auditor: Auditor) -> None:
    closed = auditor.audit_bytes(read(FIXTURES["example2"]), "proprietary", "binary")
    assert not closed.summary.passed and closed.components[0].verdict == "incompatible"
    same = auditor.audit_bytes(read(FIXTURES["example2"]), "GPL-3.0-or-later")
    assert same.summary.passed and same.components[0].verdict == "compatible"
