"""Licence families named without a version in an SBOM ("LGPL", "GPL v2", "BSD License") and as the outbound
licence: never pinned to one version, answered per version through the engine's family path."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.routes_audit import build_audit_router
from bot.errors import LicenseError
from bot.licenses.audit import Auditor

from .support import TEXTS

DECLARED = ["LGPL", "GPL", "BSD", "Apache", "GPL v2", "EPL", "MPL", "LGPL AND MIT", "BSD License",
            "GNU Library or Lesser General Public License (LGPL)"]
FAMILY_CSV = ("Name,Version,License\n" + "".join(f'pkg{i},1.0,"{d}"\n' for i, d in enumerate(DECLARED))).encode()


@pytest.mark.parametrize("outbound", ["MIT", "GPL-3.0-or-later", "proprietary"])
def test_a_family_is_never_pinned_to_one_version(auditor: Auditor, engine, outbound: str) -> None:
    report = auditor.audit_bytes(FAMILY_CSV, outbound)
    rows = {c.declared: c for c in report.components}
    assert set(rows) == set(DECLARED)
    for declared, row in rows.items():
        assert row.expression is None, declared  # no silent LGPL -> LGPL-2.1-only
        assert "not recognised" not in row.reason_en and "licence family without a version" in row.reason_en
        inner = declared.rsplit("(", 1)[-1].rstrip(")") if declared.endswith(")") else declared
        per_version = engine.check(inner, outbound).versions
        assert row.suggestions == [v.inbound.split(" AND ")[0] for v in per_version], declared
        verdicts = {v.verdict for v in per_version}
        if len(verdicts) == 1:  # every common version agrees: that verdict, saying so
            assert row.verdict == per_version[0].verdict and "every common version" in row.reason_en
        else:
            assert row.verdict == "unresolved", declared
            assert all(f"{v.inbound}: " in row.reason_en for v in per_version)


def test_families_whose_versions_differ_are_listed_as_unresolved(auditor: Auditor) -> None:
    report = auditor.audit_bytes(FAMILY_CSV, "GPL-3.0-or-later")
    listed = {u.declared: u for u in report.unresolved}
    gpl2 = listed["GPL v2"]  # GPL-2.0-only conflicts with GPL-3.0, GPL-2.0-or-later does not
    assert gpl2.suggestions == ["GPL-2.0-only", "GPL-2.0-or-later"]
    assert gpl2.reason_en.startswith("licence family without a version (GPLv2: GPL-2.0 …)")
    assert "许可证家族“GPLv2”没有写明版本" in gpl2.reason_zh


@pytest.mark.parametrize("outbound,family", [("GPL", "GPL"), ("LGPL AND MIT", "LGPL"), ("EPL", "EPL")])
def test_an_outbound_family_asks_for_your_own_version(auditor: Auditor, engine, outbound, family) -> None:
    with pytest.raises(LicenseError) as info:
        auditor.validate(outbound, None)
    message = str(info.value)
    versions = list(engine.catalog.families.get(family).versions)
    assert "not recognised" not in message and "licence family without a version" in message
    assert f"'{family}' is a licence family" in message and "your own project's licence" in message
    assert info.value.suggestions == versions and all(v in message for v in versions)


def test_outbound_family_over_http_is_422_licence_family(engine) -> None:
    app = FastAPI()
    app.include_router(build_audit_router(engine, TEXTS))
    with TestClient(app) as client:
        response = client.post("/api/licenses/audit", params={"outbound": "GPL"}, content=FAMILY_CSV)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["code"] == "licence_family" and detail["suggestions"][0] == "GPL-2.0-only"
    assert "licence family without a version" in detail["message"]
