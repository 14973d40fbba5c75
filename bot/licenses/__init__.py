"""Licence compatibility engine: SPDX names/expressions, OSADL matrix + override layer, obligations,
licence-text identification, question detection and answer rendering."""

from __future__ import annotations

from bot.licenses.engine import LicenseEngine
from bot.types import IdentifyCandidate, IdentifyResult, LicenseInfo

__all__ = ["IdentifyCandidate", "IdentifyResult", "LicenseEngine", "LicenseInfo", "default_data_dir"]


def default_data_dir():
    """<repo>/knowledge/licenses/engine"""
    from bot.resources import license_data_dir

    return license_data_dir()
