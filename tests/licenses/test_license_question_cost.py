"""Issue 16 item 1: the work one question can cause is bounded (lookups, matches examined), failed
lookups are cached too, and "did you mean" suggestions are never computed while reading free text.
No timings here: bench/question_cost.py measures time."""

from __future__ import annotations

import random
import string

import pytest

from bot.licenses import expression, names, questions
from bot.licenses.engine import LicenseEngine


def _fill(make, limit: int = 2000) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < limit:
        parts.append(make())
    return " ".join(parts)[:limit]


def adversarial(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        _fill(lambda: f"{rng.randint(0, 99999)}.{rng.randint(0, 999)}"),
        _fill(lambda: "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(3, 9)))),
        _fill(lambda: f"{''.join(rng.choice(string.ascii_uppercase) for _ in range(4))}-{rng.randint(1, 9)}.{rng.randint(0, 9)}"),
        _fill(lambda: rng.choice(["MIT", "Apache-2.0", "GPL-2.0-only", "Foo-1.0"]) + " " + rng.choice(["AND", "OR", "WITH"])),
        _fill(lambda: f"({rng.choice(['MIT', 'X-1', 'Y-2'])} OR {rng.choice(['GPL-2.0', 'Z-3'])})"),
        "".join(rng.choice("许可证兼容开源代码项目木兰宽松公共通用第版的了吗呢能用在里") for _ in range(2000)),
        _fill(lambda: rng.choice(["GPLv9", "Apache-7.1", "MPL-3", "BSD-5-Clause", "LGPL-4.0"]) + str(rng.randint(0, 99))),
        _fill(lambda: f"the library {rng.choice(['ABC', 'QQ', 'ZZT'])}-{rng.randint(1, 99)} 用在"),
    ]


@pytest.fixture()
def fresh_engine(data_dir):
    return LicenseEngine(data_dir)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lookups_per_question_are_bounded(engine, seed):
    for text in adversarial(seed):
        assert len(text) <= questions.MAX_TEXT_CHARS
        _, lookups = engine.questions.read(text)
        assert lookups <= questions.MAX_CANDIDATES
        assert engine.questions._scan(text.strip())[1] <= questions.MAX_CANDIDATES


def test_number_like_tokens_cause_no_lookup(fresh_engine):
    text = adversarial(4)[0]
    before = fresh_engine.catalog.lookup.cache_info()
    assert fresh_engine.questions.read(text) == (None, 0)
    assert fresh_engine.find_mentions(text) == []
    after = fresh_engine.catalog.lookup.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


def test_suggestions_are_never_computed_while_reading(fresh_engine, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("suggestions computed on the hot path")

    monkeypatch.setattr(fresh_engine.catalog, "suggestions", boom)
    for text in adversarial(5) + ["Foo-1.0 的代码能用在 Bar-2.0 项目里吗？", "license Foo-1 Bar-2", "(X AND Y) OR Z in my MIT app"]:
        fresh_engine.parse_question(text)
        fresh_engine.find_mentions(text)


def test_misses_are_cached_per_instance(fresh_engine):
    text = adversarial(6)[2]  # upper-case ids that are not licences
    fresh_engine.questions.read(text)
    misses = fresh_engine.catalog.lookup.cache_info().misses
    assert misses > 0
    fresh_engine.questions._scan.cache_clear()  # read the text again: every name lookup is a cache hit
    fresh_engine.questions.read(text)
    assert fresh_engine.catalog.lookup.cache_info().misses == misses
    parse = fresh_engine.parser._cached
    before = parse.cache_info().misses
    assert fresh_engine.parser.try_parse("Foo-9 AND Bar-7") is None
    assert fresh_engine.parser.try_parse("Foo-9 AND Bar-7") is None
    assert parse.cache_info().misses == before + 1  # the failure was cached


def test_caches_are_bounded_and_live_on_the_instance(fresh_engine, engine):
    assert fresh_engine.catalog.lookup.cache_info().maxsize == names.LOOKUP_CACHE_SIZE
    assert fresh_engine.catalog.family.cache_info().maxsize == names.LOOKUP_CACHE_SIZE
    assert fresh_engine.parser._cached.cache_info().maxsize == expression.PARSE_CACHE_SIZE
    assert fresh_engine.questions._scan.cache_info().maxsize == questions.SCAN_CACHE_SIZE
    assert fresh_engine.catalog.lookup is not engine.catalog.lookup


def test_question_and_mentions_share_one_scan(fresh_engine):
    text = "我在商业软件里用了 LGPL 的库，需要开源我的代码吗？"
    fresh_engine.parse_question(text)
    scans = fresh_engine.questions._scan.cache_info()
    fresh_engine.find_mentions(text)
    assert fresh_engine.questions._scan.cache_info().hits == scans.hits + 1


def test_lists_of_many_licences_are_not_questions(engine):
    many = "MIT Apache-2.0 BSD-2-Clause BSD-3-Clause ISC Zlib MPL-2.0 EPL-2.0 GPL-2.0-only LGPL-2.1-only"
    assert engine.parse_question(f"Can I use {many} in my project?") is None
    assert len(engine.find_mentions(many)) == 10  # mentions are still found


def test_long_expressions_are_rejected_before_resolving(fresh_engine):
    text = " AND ".join(f"Foo-{k}" for k in range(60))
    before = fresh_engine.catalog.lookup.cache_info().misses
    assert fresh_engine.parser.try_parse(text) is None
    assert fresh_engine.catalog.lookup.cache_info().misses == before  # none of the 60 operands was looked up
