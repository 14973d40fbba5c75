"""The staff console in a real browser (Debian's Chromium, headless, driven by Playwright) against the full app
on a live uvicorn, over a small real knowledge base (real embeddings, Chroma, the question log).

The acceptance path: sign in; upload a .docx and watch its progress and result, then ask about it through
the widget's /embed page and get it cited; mark a policy expired and see the answer's validity note change;
add a FAQ entry and get it answered; open the report and see the charts. Every page runs under the CSP
(no inline code) and shows everything staff or citizens typed as text, never as HTML.
"""

from __future__ import annotations

import re
import time
from datetime import UTC
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

from bot.questionlog import QuestionLog
from bot.wiring import build_app
from tests.helpers import serve
from tests.web.support import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

from .support import (
    HOSTILE,
    PLAN_TITLE,
    TOKEN,
    build_knowledge,
    built_components,
    console_settings,
    docx_bytes,
)

pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

GUIDE_TITLE = "南京市开源社区活动指南（测试）"
GUIDE = docx_bytes(GUIDE_TITLE, [("一、社区开放日", "开源社区开放日定在每月第一个星期六，地点为南京软件谷开源中心。"),
                                 ("二、报名方式", "参加开放日须提前三天在开源中心网站报名。")])
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, embeddings):
    tmp = tmp_path_factory.mktemp("console-browser")
    build_knowledge(tmp / "knowledge")
    settings = console_settings(tmp)
    components = built_components(settings, embeddings)
    app = build_app(settings, warm_up=False, components=components)
    with serve(app) as url:
        yield url, settings, components


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(30_000)
    context.csp_errors = []  # type: ignore[attr-defined]

    def watch(page):
        page.on("console", lambda m: "Content Security Policy" in m.text and context.csp_errors.append(m.text))

    context.on("page", watch)
    yield context
    assert context.csp_errors == []  # nothing inline, nothing from elsewhere
    context.close()


def signed_in(context, url: str, page_name: str = "documents"):
    page = context.new_page()
    page.goto(f"{url}/admin/{page_name}")
    expect(page).to_have_url(f"{url}/admin/signin?next={page_name}")
    page.locator("#token").fill(TOKEN)
    page.get_by_role("button", name="登录 Sign in").click()
    expect(page).to_have_url(f"{url}/admin/{page_name}")
    page.wait_for_load_state("networkidle")  # the page's scripts have run and loaded its data
    return page


def ask_widget(context, url: str, question: str):
    """Ask through the widget's chat page; the answer's message element once it has arrived."""
    chat = context.new_page()
    chat.goto(f"{url}/embed")
    chat.locator("#yb-input").fill(question)
    chat.locator("#yb-input").press("Enter")
    answer = chat.locator(".yb-msg.yb-bot:not(.yb-welcome):not(.yb-typing)").last
    expect(answer.locator(".yb-text")).not_to_be_empty()
    return answer


def wait_idle(url: str) -> None:
    """No ingest job running (a test's changes are synced before the next test starts)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/admin/api/jobs/latest", headers=BEARER, timeout=10).json()["job"]
        if job is None or job["state"] != "running":
            return
        time.sleep(0.2)
    raise AssertionError("an ingest job did not finish")


def api_upload(url: str, name: str, data: bytes, folder: str = "policy") -> dict:
    response = httpx.post(f"{url}/admin/api/documents", headers=BEARER, data={"folder": folder},
                          files=[("files", (name, data))], timeout=30)
    assert response.status_code == 202, response.text
    wait_idle(url)
    return response.json()["job"]


def test_sign_in(context, server) -> None:
    url = server[0]
    page = context.new_page()
    page.goto(f"{url}/admin/")
    expect(page).to_have_url(f"{url}/admin/signin?next=documents")
    page.locator("#token").fill("not-the-token")
    page.get_by_role("button", name="登录 Sign in").click()
    expect(page.locator(".message")).to_have_text("令牌不正确 / wrong token")
    page.locator("#token").fill(TOKEN)
    page.get_by_role("button", name="登录 Sign in").click()
    expect(page).to_have_url(f"{url}/admin/documents")
    expect(page.locator("h1")).to_contain_text("文档")
    plan = page.locator("#rows tr", has_text=PLAN_TITLE)
    expect(plan).to_have_count(1)
    expect(plan.locator(".badge")).to_have_text("已失效 · expired")
    page.get_by_role("button", name="退出 Sign out").click()
    expect(page).to_have_url(f"{url}/admin/signin")


def test_upload_a_docx_watch_it_then_ask_the_widget(context, server, tmp_path) -> None:
    url = server[0]
    wait_idle(url)
    page = signed_in(context, url)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    file = tmp_path / "community-guide.docx"
    file.write_bytes(GUIDE)
    page.locator("#files").set_input_files(str(file))
    expect(page.locator("#chosen")).to_contain_text("community-guide.docx")
    page.locator("#folder").select_option("policy")
    page.get_by_role("button", name="上传并同步 Upload & sync").click()
    job = page.locator("#job")
    expect(job).to_be_visible()
    expect(job).to_have_attribute("data-state", "running")  # live progress, from server-sent events
    expect(page.locator("#upload")).to_be_disabled()
    expect(job).to_have_attribute("data-state", "done", timeout=60_000)
    expect(page.locator("#job-bar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#job-result .r-added")).to_contain_text("policy/community-guide.docx")
    expect(page.locator("#job-stage")).to_contain_text("1 added, 0 updated, 0 removed")
    row = page.locator("#rows tr", has_text=GUIDE_TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("现行有效 · in force")
    # the progress came from the event stream: it was opened, and the job was never polled instead
    streams = [p for p in requested if re.fullmatch(r"/admin/api/jobs/[0-9a-f]+/events", p)]
    polls = [p for p in requested if re.fullmatch(r"/admin/api/jobs/[0-9a-f]+", p)]
    assert len(streams) == 1 and polls == [], requested
    # answerable from the widget as soon as the job has ended
    answer = ask_widget(context, url, "开源社区开放日是哪一天？")
    expect(answer.locator(".yb-text")).to_contain_text("每月第一个星期六")
    expect(answer.locator(".yb-cite").first).to_be_visible()
    expect(answer.locator(".yb-source").first).to_contain_text(GUIDE_TITLE)


def test_a_failed_upload_shows_the_reason(context, server, tmp_path) -> None:
    url = server[0]
    wait_idle(url)
    page = signed_in(context, url)
    empty = tmp_path / "empty-notice.md"
    empty.write_bytes(b"")
    page.locator("#files").set_input_files(str(empty))
    page.get_by_role("button", name="上传并同步 Upload & sync").click()
    expect(page.locator("#job")).to_have_attribute("data-state", "done", timeout=60_000)
    expect(page.locator("#job-result .r-failed")).to_have_text("失败 failedpolicy/empty-notice.md: the file is empty")
    expect(page.locator("#rows tr", has_text="empty-notice")).to_have_count(0)


def test_mark_a_policy_expired_and_the_answer_says_so(context, server) -> None:
    url = server[0]
    wait_idle(url)
    job = api_upload(url, "volunteers.md", (
        "---\ntitle: 南京市开源志愿者服务办法（测试）\nstatus: in_force\n---\n\n# 南京市开源志愿者服务办法（测试）\n\n"
        "## 一、荣誉\n\n开源志愿者累计服务满一百小时的，由市开源产业联盟颁发开源之星证书。"
        "服务时长以开源社区的活动记录为准。\n").encode())
    assert job["state"] == "running"
    question = "开源志愿者服务满多少小时可以获得开源之星证书？"
    before = ask_widget(context, url, question)
    expect(before.locator(".yb-text")).to_contain_text("一百小时")
    expect(before.locator(".yb-text")).not_to_contain_text("实施期已届满")
    page = signed_in(context, url)
    page.locator("#q").fill("志愿者")
    row = page.locator("#rows tr", has_text="南京市开源志愿者服务办法（测试）")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="元数据 Edit").click()
    dialog = page.locator("#meta-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#m-title")).to_have_value("南京市开源志愿者服务办法（测试）")
    expect(page.locator("#meta-where")).to_contain_text("front matter")
    page.locator("#m-status").select_option("expired")
    page.locator("#m-effective_to").fill("2025-06-30")
    page.locator("#m-issuer").fill("南京市工业和信息化局")
    page.get_by_role("button", name="保存并同步 Save & sync").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#job")).to_have_attribute("data-state", "done", timeout=60_000)
    expect(page.locator("#job-result .r-updated")).to_contain_text("policy/volunteers.md")
    expect(row.locator(".badge")).to_have_text("已失效 · expired")
    after = ask_widget(context, url, question)
    expect(after.locator(".yb-text")).to_contain_text("一百小时")
    expect(after.locator(".yb-text")).to_contain_text("《南京市开源志愿者服务办法（测试）》实施期已届满（实施期 2025-06-30）")
    text = (server[1].knowledge_dir / "policy" / "volunteers.md").read_text(encoding="utf-8")
    assert "status: expired" in text and "effective_to: 2025-06-30" in text and "issuer: 南京市工业和信息化局" in text


def test_add_a_faq_entry_and_get_it_answered(context, server) -> None:
    url = server[0]
    wait_idle(url)
    question = "开源企业想上市，有没有一站式服务？"
    page = signed_in(context, url, "faq")
    page.locator("#faq-file").select_option("faq/policy.yaml")
    page.get_by_role("button", name="新增问答 New entry").click()
    page.locator("#f-question").fill(question)
    page.locator("#f-answer").fill("有。行动计划提出建立企业上市“绿色通道”，为开源软件企业上市提供“一站式”服务。")
    page.locator("#f-source").fill(f"《{PLAN_TITLE}》二、重点任务 > （二）开源主体培育工程 > 4.扶持开源软件企业挂牌上市")
    page.locator("#f-tags").fill("上市, 企业")
    page.get_by_role("button", name="检查并预览 Check & preview").click()
    expect(page.locator("#status")).to_contain_text("检查通过")
    expect(page.locator("#review-clauses .clause")).to_contain_text("4.扶持开源软件企业挂牌上市")
    expect(page.locator("#review-preview")).to_contain_text("提供“一站式”服务。[1]")
    expect(page.locator("#review-current")).not_to_be_empty()
    page.get_by_role("button", name="保存并同步 Save & sync").click()
    expect(page.locator("#job")).to_have_attribute("data-state", "done", timeout=60_000)
    expect(page.locator("#status")).to_contain_text("已保存并同步")
    expect(page.locator("#entries button").last).to_contain_text(question)
    answer = ask_widget(context, url, question)
    expect(answer.locator(".yb-text")).to_contain_text("有。行动计划提出建立企业上市“绿色通道”")
    expect(answer.locator(".yb-source").first).to_contain_text("扶持开源软件企业挂牌上市")


def test_a_faq_entry_citing_a_missing_clause_is_refused(context, server) -> None:
    url = server[0]
    page = signed_in(context, url, "faq")
    page.locator("#f-question").fill("开源人才可以落户吗？")
    page.locator("#f-answer").fill("可以。")
    page.locator("#f-source").fill(f"《{PLAN_TITLE}》三、保障措施 > （九）落户")
    page.get_by_role("button", name="保存并同步 Save & sync").click()
    expect(page.locator("#review-errors li").first).to_contain_text("中没有“三、保障措施 > （九）落户”一节")
    expect(page.locator("#status")).to_have_class("status error")
    expect(page.locator("#job")).to_be_hidden()


def _seed_report(settings) -> None:
    """Questions from three channels over three days, some unanswered, some voted down."""
    now = time.time()
    for days_ago, channel, question, status in [
        (2, "api", "南京有开源基金会吗？", "no_answer"), (2, "wechat", "南京有开源基金会吗", "no_answer"),
        (2, "api", "开源人才能享受哪些住房方面的支持？", "answered"),
        (1, "telegram", "开源人才能享受哪些住房方面的支持？", "answered"),
        (1, "wechat", "开源项目能申请多少补贴？", "no_answer"), (0, "api", "MIT 许可证能商用吗？", "answered"),
        (0, "wechat", f"恶意 {HOSTILE}", "no_answer"),
    ]:
        log = QuestionLog(settings.data_dir, clock=lambda d=days_ago: now - d * 86400 - 60, tz=UTC)
        log.record_question(channel=channel, session_id="s", question=question, status=status, top_score=0.5,
                            latency_ms=20.0, mode="extractive")
        if status == "answered":
            log.record_feedback(channel=channel, session_id="s", question=question, answer="…",
                                rating="up" if days_ago else "down")
        log.close()


def test_the_report_page_draws_its_charts(context, server) -> None:
    url, settings, _ = server
    _seed_report(settings)
    page = signed_in(context, url, "questions")
    expect(page.locator("#c-total")).not_to_have_text("–")
    for chart in ("chart-channels", "chart-answered", "chart-feedback", "chart-topics"):
        expect(page.locator(f"#{chart} canvas").first).to_be_visible()
        points = page.evaluate(
            "id => echarts.getInstanceByDom(document.getElementById(id)).getOption().series"
            ".reduce((n, s) => n + s.data.filter(v => v > 0).length, 0)", chart)
        assert points > 0, chart
    channels = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-channels'))"
                             ".getOption().series.map(s => s.name)")
    assert {"微信 WeChat", "Telegram"} <= set(channels)
    group = page.locator("#unanswered li", has_text="南京有开源基金会吗")
    expect(group.locator(".n")).to_have_text("× 2")
    expect(page.locator("#export-questions")).to_have_attribute("href", "api/export?kind=questions&since=7d")
    with page.expect_download() as download:
        page.locator("#export-todo").click()
    assert "南京有开源基金会吗" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    example = group.locator(".q").inner_text()
    assert example.startswith("南京有开源基金会吗")
    group.get_by_role("link", name="写 FAQ 答案 · write an FAQ answer").click()
    expect(page).to_have_url(f"{url}/admin/faq?question={quote(example)}")
    expect(page.locator("#f-question")).to_have_value(example)
    expect(page.locator("#editor-mode")).to_have_text("新增问答")


def test_everything_typed_is_shown_as_text(context, server) -> None:
    url, settings, _ = server
    wait_idle(url)
    api_upload(url, "hostile.md", f"---\ntitle: '标题{HOSTILE}'\nissuer: '<b>局</b>'\n---\n\n开源测试：恶意标题的文件。\n"
               .encode())
    _seed_report(settings)
    page = signed_in(context, url)
    row = page.locator("#rows tr", has_text="hostile.md")
    expect(row.locator(".t")).to_have_text(f"标题{HOSTILE}")
    expect(row).to_contain_text("<b>局</b>")
    for name in ("questions", "changes", "faq"):
        page.goto(f"{url}/admin/{name}")
        expect(page.locator("h1")).to_be_visible()
        page.wait_for_load_state("networkidle")
    page.goto(f"{url}/admin/questions")
    expect(page.locator("#unanswered")).to_contain_text(HOSTILE)
    page.goto(f"{url}/admin/changes")
    expect(page.locator("#rows")).to_contain_text("hostile.md")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
