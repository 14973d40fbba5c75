"""Licence compatibility engine: licence names and SPDX expressions, evidence layers (licence texts and
stewards, OSADL, FSF, licence types), obligations, licence-text identification, question detection and
answer rendering. The composition root builds `LicenseEngine(data_dir, texts_dir)`; everything else
talks to it through `bot.ports.LicenseAdvisor`."""

from __future__ import annotations

from bot.licenses.engine import LicenseEngine
from bot.types import IdentifyCandidate, IdentifyResult, LicenseInfo

__all__ = ["IdentifyCandidate", "IdentifyResult", "LicenseEngine", "LicenseInfo"]
