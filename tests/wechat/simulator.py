"""Loopback stand-ins for Tencent: a WeChat server that delivers messages the way WeChat does
(sign, encrypt, wait, re-send the identical request on timeout, at most 3 deliveries), a fake
WeChat API (/cgi-bin/token, /cgi-bin/message/custom/send), a configurable assistant, so the tests drive the real app over real HTTP."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from wechatpy.crypto import WeChatCrypto

from adapters.wechat.codec import cdata, parse_xml, sign
from bot.types import Answer, Question, Source

BUSY = "该公众号暂时无法提供服务，请稍后再试"


# --- the assistant --------------------------------------------------------------------------------
def fixed_answer(text="南京市支持开源项目。", sources: list[Source] | None = None):
    """A responder for tests.fakes.FakeAssistant: `text` (or text(question)) with `sources`."""

    def respond(question: Question) -> Answer:
        body = text(question) if callable(text) else text
        return Answer(answer=body, status="answered", sources=sources or [])

    return respond


# --- the fake WeChat API --------------------------------------------------------------------------
@dataclass
class FakeApiState:
    appid: str
    secret: str
    token_calls: int = 0
    current_token: str | None = None
    sent: list[dict] = field(default_factory=list)
    send_attempts: int = 0
    send_errors: list[int] = field(default_factory=list)  # popped one per send call
    always_error: int | None = None


def fake_wechat_api(state: FakeApiState) -> FastAPI:
    app = FastAPI()

    @app.get("/cgi-bin/token")
    async def token(grant_type: str = "", appid: str = "", secret: str = ""):
        if grant_type != "client_credential" or appid != state.appid or secret != state.secret:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        state.token_calls += 1
        state.current_token = f"TOKEN-{state.token_calls}"  # a new token invalidates the old one
        return {"access_token": state.current_token, "expires_in": 7200}

    @app.post("/cgi-bin/message/custom/send")
    async def send(request: Request, access_token: str = ""):
        state.send_attempts += 1
        if access_token != state.current_token:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        if state.always_error is not None:
            return {"errcode": state.always_error, "errmsg": "scripted"}
        if state.send_errors:
            code = state.send_errors.pop(0)
            if code in (40001, 42001):
                state.current_token = None
            return {"errcode": code, "errmsg": "scripted"}
        state.sent.append(await request.json())
        return {"errcode": 0, "errmsg": "ok"}

    return app


# --- the WeChat server --------------------------------------------------------------------------
@dataclass
class Delivery:
    status: int | None  # None: timed out
    body: bytes
    elapsed: float


@dataclass
class Outcome:
    """What happened to one user message: each delivery, and what the user saw."""

    deliveries: list[Delivery]
    shown: str | None  # the passive reply's Content, BUSY, or None for no message

    @property
    def attempts(self) -> int:
        return len(self.deliveries)


class WeChatSimulator:
    """Behaves like WeChat's server towards the account's URL."""

    def __init__(self, url: str, token: str, *, appid: str = "", aes_key: str | None = None,
                 mode: str = "plain", timeout: float = 5.0, max_deliveries: int = 3, gh_id: str = "gh_yuanbot"):
        self.url, self.token, self.appid, self.mode = url.rstrip("/") + "/wechat", token, appid, mode
        self.crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None
        self.timeout, self.max_deliveries, self.gh_id = timeout, max_deliveries, gh_id
        self._msg_id = random.randint(10**18, 9 * 10**18)

    # building requests
    def text_xml(self, openid: str, content: str, msg_id: int | None = None) -> str:
        self._msg_id += 1
        return self.message_xml(openid, "text", Content=content, MsgId=str(msg_id or self._msg_id))

    def message_xml(self, openid: str, msg_type: str, create_time: int | None = None, **fields: str) -> str:
        parts = [f"<ToUserName><![CDATA[{self.gh_id}]]></ToUserName>",
                 f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
                 f"<CreateTime>{create_time or int(time.time())}</CreateTime>",
                 f"<MsgType><![CDATA[{msg_type}]]></MsgType>"]
        parts += [f"<{k}>{cdata(v)}</{k}>" for k, v in fields.items()]
        return "<xml>" + "".join(parts) + "</xml>"

    def request(self, plain_xml: str, openid: str = "", *, timestamp: int | None = None,
                nonce: str | None = None) -> tuple[str, bytes]:
        """Sign (and encrypt) one message: the URL and body WeChat would POST (now, with a fresh nonce,
        unless a test names the timestamp or nonce)."""
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or str(random.randint(10**8, 10**9))
        query = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                 "openid": openid}
        body = plain_xml
        if self.mode in ("compat", "safe"):
            encrypted = self.crypto.encrypt_message(plain_xml, nonce, timestamp)
            encrypt = parse_xml(encrypted)["Encrypt"]
            query.update(encrypt_type="aes", msg_signature=sign(self.token, timestamp, nonce, encrypt))
            inner = plain_xml[len("<xml>"):-len("</xml>")] if self.mode == "compat" else ""
            body = f"<xml>{inner}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        return f"{self.url}?{urlencode(query)}", body.encode("utf-8")

    # delivering
    async def deliver(self, plain_xml: str, openid: str = "") -> Outcome:
        """POST, wait up to `timeout`, re-send the identical request on timeout; at most 3 deliveries."""
        url, body = self.request(plain_xml, openid)
        return await self.deliver_raw(url, body)

    async def deliver_raw(self, url: str, body: bytes) -> Outcome:
        deliveries: list[Delivery] = []
        async with httpx.AsyncClient() as client:
            for _ in range(self.max_deliveries):
                started = time.monotonic()
                try:
                    response = await asyncio.wait_for(
                        client.post(url, content=body, headers={"Content-Type": "text/xml"}), self.timeout)
                except TimeoutError:
                    deliveries.append(Delivery(None, b"", time.monotonic() - started))
                    continue
                deliveries.append(Delivery(response.status_code, response.content, time.monotonic() - started))
                return Outcome(deliveries, self.shown(response.status_code, response.content))
        return Outcome(deliveries, BUSY)

    def shown(self, status: int, body: bytes) -> str | None:
        """What the user sees for a reply, as WeChat judges it."""
        if status != 200:
            return BUSY
        if body.strip() in (b"", b"success"):
            return None
        try:
            reply = parse_xml(body)
            if "Encrypt" in reply:
                assert self.crypto is not None
                timestamp, nonce = reply["TimeStamp"], reply["Nonce"]
                assert reply["MsgSignature"] == sign(self.token, timestamp, nonce, reply["Encrypt"])
                reply = parse_xml(self.crypto.decrypt_message({"Encrypt": reply["Encrypt"]}, reply["MsgSignature"],
                                                              timestamp, nonce))
            elif self.mode == "safe":
                return BUSY
            if len(reply["Content"].encode("utf-8")) > 2048:
                return BUSY
            return reply["Content"]
        except Exception:  # noqa: BLE001 - anything WeChat cannot read shows the user its busy page
            return BUSY

    async def send_text(self, openid: str, content: str, msg_id: int | None = None) -> Outcome:
        return await self.deliver(self.text_xml(openid, content, msg_id), openid)

    async def verify_url(self, echostr: str, *, token: str | None = None) -> httpx.Response:
        timestamp, nonce = str(int(time.time())), str(random.randint(10**8, 10**9))
        params = {"signature": sign(token or self.token, timestamp, nonce), "timestamp": timestamp,
                  "nonce": nonce, "echostr": echostr}
        async with httpx.AsyncClient() as client:
            return await client.get(self.url, params=params)
