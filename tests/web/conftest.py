"""Headless Debian Chromium for the browser tests (one per test session)."""

from __future__ import annotations

import pytest

from tests.web.support import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
