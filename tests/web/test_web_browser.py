"""The widget in a real browser: Debian's Chromium (headless) driven by Playwright against a live uvicorn.

Servers: the YuanBot app on 127.0.0.1:<P>, and two "third-party sites" on 127.0.0.1:<A> (in
YUANBOT_ALLOWED_ORIGINS) and 127.0.0.1:<B> (not allowed) — three different origins.
Set YUANBOT_WRITE_SCREENSHOT=1 to refresh docs/widget.png (or run `python -m tests.web.screenshot`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.fakes import FakeQuestionLog
from tests.helpers import make_settings

from .support import (
    BROWSER_MARKS,
    HOSTILE,
    FakeAssistant,
    HostPages,
    LiveServer,
    make_app,
    web_reply,
)

pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parents[2]
ASK_ROUTES = re.compile(r".*/api/ask(/stream)?$")  # the widget streams, and falls back to api/ask
HOUSING_Q = "开源人才能享受哪些住房方面的支持？"
APACHE_Q = "Apache-2.0 的库能用在 GPL-2.0-only 项目里吗？"


@pytest.fixture(scope="module")
def allowed_site():
    with HostPages() as site:
        yield site


@pytest.fixture(scope="module")
def other_site():
    with HostPages() as site:
        yield site


@pytest.fixture(scope="module")
def assistant():
    return FakeAssistant(web_reply)


@pytest.fixture(scope="module")
def feedback():
    return FakeQuestionLog()


@pytest.fixture(scope="module")
def server(tmp_path_factory, allowed_site, assistant, feedback):
    settings = make_settings(data_dir=tmp_path_factory.mktemp("data"), allowed_origins=[allowed_site.url])
    with LiveServer(make_app(settings, assistant, feedback)) as live:
        yield live



@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def chat(page):
    return page.frame_locator("[data-yuanbot] iframe")


def open_widget(page, url):
    page.goto(url)
    button = page.locator("[data-yuanbot] .yb-btn")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(page.locator("[data-yuanbot] .yb-panel")).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    return chat(page)


def ask(frame, question):
    before = frame.locator(".yb-msg.yb-bot:not(.yb-welcome)").count()
    frame.locator("#yb-input").fill(question)
    frame.locator("#yb-input").press("Enter")
    answer = frame.locator(".yb-msg.yb-bot:not(.yb-welcome)").nth(before)
    expect(answer).to_be_visible()
    return answer


def child_frame(page):
    return page.locator("[data-yuanbot] iframe").element_handle().content_frame()


def test_conversation_on_the_landing_page(page, server, assistant, feedback, tmp_path):
    c = open_widget(page, server.url + "/")
    expect(c.locator("#yb-input")).to_be_focused()

    # a policy question: answer with two citations
    answer = ask(c, HOUSING_Q)
    expect(answer.locator(".yb-text")).to_contain_text("开源领军人才可申请人才公寓或租赁补贴")
    cites = answer.locator(".yb-cite")
    expect(cites).to_have_count(2)
    expect(cites.first).to_have_text("[1]")
    assert assistant.questions[-1].text == HOUSING_Q
    session = assistant.questions[-1].session_id
    assert session and session.startswith("web:")  # issued by the server with the first answer

    # the citation expands its source card: title, section, passage
    card = answer.locator(".yb-source").first
    expect(card).not_to_have_attribute("open", "")
    expect(card.locator(".yb-passage")).to_be_hidden()
    cites.first.click()
    expect(card).to_have_attribute("open", "")
    expect(card.locator(".yb-passage")).to_have_text(re.compile("每月最高补贴3000元"))
    expect(card.locator("summary")).to_contain_text("南京市关于支持开源人才发展的若干措施")
    expect(answer.locator(".yb-source .yb-num")).to_have_text(["[1]", "[2]"])
    cites.nth(1).click()
    expect(answer.locator(".yb-source").nth(1)).to_have_attribute("open", "")
    expect(card.locator(".yb-src-section")).to_have_text("第四条 住房保障")
    expect(card.locator("a")).to_have_attribute("href", "https://www.nanjing.gov.cn/zcfg/opensource-talent.html")
    expect(answer.locator("a[href^='javascript']")).to_have_count(0)  # source 2 has a javascript: url

    shot = ROOT / "docs" / "widget.png" if os.environ.get("YUANBOT_WRITE_SCREENSHOT") else tmp_path / "widget.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    # 👍 reaches the server's FeedbackRecorder
    answer.locator(".yb-rate-up").click()
    expect(answer.locator(".yb-feedback-status")).to_have_text("感谢您的反馈！")
    expect(answer.locator(".yb-rate-down")).to_be_disabled()
    assert feedback.items[-1] == {"channel": "web", "session_id": session, "question": HOUSING_Q,
                                  "answer": "开源领军人才可申请人才公寓或租赁补贴 [1]；首次购房还可享受购房补贴 [2]。",
                                  "rating": "up"}

    # a follow-up goes out with the same session id; the rewritten question is shown
    follow = ask(c, "那上市呢？")
    expect(follow.locator(".yb-understood")).to_have_text("理解为：开源企业上市有什么扶持？")
    assert assistant.questions[-1].session_id == session

    # a licence question: verdict badge, conditions, references
    lic = ask(c, APACHE_Q)
    badge = lic.locator(".yb-badge")
    expect(badge).to_have_text("不兼容")
    expect(badge).to_have_class(re.compile("yb-verdict-incompatible"))
    expect(lic.locator(".yb-pair")).to_have_text("Apache-2.0 → GPL-2.0-only")
    expect(lic.locator(".yb-conditions li")).to_have_count(2)
    expect(lic.locator(".yb-refs a").first).to_have_attribute("href", re.compile("^https://www.osadl.org/"))

    # Esc inside the iframe closes the panel and gives focus back to the button
    c.locator("#yb-input").press("Escape")
    expect(page.locator("[data-yuanbot] .yb-panel")).to_be_hidden()
    button = page.locator("[data-yuanbot] .yb-btn")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()


def test_hostile_source_text_renders_as_text(page, server):
    c = open_widget(page, server.url + "/")
    answer = ask(c, "hostile 恶意内容")
    expect(answer.locator(".yb-text")).to_contain_text(HOSTILE)
    answer.locator(".yb-cite").first.click()
    card = answer.locator(".yb-source").first
    expect(card.locator(".yb-src-title")).to_have_text(f"标题{HOSTILE}")
    expect(card.locator(".yb-src-section")).to_have_text("<b>节</b>")
    expect(card.locator(".yb-passage")).to_have_text(f"正文 {HOSTILE} 结束")
    expect(card.locator("a")).to_have_count(0)  # javascript: url not linked
    frame = child_frame(page)
    assert frame.evaluate("document.querySelectorAll('#yb-log img, #yb-log script, #yb-log b').length") == 0
    page.wait_for_timeout(200)  # give a (wrongly) injected onerror handler time to fire
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_a_comparison_is_shown_as_a_table(page, server):
    c = open_widget(page, server.url + "/")
    answer = ask(c, "木兰宽松许可证和 MIT 有什么区别？")
    table = answer.locator("table.yb-table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(["方面", "MulanPSL-2.0", "MIT"])
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").nth(1).locator("th")).to_have_text("专利授权")
    expect(table.locator("tbody tr").nth(1).locator("td").first).to_have_text("明确授予[1]")
    # the Markdown copy of the table is not shown as text; the lead and the legend are, around the table
    expect(answer.locator(".yb-text")).to_have_count(2)
    expect(answer.locator(".yb-text").first).to_contain_text("对比")
    expect(answer.locator(".yb-text").last).to_contain_text("条款出处")
    assert "| ---" not in answer.inner_text()
    # citation buttons inside cells open their source card
    table.locator("tbody tr").nth(1).locator("td").nth(1).locator(".yb-cite").click()
    expect(answer.locator(".yb-source").nth(1)).to_have_attribute("open", "")
    # cell text is text, never markup
    expect(table.locator("tbody tr").nth(2).locator("td").first).to_contain_text(HOSTILE)
    frame = child_frame(page)
    assert frame.evaluate("document.querySelectorAll('#yb-log img, #yb-log script').length") == 0
    assert frame.evaluate("typeof window.__pwned") == "undefined"


def test_example_question_is_asked_in_the_widget(page, server, assistant):
    page.goto(server.url + "/")
    page.get_by_role("button", name="我们公司想上市，市里有什么扶持？").click()
    expect(page.locator("[data-yuanbot] .yb-panel")).to_be_visible()
    c = chat(page)
    expect(c.locator(".yb-user")).to_contain_text("我们公司想上市，市里有什么扶持？")
    expect(c.locator(".yb-bot .yb-text").last).to_contain_text("最高600万元奖励")
    assert assistant.questions[-1].text == "我们公司想上市，市里有什么扶持？"
    expect(page.locator("#snippet")).to_contain_text(f'<script src="{server.url}/widget.js"')
    expect(page.locator("a[href='docs']")).to_be_visible()


def test_no_answer_is_shown_differently(page, server):
    c = open_widget(page, server.url + "/")
    answer = ask(c, "明天南京天气怎么样？")
    expect(answer).to_have_class(re.compile("yb-noanswer"))
    expect(answer.locator(".yb-flag")).to_have_text("未找到确切答案")
    expect(answer.locator(".yb-cite")).to_have_count(0)
    good = ask(c, HOUSING_Q)
    expect(good).not_to_have_class(re.compile("yb-noanswer"))
    expect(good.locator(".yb-flag")).to_have_count(0)


def test_did_you_mean_questions_are_buttons_that_ask_them(page, server, assistant):
    c = open_widget(page, server.url + "/")
    offer = ask(c, "想办个黑客松，场地能帮忙解决不？")
    expect(offer).to_have_class(re.compile(r"\byb-noanswer\b"))
    expect(offer.locator(".yb-text").first).to_have_text("抱歉，知识库中没有能确切回答这个问题的内容。您是不是想问：")
    buttons = offer.locator(".yb-suggestions button.yb-suggest")
    expect(buttons).to_have_text(["开源企业上市有什么扶持？", "我们想在南京办一场开源大会，能获得什么支持？"])
    expect(offer.locator(".yb-hint")).to_have_text("回复序号即可查看答案。")
    expect(offer).not_to_contain_text("①")  # the numbered lines became the buttons
    before = c.locator(".yb-msg.yb-bot:not(.yb-welcome)").count()
    buttons.first.click()
    expect(c.locator(".yb-msg.yb-user").last).to_have_text(re.compile("开源企业上市有什么扶持？"))
    answer = c.locator(".yb-msg.yb-bot:not(.yb-welcome)").nth(before)
    expect(answer).to_contain_text("最高600万元奖励")
    assert assistant.questions[-1].text == "开源企业上市有什么扶持？"


def test_rate_limit_and_network_errors_then_retry(page, server):
    c = open_widget(page, server.url + "/")
    page.route(ASK_ROUTES, lambda route: route.fulfill(
        status=429, headers={"Retry-After": "30"}, content_type="application/json",
        body='{"message": "too many requests"}'))
    limited = ask(c, HOUSING_Q)
    expect(limited).to_have_class(re.compile("yb-ratelimited"))
    expect(limited).to_contain_text("请求过于频繁，请在 30 秒后再试。")
    expect(c.locator(".yb-typing")).to_have_count(0)

    page.unroute(ASK_ROUTES)
    page.route(ASK_ROUTES, lambda route: route.abort("internetdisconnected"))
    failed = ask(c, "我们公司想上市，市里有什么扶持？")
    expect(failed).to_have_class(re.compile("yb-error"))
    expect(failed).to_contain_text("网络连接失败")

    page.unroute(ASK_ROUTES)
    failed.locator(".yb-retry").click()
    expect(c.locator(".yb-error")).to_have_count(1)  # the network error went away, the 429 stays
    expect(c.locator(".yb-bot .yb-text").last).to_contain_text("最高600万元奖励")


def test_typing_indicator_while_waiting(page, server, assistant):
    c = open_widget(page, server.url + "/")
    assistant.delay = 1.0
    try:
        c.locator("#yb-input").fill(HOUSING_Q)
        c.locator("#yb-input").press("Enter")
        expect(c.locator(".yb-typing")).to_be_visible()
        expect(c.locator("#yb-send")).to_be_disabled()
        expect(c.locator(".yb-bot .yb-cite").first).to_be_visible()
        expect(c.locator(".yb-typing")).to_have_count(0)
    finally:
        assistant.delay = 0.0


def test_keyboard_only(page, server):
    page.goto(server.url + "/")
    button = page.locator("[data-yuanbot] .yb-btn")
    expect(button).to_have_attribute("aria-label", "打开问答助手")
    button.focus()
    page.keyboard.press("Enter")
    c = chat(page)
    expect(c.locator("#yb-input")).to_be_focused()
    expect(button).to_have_attribute("aria-label", "关闭问答助手")
    page.keyboard.type(HOUSING_Q)
    page.keyboard.press("Enter")
    expect(c.locator(".yb-bot .yb-cite").first).to_be_visible()
    expect(c.locator("#yb-log")).to_have_attribute("role", "log")
    page.keyboard.press("Escape")
    expect(page.locator("[data-yuanbot] .yb-panel")).to_be_hidden()
    expect(button).to_be_focused()


def test_mobile_panel_is_full_screen(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        c = open_widget(page, server.url + "/")
        box = page.locator("[data-yuanbot] .yb-panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 700}
        expect(page.locator("[data-yuanbot] .yb-btn")).to_be_hidden()
        ask(c, HOUSING_Q)
        c.locator("#yb-close").click()  # the only way out on a phone besides Esc
        expect(page.locator("[data-yuanbot] .yb-panel")).to_be_hidden()
        expect(page.locator("[data-yuanbot] .yb-btn")).to_be_visible()
    finally:
        context.close()


def test_third_party_site_with_data_attributes(page, server, allowed_site):
    allowed_site.headers = {  # a strict host page: no inline styles, frames only from the widget's origin
        "Content-Security-Policy": f"default-src 'self'; script-src 'unsafe-inline' {server.url}; "
                                   f"style-src 'self'; frame-src {server.url}"}
    allowed_site.html = (
        "<!doctype html><html><head><title>host</title></head><body><h1>南京市人民政府</h1>"
        "<script>window.__before = Object.getOwnPropertyNames(window);</script>"
        f'<script src="{server.url}/widget.js" data-title="Open Source Q&amp;A" data-lang="en" '
        'data-color="#c8102e" data-position="bottom-left" data-open defer></script></body></html>'
    )
    try:
        page.goto(allowed_site.url + "/")
        panel = page.locator("[data-yuanbot] .yb-panel")
        expect(panel).to_be_visible()  # data-open
        button = page.locator("[data-yuanbot] .yb-btn")
        assert button.evaluate("b => getComputedStyle(b).position") == "fixed"
        assert button.bounding_box()["x"] < 100 and panel.bounding_box()["x"] < 100  # bottom-left
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(200, 16, 46)"
        added = page.evaluate("Object.getOwnPropertyNames(window).filter(k => !window.__before.includes(k))")
        assert sorted(added) == ["YuanBot", "__before"]

        c = chat(page)
        expect(c.locator("#yb-title")).to_have_text("Open Source Q&A")
        expect(c.locator("#yb-send")).to_have_text("Send")
        expect(c.locator(".yb-header")).to_have_css("background-color", "rgb(200, 16, 46)")
        lic = ask(c, "May GPL-2.0-only code be used in a project I license under MIT?")
        expect(lic.locator(".yb-badge")).to_have_text("Compatible with conditions")
        expect(lic.locator(".yb-explanation")).to_contain_text("combined work must be distributed under GPL-2.0-only")

        c.locator("#yb-input").press("Escape")  # postMessage across origins
        expect(panel).to_be_hidden()
        page.evaluate("YuanBot.ask('开源人才住房')")
        expect(panel).to_be_visible()
        expect(c.locator(".yb-user .yb-text").last).to_have_text("开源人才住房")
    finally:
        allowed_site.headers = {}


def test_only_allowed_origins_can_frame_embed(page, server, allowed_site, other_site):
    html = f'<!doctype html><title>frame</title><iframe id="f" src="{server.url}/embed"></iframe>'
    other_site.html = allowed_site.html = html
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)

    page.goto(other_site.url + "/")
    frame = page.locator("#f").element_handle().content_frame()
    for _ in range(50):  # the violation is reported on the console
        if blocked:
            break
        page.wait_for_timeout(100)
    assert frame.locator("#yb-input").count() == 0
    assert not frame.url.startswith(server.url)  # Chromium shows its error page instead
    assert blocked and "frame-ancestors 'self' " + allowed_site.url in blocked[0]

    page.goto(allowed_site.url + "/")
    expect(page.frame_locator("#f").locator("#yb-input")).to_be_visible()
    assert page.locator("#f").element_handle().content_frame().url.startswith(server.url + "/embed")


def test_embed_on_its_own(page, server):
    page.goto(server.url + "/embed?lang=en")
    expect(page.locator("#yb-close")).to_be_hidden()  # not framed: nothing to close
    expect(page.locator("#yb-input")).to_be_focused()
    page.keyboard.type("weather?")
    page.keyboard.press("Enter")
    expect(page.locator(".yb-noanswer .yb-flag")).to_have_text("No definite answer found")


def test_server_errors_are_explained(page, server):
    c = open_widget(page, server.url + "/")
    page.route(ASK_ROUTES, lambda route: route.fulfill(
        status=422, content_type="application/json", body='{"message": "question: 问题不能为空"}'))
    invalid = ask(c, "？")
    expect(invalid).to_have_text("question: 问题不能为空")
    expect(invalid.locator(".yb-retry")).to_have_count(0)  # retrying the same input cannot help
    page.unroute(ASK_ROUTES)
    page.route(ASK_ROUTES, lambda route: route.fulfill(status=500, body="oops"))
    broken = ask(c, HOUSING_Q)
    expect(broken).to_contain_text("服务暂时不可用")
    expect(broken.locator(".yb-retry")).to_be_visible()
    page.unroute(ASK_ROUTES)
    expect(c.locator("#yb-send")).to_be_enabled()
