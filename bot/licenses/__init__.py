"""Licence compatibility engine: SPDX names/expressions, OSADL matrix + override layer, obligations,
licence-text identification, question detection and answer rendering."""

from __future__ import annotations

from bot.licenses.engine import LicenseEngine, LicenseInfo
from bot.licenses.identify import IdentifyCandidate, IdentifyResult

__all__ = ["IdentifyCandidate", "IdentifyResult", "LicenseEngine", "LicenseInfo", "default_data_dir"]


def default_data_dir():
    """<repo>/knowledge/licenses/engine"""
    from bot.settings import PROJECT_ROOT

    return PROJECT_ROOT / "knowledge" / "licenses" / "engine"
