"""The /audit page in a real browser: Debian's Chromium (headless) driven by Playwright against a live uvicorn.

The app is a bare FastAPI with the web router (the page, under its CSP) and the audit router over the real
licence engine. Set YUANBOT_WRITE_SCREENSHOT=1 to refresh docs/audit.png.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from fastapi import FastAPI

from adapters.web import build_web_router
from bot.api.routes_audit import build_audit_router
from bot.licenses.engine import LicenseEngine
from bot.settings import Settings

from .support import BROWSER_MARKS, LiveServer

pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "audit" / "data"
LICENSES = ROOT / "knowledge" / "licenses"
DROPWIZARD = DATA / "dropwizard-1.3.15.cdx.json"
RED = "rgb(198, 40, 40)"
GREEN = "rgb(46, 125, 50)"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    engine = LicenseEngine(LICENSES / "engine", LICENSES / "texts")
    app = FastAPI()
    app.include_router(build_web_router(Settings(data_dir=tmp_path_factory.mktemp("data"), _env_file=None)))
    app.include_router(build_audit_router(engine, LICENSES / "texts", max_upload_bytes=5 * 1024 * 1024))
    with LiveServer(app) as live:
        yield live



@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.csp_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: "Content Security Policy" in m.text and pg.csp_errors.append(m.text))
    pg.goto(server.url + "/audit")
    yield pg
    assert pg.csp_errors == []  # nothing inline, nothing from elsewhere
    context.close()


def audit(page, path: Path, outbound: str = "GPL-2.0-only", use: str = "binary") -> None:
    page.locator("#file").set_input_files(str(path))
    page.locator("#outbound").fill(outbound)
    page.locator("#use").select_option(use)
    page.get_by_role("button", name="开始审计 Audit").click()


def test_upload_dropwizard_shows_counts_and_colours(page) -> None:
    expect(page.locator("h1")).to_contain_text("依赖许可证审计")
    audit(page, DROPWIZARD)
    expect(page.locator("#headline")).to_contain_text("167 个组件（出站许可证 GPL-2.0-only，使用方式 binary）")
    expect(page.locator("#headline-en")).to_contain_text("167 components")
    expect(page.locator("#status")).to_contain_text("审计完成")
    conflicts = page.locator(".count.v-incompatible")
    expect(conflicts.locator(".n")).to_have_text("114")
    assert conflicts.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    assert page.locator(".count.v-compatible").evaluate("e => getComputedStyle(e).backgroundColor") == GREEN
    expect(page.locator(".count.v-unresolved .n")).to_have_text("36")  # 34 without a licence, 2 naming only the BSD family
    first = page.locator("#rows tr").first
    expect(first).to_have_attribute("data-verdict", "incompatible")  # conflicts first
    assert first.locator(".badge").evaluate("e => getComputedStyle(e).backgroundColor") == RED
    expect(page.locator("#rows tr")).to_have_count(167)
    expect(page.locator("#obligations .group").first).to_be_visible()
    expect(page.locator("#unresolved")).to_contain_text("the SBOM gives no licence")


def test_sort_and_filter(page) -> None:
    audit(page, DROPWIZARD)
    expect(page.locator("#rows tr")).to_have_count(167)
    names = page.locator("#rows tr td.name")
    page.get_by_role("button", name="组件 Component").click()
    expect(page.locator("th").nth(1)).to_have_attribute("aria-sort", "ascending")
    expect(names.first).to_have_text("antlr")
    page.get_by_role("button", name="组件 Component").click()
    expect(page.locator("th").nth(1)).to_have_attribute("aria-sort", "descending")
    expect(names.first).to_have_text("org.yaml/snakeyaml")
    page.locator("#filter").fill("jackson")
    expect(page.locator("#rows tr")).to_have_count(15)
    expect(page.locator("#shown")).to_contain_text("showing 15 of 15")
    page.locator("#filter").fill("")
    page.locator(".count.v-compatible").click()
    expect(page.locator(".count.v-compatible")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#rows tr")).to_have_count(15)  # the 2 BSD-family components are unresolved now
    verdicts = page.locator("#rows tr").evaluate_all("rows => [...new Set(rows.map(r => r.dataset.verdict))]")
    assert verdicts == ["compatible"]
    page.locator(".count.v-compatible").click()
    expect(page.locator("#rows tr")).to_have_count(167)


def test_downloads_notice_csv_json(page) -> None:
    audit(page, DROPWIZARD)
    expect(page.locator("#rows tr")).to_have_count(167)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 NOTICE").click()
    notice = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename == "NOTICE.txt"
    assert notice.startswith("THIRD-PARTY SOFTWARE NOTICES") and "---- Apache-2.0 (used by" in notice
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert info.value.suggested_filename == "licence-audit.csv" and len(rows) == 167
    assert rows[0]["verdict"] == "incompatible"
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 JSON").click()
    report = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert report["summary"]["total"] == 167 and report["summary"]["outbound"] == "GPL-2.0-only"


def test_not_an_sbom_gets_one_sentence(page, tmp_path: Path) -> None:
    bad = tmp_path / "package.json"
    bad.write_text(json.dumps({"name": "my-app", "dependencies": {"left-pad": "^1.3.0"}}))
    audit(page, bad)
    status = page.locator("#status")
    expect(status).to_have_class("status error")
    expect(status).to_contain_text("The file is valid JSON but not an SBOM")
    expect(status).to_contain_text("这是 JSON 文件，但不是 SBOM")
    expect(page.locator("#results")).to_be_hidden()


def test_drag_and_drop_a_csv_list(page) -> None:
    listing = "Name,Version,License\nrequests,2.32.3,Apache Software License\nchardet,5.2.0,LGPL-2.1-or-later\n"
    transfer = page.evaluate_handle(
        """text => { const dt = new DataTransfer();
                     dt.items.add(new File([text], 'licenses.csv', {type: 'text/csv'})); return dt; }""",
        listing,
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    expect(page.locator("#file-name")).to_contain_text("licenses.csv")
    page.locator("#outbound").fill("proprietary")
    page.get_by_role("button", name="开始审计 Audit").click()
    expect(page.locator("#headline")).to_contain_text("2 个组件（出站许可证 proprietary")
    expect(page.locator("#source")).to_contain_text("list CSV")


def test_unknown_outbound_licence_sentence(page) -> None:
    audit(page, DROPWIZARD, outbound="Frobnitz Licence 9")
    expect(page.locator("#status")).to_contain_text("is not recognised")


def test_screenshot(page, tmp_path: Path) -> None:
    audit(page, DROPWIZARD)
    expect(page.locator("#rows tr")).to_have_count(167)
    page.locator("h1").click()  # no focus ring in the picture
    shot = ROOT / "docs" / "audit.png" if os.environ.get("YUANBOT_WRITE_SCREENSHOT") else tmp_path / "audit.png"
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
