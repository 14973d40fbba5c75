"""The everyday -> document vocabulary (bot/retrieval/vocabulary.yaml) and how questions are mapped with it.

Every entry of bench/calibration/vocabulary_examples.jsonl comes with a question in scope and one off topic
that both use the everyday word: the mapping must reach the document's terms for both (telling them apart is
the relevance gate's job, tested in tests/answering/test_vocabulary_gate.py).
"""

from __future__ import annotations

import json

import pytest
import yaml

from bot.retrieval.glossary import (
    VOCABULARY_FILE,
    everyday_phrases,
    expanded_question,
    query_groups,
    query_terms,
    vocabulary,
)
from tests.helpers import KNOWLEDGE, POLICY, REPO

EXAMPLES = [json.loads(line) for line in
            (REPO / "bench" / "calibration" / "vocabulary_examples.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


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
    assert set(data) == {"fillers", "phrases", "english"}
    assert all(str(k) == str(k).lower() for k in data["phrases"])


def test_phrases_match_across_segmentation_and_spacing():
    assert dict(everyday_phrases("想办个黑客松"))["黑客松"] == ("大赛", "会展赛活动", "办会场地")
    assert "国产os" in dict(everyday_phrases("国产 OS 生态咋搞"))
    assert "fast track" in dict(everyday_phrases("Is there a Fast Track for IPOs?"))
    assert "ipo" in dict(everyday_phrases("two IPOs"))  # plural
    assert "expo" in dict(everyday_phrases("an expo")) and not everyday_phrases("export controls")


def test_fillers_are_not_search_terms_but_topics_are():
    terms = query_terms("有没有地方能托管代码？")
    assert "有没有" not in terms
    assert {"托管", "开源代码托管平台"} <= set(terms)
    assert "有没有" in query_terms("有没有")  # nothing else to search for: keep it


def test_expanded_question_adds_the_document_terms_for_the_embedding():
    assert expanded_question("上市能走快点吗") == "上市能走快点吗 绿色通道"
    assert expanded_question("南京今天天气") == "南京今天天气 南京市"
    assert expanded_question("天气") == "天气"


def test_other_issuers_are_named_like_other_places():
    from bot.retrieval.glossary import other_places

    assert other_places("工信部的开源政策有哪些", []) == {"工信部"}
    assert other_places("南京市工业和信息化局发布的计划", []) == set()
