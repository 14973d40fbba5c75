"""Property tests: arbitrary input never raises anything but LicenseError, never hangs."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import LicenseError
from bot.licenses.questions import parse_license_question

WORDS = st.sampled_from(
    [
        "MIT",
        "AND",
        "OR",
        "WITH",
        "(",
        ")",
        "GPL-2.0",
        "GPL-3.0-only",
        "Apache 2",
        "木兰宽松许可证",
        "闭源",
        "+",
        "Classpath-exception-2.0",
        "or later",
        "的代码",
        "项目",
        "compatible",
        "in my",
        "project",
        "`",
        "兼容吗",
        " ",
    ]
)
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_check_only_raises_license_error(engine, expr):
    t = time.perf_counter()
    try:
        r = engine.check(expr, "GPL-3.0-only")
        assert r.verdict in ("compatible", "incompatible", "conditional", "unknown")
        assert r.sources and r.explanation
    except LicenseError as e:
        assert isinstance(e.suggestions, list)
    assert time.perf_counter() - t < 2


@SETTINGS
@given(st.text(max_size=300))
def test_check_random_text(engine, text):
    try:
        engine.check(text, "MIT")
    except LicenseError:
        pass


@SETTINGS
@given(st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=30).map("".join)))
def test_question_parser_never_raises(engine, text):
    try:
        q = parse_license_question(text, engine=engine)
    except LicenseError as e:  # only for a compatibility question naming "GPL"/"BSD" without a version
        assert e.suggestions
        return
    if q is not None:
        engine.check(q.inbound, q.outbound, q.use)  # whatever it extracts is valid input for the engine
