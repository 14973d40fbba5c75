"""Resolution methods, the NOTICE file, the CSV export, caching, and reports that resolve nothing."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest

from bot.errors import LicenseError
from bot.licenses.audit import Auditor
from bot.licenses.audit_export import report_csv

from .support import FIXTURES, TEXTS, component, cyclonedx, read

MIT_TEXT = (TEXTS / "MIT.txt").read_text()


def audit(auditor: Auditor, components: list[dict], outbound: str = "Apache-2.0", use: str | None = None):
    return auditor.audit_bytes(cyclonedx(components), outbound, use, filename="test.cdx.json")


def test_every_resolution_method(auditor: Auditor) -> None:
    encoded = base64.b64encode(MIT_TEXT.replace("<year> <copyright holders>", "2024 ACME").encode()).decode()
    report = audit(auditor, [
        component("by-id", {"license": {"id": "MIT"}}),
        component("by-expression", {"expression": "(MIT OR Apache-2.0)"}),
        component("by-alias", {"license": {"name": "Apache Software License"}}),
        component("by-name", {"license": {"name": "The Apache License, Version 2.0"}}),
        component("by-reworded-name", {"license": {"name": "ISC License (ISC)"}}),
        component("by-url", {"license": {"url": "https://www.apache.org/licenses/LICENSE-2.0.txt"}}),
        component("by-see-also-url", {"license": {"url": "https://opensource.org/licenses/ISC"}}),
        component("by-text", {"license": {"name": "ACME custom", "text": {"content": encoded, "encoding": "base64"}}}),
        component("unresolvable", {"license": {"name": "Frobnitz Public Licence"}}),
    ])
    rows = {c.name: (c.expression, c.resolution) for c in report.components}
    assert rows == {
        "by-id": ("MIT", "id"),
        "by-expression": ("MIT OR Apache-2.0", "id"),
        "by-alias": ("Apache-2.0", "alias"),
        "by-name": ("Apache-2.0", "name"),
        "by-reworded-name": ("ISC", "name"),
        "by-url": ("Apache-2.0", "url"),
        "by-see-also-url": ("ISC", "url"),
        "by-text": ("MIT", "text"),
        "unresolvable": (None, "unresolved"),
    }
    assert report.summary.resolution == {"id": 2, "alias": 1, "name": 2, "url": 2, "text": 1, "unresolved": 1}


def test_spdx_licenseref_is_identified_from_its_text(auditor: Auditor) -> None:
    doc = json.loads(read(FIXTURES["acme"]))
    doc["packages"][1]["licenseConcluded"] = "LicenseRef-elliptic-licence"
    doc["hasExtractedLicensingInfos"] = [{"licenseId": "LicenseRef-elliptic-licence", "extractedText": MIT_TEXT}]
    report = auditor.audit_bytes(json.dumps(doc).encode(), "Apache-2.0", filename="acme.spdx.json")
    elliptic = next(c for c in report.components if c.name == "elliptic")
    assert (elliptic.expression, elliptic.resolution, elliptic.verdict) == ("MIT", "text", "compatible")


def test_special_values_are_unresolved_with_reasons_and_suggestions(auditor: Auditor) -> None:
    report = audit(auditor, [
        component("a", {"expression": "NOASSERTION"}),
        component("b", {"license": {"name": "UNKNOWN"}}),
        component("c", {"license": {"name": "Public Domain"}}),
        component("d", {"license": {"name": "GNU Lesser General Publik License v2.1"}}),
        component("e"),
        component("f", {"license": {"name": "SEE LICENSE IN LICENSE.md"}}),
    ])
    rows = {c.name: c for c in report.components}
    assert all(c.verdict == "unresolved" for c in report.components)
    assert "NOASSERTION" in rows["a"].reason_en
    assert "UNKNOWN" in rows["b"].reason_en
    assert "CC0-1.0" in rows["c"].suggestions
    assert rows["e"].reason_en.endswith("the SBOM gives no licence")
    assert "licence file" in rows["f"].reason_en
    assert len(report.unresolved) == 6 and all(u.component_count == 1 for u in report.unresolved)


def test_npm_unlicensed_means_proprietary_not_the_unlicense(auditor: Auditor) -> None:
    report = audit(auditor, [component("private-thing", {"license": {"name": "UNLICENSED"}})])
    [row] = report.components
    assert row.expression == "proprietary" and row.resolution == "alias"


def test_report_where_nothing_resolves_still_has_every_part(auditor: Auditor) -> None:
    report = audit(auditor, [component(f"c{i}", {"license": {"name": f"Weird licence {i}"}}) for i in range(5)])
    s = report.summary
    assert s.total == 5 and s.unresolved == 5 and s.passed and s.conflicts == 0
    assert report.obligations == [] and len(report.unresolved) == 5
    assert "could not be determined" in report.notice and "c3 1.0.0: Weird licence 3" in report.notice
    assert "5 licence not resolved" in s.headline_en


def test_notice_lists_components_and_each_licence_text_once(auditor: Auditor) -> None:
    report = auditor.audit_bytes(read(FIXTURES["laravel"]), "Apache-2.0")
    notice = report.notice
    assert notice.startswith("THIRD-PARTY SOFTWARE NOTICES AND INFORMATION\n第三方软件声明")
    assert "Product / 产品: cyclonedx-php-composer-demo dev-master" in notice
    assert "laravel/framework v7.30.6" in notice and "pkg:composer/laravel/framework@v7.30.6" in notice
    assert notice.count("---- MIT (used by 57 components) ----") == 1
    assert notice.count("---- BSD-3-Clause (used by 4 components) ----") == 1
    assert notice.count("---- Apache-2.0 (used by 1 component) ----") == 1
    mit_text = (TEXTS / "MIT.txt").read_text().strip()
    assert notice.count(mit_text) == 1
    assert notice.count("Apache License\nVersion 2.0, January 2004") == 1


def test_notice_includes_exception_texts_and_links_missing_ones(auditor: Auditor) -> None:
    report = audit(auditor, [
        component("jmh", {"expression": "GPL-2.0-only WITH Classpath-exception-2.0"}),
        component("odd", {"license": {"id": "Frameworx-1.0"}}),
    ], outbound="GPL-2.0-only")
    notice = report.notice
    assert "---- Classpath-exception-2.0 (exception / 例外) ----" in notice
    assert "Linking this library statically or dynamically" in notice
    if not (TEXTS / "Frameworx-1.0.txt").exists():
        assert "https://spdx.org/licenses/Frameworx-1.0.html" in notice


def test_csv_export_has_a_row_per_component_and_defuses_formulas(auditor: Auditor) -> None:
    report = audit(auditor, [
        component("=HYPERLINK(\"http://evil\")", {"license": {"id": "MIT"}}),
        component("gpl-thing", {"license": {"id": "GPL-3.0-only"}}),
    ])
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [r["verdict"] for r in rows] == ["incompatible", "compatible"]
    assert rows[1]["name"].startswith("'=HYPERLINK")
    assert rows[0]["expression"] == "GPL-3.0-only" and rows[0]["reason_en"]


def test_verdicts_are_cached_per_expression_outbound_and_use(engine) -> None:
    calls: list[tuple] = []

    class CountingAdvisor:
        def __getattr__(self, name):
            return getattr(engine, name)

        def check(self, inbound, outbound, use=None):
            calls.append((inbound, outbound, use))
            return engine.check(inbound, outbound, use)

    auditor = Auditor(CountingAdvisor(), TEXTS, cache_size=64)  # type: ignore[arg-type]
    components = [component(f"c{i}", {"license": {"id": ["MIT", "Apache-2.0", "ISC"][i % 3]}}) for i in range(300)]
    auditor.audit_bytes(cyclonedx(components), "GPL-3.0-or-later")
    auditor.audit_bytes(cyclonedx(components), "GPL-3.0-or-later")
    assert sorted(calls) == [("Apache-2.0", "GPL-3.0-or-later", None), ("ISC", "GPL-3.0-or-later", None),
                             ("MIT", "GPL-3.0-or-later", None)]
    auditor.audit_bytes(cyclonedx(components), "GPL-3.0-or-later", "saas")
    assert len(calls) == 6


def test_caches_are_bounded(engine) -> None:
    auditor = Auditor(engine, TEXTS, cache_size=8)
    components = [component(f"c{i}", {"license": {"name": f"Licence number {i}"}}) for i in range(50)]
    auditor.audit_bytes(cyclonedx(components), "MIT")
    assert len(auditor.resolver._cache) <= 8 and len(auditor._checks) <= 8


@pytest.mark.parametrize(("outbound", "use"), [("Frobnitz-9.9", None), ("MIT", "teleport")])
def test_bad_outbound_or_use_is_a_licence_error(auditor: Auditor, outbound, use) -> None:
    with pytest.raises(LicenseError) as info:
        auditor.audit_bytes(read(FIXTURES["laravel"]), outbound, use)
    assert ("outbound" in str(info.value)) or ("use" in str(info.value))


def test_progress_is_reported(auditor: Auditor) -> None:
    seen: list[tuple[int, int]] = []
    components = [component(f"c{i}", {"license": {"id": "MIT"}}) for i in range(250)]
    from bot.licenses.sbom import parse_sbom

    auditor.audit(parse_sbom(cyclonedx(components)), "MIT", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(100, 250), (200, 250), (250, 250)]
