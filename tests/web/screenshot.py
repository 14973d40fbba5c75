"""Refresh docs/widget.png: the landing page with the widget open on an answered question.

    HF_HUB_OFFLINE=1 .venv/bin/python -m tests.web.screenshot [path] [--url http://127.0.0.1:8000]

With --url it photographs a running YuanBot (the real knowledge base: use this for docs/widget.png);
without, the test doubles of tests/web (no knowledge base needed). Debian's Chromium either way.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.fakes import FakeQuestionLog
from tests.helpers import make_settings

from .support import CHROMIUM, CHROMIUM_ARGS, FakeAssistant, LiveServer, make_app, web_reply

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "widget.png"


def take(path: Path, url: str | None = None) -> Path:
    if url:
        return _shoot(url, path)
    with tempfile.TemporaryDirectory() as data:
        settings = make_settings(data_dir=Path(data), allowed_origins=[])
        with LiveServer(make_app(settings, FakeAssistant(web_reply), FakeQuestionLog())) as server:
            return _shoot(server.url, path)


def _shoot(url: str, path: Path) -> Path:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 760}, locale="zh-CN")
        page.goto(url + "/")
        page.get_by_role("button", name="开源人才能享受哪些住房方面的支持？").click()
        chat = page.frame_locator("[data-yuanbot] iframe")
        cite = chat.locator(".yb-cite").first
        expect(cite).to_be_visible(timeout=20000)
        cite.click()
        expect(chat.locator(".yb-source[open] .yb-passage")).to_be_visible()
        chat.locator(".yb-rate-up").click()
        expect(chat.locator(".yb-feedback-status")).not_to_be_empty()
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        browser.close()
    return path


if __name__ == "__main__":
    args = sys.argv[1:]
    live = None
    if "--url" in args:
        live = args[args.index("--url") + 1]
        del args[args.index("--url"): args.index("--url") + 2]
    print(take(Path(args[0]) if args else DEFAULT, live))
