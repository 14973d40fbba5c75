"""Shared fixtures: the real licence engine (built once per session) and an Auditor over it."""

from __future__ import annotations

import pytest

from bot.licenses.audit import Auditor
from bot.licenses.engine import LicenseEngine

from .support import LICENSES, TEXTS


@pytest.fixture(scope="session")
def engine() -> LicenseEngine:
    return LicenseEngine(LICENSES / "engine", TEXTS)


@pytest.fixture(scope="session")
def auditor(engine: LicenseEngine) -> Auditor:
    return Auditor(engine, TEXTS)
