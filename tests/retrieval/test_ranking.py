"""Re-ranking rules after fusion: variants of one text, named licences, named clauses (no index needed)."""

from __future__ import annotations

from bot.retrieval.ranking import (
    boost_about_licences,
    boost_named_clauses,
    boost_named_licences,
    clause_mentions,
    collapse_variants,
    family,
    licences_about,
    named_licence_families,
)
from bot.types import Hit, Passage


def licence(spdx: str, clause: str, score: float, deprecated: bool = False) -> Hit:
    extra = {"spdx_id": spdx, "clause": clause}
    if deprecated:
        extra["deprecated"] = "True"
    return Hit(passage=Passage(id=f"licenses/texts/{spdx}.txt::h::{clause}", text=f"{spdx} {clause}",
                               doc_id=f"licenses/texts/{spdx}.txt", title=f"Licence ({spdx})",
                               section=f"§{clause}", kind="license", extra=extra), score=score)


def standard(doc: str, section: str, score: float, family_name: str = "") -> Hit:
    extra = {"family": family_name} if family_name else {}
    return Hit(passage=Passage(id=f"{doc}::h::{section}", text=section, doc_id=doc, title=doc, section=section,
                               kind="standard", extra=extra), score=score)


def faq(source: str, score: float) -> Hit:
    return Hit(passage=Passage(id=f"faq::{source}", text="q\na", doc_id="faq/licensing.yaml", title="FAQ",
                               section="q", kind="faq", extra={"faq_source": source}), score=score)


def test_licence_variants_collapse_to_the_best_current_one():
    hits = [licence("GPL-3.0", "7", 0.9, deprecated=True), licence("GPL-3.0-or-later", "7", 0.89),
            licence("GPL-3.0-only", "7", 0.88), licence("MIT", "", 0.5), licence("GPL-3.0-only", "5", 0.4)]
    kept, moved = collapse_variants(hits)
    assert [h.passage.doc_id for h in kept] == ["licenses/texts/GPL-3.0-or-later.txt", "licenses/texts/MIT.txt"]
    assert {h.passage.doc_id for h in moved} == {"licenses/texts/GPL-3.0.txt", "licenses/texts/GPL-3.0-only.txt"}
    assert family(hits[0].passage) == family(hits[2].passage) == "licence:gpl-3.0"
    assert family(licence("LGPL-2.1+", "", 0).passage) == "licence:lgpl-2.1"


def test_two_scripts_of_one_standard_do_not_both_fill_the_top():
    hits = [standard("zh-Hans.pdf", "3.6.2 有效期", 0.9, "openchain-2.1-zh"),
            standard("zh-Hant.docx", "3.6.2 持續期間", 0.85, "openchain-2.1-zh"),
            standard("en.md", "3.6.2 - Duration", 0.8)]
    kept, moved = collapse_variants(hits)
    assert [h.passage.doc_id for h in kept] == ["zh-Hans.pdf", "en.md"]
    assert [h.passage.doc_id for h in moved] == ["zh-Hant.docx"]


def test_a_licence_named_by_id_gets_its_best_passage_lifted():
    families = named_licence_families("GPL-3.0-only 是什么", {"gpl-3.0-only", "mit"})
    assert families == {"licence:gpl-3.0"}
    assert named_licence_families("gpl-3.0-only-ish things", {"gpl-3.0-only"}) == set()
    hits = [faq("GPL-3.0-only §5(c)", 0.05), licence("GPL-3.0-only", "0", 0.04), licence("GPL-3.0-only", "1", 0.03)]
    boost_named_licences(hits, families)
    assert hits[1].score > hits[0].score and hits[2].score == 0.03


def test_passages_about_a_named_licence_go_first():
    hits = [faq("GPL-2.0-only §3", 0.04), faq("MPL-2.0 §3.1; MPL-2.0 §3.2", 0.035), licence("MPL-2.0", "3.2", 0.03)]
    assert licences_about(hits[1].passage) == {"licence:mpl-2.0"}
    ranked = boost_about_licences(hits, {"licence:mpl-2.0"})
    assert [h.passage.kind for h in ranked][:2] == ["faq", "license"]
    assert ranked[0].passage.extra["faq_source"].startswith("MPL-2.0")
    assert ranked[-1].passage.extra["faq_source"] == "GPL-2.0-only §3"


def test_clause_mentions_in_questions():
    assert clause_mentions("GPL-3.0 第7条讲什么？") == ["7"]
    assert clause_mentions("Apache-2.0 第4条(d)项怎么理解") == ["4(d)"]
    assert clause_mentions("What does Apache-2.0 section 4(d) require?") == ["4(d)"]
    assert clause_mentions("MPL §3.3 and clause 2.1") == ["3.3", "2.1"]
    assert clause_mentions("OpenChain 3.6.2 要求什么") == ["3.6.2"]
    assert clause_mentions("Apache 2.0 和 GPL-3.0 兼容吗") == []


def test_a_named_clause_is_lifted_for_the_named_licence_only():
    hits = [licence("MIT", "", 0.03), licence("GPL-3.0-only", "7", 0.01), licence("GPL-3.0-only", "7(a)", 0.009),
            licence("Apache-2.0", "7", 0.02), standard("iso.md", "3 - Requirements > 3.6.2 - Duration", 0.01)]
    boost_named_clauses("GPL-3.0-only 第7条", hits)
    assert hits[1].score > hits[0].score and hits[2].score > hits[0].score
    assert hits[3].score == 0.02  # Apache's §7 is not the clause asked about
    boost_named_clauses("OpenChain 3.6.2 有效期", hits)
    assert hits[4].score > 0.03


def test_a_question_naming_a_standard_prefers_the_standards():
    from bot.retrieval.ranking import about_a_standard, boost_about_standards, names_a_standard

    assert names_a_standard("OpenChain 规范要求合规计划的有效期至少多久？") and names_a_standard("REUSE.toml 和 DEP5")
    assert not names_a_standard("开源人才有什么住房补贴？")
    policy = Hit(passage=Passage(id="p", text="制定开源治理制度和管理规范", doc_id="policy/plan.md", title="计划",
                                 kind="policy"), score=0.04)
    iso = standard("iso.md", "3.6.2 有效期", 0.03)
    iso_faq = faq("ISO/IEC 5230:2020 §3.6.2", 0.025)
    licence_faq = faq("MIT", 0.026)
    assert about_a_standard(iso.passage) and about_a_standard(iso_faq.passage)
    assert not about_a_standard(licence_faq.passage) and not about_a_standard(policy.passage)
    ranked = boost_about_standards([policy, iso, licence_faq, iso_faq])
    assert [h.passage.id for h in ranked][:2] == [iso.passage.id, iso_faq.passage.id]
