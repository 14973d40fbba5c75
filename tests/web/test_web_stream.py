"""POST /api/ask/stream (server-sent events), RetrievalAssistant.stream, and the widget reading the stream."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.web import apply_cors, build_web_router
from bot.answering.assistant import Retrieval, RetrievalAssistant
from bot.answering.gate import Relevance
from bot.answering.recording import RecordingAssistant
from bot.api.app import create_app
from bot.api.routes_stream import build_stream_router
from bot.errors import GenerationError
from bot.services import Services
from bot.settings import Settings
from bot.types import Answer, Hit, Passage, Question
from tests.fakes import FakeCorpus, FakeEmbedder, FakeQuestionLog, FakeSearcher
from tests.helpers import make_settings

from .support import CHROMIUM, HOUSING_SOURCES, FakeAssistant, LiveServer, web_reply

FINAL = Answer(answer="开源领军人才可申请人才公寓或租赁补贴 [1]；首次购房还可享受购房补贴 [2]。",
               status="answered", sources=HOUSING_SOURCES, mode="llm")
DELTAS = ["开源领军人才可申请", "人才公寓或租赁补贴 [1]；", "首次购房还可享受购房补贴 [2]。"]


class StreamingAssistant(FakeAssistant):
    """`stream`: three deltas, then the Answer (optionally failing after the first delta)."""

    def __init__(self, fail_after_first: bool = False) -> None:
        super().__init__(web_reply)
        self.fail_after_first = fail_after_first

    def stream(self, question: Question):
        self.questions.append(question)
        for n, delta in enumerate(DELTAS):
            if n == 1 and self.fail_after_first:
                raise RuntimeError("secret internal detail /srv/yuanbot")
            yield delta
        yield FINAL


def events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        out.append((name, json.loads("\n".join(data))))
    return out


def stream_app(settings: Settings, assistant):
    app = create_app(Services(settings=settings, assistant=assistant, question_log=FakeQuestionLog()),
                     routers=[build_stream_router(), build_web_router(settings)], protection=False)
    apply_cors(app, settings)
    return app


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(data_dir=tmp_path)


def post(settings, assistant, question="开源人才能享受哪些住房方面的支持？"):
    with TestClient(stream_app(settings, assistant)) as client:
        return client.post("/api/ask/stream", json={"question": question, "session_id": "s1"})


# --- HTTP ---------------------------------------------------------------------------------------------
def test_stream_sends_deltas_in_order_then_the_answer(settings):
    assistant = StreamingAssistant()
    r = post(settings, assistant)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    assert [name for name, _ in got] == ["delta", "delta", "delta", "answer"]
    assert [data["text"] for _, data in got[:3]] == DELTAS
    final = Answer.model_validate(got[-1][1])
    assert final.model_copy(update={"session_id": None}) == FINAL
    # "s1" was never issued: the stream starts a session of its own and says which
    assert final.session_id and final.session_id != "s1"
    assert assistant.questions[-1].session_id == f"web:{final.session_id}"
    assert assistant.questions[-1].channel == "api"


def test_stream_falls_back_to_ask_as_one_delta(settings):
    assistant = FakeAssistant(web_reply)
    got = events(post(settings, assistant).text)
    assert [name for name, _ in got] == ["delta", "answer"]
    answer = Answer.model_validate(got[-1][1])
    assert got[0][1]["text"] == answer.answer
    assert answer.sources[0].id == "nj-talent-2023#4"


@pytest.mark.parametrize("body", [{"question": ""}, {"question": "   "}, {}, {"question": "x" * 2001}])
def test_stream_validation_is_422_json(settings, body):
    with TestClient(stream_app(settings, StreamingAssistant())) as client:
        r = client.post("/api/ask/stream", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["message"]


def test_error_mid_stream_is_an_error_event_without_internals(settings):
    r = post(settings, StreamingAssistant(fail_after_first=True))
    assert r.status_code == 200
    got = events(r.text)
    assert [name for name, _ in got] == ["delta", "error"]
    assert "secret" not in r.text and "/srv" not in r.text
    assert got[-1][1]["message"]


def test_stream_without_a_final_answer_is_an_error(settings):
    class NoAnswer(FakeAssistant):
        def stream(self, question):
            yield "half an answer"

    assert [name for name, _ in events(post(settings, NoAnswer()).text)] == ["delta", "error"]


def test_recording_assistant_records_the_streamed_answer():
    recorded = []

    class Log:
        def record_question(self, **kw):
            recorded.append(kw)

    seen = []
    wrapped = RecordingAssistant(StreamingAssistant(), Log(), observers=[lambda q, a: seen.append(a)])
    items = list(wrapped.stream(Question(text="q", session_id="s", channel="api")))
    assert items == [*DELTAS, FINAL]
    assert recorded[0]["status"] == "answered" and recorded[0]["mode"] == "llm" and seen == [FINAL]

    plain = list(RecordingAssistant(FakeAssistant(web_reply), Log()).stream(Question(text="天气")))
    assert plain[-1].status == "no_answer" and plain[0] == plain[-1].answer and len(recorded) == 2


# --- RetrievalAssistant.stream in LLM mode (retrieval stubbed, the streaming logic real) -------------------
PASSAGES = [Passage(id=f"p{i}", text=f"第{i}条 政策原文。", doc_id="d", title="措施", kind="policy") for i in (1, 2)]
EXTRACTIVE = Answer(answer="第1条 政策原文。[1]", status="answered")


class StreamLLM:
    def __init__(self, chunks, error: bool = False) -> None:
        self.chunks, self.error = chunks, error

    def stream_answer(self, question, passages, lang):
        yield from self.chunks
        if self.error:
            raise GenerationError("endpoint went away")


def retrieval_assistant(llm) -> RetrievalAssistant:
    ra = RetrievalAssistant(FakeCorpus(PASSAGES), FakeSearcher(), FakeEmbedder(), generator=llm, slots=1)
    ra.evidence.retrieve = lambda text: Retrieval(hits=[Hit(passage=p, score=0.9) for p in PASSAGES], groups=[],
                                                  vector=[], relevance=Relevance(1.0, 1.0), other_places=set())
    ra.composer.faq = lambda retrieval, lang: None
    ra.composer.quoted = lambda text, retrieval, lang: EXTRACTIVE.model_copy()
    return ra


def test_assistant_streams_checked_llm_sentences_then_the_llm_answer():
    chunks = ["第1条政策", "原文[1]。第2条", "政策原文[2]。"]
    ra = retrieval_assistant(StreamLLM(chunks))
    items = list(ra.stream(Question(text="开源人才有哪些住房支持？")))
    assert items[:2] == ["第1条政策原文[1]。", "第2条政策原文[2]。"]  # whole sentences, each checked first
    final = items[-1]
    assert len(items) == 3 and final.mode == "llm" and final.answer == "".join(chunks)
    assert [s.id for s in final.sources] == ["p1", "p2"]
    assert ra._slots.acquire(blocking=False)  # the slot is free again


@pytest.mark.parametrize("llm", [StreamLLM(["没有引用的回答。"]), StreamLLM(["越界引用[7]。"]),
                                 StreamLLM(["第1条政策原文[1]。"], error=True)])
def test_assistant_falls_back_to_extractive_when_the_stream_fails(llm):
    items = list(retrieval_assistant(llm).stream(Question(text="开源人才有哪些住房支持？")))
    assert items[-1] == EXTRACTIVE and items[-1].mode == "extractive"
    assert all("[7]" not in item and "没有引用" not in item for item in items[:-1])  # never shown


def test_assistant_without_llm_yields_the_answer_in_one_piece():
    ra = retrieval_assistant(None)
    assert list(ra.stream(Question(text="q"))) == [EXTRACTIVE.answer, EXTRACTIVE]


# --- the widget in Chromium -------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_widget_renders_a_streamed_answer(tmp_path, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    settings = make_settings(data_dir=tmp_path)
    assistant = StreamingAssistant()
    with LiveServer(stream_app(settings, assistant)) as live:
        page = browser.new_page()
        try:
            page.set_default_timeout(10_000)
            stream_posts = []
            page.on("request", lambda req: stream_posts.append(req.url) if req.url.endswith("/api/ask/stream") else None)
            page.goto(live.url + "/embed")
            page.locator("#yb-input").fill("开源人才能享受哪些住房方面的支持？")
            page.locator("#yb-input").press("Enter")
            answer = page.locator(".yb-msg.yb-bot:not(.yb-welcome):not(.yb-streaming)").first
            expect(answer.locator(".yb-text")).to_have_text(FINAL.answer)
            expect(page.locator(".yb-streaming")).to_have_count(0)
            cites = answer.locator(".yb-cite")
            expect(cites).to_have_count(2)
            cites.first.click()
            expect(answer.locator(".yb-source").first).to_have_attribute("open", "")
            assert stream_posts and len(assistant.questions) == 1  # streamed, no fallback to /api/ask
        finally:
            page.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_widget_falls_back_to_ask_without_the_stream_endpoint(tmp_path, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    settings = make_settings(data_dir=tmp_path)
    assistant = FakeAssistant(web_reply)
    app = create_app(Services(settings=settings, assistant=assistant, question_log=FakeQuestionLog()),
                     routers=[build_web_router(settings)], protection=False)
    with LiveServer(app) as live:
        page = browser.new_page()
        try:
            page.set_default_timeout(10_000)
            asked = []
            page.on("request", lambda req: asked.append(req.url.rsplit("/", 2)[-2:]) if "/api/ask" in req.url else None)
            # an older server (or a proxy) without the stream endpoint
            page.route("**/api/ask/stream", lambda route: route.fulfill(status=404, content_type="application/json",
                                                                         body='{"message": "Not Found"}'))
            page.goto(live.url + "/embed")
            page.locator("#yb-input").fill("开源人才能享受哪些住房方面的支持？")
            page.locator("#yb-input").press("Enter")
            answer = page.locator(".yb-msg.yb-bot:not(.yb-welcome)").first
            expect(answer.locator(".yb-cite")).to_have_count(2)
            expect(page.locator(".yb-error")).to_have_count(0)
            assert len(assistant.questions) == 1 and ["ask", "stream"] in asked and ["api", "ask"] in asked
        finally:
            page.close()
