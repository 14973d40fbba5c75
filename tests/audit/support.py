"""Paths and small helpers for the audit tests."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
LICENSES = ROOT / "knowledge" / "licenses"
TEXTS = LICENSES / "texts"

FIXTURES = {
    "dropwizard": "dropwizard-1.3.15.cdx.json",
    "laravel": "laravel-7.12.0.cdx-1.4.json",
    "examplemaven": "examplemaven-0.0.1-enriched.spdx.json",
    "acme": "ACME-v2.3.spdx.json",
    "example2": "example2-bin.spdx",
}


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def cyclonedx(components: list[dict], version: str = "1.5") -> bytes:
    """A minimal CycloneDX JSON document around `components`."""
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": version, "version": 1,
                       "components": components}).encode()


def component(name: str, *licenses: dict, version: str = "1.0.0") -> dict:
    return {"type": "library", "name": name, "version": version, "licenses": list(licenses)}
