"""/docs: Swagger UI from this process's own assets (works offline, no CDN), and off when disabled."""

from __future__ import annotations

import re

from tests.api.conftest import build
from tests.helpers import asgi_client


async def test_docs_use_local_assets_only(tmp_path):
    app, _ = build(tmp_path)
    async with asgi_client(app) as c:
        page = await c.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(a.startswith("/docs-assets/") for a in assets), assets
        assert "cdn" not in page.text.lower()
        for asset in assets:
            assert (await c.get(asset)).status_code == 200, asset
        assert (await c.get("/openapi.json")).json()["info"]["title"]


async def test_docs_can_be_turned_off(tmp_path):
    app, _ = build(tmp_path, docs_enabled=False)
    async with asgi_client(app) as c:
        assert (await c.get("/docs")).status_code == 404
        assert (await c.get("/docs-assets/swagger-ui-bundle.js")).status_code == 404
        assert (await c.get("/openapi.json")).status_code == 404
