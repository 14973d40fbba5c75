"""Property: whatever a field of a valid SBOM is replaced by, parsing ends in components or an SbomError.

Real SBOMs come from many tools and hand edits; a wrong JSON type in any field must give a report (read
leniently) or one clear sentence, never a traceback (a 500 on the API, exit 1 with a trace in the CLI).
Hypothesis picks a path into a valid SPDX JSON and a valid CycloneDX JSON fixture and puts any JSON value there.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.licenses.sbom import SbomError, parse_sbom

from .support import DATA, FIXTURES, spdx_document

_SPDX = json.loads((DATA / FIXTURES["acme"]).read_text(encoding="utf-8"))
_SPDX_SMALL = spdx_document()
_CDX = json.loads((DATA / FIXTURES["laravel"]).read_text(encoding="utf-8"))
_CDX["components"] = _CDX["components"][:3]  # small: hypothesis parses it hundreds of times

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=False),
                     st.text(max_size=12), st.sampled_from(["NOASSERTION", "MIT", "SPDXRef-DOCUMENT", ""]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                       max_leaves=6)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in `node` (dict keys and list indexes), the root excluded."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _replace(doc: Any, path: tuple, value: Any) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _parses_or_refuses(doc: Any) -> None:
    try:
        document = parse_sbom(json.dumps(doc).encode(), "upload.json")
        components = list(document.components())
    except SbomError as error:
        assert error.zh and error.en and "\n" not in str(error)
    else:
        assert components, "a parsed document yields its components"


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.data())
def test_any_field_of_an_spdx_document_gives_components_or_an_sbom_error(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from([_SPDX, _SPDX_SMALL]))
    path = data.draw(st.sampled_from(_paths(base)))
    _parses_or_refuses(_replace(base, path, data.draw(_VALUES)))


@_SETTINGS
@given(st.data())
def test_any_field_of_a_cyclonedx_document_gives_components_or_an_sbom_error(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_paths(_CDX)))
    _parses_or_refuses(_replace(_CDX, path, data.draw(_VALUES)))


def test_the_property_sees_the_fields_that_crashed_spdx_tools() -> None:
    """The mutated paths include the fields of the crashes the fuzz found (so the property can fail)."""
    top = {path[0] for path in _paths(_SPDX_SMALL)}
    assert {"packages", "creationInfo", "relationships"} <= top
    assert ("packages", 1, "externalRefs") in _paths(_SPDX_SMALL)
