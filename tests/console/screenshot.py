"""Refresh docs/console.png (the documents page after an upload) and docs/console-report.png (the report).

    HF_HUB_OFFLINE=1 .venv/bin/python -m tests.console.screenshot [--url http://127.0.0.1:8000 --token …]

With --url it photographs a running YuanBot (sign-in with --token; it uploads one small example document
into its knowledge folder, and the report shows that server's own question log). Without, it builds a
temporary small knowledge base (the action plan, the MIT text, the bundled FAQ) with a week of example
questions. docs/console.png was taken with --url over the full knowledge base (--no-report), and
docs/console-report.png without --url. Debian's Chromium.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from bot.questionlog import QuestionLog
from bot.retrieval.embedding import load_embeddings
from bot.wiring import build_app
from tests.helpers import serve
from tests.web.support import CHROMIUM, CHROMIUM_ARGS

from .support import TOKEN, build_knowledge, built_components, console_settings, docx_bytes

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE_TITLE = "南京市开源社区活动指南（示例）"
EXAMPLE = docx_bytes(EXAMPLE_TITLE, [("一、社区开放日", "开源社区开放日定在每月第一个星期六，地点为南京软件谷开源中心。"),
                                     ("二、报名方式", "参加开放日须提前三天在开源中心网站报名。")])
QUESTIONS = [  # (days ago, channel, question, answered, rating)
    (6, "api", "开源人才能享受哪些住房方面的支持？", True, "up"), (6, "wechat", "南京有开源基金会吗？", False, None),
    (5, "wechat", "企业上市有什么扶持？", True, "up"), (5, "api", "南京有开源基金会吗", False, None),
    (5, "telegram", "Can I use GPL-2.0-only code in my MIT project?", True, None),
    (4, "api", "开源项目能申请多少补贴？", False, None), (4, "wechat", "开源人才有住房补贴吗", True, "down"),
    (3, "api", "MIT 许可证能商用吗？", True, "up"), (3, "wechat", "开源项目能申请多少补贴", False, None),
    (2, "wechat", "开源人才能享受哪些住房方面的支持", True, None), (2, "api", "行动计划什么时候到期？", True, "up"),
    (1, "telegram", "What is OpenChain ISO/IEC 5230?", True, "up"), (1, "wechat", "开源大赛奖金多少？", False, None),
    (0, "api", "企业上市有什么扶持", True, None), (0, "wechat", "南京有开源基金会吗?", False, None),
]


def seed(data_dir: Path) -> None:
    now = time.time()
    for days_ago, channel, question, answered, rating in QUESTIONS:
        log = QuestionLog(data_dir, clock=lambda d=days_ago: now - d * 86400 - 3600, tz=UTC)
        log.record_question(channel=channel, session_id="s", question=question,
                            status="answered" if answered else "no_answer", top_score=0.5, latency_ms=25.0,
                            mode="extractive")
        if rating:
            log.record_feedback(channel=channel, session_id="s", question=question, answer="…", rating=rating)
        log.close()


def shoot(url: str, token: str, out: Path, *, report: bool = True) -> None:
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        page.goto(f"{url}/admin/documents")
        page.locator("#token").fill(token)
        page.get_by_role("button", name="登录 Sign in").click()
        page.wait_for_load_state("networkidle")
        example = Path(tmp) / "community-guide.docx"
        example.write_bytes(EXAMPLE)
        page.locator("#files").set_input_files(str(example))
        page.locator("#folder").select_option("policy")
        page.get_by_role("button", name="上传并同步 Upload & sync").click()
        expect(page.locator("#job")).to_have_attribute("data-state", "done", timeout=120_000)
        page.locator("#kind").select_option("policy")
        expect(page.locator("#rows tr", has_text="policy/community-guide.docx")).to_have_count(1)  # list reloaded
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "console.png"))
        if report:
            page.goto(f"{url}/admin/questions")
            expect(page.locator("#chart-topics canvas").first).to_be_visible()
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / "console-report.png"))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--out", type=Path, default=DOCS)
    parser.add_argument("--no-report", action="store_true", help="only the documents page (console.png)")
    args = parser.parse_args()
    if args.url:
        shoot(args.url, args.token, args.out, report=not args.no_report)
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_knowledge(tmp / "knowledge")
        settings = console_settings(tmp)
        components = built_components(settings, load_embeddings(settings.embedding_model))
        seed(settings.data_dir)
        with serve(build_app(settings, warm_up=False, components=components)) as url:
            shoot(url, TOKEN, args.out, report=not args.no_report)
    print(args.out / "console.png", args.out / "console-report.png")


if __name__ == "__main__":
    main()
