"""Reading every supported SBOM format: the five real files, their conversions, and plain lists."""

from __future__ import annotations

import json

import pytest

from bot.licenses.sbom import DeclaredLicense, parse_sbom

from .support import DATA, FIXTURES, component, cyclonedx, read


def components(name: str):
    document = parse_sbom(read(name), name)
    return document, list(document.components())


@pytest.mark.parametrize(
    ("fixture", "description", "count", "product"),
    [
        ("dropwizard", "CycloneDX 1.2 JSON", 167, "dropwizard-parent 1.3.15"),
        ("laravel", "CycloneDX 1.4 JSON", 62, "cyclonedx-php-composer-demo dev-master"),
        ("examplemaven", "SPDX 2.3 JSON", 5, "examplemaven 0.0.1"),
        ("acme", "SPDX 2.3 JSON", 3, "Acme Applcation 2.3"),
        ("example2", "SPDX 2.2 tag-value", 1, None),
    ],
)
def test_real_fixtures(fixture, description, count, product) -> None:
    document, items = components(FIXTURES[fixture])
    assert document.description == description
    assert document.component_count == count == len(items)
    assert document.product == product
    assert document.notes == []  # all five are read by the libraries, not leniently


def test_dropwizard_keeps_messy_licences_as_declared() -> None:
    _, items = components(FIXTURES["dropwizard"])
    by_name = {c.label: c for c in items}
    logback = by_name["ch.qos.logback/logback-core"]
    assert logback.licenses == (
        DeclaredLicense(expression="EPL-1.0"),
        DeclaredLicense(name="GNU Lesser General Public License",
                        url="http://www.gnu.org/licenses/old-licenses/lgpl-2.1.html"),
    )
    assert by_name["org.glassfish.hk2/osgi-resource-locator"].licenses == (
        DeclaredLicense(expression="(CDDL-1.0 OR GPL-2.0-with-classpath-exception)"),
    )
    assert by_name["io.dropwizard/dropwizard-core"].licenses == ()
    assert by_name["com.google.guava/guava"].purl == "pkg:maven/com.google.guava/guava@24.1.1-jre?type=jar"


def test_spdx_product_is_not_a_component_and_noassertion_is_kept() -> None:
    _, items = components(FIXTURES["examplemaven"])
    assert "examplemaven" not in {c.name for c in items}
    junit = next(c for c in items if c.name == "JUnit")
    assert junit.licenses == (DeclaredLicense(expression="CPL-1.0"),)  # concluded NOASSERTION -> declared
    log4j = next(c for c in items if c.name == "Apache Log4j Core")
    assert log4j.licenses == (DeclaredLicense(expression="NOASSERTION"),)


def test_spdx_single_described_package_is_audited_itself() -> None:
    _, [hello] = components(FIXTURES["example2"])
    assert hello.name == "hello-bin"
    assert hello.licenses == (DeclaredLicense(expression="GPL-3.0-or-later"),)


@pytest.mark.parametrize(
    ("name", "description"),
    [
        ("examplemaven-0.0.1.spdx.yaml", "SPDX 2.3 YAML"),
        ("examplemaven-0.0.1.spdx.rdf.xml", "SPDX 2.3 RDF/XML"),
    ],
)
def test_spdx_yaml_and_rdf_match_the_json(name, description) -> None:
    document, items = components(name)
    _, from_json = components(FIXTURES["examplemaven"])
    assert document.description == description
    assert sorted((c.name, c.version, c.licenses) for c in items) == sorted(
        (c.name, c.version, c.licenses) for c in from_json
    )


@pytest.mark.parametrize("version", ["1.2", "1.6"])
def test_cyclonedx_xml_matches_the_json(version) -> None:
    document, items = components(f"laravel-7.12.0.cdx-{version}.xml")
    _, from_json = components(FIXTURES["laravel"])
    assert document.description == f"CycloneDX {version} XML"
    assert [(c.label, c.version, c.purl, c.licenses) for c in items] == [
        (c.label, c.version, c.purl, c.licenses) for c in from_json
    ]


def test_cyclonedx_nested_components_are_flattened() -> None:
    outer = component("outer", {"license": {"id": "MIT"}})
    outer["components"] = [component("inner", {"expression": "Apache-2.0 OR MIT"})]
    document, items = parse_sbom(cyclonedx([outer]), "x.json"), None
    items = list(document.components())
    assert document.component_count == 2
    assert [c.name for c in items] == ["outer", "inner"]
    assert items[1].licenses == (DeclaredLicense(expression="Apache-2.0 OR MIT"),)


def test_cyclonedx_schema_deviation_is_read_leniently_with_a_note() -> None:
    bad = component("weird", {"license": {"id": "MIT"}})
    bad["type"] = "not-a-type"  # not in the CycloneDX enum: the library refuses it
    good = component("fine", {"license": {"id": "ISC"}})
    document = parse_sbom(cyclonedx([bad, good]), "x.json")
    items = list(document.components())
    assert [c.name for c in items] == ["weird", "fine"]
    assert items[0].licenses == (DeclaredLicense(expression="MIT"),)
    assert len(document.notes) == 1 and "read leniently" in document.notes[0] and "weird" in document.notes[0]


def test_spdx_missing_required_fields_read_leniently_with_a_note() -> None:
    doc = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "broken",  # no dataLicense, documentNamespace or creationInfo
        "packages": [{"SPDXID": "SPDXRef-a", "name": "left-pad", "versionInfo": "1.3.0",
                      "licenseConcluded": "WTFPL"}],
    }
    document = parse_sbom(json.dumps(doc).encode(), "broken.spdx.json")
    [item] = list(document.components())
    assert (item.name, item.version, item.licenses) == ("left-pad", "1.3.0", (DeclaredLicense(expression="WTFPL"),))
    assert "read leniently" in document.notes[0]


def test_spdx_tagvalue_with_unparsable_licence_read_by_hand() -> None:
    text = (DATA / FIXTURES["example2"]).read_text().replace(
        "PackageLicenseDeclared: NOASSERTION", "PackageLicenseDeclared: GNU GPL ((v3"
    )
    document = parse_sbom(text.encode(), "x.spdx")
    [item] = list(document.components())
    assert item.licenses == (DeclaredLicense(expression="GPL-3.0-or-later"),)
    assert document.notes and "read leniently" in document.notes[0]


def test_spdx_licenseref_texts_travel_with_the_component() -> None:
    doc = json.loads(read(FIXTURES["acme"]))
    doc["packages"][1]["licenseConcluded"] = "LicenseRef-acme-custom"
    doc["hasExtractedLicensingInfos"] = [
        {"licenseId": "LicenseRef-acme-custom", "name": "ACME licence", "extractedText": "Do what you like."}
    ]
    document = parse_sbom(json.dumps(doc).encode(), "acme.json")
    elliptic = next(c for c in document.components() if c.name == "elliptic")
    [declared] = elliptic.licenses
    assert declared.expression == "LicenseRef-acme-custom"
    assert declared.refs[0].text == "Do what you like." and declared.refs[0].name == "ACME licence"


PIP_LICENSES_CSV = (
    '"Name","Version","License"\r\n'
    '"certifi","2024.8.30","Mozilla Public License 2.0 (MPL 2.0)"\r\n'
    '"cryptography","43.0.1","Apache Software License; BSD License"\r\n'
    '"requests","2.32.3","Apache Software License"\r\n'
    '"typing_extensions","4.12.2","Python Software Foundation License"\r\n'
    '"mystery","0.1","UNKNOWN"\r\n'
)
LICENSE_CHECKER_CSV = (
    '"module name","license","repository"\n'
    '"@babel/core@7.24.0","MIT","https://github.com/babel/babel"\n'
    '"left-pad@1.3.0","WTFPL","https://github.com/stevemao/left-pad"\n'
    '"rc@1.2.8","(BSD-2-Clause OR MIT OR Apache-2.0)","https://github.com/dominictarr/rc"\n'
    '"guessed@1.0.0","MIT*","https://example.org/guessed"\n'
    '"private-thing@0.0.1","UNLICENSED",""\n'
    '"custom@2.0.0","Custom: https://example.org/LICENSE",""\n'
)


def test_pip_licenses_csv() -> None:
    document = parse_sbom(PIP_LICENSES_CSV.encode(), "licenses.csv")
    items = list(document.components())
    assert document.description == "list CSV" and document.component_count == 5
    crypto = next(c for c in items if c.name == "cryptography")
    assert crypto.version == "43.0.1"
    assert crypto.licenses == (DeclaredLicense(name="Apache Software License"), DeclaredLicense(name="BSD License"))


def test_license_checker_csv_splits_name_at_version() -> None:
    document = parse_sbom(LICENSE_CHECKER_CSV.encode(), "licenses.csv")
    items = {c.name: c for c in document.components()}
    assert items["@babel/core"].version == "7.24.0"
    assert items["rc"].licenses == (DeclaredLicense(name="(BSD-2-Clause OR MIT OR Apache-2.0)"),)
    assert items["guessed"].licenses == (DeclaredLicense(name="MIT"),) and items["guessed"].notes
    assert items["custom"].licenses == (DeclaredLicense(url="https://example.org/LICENSE"),)
    assert any("guessed" in note for note in document.notes)


def test_tsv_with_columns_in_any_order() -> None:
    tsv = "License\tPackage\tInstalled version\nMIT\tclick\t8.1.7\nBSD-3-Clause\tflask\t3.0.3\n"
    document = parse_sbom(tsv.encode(), "deps.tsv")
    assert document.description == "list TSV"
    assert [(c.name, c.version, c.licenses[0].name) for c in document.components()] == [
        ("click", "8.1.7", "MIT"), ("flask", "3.0.3", "BSD-3-Clause"),
    ]


def test_pip_licenses_and_license_checker_json() -> None:
    pip_json = [{"Name": "click", "Version": "8.1.7", "License": "BSD License"}]
    checker_json = {"left-pad@1.3.0": {"licenses": "WTFPL", "repository": "https://github.com/x"}}
    [a] = list(parse_sbom(json.dumps(pip_json).encode()).components())
    [b] = list(parse_sbom(json.dumps(checker_json).encode()).components())
    assert (a.name, a.version, a.licenses) == ("click", "8.1.7", (DeclaredLicense(name="BSD License"),))
    assert (b.name, b.version, b.licenses) == ("left-pad", "1.3.0", (DeclaredLicense(name="WTFPL"),))


def test_utf8_bom_and_utf16_are_decoded() -> None:
    data = read(FIXTURES["laravel"])
    assert parse_sbom(b"\xef\xbb\xbf" + data).component_count == 62
    assert parse_sbom(data.decode().encode("utf-16")).component_count == 62


def test_cyclonedx_xml_deviation_is_read_leniently() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <components>
    <component type="gadget"><name>odd</name><version>2.0</version>
      <licenses><license><name>Apache Software License</name></license></licenses></component>
    <component type="library"><name>fine</name><version>1.0</version>
      <licenses><expression>MIT OR ISC</expression></licenses></component>
  </components>
</bom>"""
    document = parse_sbom(xml, "bom.xml")
    items = list(document.components())
    assert document.description == "CycloneDX 1.5 XML"
    assert [(c.name, c.licenses) for c in items] == [
        ("odd", (DeclaredLicense(name="Apache Software License"),)),
        ("fine", (DeclaredLicense(expression="MIT OR ISC"),)),
    ]
    assert "read leniently" in document.notes[0]


def test_yaml_that_is_not_an_sbom() -> None:
    from bot.licenses.sbom import SbomError

    with pytest.raises(SbomError) as info:
        parse_sbom(b"name: my-app\nversion: 1.0\n", "config.yaml")
    assert "valid YAML but not an SBOM" in str(info.value)


def test_cyclonedx_16_concluded_licence_wins_over_declared() -> None:
    item = component("dual", {"license": {"id": "GPL-2.0-only", "acknowledgement": "declared"}},
                     {"expression": "MIT", "acknowledgement": "concluded"})
    [parsed] = list(parse_sbom(cyclonedx([item], version="1.6")).components())
    assert parsed.licenses == (DeclaredLicense(expression="MIT"),)
