"""SessionHistory over InProcessStore and RedisStore: turns, TTL, isolation, follow-ups across turns."""

from __future__ import annotations

import json
import time

import pytest

from bot.conversation import SessionHistory, make_turn, rewrite_followup, topic_terms
from bot.stores import RedisStore
from bot.types import Answer, LicenseCheck, Turn
from tests.conversation.test_followup import ENGINE, find


def turn(q: str, **kw) -> Turn:
    return Turn(question=q, standalone=kw.pop("standalone", q), topic_terms=topic_terms(q), **kw)


def test_remember_and_history(store):
    memory = SessionHistory(store, ttl=60)
    assert memory.history("s1") == []
    memory.remember("s1", turn("开源人才有什么支持政策？", answer="对高层次开源人才给予……"))
    memory.remember("s1", turn("有住房补贴吗？", standalone="开源人才 有住房补贴吗？"))
    history = memory.history("s1")
    assert [t.question for t in history] == ["开源人才有什么支持政策？", "有住房补贴吗？"]
    assert history[1].standalone == "开源人才 有住房补贴吗？"
    assert history[0].topic_terms == ["开源", "人才"]


def test_stored_as_json_under_session_key(store):
    memory = SessionHistory(store, ttl=60)
    memory.remember("abc", turn("What support is there for open-source talent?"))
    raw = json.loads(store.get("session:abc"))
    assert raw[0]["question"] == "What support is there for open-source talent?"


def test_keeps_only_max_turns(store):
    memory = SessionHistory(store, ttl=60, max_turns=3)
    for i in range(7):
        memory.remember("s", turn(f"问题 {i}"))
    assert [t.question for t in memory.history("s")] == ["问题 4", "问题 5", "问题 6"]


def test_answer_is_clipped_and_licence_kept(store):
    memory = SessionHistory(store, ttl=60)
    memory.remember("s", turn("Can I use MPL-2.0 code in a GPL-3.0 project?", answer="x" * 2000,
                              license=("MPL-2.0", "GPL-3.0-only")))
    (t,) = memory.history("s")
    assert len(t.answer) == 500
    assert t.license == ("MPL-2.0", "GPL-3.0-only")


def test_sessions_are_isolated(store):
    memory = SessionHistory(store, ttl=60)
    memory.remember("alice", turn("开源人才有什么支持政策？"))
    memory.remember("bob", turn("Can I use MIT code in a GPL-3.0 project?", license=("MIT", "GPL-3.0-only")))
    assert [t.question for t in memory.history("alice")] == ["开源人才有什么支持政策？"]
    assert memory.history("bob")[0].license == ("MIT", "GPL-3.0-only")
    # the same follow-up means different things for the two users
    q = "那 Apache-2.0 呢？"
    assert rewrite_followup(q, memory.history("alice"), find) is None
    assert rewrite_followup(q, memory.history("bob"), find) == "MIT 的代码能用在 Apache-2.0 项目里吗？"
    assert memory.history("carol") == []


def test_ttl_expiry_and_refresh(store):
    memory = SessionHistory(store, ttl=0.3)
    memory.remember("s", turn("开源人才有什么支持政策？"))
    deadline = time.monotonic() + 5
    while memory.history("s") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert memory.history("s") == []


def test_ttl_refreshed_on_each_turn(store):
    memory = SessionHistory(store, ttl=60)
    memory.remember("s", turn("a"))
    memory.ttl = 0.2  # the next turn sets a fresh (here: short) expiry for the whole history
    memory.remember("s", turn("b"))
    deadline = time.monotonic() + 5
    while memory.history("s") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert memory.history("s") == []


def test_forget(store):
    memory = SessionHistory(store, ttl=60)
    memory.remember("s", turn("a"))
    memory.forget("s")
    assert memory.history("s") == []


def test_no_session_means_no_memory(store):
    memory = SessionHistory(store, ttl=60)
    memory.remember(None, turn("a"))
    assert memory.history(None) == []
    memory.forget(None)


def test_unreadable_history_is_dropped(store):
    store.set("session:s", "{not json")
    assert SessionHistory(store, ttl=60).history("s") == []


def test_store_outage_degrades_to_no_memory():
    dead = RedisStore.from_url("redis://127.0.0.1:1/0", socket_timeout=0.2)
    memory = SessionHistory(dead, ttl=60)
    assert memory.history("s") == []
    memory.remember("s", turn("a"))  # no exception
    memory.forget("s")


def test_make_turn_from_answers():
    check = LicenseCheck(verdict="compatible", inbound="MPL-2.0", outbound="GPL-3.0-only", explanation="…")
    t = make_turn("MPL-2.0 的代码能用在 GPL-3.0 项目里吗？", None,
                  Answer(answer="兼容。" * 300, status="answered", license_check=check))
    assert t.license == ("MPL-2.0", "GPL-3.0-only") and len(t.answer) == 500
    t = make_turn("有住房补贴吗？", "开源人才 有住房补贴吗？", Answer(answer="…", status="no_answer"))
    assert t.standalone == "开源人才 有住房补贴吗？" and t.status == "no_answer" and t.license is None
    assert "人才" in t.topic_terms


def _ask(memory, session, question, answer_for):
    """What the assistant does: history -> rewrite -> answer -> remember."""
    history = memory.history(session)
    standalone = rewrite_followup(question, history, find) or question
    memory.remember(session, make_turn(question, standalone, answer_for(standalone)))
    return standalone


def _policy(_q):
    return Answer(answer="……", status="answered")


def _licence(q):
    parsed = ENGINE.parse_question(q)  # the real parser reads our rewrites
    assert parsed is not None, q
    check = LicenseCheck(verdict="unknown", inbound=parsed.inbound, outbound=parsed.outbound, explanation="…")
    return Answer(answer="……", status="answered", license_check=check)


def test_policy_conversation_across_turns(store):
    memory = SessionHistory(store, ttl=60)
    assert _ask(memory, "u", "开源人才有什么支持政策？", _policy) == "开源人才有什么支持政策？"
    second = _ask(memory, "u", "有住房补贴吗？", _policy)
    assert second.startswith("开源人才") and "住房补贴" in second
    third = _ask(memory, "u", "那企业上市呢？", _policy)
    assert "企业上市" in third and "开源" in third and "人才" not in third
    # an unrelated standalone question is left alone
    assert _ask(memory, "u", "OpenChain 是什么？", _policy) == "OpenChain 是什么？"


@pytest.mark.parametrize("session_store", ["memory", "redis"])
def test_licence_conversation_across_turns(session_store, request):
    from bot.stores import InProcessStore

    store = InProcessStore() if session_store == "memory" else request.getfixturevalue("redis_store")
    memory = SessionHistory(store, ttl=60)
    _ask(memory, "u", "Can I use MPL-2.0 code in a GPL-3.0 project?", _licence)
    assert memory.history("u")[-1].license == ("MPL-2.0", "GPL-3.0-only")
    second = _ask(memory, "u", "Is that also true for GPL-2.0?", _licence)
    assert second == "Can I use MPL-2.0 code in a GPL-2.0-only project?"
    third = _ask(memory, "u", "那如果是 LGPL-2.1 的库呢？", _licence)
    assert third == "LGPL-2.1-only 的代码能用在 GPL-2.0-only 项目里吗？"
    assert memory.history("u")[-1].license == ("LGPL-2.1-only", "GPL-2.0-only")
