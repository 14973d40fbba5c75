"""The wire format: URL signatures, AES envelopes (via wechatpy) and XML, parsed without any DTD.

WeChat's XML is flat and never needs a DOCTYPE, so the parser refuses one outright: that closes
entity expansion ("billion laughs") and external entities (XXE) before any entity is defined.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from xml.parsers import expat

from wechatpy.crypto import WeChatCrypto

from bot.errors import ConfigError

MAX_BODY_BYTES = 64 * 1024


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
    """Verifies and decodes deliveries and encodes replies for one account (current + previous AES key)."""

    def __init__(self, token: str, appid: str | None, aes_key: str | None, previous_aes_key: str | None = None):
        self.token = token
        self.appid = appid or ""
        try:
            self.cryptos = [WeChatCrypto(token, key, self.appid) for key in (aes_key, previous_aes_key) if key]
        except Exception as exc:  # wechatpy asserts on a key that is not 43 base64 characters
            raise ConfigError("YUANBOT_WECHAT_(PREVIOUS_)AES_KEY must be the 43-character EncodingAESKey") from exc

    def verify_url(self, signature: str | None, timestamp: str, nonce: str) -> bool:
        return signature_ok(signature, self.token, timestamp, nonce)

    def decode(self, query: dict[str, str], body: bytes) -> Inbound:
        """Raise Forbidden/BadMessage, or return the plaintext message fields."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not self.verify_url(query.get("signature"), timestamp, nonce):
            raise Forbidden("bad signature")
        outer = parse_xml(body)
        if query.get("encrypt_type", "raw").lower() != "aes":
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
            except Exception:  # wrong key or AppID: padding, unicode, struct or InvalidAppId errors
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
