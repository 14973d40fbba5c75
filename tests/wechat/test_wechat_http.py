"""The real app over HTTP, driven by the WeChat simulator: verification, the three modes, message kinds."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import httpx
import pytest

from adapters.wechat.codec import parse_xml, sign
from adapters.wechat.messages import HELP_TEXT, NO_MORE_TEXT, NON_TEXT_TEXT, VOICE_UNCLEAR_TEXT, WELCOME_TEXT
from adapters.wechat.render import MORE_HINT
from bot.types import Turn
from tests.helpers import asgi_client

from .conftest import AES_KEY, running
from .simulator import fixed_answer
from .test_wechat_codec import BILLION_LAUGHS, OFFICIAL_ENCRYPT, OTHER_KEY, XXE

pytestmark = pytest.mark.asyncio


async def test_url_verification(stack):
    sim = stack.simulator()
    response = await sim.verify_url("echo-123")
    assert response.status_code == 200 and response.text == "echo-123"
    bad = await sim.verify_url("echo-123", token="wrong")
    assert bad.status_code == 403 and "echo" not in bad.text
    async with httpx.AsyncClient() as client:
        odd = await client.get(f"{stack.url}/wechat", params={"signature": "签名", "echostr": "x"})
        assert odd.status_code == 403
        url, body = sim.request(sim.text_xml("u", "hi"))
        odd = await client.post(url.replace("signature=", "signature=%E7%AD%BE"), content=body)
        assert odd.status_code == 403


@pytest.mark.parametrize("mode", ["plain", "compat", "safe"])
async def test_text_question_in_each_mode(stack, mode):
    sim = stack.simulator(mode=mode)
    outcome = await sim.send_text("user-1", "南京有哪些开源扶持政策？")
    assert outcome.attempts == 1
    assert outcome.shown == "南京市支持开源项目。"
    if mode == "safe":
        reply = parse_xml(outcome.deliveries[0].body)
        assert set(reply) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    question = stack.assistant.questions[0]
    assert (question.text, question.session_id, question.channel) == ("南京有哪些开源扶持政策？", "wechat:user-1", "wechat")


async def test_official_vector_over_http():
    # the vector was signed on 2014-09-03: the server's clock is set to then, the window still applies
    with running(wechat_appid="wx2c2769f8efd9abc2", wechat_mode="safe", clock=lambda: 1409735669 + 120) as s:
        query = {"signature": sign("spamtest", "1409735669", "1320562132"), "timestamp": "1409735669",
                 "nonce": "1320562132", "openid": "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "encrypt_type": "aes",
                 "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa"}
        body = f"<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[{OFFICIAL_ENCRYPT}]]></Encrypt></xml>"
        outcome = await s.simulator(mode="safe").deliver_raw(f"{s.url}/wechat?{urlencode(query)}", body.encode())
        assert outcome.shown == "南京市支持开源项目。"
        assert s.assistant.questions[0].text == "abcdteT"
        assert s.assistant.questions[0].session_id == "wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs"


async def test_key_rotation_over_http():
    with running(wechat_aes_key=OTHER_KEY, wechat_previous_aes_key=AES_KEY) as s:
        for key in (OTHER_KEY, AES_KEY):  # WeChat may still encrypt with the previous key
            outcome = await s.simulator(mode="safe", aes_key=key).send_text("u", "问题")
            assert outcome.shown == "南京市支持开源项目。"
        stranger = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
        outcome = await s.simulator(mode="safe", aes_key=stranger).send_text("u", "问题")
        assert outcome.deliveries[0].status == 403
        wrong_app = await s.simulator(mode="safe", appid="wx0000000000000000").send_text("u", "问题")
        assert wrong_app.deliveries[0].status == 403
        assert s.assistant.calls == 2


async def test_hostile_requests_are_refused_without_a_crash(stack, caplog):
    sim = stack.simulator()
    url, body = sim.request(sim.text_xml("u", "hi"))
    caplog.set_level(logging.WARNING, logger="yuanbot.wechat")
    async with httpx.AsyncClient() as client:
        bad_sig = url.replace("signature=", "signature=0")
        assert (await client.post(bad_sig, content=body)).status_code == 403
        assert (await client.post(f"{stack.url}/wechat", content=body)).status_code == 403  # unsigned
        for payload in (BILLION_LAUGHS, XXE, b"<xml><Content>", b"\xff\xfe garbage", b""):
            assert (await client.post(url, content=payload)).status_code == 400
        huge = b"<xml><Content>" + b"a" * 70_000 + b"</Content></xml>"
        assert (await client.post(url, content=huge)).status_code == 413

        async def chunks():  # no Content-Length: the cap applies while streaming
            for _ in range(100):
                yield b"a" * 1024

        # in process: over a socket the server may close before the client has sent its last chunk
        async with asgi_client(stack.app) as local:
            assert (await local.post(url.removeprefix(stack.url), content=chunks())).status_code == 413
        enc_url, enc_body = stack.simulator(mode="safe").request(sim.text_xml("u", "hi"))
        assert (await client.post(enc_url.replace("msg_signature=", "msg_signature=0"), content=enc_body)).status_code == 403
        assert (await client.post(enc_url, content=b"<xml><Encrypt>!!notbase64</Encrypt></xml>")).status_code == 403
    assert stack.assistant.calls == 0
    assert any("refused" in r.getMessage() or "malformed" in r.getMessage() for r in caplog.records)


async def test_cdata_terminator_round_trips(stack):
    stack.assistant.respond = fixed_answer(lambda q: f"回声：{q.text}")
    for mode in ("plain", "safe"):
        outcome = await stack.simulator(mode=mode).send_text("u", "a]]>b<![CDATA[x]]>")
        assert outcome.shown == "回声：a]]>b<![CDATA[x]]>"


async def test_long_answer_is_split_and_continued(stack):
    long_answer = "".join(f"第{i}条：南京市鼓励企业参与开源社区建设。\n" for i in range(300))
    stack.assistant.respond = fixed_answer(long_answer)
    sim = stack.simulator(mode="safe")
    first = await sim.send_text("u", "长问题")
    assert first.shown.endswith(MORE_HINT) and len(first.shown.encode()) <= 2048
    pieces = [first.shown.removesuffix(MORE_HINT)]
    shown = first.shown
    while shown.endswith(MORE_HINT):
        msg_id = 424242 + len(pieces)
        again = await sim.send_text("u", "继续", msg_id=msg_id)
        retry = await sim.send_text("u", "继续", msg_id=msg_id)  # a retry gets the same piece, skips none
        assert retry.shown == again.shown
        shown = again.shown
        assert len(shown.encode()) <= 2048
        pieces.append(shown.removesuffix(MORE_HINT))
    assert "".join(p.strip() for p in pieces).replace("\n", "") == long_answer.replace("\n", "")
    assert (await sim.send_text("u", "继续")).shown == NO_MORE_TEXT
    assert stack.assistant.calls == 1


async def test_message_kinds(stack):
    sim = stack.simulator(mode="compat")
    voice = sim.message_xml("u", "voice", MediaId="m", Format="amr", Recognition="南京开源政策", MsgId="901")
    assert (await sim.deliver(voice, "u")).shown == "南京市支持开源项目。"
    assert stack.assistant.questions[-1].text == "南京开源政策"
    unclear = sim.message_xml("u", "voice", MediaId="m", Format="amr", Recognition="", MsgId="902")
    assert (await sim.deliver(unclear, "u")).shown == VOICE_UNCLEAR_TEXT
    subscribe = sim.message_xml("u", "event", Event="subscribe")
    assert (await sim.deliver(subscribe, "u")).shown == WELCOME_TEXT
    assert "许可证" in WELCOME_TEXT and "例如" in WELCOME_TEXT
    for kind, fields in [("image", {"PicUrl": "http://x", "MediaId": "1"}),
                         ("location", {"Location_X": "32.0", "Location_Y": "118.8", "Label": "南京"}),
                         ("link", {"Title": "t", "Url": "http://x"}), ("video", {"MediaId": "1"})]:
        outcome = await sim.deliver(sim.message_xml("u", kind, MsgId=str(hash(kind) % 10**9), **fields), "u")
        assert outcome.shown == NON_TEXT_TEXT
    assert (await sim.send_text("u", "帮助")).shown == HELP_TEXT
    calls = stack.assistant.calls
    assert (await sim.send_text("u", "许可证 MIT GPL-3.0")).shown == "南京市支持开源项目。"
    assert stack.assistant.questions[-1].text == "许可证 MIT GPL-3.0"  # passed on unchanged
    assert stack.assistant.calls == calls + 1


async def test_unsubscribe_forgets_the_session(stack):
    stack.assistant.respond = fixed_answer("很长" * 2000)
    sim = stack.simulator()
    assert (await sim.send_text("u", "问题")).shown.endswith(MORE_HINT)
    turn = Turn(question="问题", standalone="问题", answer="很长")
    for openid in ("u", "someone-else"):
        stack.conversation.remember(f"wechat:{openid}", turn)
    outcome = await sim.deliver(sim.message_xml("u", "event", Event="unsubscribe"), "u")
    assert outcome.shown is None and outcome.deliveries[0].body == b"success"
    assert stack.conversation.history("wechat:u") == []  # forgotten through the Conversation port
    assert stack.conversation.history("wechat:someone-else") == [turn]
    assert (await sim.send_text("u", "继续")).shown == NO_MORE_TEXT


async def test_not_configured_is_503_not_500():
    with running(wechat_token=None) as s:
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{s.url}/wechat")).status_code == 503
            assert (await client.post(f"{s.url}/wechat", content=b"<xml/>")).status_code == 503


async def test_event_retries_are_deduplicated_by_create_time(stack):
    sim = stack.simulator()
    subscribe = sim.message_xml("u", "event", create_time=1700000000, Event="subscribe")
    assert (await sim.deliver(subscribe, "u")).shown == WELCOME_TEXT
    unsubscribe = sim.message_xml("u", "event", create_time=1700000001, Event="unsubscribe")
    assert (await sim.deliver(unsubscribe, "u")).shown is None
    stack.conversation.remember("wechat:u", Turn(question="q", standalone="q"))
    # WeChat's retry of the unsubscribe (same openid + CreateTime) is the same message: not done again
    assert (await sim.deliver(unsubscribe, "u")).shown is None
    assert stack.conversation.history("wechat:u") != []
    later = sim.message_xml("u", "event", create_time=1700000002, Event="unsubscribe")
    assert (await sim.deliver(later, "u")).shown is None
    assert stack.conversation.history("wechat:u") == []


async def test_log_lines_carry_channel_session_and_latency(stack, caplog):
    caplog.set_level(logging.INFO, logger="yuanbot.wechat")
    await stack.simulator().send_text("u-log", "问题")
    replies = [r for r in caplog.records if r.getMessage() == "wechat reply"]
    assert replies and replies[0].channel == "wechat" and replies[0].session == "wechat:u-log"
    assert replies[0].latency_ms >= 0
