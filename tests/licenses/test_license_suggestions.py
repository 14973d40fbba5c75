"""Bad names get 422 with suggestions, never a guess: exception names are not completed from a prefix,
suggestions are current SPDX ids (not deprecated ones), and nothing close is said as such."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.routes_licenses import build_license_router
from bot.errors import LicenseError


@pytest.fixture(scope="module")
def client(engine):
    app = FastAPI()
    app.include_router(build_license_router(engine))
    return TestClient(app)


@pytest.mark.parametrize("expression,suggested", [
    ("GPL-2.0-only WITH LGPL", "LGPL-3.0-linking-exception"),  # was silently WITH LGPL-3.0-linking-exception
    ("GPL-2.0-or-later WITH GCC", "GCC-exception-3.1"),
    ("GPL-2.0-only WITH Classpath", "Classpath-exception-2.0"),
])
def test_an_exception_name_is_never_guessed(engine, client, expression, suggested) -> None:
    with pytest.raises(LicenseError) as info:
        engine.resolve(expression)
    assert "unknown licence exception" in str(info.value) and suggested in info.value.suggestions
    response = client.get("/api/licenses/compatibility", params={"inbound": expression, "outbound": "MIT"})
    assert response.status_code == 422 and suggested in response.json()["detail"]["suggestions"]


def test_exact_exception_ids_and_names_still_resolve(engine) -> None:
    assert engine.resolve("GPL-2.0-only WITH Classpath-exception-2.0") == "GPL-2.0-only WITH Classpath-exception-2.0"
    assert engine.resolve("GPL-3.0-or-later WITH GCC-exception-3.1") == "GPL-3.0-or-later WITH GCC-exception-3.1"
    name = engine.catalog.exceptions["LLVM-exception"]  # the exception's full name works as well as its id
    assert engine.resolve(f"Apache-2.0 WITH {name}") == "Apache-2.0 WITH LLVM-exception"


@pytest.mark.parametrize("typo", ["GPL3x", "GNU GPL 3.x", "GPLv3.x", "LGPL 3.0.1", "LGPL3.0x"])
def test_suggestions_are_current_ids(engine, typo) -> None:
    with pytest.raises(LicenseError) as info:
        engine.resolve(typo)
    suggestions = info.value.suggestions
    assert suggestions and not [s for s in suggestions if engine.catalog.licenses[s].deprecated]
    assert any(s.endswith("-only") for s in suggestions)  # GPL-3.0 -> GPL-3.0-only, not dropped


def test_nothing_close_is_said_with_where_to_look(engine, client) -> None:
    with pytest.raises(LicenseError) as info:
        engine.resolve("asdf")
    assert info.value.suggestions == []
    message = str(info.value)
    assert "no close licence id" in message and "https://spdx.org/licenses/" in message
    assert message.count(" / ") == 1 and "没有相近的许可证" in message.split(" / ")[0]  # zh / en halves kept
    response = client.get("/api/licenses/compatibility", params={"inbound": "asdf", "outbound": "MIT"})
    assert response.status_code == 422 and "no close licence id" in response.json()["detail"]["message"]
    with pytest.raises(LicenseError) as close:
        engine.resolve("Apache-3.0")
    assert "no close licence id" not in str(close.value)  # only when there is nothing to suggest
