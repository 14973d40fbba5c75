"""Test doubles and live servers for the web widget tests (and tests/web/screenshot.py)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

import pytest

from adapters.web import apply_cors, build_web_router
from bot.api.app import create_app
from bot.services import Services
from bot.settings import Settings
from bot.types import Answer, LicenseCheck, LicenseReference, Question, Source, Table
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.helpers import serve

HOSTILE = '<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>'

HOUSING_SOURCES = [
    Source(
        id="nj-talent-2023#4",
        title="南京市关于支持开源人才发展的若干措施",
        section="第四条 住房保障",
        text="对符合条件的开源领军人才，可申请人才公寓或租赁补贴，每月最高补贴3000元，期限不超过3年。",
        score=0.91,
        url="https://www.nanjing.gov.cn/zcfg/opensource-talent.html",
        kind="policy",
        status="in_force",
    ),
    Source(
        id="nj-talent-2023#5",
        title="南京市关于支持开源人才发展的若干措施",
        section="第五条 购房支持",
        text="开源人才在宁首次购买自住住房的，可按规定享受购房补贴。",
        score=0.84,
        url="javascript:alert(1)",  # never rendered as a link
        kind="policy",
        status="in_force",
    ),
]

LISTING_SOURCE = Source(
    id="nj-listing#2",
    title="南京市推动开源企业上市若干政策",
    section="第二条 上市奖励",
    text="对在境内外证券交易所首发上市的开源企业，分阶段给予最高600万元奖励。",
    score=0.88,
    url="https://www.nanjing.gov.cn/zcfg/listing.html",
    kind="policy",
)

APACHE_GPL = LicenseCheck(
    verdict="incompatible",
    inbound="Apache-2.0",
    outbound="GPL-2.0-only",
    explanation="Apache-2.0 的专利终止和赔偿条款是 GPL-2.0 之外的额外限制，因此不能并入 GPL-2.0-only 项目。",
    explanation_en="Apache-2.0's patent termination clause is an additional restriction GPL-2.0 does not allow.",
    conditions=["如项目可改为 GPL-3.0-or-later，则可以兼容", "保留 Apache-2.0 的 NOTICE 文件"],
    sources=[
        LicenseReference(title="OSADL 许可证兼容性矩阵", url="https://www.osadl.org/Access-to-raw-data.oss-compliance-raw-data-access.0.html"),
        LicenseReference(title="FSF: Various Licenses and Comments", url="https://www.gnu.org/licenses/license-list.html#apache2"),
    ],
)

GPL_MIT = LicenseCheck(
    verdict="conditional",
    inbound="GPL-2.0-only",
    outbound="MIT",
    explanation="GPL-2.0-only 代码并入后，整个作品须以 GPL-2.0-only 发布。",
    explanation_en="Once GPL-2.0-only code is included, the combined work must be distributed under GPL-2.0-only.",
    conditions=["The combined work is distributed under GPL-2.0-only", "Source code must be offered"],
    sources=[LicenseReference(title="GPL-2.0 §2(b)", url="https://www.gnu.org/licenses/old-licenses/gpl-2.0.html")],
)


COMPARISON_TABLE = Table(
    columns=["方面", "MulanPSL-2.0", "MIT"],
    rows=[["类型", "宽松型", "宽松型"], ["专利授权", "明确授予[1]", "未明确提及[2]"],
          ["商标", f"不授予[1] {HOSTILE}", "未提及[2]"]],
)


def web_reply(question: Question) -> Answer:
    """Realistic canned answers, chosen by keywords."""
    text = question.text
    lower = text.lower()
    if "区别" in text or "compare" in lower:
        return Answer(
            answer="木兰宽松许可证第2版（MulanPSL-2.0）、MIT License（MIT）对比：\n\n" + COMPARISON_TABLE.as_markdown()
                   + "\n\n“—”表示条文未就此作出规定或资料未收录；[n] 是条款出处。",
            status="answered", table=COMPARISON_TABLE,
            sources=[Source(id="lic#mulan", title="木兰宽松许可证，第2版 (MulanPSL-2.0)", section="§2 授予专利许可",
                            text="每个“贡献者”根据“本许可证”授予您……专利许可", score=1.0, kind="license"),
                     Source(id="lic#mit", title="MIT License (MIT)", section="",
                            text="Permission is hereby granted, free of charge, …", score=1.0, kind="license")])
    if "hostile" in lower or "恶意" in text:
        return Answer(
            answer=f"原文如下 [1]。{HOSTILE}",
            status="answered",
            sources=[Source(id="evil#1", title=f"标题{HOSTILE}", section="<b>节</b>", text=f"正文 {HOSTILE} 结束",
                            score=0.5, url="javascript:window.__pwned=3")],
        )
    if "apache" in lower:
        return Answer(answer="不可以。Apache-2.0 与 GPL-2.0-only 不兼容 [1]。", status="answered",
                      sources=[Source(id="lic#apache", title="Apache License 2.0", section="§3 专利许可",
                                      text="If You institute patent litigation…", score=0.8, kind="license")],
                      license_check=APACHE_GPL)
    if "gpl" in lower:
        return Answer(answer="Only if the combined project is released under GPL-2.0-only [1].", status="answered",
                      sources=[Source(id="lic#gpl2", title="GNU General Public License v2.0", section="§2(b)",
                                      text="You must cause any work that you distribute … to be licensed as a whole …",
                                      score=0.8, kind="license")],
                      license_check=GPL_MIT)
    if "天气" in text or "weather" in lower:
        return Answer(answer="抱歉，知识库中没有找到与该问题相关的政策内容。您可以咨询南京市工业和信息化局。",
                      status="no_answer")
    if "黑客松" in text:
        offered = ["开源企业上市有什么扶持？", "我们想在南京办一场开源大会，能获得什么支持？"]
        listed = "\n".join(f"{'①②'[i]} {q}" for i, q in enumerate(offered))
        return Answer(answer=f"抱歉，知识库中没有能确切回答这个问题的内容。您是不是想问：\n{listed}\n回复序号即可查看答案。",
                      status="no_answer", suggestions=offered)
    if "上市" in text or "那" in text:
        understood = "开源企业上市有什么扶持？" if "那" in text else None
        return Answer(answer="对首发上市的开源企业，分阶段给予最高600万元奖励 [1]。", status="answered",
                      sources=[LISTING_SOURCE], understood_question=understood)
    return Answer(
        answer="开源领军人才可申请人才公寓或租赁补贴 [1]；首次购房还可享受购房补贴 [2]。",
        status="answered",
        sources=HOUSING_SOURCES,
    )


class LiveServer:
    """The app on a loopback port (tests.helpers.serve), as a context manager with `.url`."""

    def __init__(self, app) -> None:
        self._serving = serve(app)
        self.url = ""

    def __enter__(self) -> Self:
        self.url = self._serving.__enter__()
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc) -> None:
        self._serving.__exit__(*exc)


class HostPages:
    """A plain HTTP server standing in for a third-party site: GET /any-path returns `self.html`."""

    def __init__(self) -> None:
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.html.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in pages.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.html = "<!doctype html><title>host</title>"
        self.headers: dict[str, str] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_app(settings: Settings, assistant: FakeAssistant, feedback: FakeQuestionLog):
    app = create_app(Services(settings=settings, assistant=assistant, question_log=feedback),
                     routers=[build_web_router(settings)])
    apply_cors(app, settings)
    return app


CHROMIUM = "/usr/bin/chromium"
# the marks of a Playwright test module: selectable with -m browser, skipped (not failed) without Chromium
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
