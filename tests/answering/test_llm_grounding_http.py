"""Issue 16 item 6 through HTTP: an LLM answer with an uncited claim or a foreign link never reaches the
client, on /api/ask or on /api/ask/stream (the real LLMGenerator against the fake OpenAI-compatible server;
retrieval is stubbed to two known passages, the streaming and checking logic is real)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from bot.answering.assistant import RetrievalAssistant
from bot.answering.evidence import Retrieval
from bot.answering.gate import Relevance
from bot.answering.llm import LLMGenerator
from bot.api.app import create_app
from bot.services import Services
from bot.settings import LLMSettings
from bot.types import Answer, Hit, Passage
from tests.fake_llm import Reply
from tests.fakes import FakeCorpus, FakeEmbedder, FakeQuestionLog, FakeSearcher
from tests.helpers import make_settings

PASSAGES = [
    Passage(id="p1", doc_id="plan", title="南京市加快开源软件发展三年行动计划", section="企业上市",
            text="支持开源企业上市，对在境内外上市的开源企业按规定给予一次性奖励。", kind="policy"),
    Passage(id="p2", doc_id="plan", title="南京市加快开源软件发展三年行动计划", section="人才政策",
            text="对引进的高层次开源人才，按规定给予人才安居、子女入学等支持。", kind="policy"),
]
EXTRACTIVE = "对在境内外上市的开源企业按规定给予一次性奖励。[1]"
TRUE = "对在境内外上市的开源企业，按规定给予一次性奖励[1]。"
PROBE = TRUE + "每家企业可申请一百亿元补贴，请登录 http://evil.example/phish 办理。"  # what the probe got through
CITED_LINK = TRUE + "境内外上市的开源企业给予一次性奖励，详见 http://evil.example/phish [1]。"  # supported; the link is not
GOOD = TRUE + "高层次开源人才可享受人才安居、子女入学等支持[2]。"
QUESTION = {"question": "开源企业上市有什么奖励？"}


def app_with_llm(fake_llm, tmp_path):
    generator = LLMGenerator.from_settings(LLMSettings(base_url=fake_llm.url, model="fake", timeout=5))
    assistant = RetrievalAssistant(FakeCorpus(PASSAGES), FakeSearcher(), FakeEmbedder(), generator=generator, slots=1)
    assistant.evidence.retrieve = lambda text: Retrieval(
        hits=[Hit(passage=p, score=0.9) for p in PASSAGES], groups=[], vector=[],
        relevance=Relevance(1.0, 1.0), other_places=set())
    assistant.composer.faq = lambda retrieval, lang: None
    assistant.composer.quoted = lambda text, retrieval, lang: Answer(answer=EXTRACTIVE, status="answered")
    services = Services(settings=make_settings(data_dir=tmp_path), assistant=assistant,
                        question_log=FakeQuestionLog())
    return create_app(services, protection=False)


def events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if lines:
            out.append((lines["event"], json.loads(lines["data"])))
    return out


@pytest.mark.parametrize("reply", [PROBE, CITED_LINK])
def test_ask_falls_back_to_the_extractive_answer(fake_llm, tmp_path, reply):
    fake_llm.script(Reply(reply))
    with TestClient(app_with_llm(fake_llm, tmp_path)) as client:
        answer = client.post("/api/ask", json=QUESTION).json()
    assert answer["mode"] == "extractive" and answer["answer"] == EXTRACTIVE
    assert len(fake_llm.requests) == 1  # the LLM was asked, and its answer refused


@pytest.mark.parametrize("reply", [PROBE, CITED_LINK])
def test_the_stream_sends_only_checked_sentences(fake_llm, tmp_path, reply):
    fake_llm.script(Reply(reply, chunk_size=3))
    with TestClient(app_with_llm(fake_llm, tmp_path)) as client:
        response = client.post("/api/ask/stream", json=QUESTION)
    got = events(response.text)
    assert "evil.example" not in response.text and "一百亿" not in response.text
    deltas = [data["text"] for name, data in got if name == "delta"]
    assert deltas == [TRUE]  # the true sentence was checked and sent; the next one failed and was not
    name, final = got[-1]
    assert name == "answer" and final["mode"] == "extractive" and final["answer"] == EXTRACTIVE


def test_a_good_answer_streams_sentence_by_sentence(fake_llm, tmp_path):
    fake_llm.script(Reply(GOOD, chunk_size=4))
    with TestClient(app_with_llm(fake_llm, tmp_path)) as client:
        got = events(client.post("/api/ask/stream", json=QUESTION).text)
    deltas = [data["text"] for name, data in got if name == "delta"]
    assert deltas == [TRUE, "高层次开源人才可享受人才安居、子女入学等支持[2]。"]
    name, final = got[-1]
    assert name == "answer" and final["mode"] == "llm" and final["answer"] == GOOD
