"""The clause-reference grammar and how a reference finds its chunks."""

from __future__ import annotations

from bot.retrieval.clause_refs import (
    ClauseRef,
    clause_numbers,
    is_metadata,
    match_licence,
    match_policy,
    match_standard,
    parse_source,
    problem,
)
from bot.types import Passage


def chunk(label: str, text: str = "", section: str = "", lang: str = "en") -> Passage:
    return Passage(id=f"d::{label or section}::{text[:8]}", text=text or label, doc_id="d", title="T",
                   section=section or (f"§{label}" if label else ""), kind="license", lang=lang,
                   extra={"clause": label} if label else {})


def test_sources_parse_into_references():
    assert parse_source("MPL-2.0 §3.3；LGPL-2.1-only §6；MIT") == [
        ClauseRef("MPL-2.0", "3.3"), ClauseRef("LGPL-2.1-only", "6"), ClauseRef("MIT", "")]
    assert parse_source("REUSE FAQ §What is SPDX?; ISO/IEC 5230:2020 §3.6.2") == [
        ClauseRef("REUSE FAQ", "What is SPDX?"), ClauseRef("ISO/IEC 5230:2020", "3.6.2")]
    policy = parse_source("《计划》一、目标；二、任务 > （一）工程")
    assert policy == [ClauseRef("计划", "一、目标", titled=True), ClauseRef("计划", "二、任务 > （一）工程", titled=True)]
    assert str(policy[0]) == "《计划》一、目标" and str(ClauseRef("Apache-2.0", "4(d)")) == "Apache-2.0 §4(d)"
    assert problem(parse_source("Apache-2.0§4")[0]) == "write a space before §"
    assert is_metadata(parse_source("《计划》文件信息（url）")[0])


def test_licence_clauses_resolve_exactly_below_and_inside():
    passages = [chunk(""), chunk("4", "4. Redistribution."), chunk("4(a)", "(a) copy"), chunk("4(d)", "(d) NOTICE"),
                chunk("3.2", "3.2. Executable\n(a) source\n(b) terms"), chunk("5", "5. intro"),
                chunk("5(d)", "d) Do one of:\n\n0) Convey\n\n1) Use a shared library")]
    assert [p.text for p in match_licence(passages, "4(d)")] == ["(d) NOTICE"]
    assert [p.extra["clause"] for p in match_licence(passages, "4")] == ["4", "4(a)", "4(d)"]
    assert [p.extra["clause"] for p in match_licence(passages, "3.2(a)")] == ["3.2"]  # inside the whole section
    assert [p.extra["clause"] for p in match_licence(passages, "5(d)(1)")] == ["5(d)"]
    assert match_licence(passages, "5(d)(7)") == []
    assert match_licence(passages, "4(z)") == [] and match_licence(passages, "12") == []
    assert len(match_licence(passages, "")) == len(passages)
    assert match_licence(passages, "not a clause") == []


def test_standard_clauses_resolve_by_number_heading_or_item():
    passages = [
        Passage(id="s1", text="A program … at least 18 months.", doc_id="s", title="S", kind="standard",
                section="3 - Requirements > 3.6 - Adherence > 3.6.2 - Duration"),
        Passage(id="s2", text="- 3.1.1.1 - A documented open source policy.\n- 3.1.1.2 - A documented procedure",
                doc_id="s", title="S", kind="standard",
                section="3 - Requirements > 3.1 - Program foundation > 3.1.1 - Policy > Verification material(s):"),
        Passage(id="s3", text="Licensing Information MAY be associated", doc_id="s", title="S", kind="standard",
                section="Licensing Information > REUSE.toml"),
        Passage(id="s4", text="The order of application", doc_id="s", title="S", kind="standard",
                section="Annex D > D.4 Composite > D.4.5 Order of precedence and parentheses"),
    ]
    assert [p.id for p in match_standard(passages, "3.6.2")] == ["s1"]
    assert [p.id for p in match_standard(passages, "3.6")] == ["s1"]
    assert [p.id for p in match_standard(passages, "3.1.1.2")] == ["s2"]
    assert [p.id for p in match_standard(passages, "REUSE.toml")] == ["s3"]
    assert [p.id for p in match_standard(passages, "D.4.5")] == ["s4"]
    assert match_standard(passages, "3.7") == [] and match_standard(passages, "No such heading") == []
    assert clause_numbers(passages[0].section) == ["3", "3.6", "3.6.2"]


def test_policy_sections_and_the_preamble():
    passages = [Passage(id="p0", text="为深入贯彻…", doc_id="p", title="P", section="", kind="policy"),
                Passage(id="p1", text="…", doc_id="p", title="P", section="三、保障措施 > （四）引培开源人才", kind="policy")]
    assert [p.id for p in match_policy(passages, "三、保障措施 > （四）引培开源人才")] == ["p1"]
    assert [p.id for p in match_policy(passages, "（四）引培开源人才")] == ["p1"]
    assert [p.id for p in match_policy(passages, "前言")] == ["p0"]
