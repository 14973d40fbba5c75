"""The wire format: URL signatures, AES envelopes (via wechatpy) and XML, parsed without any DTD.

WeChat's XML is flat and never needs a DOCTYPE, so the parser refuses one outright: that closes
entity expansion ("billion laughs") and external entities (XXE) before any entity is defined.

The URL signature covers only the token, timestamp and nonce, never the body: a captured signature could
carry another body. So a delivery's timestamp must be within a window of the server's clock (the nonce
cache in `replay.py` closes the window itself), and in safe mode a plaintext delivery is refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import get_args
from xml.parsers import expat

from wechatpy.crypto import WeChatCrypto

from bot.errors import ConfigError
from bot.settings import WECHAT_TIMESTAMP_WINDOW, WeChatMode

MAX_BODY_BYTES = 64 * 1024
MODES: tuple[str, ...] = get_args(WeChatMode)


class BadMessage(Exception):
    """The request is malformed (400): not XML, a DTD, missing fields, undecodable ciphertext."""


class Forbidden(Exception):
    """The request is not from WeChat (403): bad signature or a ciphertext for another AppID/key."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 over the lexicographically sorted concatenation of the parts."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_ok(expected: str | None, *parts: str) -> bool:
    """Constant-time comparison, so the signature cannot be guessed byte by byte."""
    return bool(expected) and hmac.compare_digest(sign(*parts).encode(), str(expected).lower().encode("utf-8"))


def parse_xml(data: bytes | str) -> dict[str, str]:
    """Top-level children of `<xml>` as a dict of text; rejects any DOCTYPE/ENTITY and nested roots."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BODY_BYTES:
        raise BadMessage("XML too large")
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    result: dict[str, str] = {}
    stack: list[str] = []
    text: list[str] = []

    def refuse(*_args) -> None:
        raise BadMessage("DTDs and entities are not allowed")

    def start(name: str, _attrs) -> None:
        if not stack and name != "xml":
            raise BadMessage(f"unexpected root <{name}>")
        stack.append(name)
        if len(stack) == 2:
            text.clear()

    def end(name: str) -> None:
        if len(stack) == 2:
            result[name] = "".join(text)
        stack.pop()

    def chars(value: str) -> None:
        if len(stack) == 2:
            text.append(value)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BadMessage(f"malformed XML: {exc}") from None
    return result


def cdata(value: str) -> str:
    """A CDATA section that survives `]]>` inside the value (split it across two sections)."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str, create_time: int | None = None) -> str:
    """A passive text reply as WeChat expects it."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time or time.time())}</CreateTime><MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


@dataclass
class Inbound:
    """One decoded delivery: the message fields, and how to wrap the reply (None = plaintext)."""

    message: dict[str, str]
    crypto: WeChatCrypto | None = None
    nonce: str = ""
    timestamp: str = ""
    mode: str = "plain"
    extra: dict[str, str] = field(default_factory=dict)


class Codec:
    """Verifies and decodes deliveries and encodes replies for one account (current + previous AES key).

    `mode` is the message mode set on the WeChat platform: `plain` and `compat` accept plaintext and
    encrypted deliveries alike (compat is also the mode to switch through), `safe` refuses plaintext.
    `clock` is the wall clock the timestamp window is checked against (tests pass a fixed one).
    """

    def __init__(self, token: str, appid: str | None, aes_key: str | None, previous_aes_key: str | None = None,
                 *, mode: WeChatMode | None = None, timestamp_window: float = WECHAT_TIMESTAMP_WINDOW,
                 clock: Callable[[], float] = time.time):
        self.token = token
        self.appid = appid or ""
        try:
            self.cryptos = [WeChatCrypto(token, key, self.appid) for key in (aes_key, previous_aes_key) if key]
        except Exception as exc:  # wechatpy asserts on a key that is not 43 base64 characters
            raise ConfigError("YUANBOT_WECHAT_(PREVIOUS_)AES_KEY must be the 43-character EncodingAESKey") from exc
        self.mode: WeChatMode = mode or ("safe" if self.cryptos else "plain")
        if self.mode not in MODES:
            raise ConfigError(f"YUANBOT_WECHAT_MODE must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.mode != "plain" and not self.cryptos:
            raise ConfigError(f"YUANBOT_WECHAT_MODE={self.mode} needs YUANBOT_WECHAT_AES_KEY (the EncodingAESKey)")
        if timestamp_window <= 0:
            raise ConfigError("YUANBOT_WECHAT_TIMESTAMP_WINDOW must be a positive number of seconds")
        self.timestamp_window = timestamp_window
        self.clock = clock

    def verify_url(self, signature: str | None, timestamp: str, nonce: str) -> bool:
        """A valid signature over a timestamp within the window (URL verification and every delivery)."""
        return signature_ok(signature, self.token, timestamp, nonce) and self.timestamp_fresh(timestamp)

    def timestamp_fresh(self, timestamp: str) -> bool:
        try:
            sent = int(timestamp)
        except ValueError:
            return False
        return abs(self.clock() - sent) <= self.timestamp_window

    def decode(self, query: dict[str, str], body: bytes) -> Inbound:
        """Raise Forbidden/BadMessage, or return the plaintext message fields."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not signature_ok(query.get("signature"), self.token, timestamp, nonce):
            raise Forbidden("bad signature")
        if not self.timestamp_fresh(timestamp):
            raise Forbidden(f"timestamp outside the {self.timestamp_window:g} s window")
        outer = parse_xml(body)
        if query.get("encrypt_type", "raw").lower() != "aes":
            if self.mode == "safe":
                raise Forbidden("plaintext delivery refused in safe mode")
            if not outer.get("MsgType"):
                raise BadMessage("no MsgType")
            return Inbound(outer, None, nonce, timestamp, "plain")
        encrypted = outer.get("Encrypt")
        if not encrypted or not self.cryptos:
            raise BadMessage("encrypted delivery without Encrypt or without a configured AES key")
        if not signature_ok(query.get("msg_signature"), self.token, timestamp, nonce, encrypted):
            raise Forbidden("bad msg_signature")
        for crypto in self.cryptos:
            try:
                plain = crypto.decrypt_message({"Encrypt": encrypted}, query["msg_signature"], timestamp, nonce)
            except Exception:  # noqa: BLE001, S112 - wrong key or AppID: padding, unicode, struct, InvalidAppId
                continue
            inner = parse_xml(plain)
            if not inner.get("MsgType"):
                raise BadMessage("no MsgType in ciphertext")
            mode = "compat" if outer.get("MsgType") else "safe"
            return Inbound(inner, crypto, nonce, timestamp, mode)
        raise Forbidden("ciphertext does not decrypt for this AppID with the current or previous key")

    def encode(self, inbound: Inbound, reply_xml: str) -> str:
        """Wrap a reply the way the delivery came: plain, or the Encrypt/MsgSignature envelope."""
        if inbound.crypto is None:
            return reply_xml
        return inbound.crypto.encrypt_message(reply_xml, inbound.nonce or "nonce", str(int(time.time())))
