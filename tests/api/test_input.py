"""Hostile input: whatever the body or the query string, the answer is 2xx/4xx JSON, never 500, never a hang."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.settings import Settings
from bot.types import MAX_QUESTION_CHARS
from tests.api.conftest import build
from tests.helpers import asgi_client as client_for

FUZZ = settings(max_examples=120, deadline=3000, suppress_health_check=[HealthCheck.too_slow], database=None)
HANG = 5.0  # seconds: any single request slower than this is a hang


def _call(app, method: str, url: str, **kwargs):
    async def go():
        async with client_for(app) as c:
            return await asyncio.wait_for(c.request(method, url, **kwargs), HANG)

    return asyncio.run(go())


def _assert_sane(response):
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code != 204:
        assert response.headers["content-type"].startswith("application/json")
        response.json()


@pytest.fixture
def app(tmp_path):
    return build(tmp_path, rate_limit_per_minute=0, metrics=False)[0]


BAD_BODIES = [
    b"",
    b"{",
    b"not json",
    b"null",
    b"[]",
    b'"question"',
    b"123",
    b'{"question": null}',
    b'{"question": 123}',
    b'{"question": ["a"]}',
    b'{"question": {"a": 1}}',
    b'{"question": ""}',
    b'{"question": "   \\t\\n "}',
    b'{"question": "' + b"a" * 2001 + b'"}',
    b'{"question": "ok", "session_id": 5}',
    b'{"question": "ok", "session_id": "' + b"s" * 201 + b'"}',
    b'{"question": "\\u0000\\u0001\\u001b[31m"}',
    b'{"question": "\\ud800"}',
    b'{"question": "\\udfff\\ud800 lone surrogates"}',
    b'{"question": "\xff\xfe invalid utf-8"}',
    b'{"question": "a", "question": "b"}',
    b'{"question": 1e999}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_ask_bodies_are_4xx_json(app, body):
    response = _call(app, "POST", "/api/ask", content=body, headers={"content-type": "application/json"})
    _assert_sane(response)


def test_empty_and_overlong_questions_are_422(app):
    for question in ("", "   ", "\n\t", "a" * 2001):
        response = _call(app, "POST", "/api/ask", json={"question": question})
        assert response.status_code == 422
        assert response.json()["message"]


def test_a_lower_configured_limit_is_enforced_by_the_api_too(tmp_path):
    lower = build(tmp_path, rate_limit_per_minute=0, metrics=False, max_question_chars=50)[0]
    for url in ("/api/ask", "/api/ask/stream"):
        response = _call(lower, "POST", url, json={"question": "开" * 51})
        assert response.status_code == 422, url
        assert response.json()["message"]
    assert _call(lower, "GET", "/api/search", params={"q": "a" * 51}).status_code == 422
    assert _call(lower, "POST", "/api/ask", json={"question": "开" * 50}).status_code == 200
    assert _call(lower, "GET", "/api/search", params={"q": "a" * 50}).status_code == 200


def test_the_limit_cannot_be_configured_above_the_constant(tmp_path):
    with pytest.raises(ValidationError, match="max_question_chars"):
        Settings(data_dir=tmp_path, max_question_chars=MAX_QUESTION_CHARS + 1)
    assert Settings(data_dir=tmp_path, max_question_chars=MAX_QUESTION_CHARS).max_question_chars == MAX_QUESTION_CHARS


def test_control_characters_answered_not_crashed(app):
    response = _call(app, "POST", "/api/ask", json={"question": "开源\x00人才\x07\u202e住房\x1b[2J"})
    assert response.status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_wrong_content_type(app, content_type):
    response = _call(app, "POST", "/api/ask", content=b'{"question": "x"}', headers={"content-type": content_type})
    _assert_sane(response)


BAD_FEEDBACK = [
    {"question": "q", "rating": "sideways"},
    {"question": "q"},
    {"question": "", "rating": "up"},
    {"question": "q", "rating": "up", "answer": "a" * 20001},
    {"question": "q", "rating": "up", "channel": "c" * 41},
    {"question": ["q"], "rating": "up"},
]


@pytest.mark.parametrize("body", BAD_FEEDBACK, ids=range(len(BAD_FEEDBACK)))
def test_bad_feedback_is_422(app, body):
    response = _call(app, "POST", "/api/feedback", json=body)
    assert response.status_code == 422
    assert response.json()["message"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 2001}, {"q": "x", "k": "0"}, {"q": "x", "k": "abc"},
                                    {"q": "x", "k": "99999999999999999999999"}, {"q": "\x00"}])
def test_bad_search_queries(app, params):
    _assert_sane(_call(app, "GET", "/api/search", params=params))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
# any code point, control characters and lone surrogates included (sent JSON-escaped)
hostile_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=300)


def test_fuzz_ask_arbitrary_json(app):
    @FUZZ
    @given(body=json_values)
    def check(body):
        _assert_sane(_call(app, "POST", "/api/ask", content=json.dumps(body).encode(),
                           headers={"content-type": "application/json"}))

    check()


def test_fuzz_ask_hostile_question_text(app):
    @FUZZ
    @given(question=hostile_text, session=st.none() | hostile_text, extra=st.dictionaries(st.text(max_size=5),
                                                                                           json_values, max_size=2))
    def check(question, session, extra):
        body = {**extra, "question": question, "session_id": session}
        response = _call(app, "POST", "/api/ask", content=json.dumps(body).encode(),  # ensure_ascii: \udXXX escapes
                         headers={"content-type": "application/json"})
        _assert_sane(response)

    check()


def test_fuzz_ask_raw_bytes(app):
    @FUZZ
    @given(body=st.binary(max_size=400))
    def check(body):
        _assert_sane(_call(app, "POST", "/api/ask", content=body, headers={"content-type": "application/json"}))

    check()


def test_fuzz_search_query_strings(app):
    @FUZZ
    @given(q=hostile_text, k=st.none() | st.text(max_size=8) | st.integers())
    def check(q, k):
        params = {"q": q.encode("utf-8", "surrogatepass").decode("utf-8", "replace")}
        if k is not None:
            params["k"] = str(k)
        _assert_sane(_call(app, "GET", "/api/search", params=params))

    check()


def test_fuzz_search_raw_query_bytes(app):
    @FUZZ
    @given(raw=st.binary(max_size=200))
    def check(raw):
        from urllib.parse import quote_from_bytes

        _assert_sane(_call(app, "GET", "/api/search?q=" + quote_from_bytes(raw) + "&k=3"))

    check()
