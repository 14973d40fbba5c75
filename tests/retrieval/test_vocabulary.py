"""The everyday -> document vocabulary (bot/retrieval/vocabulary.yaml) and how questions are mapped with it.

Every entry of the vocabulary (`phrases` and `english`) has an example in bench/calibration/
vocabulary_examples.jsonl: a question in scope and one off topic that both use the everyday word. Here, without
the model: each entry maps to its document terms, and the in-scope example reaches them. Telling the two
examples apart is the relevance gate's job, tested per example with the real model in
tests/answering/test_colloquial.py.
"""

from __future__ import annotations

import json

import pytest
import yaml

from bot.retrieval.glossary import (
    VOCABULARY_FILE,
    english_terms,
    everyday_phrases,
    expanded_question,
    other_subjects,
    query_groups,
    query_terms,
    vocabulary,
)
from tests.helpers import KNOWLEDGE, POLICY, REPO

EXAMPLES = [json.loads(line) for line in
            (REPO / "bench" / "calibration" / "vocabulary_examples.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


ENTRIES = [("phrases", key) for key in vocabulary().phrases] + [("english", key) for key in vocabulary().english]


def mapped_terms(question: str) -> set[str]:
    """Every term a question is searched and judged with: its words and their document equivalents."""
    return {term for _, terms in query_groups(question) for term in terms}


@pytest.mark.parametrize("entry", EXAMPLES, ids=[e["everyday"] for e in EXAMPLES])
def test_each_everyday_word_reaches_the_documents_terms(entry):
    """In the in-scope example the everyday word is mapped to the clause's terms. Its off-topic twin uses the
    same word, often inside another word (年终奖金, 电视节目) where it is not mapped; whether it is answered
    is the gate's call (tests/answering/test_colloquial.py)."""
    assert entry["everyday"].lower() in entry["in_scope"].lower()
    assert entry["everyday"].lower() in entry["off_topic"].lower()
    found = mapped_terms(entry["in_scope"])
    wanted = set(entry["document_terms"])
    assert found & wanted, f"{entry['in_scope']!r} maps to {sorted(found)}, none of {sorted(wanted)}"


def test_every_entry_has_an_in_scope_and_an_off_topic_example():
    examples = {e["everyday"].lower() for e in EXAMPLES}
    assert not [key for _, key in ENTRIES if key not in examples]
    assert len(EXAMPLES) == len(examples)


@pytest.mark.parametrize(("section", "key"), ENTRIES, ids=[key for _, key in ENTRIES])
def test_each_entry_maps_to_all_its_document_terms(section, key):
    """The entry on its own, as a question: every one of its document terms is searched and judged with."""
    wanted = getattr(vocabulary(), section)[key]
    if section == "english":
        assert set(wanted) <= set(english_terms(key))
    else:
        assert dict(everyday_phrases(key))[key] == wanted
    found = mapped_terms(key)
    assert set(wanted) <= found, f"{key!r} maps to {sorted(found)}"


def test_other_subjects_are_found_in_the_question_and_are_not_document_terms():
    assert other_subjects("怎么申请南京的公租房？") == {"公租房"}
    assert other_subjects("开源人才住房补贴") == set()
    document_terms = {t for terms in vocabulary().phrases.values() for t in terms}
    assert not vocabulary().other_subjects & document_terms


def test_star_alone_is_not_the_plans_star_project():
    """GitHub stars are not the plan's 明星开源项目; "star project(s)" is."""
    assert "明星" not in mapped_terms("how to get more stars on github")
    assert "明星开源项目" in mapped_terms("How many star projects will Nanjing grow?")


def test_a_phrase_at_the_start_of_a_longer_word_is_not_mapped():
    assert "上学" not in dict(everyday_phrases("上学期的课程"))
    assert "上学" in dict(everyday_phrases("孩子上学有照顾吗"))
    assert "老师" in dict(everyday_phrases("大学老师搞开源有支持吗"))  # the compound's head
    assert "上电视" not in dict(everyday_phrases("普通人怎么报名上电视节目"))
    assert "上电视" in dict(everyday_phrases("开源成果能上电视吗"))


def test_document_terms_are_words_the_documents_use():
    """A term the policy or FAQ never uses would send the search nowhere."""
    texts = POLICY.read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (KNOWLEDGE / "faq").glob("*.yaml"))
    missing = {term for terms in vocabulary().phrases.values() for term in terms
               if term.isascii() is False and term not in texts}
    assert not missing


def test_keys_are_unique_and_lower_case():
    class Strict(yaml.SafeLoader):
        pass

    def no_duplicates(loader, node, deep=False):
        keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        assert not duplicates, f"keys given twice: {duplicates}"
        return loader.construct_mapping(node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_duplicates)
    data = yaml.load(VOCABULARY_FILE.read_text(encoding="utf-8"), Loader=Strict)
    assert set(data) == {"fillers", "other_subjects", "phrases", "english"}
    assert all(str(k) == str(k).lower() for k in data["phrases"])


def test_phrases_match_across_segmentation_and_spacing():
    assert dict(everyday_phrases("想办个黑客松"))["黑客松"] == ("大赛", "会展赛活动", "办会场地")
    assert "国产os" in dict(everyday_phrases("国产 OS 生态咋搞"))
    assert "fast track" in dict(everyday_phrases("Is there a Fast Track for IPOs?"))
    assert "ipo" in dict(everyday_phrases("two IPOs"))  # plural
    assert "expo" in dict(everyday_phrases("an expo")) and not everyday_phrases("export controls")


def test_the_citys_name_is_not_a_search_term_when_anything_else_is_left():
    """Every passage is the city's: 南京 and 南京市 would rank the passages that repeat the name, not the clause."""
    terms = query_terms("南京信创适配测试中心建了吗")
    assert "南京" not in terms and "南京市" not in terms
    assert "信创适配测试中心" in terms
    assert "南京" in query_terms("南京")


def test_fillers_are_not_search_terms_but_topics_are():
    terms = query_terms("有没有地方能托管代码？")
    assert "有没有" not in terms
    assert {"托管", "开源代码托管平台"} <= set(terms)
    assert "有没有" in query_terms("有没有")  # nothing else to search for: keep it


def test_expanded_question_adds_the_document_terms_for_the_embedding():
    assert expanded_question("上市能走快点吗") == "上市能走快点吗 绿色通道"
    assert expanded_question("南京今天天气") == "南京今天天气"  # the city's name is not said twice
    assert expanded_question("天气") == "天气"


def test_other_issuers_are_named_like_other_places():
    from bot.retrieval.glossary import other_places

    assert other_places("工信部的开源政策有哪些", []) == {"工信部"}
    assert other_places("南京市工业和信息化局发布的计划", []) == set()
