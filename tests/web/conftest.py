"""Headless Debian Chromium for the browser tests (one for the tests/web package).

Package scope, not session: Playwright's sync API keeps an event loop running in the main thread while it
is open, and pytest-asyncio cannot run the async tests of later packages (tests/wechat …) beside it.
"""

from __future__ import annotations

import pytest

from tests.web.support import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="package")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
