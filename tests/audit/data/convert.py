"""Regenerate the derived fixtures (SPDX YAML/RDF, CycloneDX XML) from the real files beside this script.

Run: python tests/audit/data/convert.py   (needs spdx-tools and cyclonedx-python-lib)
"""

from __future__ import annotations

import json
from pathlib import Path

from cyclonedx.model.bom import Bom
from cyclonedx.output import OutputFormat, make_outputter
from cyclonedx.schema import SchemaVersion
from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
from spdx_tools.spdx.writer.rdf.rdf_writer import write_document_to_file as write_rdf
from spdx_tools.spdx.writer.yaml.yaml_writer import write_document_to_file as write_yaml

HERE = Path(__file__).resolve().parent


def main() -> None:
    spdx = JsonLikeDictParser().parse(json.loads((HERE / "examplemaven-0.0.1-enriched.spdx.json").read_text()))
    write_yaml(spdx, str(HERE / "examplemaven-0.0.1.spdx.yaml"), validate=False)
    write_rdf(spdx, str(HERE / "examplemaven-0.0.1.spdx.rdf.xml"), validate=False)
    bom = Bom.from_json(json.loads((HERE / "laravel-7.12.0.cdx-1.4.json").read_text()))  # type: ignore[attr-defined]
    for version in (SchemaVersion.V1_2, SchemaVersion.V1_6):
        xml = make_outputter(bom, OutputFormat.XML, version).output_as_string(indent=1)
        (HERE / f"laravel-7.12.0.cdx-{version.to_version()}.xml").write_text(xml, encoding="utf-8")


if __name__ == "__main__":
    main()
