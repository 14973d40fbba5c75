"""The wire format against Tencent's own vectors, and the parser against hostile XML."""

from __future__ import annotations

import pytest
from wechatpy.crypto import WeChatCrypto

from adapters.wechat.codec import BadMessage, Codec, Forbidden, cdata, parse_xml, sign, text_reply_xml

OFFICIAL_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2L"
    "dJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5"
    "VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgC"
    "SUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9Ghg"
    "lF2PE="
)
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
VECTOR_TIME = 1409735669  # when Tencent signed the official vector (2014-09-03)
TEST_TIME = 1700000000  # when _encrypted_query signs
OTHER_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&lol3;</Content></xml>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&xxe;</Content></xml>"""
PARAM_XXE = b"""<!DOCTYPE xml [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]><xml><MsgType>text</MsgType></xml>"""


def test_url_signature_matches_the_official_example():
    assert sign("AAAAA", "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"


def test_official_vector_decrypts():
    codec = Codec("spamtest", "wx2c2769f8efd9abc2", AES_KEY, clock=lambda: VECTOR_TIME + 299)
    query = {"timestamp": "1409735669", "nonce": "1320562132", "encrypt_type": "aes",
             "signature": sign("spamtest", "1409735669", "1320562132"),
             "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa"}
    assert sign("spamtest", "1409735669", "1320562132", OFFICIAL_ENCRYPT) == query["msg_signature"]
    inbound = codec.decode(query, f"<xml><Encrypt><![CDATA[{OFFICIAL_ENCRYPT}]]></Encrypt></xml>".encode())
    assert inbound.mode == "safe"
    assert inbound.message["Content"] == "abcdteT"
    assert inbound.message["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert inbound.message["MsgId"] == "6054768590064713728"
    with pytest.raises(Forbidden):  # the same ciphertext for another AppID
        Codec("spamtest", "wx0000000000000000", AES_KEY, clock=lambda: VECTOR_TIME).decode(
            query, f"<xml><Encrypt>{OFFICIAL_ENCRYPT}</Encrypt></xml>".encode())


def _encrypted_query(token, key, appid, xml):
    ts, nonce = str(TEST_TIME), "42"
    encrypt = parse_xml(WeChatCrypto(token, key, appid).encrypt_message(xml, nonce, ts))["Encrypt"]
    query = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes", "signature": sign(token, ts, nonce),
             "msg_signature": sign(token, ts, nonce, encrypt)}
    return query, f"<xml><Encrypt>{encrypt}</Encrypt></xml>".encode()


def test_key_rotation_tries_current_then_previous():
    xml = "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>"
    codec = Codec("tok", "wxapp", OTHER_KEY, previous_aes_key=AES_KEY, clock=lambda: TEST_TIME)
    for key in (OTHER_KEY, AES_KEY):
        inbound = codec.decode(*_encrypted_query("tok", key, "wxapp", xml))
        assert inbound.message["Content"] == "hi"
        reply = parse_xml(codec.encode(inbound, text_reply_xml("u", "gh", "ok")))
        plain = WeChatCrypto("tok", key, "wxapp").decrypt_message(
            {"Encrypt": reply["Encrypt"]}, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
        assert parse_xml(plain)["Content"] == "ok"  # answered with the key the message came in
    with pytest.raises(Forbidden):
        Codec("tok", "wxapp", OTHER_KEY, clock=lambda: TEST_TIME).decode(*_encrypted_query("tok", AES_KEY, "wxapp", xml))


def test_bad_msg_signature_is_forbidden():
    xml = "<xml><MsgType>text</MsgType></xml>"
    query, body = _encrypted_query("tok", AES_KEY, "wxapp", xml)
    query["msg_signature"] = "0" * 40
    with pytest.raises(Forbidden):
        Codec("tok", "wxapp", AES_KEY, clock=lambda: TEST_TIME).decode(query, body)


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE, PARAM_XXE, b"<xml><a>", b"not xml", b"<root/>", b""])
def test_hostile_or_malformed_xml_is_refused(payload):
    with pytest.raises(BadMessage):
        parse_xml(payload)


def test_cdata_survives_the_terminator():
    nasty = "a]]>b<![CDATA[c]]>]]>d & <e>"
    assert parse_xml(f"<xml><Content>{cdata(nasty)}</Content></xml>")["Content"] == nasty
    assert parse_xml(text_reply_xml("u", "gh", nasty))["Content"] == nasty


def test_a_malformed_aes_key_is_a_config_error():
    from bot.errors import ConfigError

    with pytest.raises(ConfigError):
        Codec("tok", "wxapp", "too-short")


def _vector_query():
    return {"timestamp": str(VECTOR_TIME), "nonce": "1320562132", "encrypt_type": "aes",
            "signature": sign("spamtest", str(VECTOR_TIME), "1320562132"),
            "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa"}, \
        f"<xml><Encrypt>{OFFICIAL_ENCRYPT}</Encrypt></xml>".encode()


@pytest.mark.parametrize("offset", [-301, 301, 10 * 365 * 86400])
def test_a_timestamp_outside_the_window_is_forbidden(offset):
    codec = Codec("spamtest", "wx2c2769f8efd9abc2", AES_KEY, clock=lambda: VECTOR_TIME + offset)
    with pytest.raises(Forbidden, match="window"):
        codec.decode(*_vector_query())
    assert not codec.verify_url(sign("spamtest", str(VECTOR_TIME), "n"), str(VECTOR_TIME), "n")


def test_the_window_is_configurable_and_the_real_clock_is_the_default():
    wide = Codec("spamtest", "wx2c2769f8efd9abc2", AES_KEY, timestamp_window=3600,
                 clock=lambda: VECTOR_TIME - 3000)
    assert wide.decode(*_vector_query()).message["Content"] == "abcdteT"
    with pytest.raises(Forbidden, match="window"):  # signed in 2014, checked against today's clock
        Codec("spamtest", "wx2c2769f8efd9abc2", AES_KEY).decode(*_vector_query())
    for stamp in ("", "soon", "1e9"):
        assert not wide.timestamp_fresh(stamp)


def test_modes():
    from bot.errors import ConfigError

    plain_xml = b"<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>"
    query = {"timestamp": str(TEST_TIME), "nonce": "7", "signature": sign("tok", str(TEST_TIME), "7")}
    assert Codec("tok", "wxapp", AES_KEY, clock=lambda: TEST_TIME).mode == "safe"  # a key: safe by default
    assert Codec("tok", "wxapp", None, clock=lambda: TEST_TIME).mode == "plain"
    with pytest.raises(Forbidden, match="safe mode"):
        Codec("tok", "wxapp", AES_KEY, clock=lambda: TEST_TIME).decode(query, plain_xml)
    for mode in ("plain", "compat"):
        inbound = Codec("tok", "wxapp", AES_KEY, mode=mode, clock=lambda: TEST_TIME).decode(query, plain_xml)
        assert inbound.mode == "plain" and inbound.crypto is None
    for mode in ("safe", "compat"):
        with pytest.raises(ConfigError, match="AES_KEY"):
            Codec("tok", "wxapp", None, mode=mode)
    with pytest.raises(ConfigError, match="WINDOW"):
        Codec("tok", "wxapp", None, timestamp_window=0)
