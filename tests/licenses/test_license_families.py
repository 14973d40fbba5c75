"""Licence families named without a version ("LGPL", "GPL v2", "BSD", "Apache" ...): answered per version
in chat (parse_question + check + render, Chinese and English), the HTTP API and the CLI."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.api.routes_licenses import build_license_router
from bot.errors import LicenseError
from bot.licenses.cli import build_license_cli
from bot.licenses.render import render_license_answer
from bot.types import LicenseQuery

LGPL_VERSIONS = ["LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later"]


@pytest.mark.parametrize(
    "name,key",
    [
        ("LGPL", "LGPL"), ("GPL", "GPL"), ("BSD", "BSD"), ("Apache", "Apache"), ("EPL", "EPL"), ("MPL", "MPL"),
        ("AGPL", "AGPL"), ("GFDL", "GFDL"), ("CDDL", "CDDL"), ("EUPL", "EUPL"), ("GPL v2", "GPLv2"),
        ("GPLv3", "GPLv3"), ("GNU General Public License", "GPL"), ("Mozilla Public License", "MPL"),
        ("GNU通用公共许可证第3版", "GPLv3"), ("通用公共许可证", "GPL"), ("LGPL v2.1", "LGPLv2.1"), ("Apache License", "Apache"),
        ("阿帕奇许可证", "Apache"), ("AGPLv3", "AGPLv3"),
    ],
)
def test_family_names_are_families_not_errors(engine, name, key):
    check = engine.check(name, "proprietary")
    assert check.family == key and check.inbound == key
    family = engine.catalog.families.get(key)
    assert [v.inbound for v in check.versions] == list(family.versions) and len(family.versions) >= 2
    assert check.conditions[0].startswith("在依赖的许可证文件")  # take the version from the licence file
    with pytest.raises(LicenseError) as e:  # one licence is needed: the versions to choose from
        engine.resolve(name)
    assert e.value.suggestions == list(family.versions)


def test_exact_spdx_ids_keep_their_meaning(engine):
    assert engine.resolve("GPL-2.0") == "GPL-2.0-only"  # deprecated SPDX id: GPL-2.0-only, with a note
    assert engine.resolve("LGPL-2.1+") == "LGPL-2.1-or-later"
    assert engine.resolve("Apache 2") == "Apache-2.0"
    assert engine.resolve("木兰宽松许可证") == "MulanPSL-2.0"


def test_common_verdict_for_every_version(engine):
    check = engine.check("LGPL", "proprietary", use="dynamic")
    assert check.verdict == "conditional" and {v.verdict for v in check.versions} == {"conditional"}
    assert [v.inbound for v in check.versions] == LGPL_VERSIONS
    assert "every time" in check.explanation_en and "结论都是" in check.explanation
    assert any("dynamically" in c or "Link dynamically" in c for c in check.conditions)


def test_verdict_depends_on_the_version(engine):
    check = engine.check("GPL v2", "GPL-3.0-only")
    assert check.verdict == "conditional"
    assert {v.inbound: v.verdict for v in check.versions} == {
        "GPL-2.0-only": "incompatible", "GPL-2.0-or-later": "compatible"}
    assert "depends on the version" in check.explanation_en and "取决于版本" in check.explanation
    assert any("GPL-2.0-or-later" in c for c in check.conditions)
    assert engine.check("MIT", "GPL").verdict == "compatible"  # a family outbound, same answer everywhere
    assert engine.check("GPL", "MIT").verdict == "incompatible"


def test_family_in_an_expression_is_answered_per_version(engine):
    check = engine.check("LGPL AND MIT", "GPL-2.0-only")
    assert check.family == "LGPL" and check.inbound == "LGPL AND MIT"
    assert [v.inbound for v in check.versions] == [f"{v} AND MIT" for v in LGPL_VERSIONS]
    assert "The inbound licence 'LGPL' is a licence family named without a version" in check.explanation_en
    assert "入站许可证“LGPL”是许可证家族名称，没有写明具体版本" in check.explanation
    assert "'MIT'" not in check.explanation_en.split(".")[0]  # the ambiguous part is LGPL, not MIT


@pytest.mark.parametrize("bad,a,b", [("GPL OR BSD", "GPL", "BSD"), ("LGPL AND MPL", "LGPL", "MPL")])
def test_two_inbound_families_ask_for_both_versions_from_the_dependency(engine, bad, a, b):
    with pytest.raises(LicenseError) as e:
        engine.check(bad, "MIT")
    message = str(e.value)
    assert "exact versions from the dependency's licence file" in message
    assert "your own project" not in message and "你自己项目" not in message  # both are inbound
    versions = [*engine.catalog.families.get(a).versions, *engine.catalog.families.get(b).versions]
    assert e.value.suggestions == versions  # the versions of both families, not only the second's
    assert all(v in message for v in versions)


def test_family_on_both_sides_asks_to_pin_one(engine):
    with pytest.raises(LicenseError) as e:
        engine.check("GPL", "GPL")
    assert e.value.suggestions[:2] == ["GPL-2.0-only", "GPL-2.0-or-later"]
    assert "your own project's licence" in str(e.value)  # here pinning the outbound side is the easy fix


def test_outbound_family_asks_for_your_own_projects_version(engine):
    check = engine.check("MIT", "LGPL")
    assert check.family == "LGPL" and [v.outbound for v in check.versions] == LGPL_VERSIONS
    assert "your own project's licence" in check.explanation_en and "dependency" not in check.explanation_en
    assert check.conditions[0].startswith("写明你自己项目采用的“LGPL”具体版本")
    assert "your own project is released under" in check.conditions[0]


@pytest.mark.parametrize(
    "text,inbound,outbound,use",
    [
        ("我在商业软件里用了 LGPL 的库，需要开源我的代码吗？", "LGPL", "proprietary", None),
        ("LGPL 的库能动态链接到闭源软件里吗？", "LGPL", "proprietary", "dynamic"),
        ("GPL 的代码能用在 MIT 项目里吗？", "GPL", "MIT", None),
        ("Can I use an LGPL library in my commercial closed-source app?", "LGPL", "proprietary", None),
        ("Can I use MPL code in an Apache-2.0 project?", "MPL", "Apache-2.0", None),
        ("Is BSD code OK in a GPL-3.0-only program?", "BSD", "GPL-3.0-only", None),
        ("Can GPL v2 code go into a GPL-3.0-only project?", "GPLv2", "GPL-3.0-only", None),
    ],
)
def test_family_questions(engine, text, inbound, outbound, use):
    q = engine.parse_question(text)
    assert q == LicenseQuery(inbound, outbound, use)
    assert engine.check(q.inbound, q.outbound, q.use).versions


def test_chinese_answer_has_the_per_version_table(engine):
    q = engine.parse_question("我在商业软件里用了 LGPL 的库，需要开源我的代码吗？")
    text = render_license_answer(engine.check(q.inbound, q.outbound, q.use), "zh")
    assert "**各版本结论**" in text and "| 版本 | 结论 | 主要条件 |" in text
    for v in LGPL_VERSIONS:
        assert f"| {v} | ⚠️ 有条件兼容 |" in text
    assert "在依赖的许可证文件" in text and "Take the exact version" not in text


def test_english_answer_has_the_per_version_table(engine):
    q = engine.parse_question("Can GPL v2 code go into a GPL-3.0-only project?")
    text = render_license_answer(engine.check(q.inbound, q.outbound, q.use), "en")
    assert "| GPL-2.0-only | ❌ Incompatible |" in text and "| GPL-2.0-or-later | ✅ Compatible |" in text
    assert "depends on the version" in text and "不兼容" not in text


def test_outbound_family_table_names_the_outbound_versions(engine):
    text = render_license_answer(engine.check("Apache-2.0", "GPLv2"), "en")
    assert "| GPL-2.0-only | ❌ Incompatible |" in text and "| GPL-2.0-or-later |" in text


@pytest.fixture(scope="module")
def client(engine):
    app = FastAPI()
    app.include_router(build_license_router(engine))
    return TestClient(app)


def test_api_answers_families_per_version(client):
    r = client.get("/api/licenses/compatibility", params={"inbound": "LGPL", "outbound": "proprietary"})
    assert r.status_code == 200
    body = r.json()
    assert body["family"] == "LGPL" and body["verdict"] == "conditional"
    assert [v["inbound"] for v in body["versions"]] == LGPL_VERSIONS
    assert all(v["explanation"] and v["sources"] for v in body["versions"])


@pytest.mark.parametrize(
    "path,suggestion",
    [("/api/licenses/LGPL", "LGPL-2.1-only"), ("/api/licenses/GPL%20v2", "GPL-2.0-or-later"),
     ("/api/licenses/qwerty-9", None), ("/api/licenses/Apache-3.0", "Apache-2.0")],
)
def test_api_describe_family_or_unknown_is_422(client, path, suggestion):
    r = client.get(path)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail["message"], str) and isinstance(detail["suggestions"], list)
    if suggestion:
        assert suggestion in detail["suggestions"]


@pytest.mark.parametrize("inbound", ["GPL OR BSD", "NotAFamily", "???", "LGPL AND", "木兰许可证第9版"])
def test_api_bad_family_input_is_422(client, inbound):
    r = client.get("/api/licenses/compatibility", params={"inbound": inbound, "outbound": "MIT"})
    assert r.status_code == 422
    assert isinstance(r.json()["detail"]["suggestions"], list)


def test_cli_family(engine):
    app = build_license_cli(lambda: engine)
    runner = CliRunner()
    r = runner.invoke(app, ["check", "LGPL", "proprietary", "--use", "dynamic"])
    assert r.exit_code == 0, r.output
    assert "| LGPL-3.0-or-later | ⚠️ 有条件兼容 |" in r.output
    r = runner.invoke(app, ["check", "GPL v2", "GPL-3.0-only", "--json"])
    body = json.loads(r.output)
    assert body["family"] == "GPLv2" and len(body["versions"]) == 2
    r = runner.invoke(app, ["check", "GPL OR BSD", "MIT"])
    assert r.exit_code == 2 and "did you mean" in r.output


@pytest.mark.parametrize(
    "text,expected,family",
    [
        ("那 GPL-3.0 呢？", "GPL-3.0-only", False),
        ("What if the library is LGPL-2.1?", "LGPL-2.1-only", False),
        ("那木兰宽松许可证呢", "MulanPSL-2.0", False),
        ("那木兰公共许可证第2版呢？", "MulanPubL-2.0", False),
        ("那 LGPL 呢？", "LGPL", True),
        ("And under GPL v3?", "GPLv3", True),
        ("What about Apache 2?", "Apache-2.0", False),
        ("如果是闭源产品呢？", "proprietary", False),
    ],
)
def test_find_mentions_for_follow_ups(engine, text, expected, family):
    mentions = engine.find_mentions(text)
    assert [(m.expression, m.family) for m in mentions] == [(expected, family)]
    m = mentions[0]
    assert text[m.start:m.end].strip()  # the span points into the text


def test_every_family_version_is_a_current_licence(engine):
    for family in engine.catalog.families.by_key.values():
        for version in family.versions:
            meta = engine.catalog.licenses[version]
            assert not meta.deprecated, version
        assert engine.check(family.key, "proprietary").versions


def test_family_with_an_exception_keeps_it_for_every_version(engine):
    check = engine.check("GPL v2 WITH Classpath-exception-2.0", "proprietary", use="dynamic")
    assert [v.inbound for v in check.versions] == [
        "GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"]
    assert check.verdict == "conditional"


def test_cli_family_in_english(engine):
    """`yuanbot license check BSD GPL-3.0-only --lang en`: the per-version table and the version hint, in English."""
    r = CliRunner().invoke(build_license_cli(lambda: engine), ["check", "BSD", "GPL-3.0-only", "--lang", "en"])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "The inbound licence 'BSD' is a licence family named without a version" in out
    verdicts = {v.inbound: v.verdict for v in engine.check("BSD", "GPL-3.0-only").versions}
    assert set(verdicts) == {"BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause"}
    for version in verdicts:
        assert f"| {version} |" in out
    assert "the dependency's licence file" in out
    assert "兼容" not in out and "许可证家族" not in out  # English only
