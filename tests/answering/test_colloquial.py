"""Colloquial questions over the real model and knowledge base: the everyday vocabulary and the relevance gate
(in scope answered, off topic not), and "did you mean" for questions near the gate, picked by number."""

from __future__ import annotations

import json

import pytest

from bot.answering.assistant import RetrievalAssistant
from bot.answering.recording import RecordingAssistant
from bot.conversation import SessionConversation, SessionHistory
from bot.stores import InProcessStore
from bot.types import Question
from tests.fakes import FakeQuestionLog
from tests.helpers import REPO

EXAMPLES = [json.loads(line) for line in
            (REPO / "bench" / "calibration" / "vocabulary_examples.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
# in scope, but vague or oddly put: questions near the gate (which of them is nearest depends on the calibration)
NEAR_CANDIDATES = ["投资这块政府有啥招，能帮我们拉点投资不", "开源人才个锐减免有吗", "资源配置 funding、人力、技术 都给配吗",
                   "影响力那条目标具体咋衡量的"]


@pytest.fixture(scope="module")
def talking(small_kb, licences):
    """The real assistant with session memory, as the composition root builds it."""
    conversation = SessionConversation(SessionHistory(InProcessStore(), ttl=600), licences)
    return RetrievalAssistant(small_kb["knowledge"], small_kb["searcher"], small_kb["index"].embeddings,
                              licences=licences, conversation=conversation, contact="南京市工业和信息化局")


@pytest.fixture(scope="module")
def near(assistant) -> str:
    """A question near the gate that gets at least two suggestions."""
    for question in NEAR_CANDIDATES:
        if assistant.retrieve(question).relevance.near and len(assistant.ask(Question(text=question)).suggestions) >= 2:
            return question
    pytest.fail("none of the vague questions is near the gate any more")


def examples(side: str) -> list:
    """One case per vocabulary entry; an example the gate gets wrong is an expected (strict) failure with its
    reason, counted in bench/README.md ("Relevance gate"), so that fixing it shows up as XPASS."""
    cases = []
    for entry in EXAMPLES:
        question = entry[side]
        reason = KNOWN_MISSES.get(question)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(pytest.param(question, id=f"{entry['everyday']}", marks=marks))
    return cases


# examples the calibrated gate misjudges in the test knowledge base (11 of 329 in scope, 7 of 329 off topic;
# in cross-validation it errs on 0.5 % of off-topic and 6.4 % of in-scope questions)
KNOWN_MISSES: dict[str, str] = {
    "开源企业上市手续能加急吗": "in scope, not answered: the 上市 clause is near but coverage is low (0.40): 手续 and 加急 are not the clause's words",
    "国产开源软件适配测试去哪做": "in scope, not answered: 去哪做 + 国产开源软件: the retrieved passages cover few of the words (0.15)",
    "国产OS生态南京有啥规划": "in scope, not answered: OS 生态 + 规划: the §9 clause covers 0.71 but 'os' counts as alien",
    "企业代码仓想放本地平台，南京有吗": "in scope, not answered: 本地平台 is not the clause's wording (开源代码托管平台)",
    "南京的代码托管平台和 Gitee 类似吗，有规划吗": "in scope, not answered: the comparison with Gitee adds words the plan lacks",
    "Does Nanjing have a base for HarmonyOS development?": "in scope, not answered: 'base for HarmonyOS development' covers 0.39 of the words of 鸿蒙产业基地's clause",
    "How many star projects does Nanjing plan to cultivate?": "in scope, not answered: 'cultivate'/'plan' dilute coverage of the §1 clause (English)",
    "开源领军人才能分房吗": "in scope, not answered: 分房 of 领军人才: the plan says 住房补贴, not housing allocation",
    "Is there a test centre for domestic software adaptation in Nanjing?": "in scope, not answered: 'test centre for domestic software adaptation': English words not in the glossary (centre, adaptation test)",
    "Does Nanjing have a localization adaptation test centre?": "in scope, not answered: same as domestic: 'test centre' is not mapped to 信创适配测试中心",
    "Will open source achievements be shown on TV?": "in scope, not answered: 'achievements be shown on TV' covers 0.45 of the publicity clause",
    "代码托管网站访问慢怎么办": "off topic, answered: a website's slowness shares 代码托管 and nothing marks it as a personal tech problem",
    "放代码的U盘丢了怎么办": "off topic, answered: a lost USB stick: 放代码 maps to the code-hosting platform and U盘 is one of few other words",
    "Why do star open-source repos get so many fake stars?": "off topic, answered: 'star open-source repos' is the plan's phrase; 'fake stars' is the only other sign",
    "校园贷怎么还": "off topic, answered: 校园贷 (a student loan) is split 校园|贷 and 校园 maps to 走进校园",
    "单位分房的产权怎么算": "off topic, answered: 单位 counts as an object of the plan, so the personal-matter signal stays off",
    "怎么衡量一个人是否靠谱": "off topic, answered: 衡量 maps to the plan's targets and every other word is a filler",
    "员工年度合规体检项目": "off topic, answered: since the FAQ on building a compliance programme (ISO/IEC 5230 §3), "
                             "合规 + 项目 are covered and 体检 maps to the plan's 开源测评",
}


@pytest.mark.parametrize("question", examples("in_scope"))
def test_each_vocabulary_entry_in_scope_example_is_answered(assistant, question):
    answer = assistant.ask(Question(text=question))
    assert answer.status == "answered", assistant.retrieve(question).relevance.as_dict()


@pytest.mark.parametrize("question", examples("off_topic"))
def test_each_vocabulary_entry_off_topic_example_is_not_answered(assistant, question):
    answer = assistant.ask(Question(text=question))
    assert answer.status != "answered", assistant.retrieve(question).relevance.as_dict()


@pytest.mark.parametrize("question", ["怎么申请公租房，要啥条件", "社保断了一个月怎么补缴", "推荐一款开源的思维导图软件",
                                      "How do I apply for a hukou transfer?"])
def test_a_residents_own_errand_is_not_answered(assistant, question):
    """Personal procedures and product recommendations share the plan's words but are not its subject."""
    relevance = assistant.retrieve(question).relevance
    assert relevance.errand or relevance.alien > 0.5
    assert assistant.ask(Question(text=question)).status != "answered"


@pytest.mark.parametrize("question", ["开源人才的住房补贴找谁申请", "开源企业上市绿色通道怎么办理"])
def test_the_same_procedure_about_the_plans_object_is_answered(assistant, question):
    relevance = assistant.retrieve(question).relevance
    assert not relevance.errand
    assert assistant.ask(Question(text=question)).status == "answered"


@pytest.mark.parametrize(("question", "clause"), [
    ("我们搞开源大会，没地方办，能给个会场不？", "办会场地"),
    ("开源公司想上市，流程能不能给开个快车道？", "绿色通道"),
    ("开源人材住房补帖咋说", "住房补贴"),
])
def test_colloquial_questions_reach_the_clause(assistant, question, clause):
    answer = assistant.ask(Question(text=question))
    assert answer.status == "answered"
    assert clause in answer.answer and clause in answer.sources[0].text


def test_near_the_gate_the_closest_answerable_questions_are_offered(assistant, near):
    answer = assistant.ask(Question(text=near))
    assert answer.status == "no_answer" and 2 <= len(answer.suggestions) <= 3
    assert "您是不是想问" in answer.answer and f"① {answer.suggestions[0]}" in answer.answer
    assert len(set(answer.suggestions)) == len(answer.suggestions)
    for offered in answer.suggestions:  # each one is answered when asked
        assert assistant.ask(Question(text=offered)).status == "answered", offered


@pytest.mark.parametrize("question", ["今天南京天气怎么样？", "工信部的开源政策有哪些？"])
def test_clearly_off_topic_gets_the_plain_refusal(assistant, question):
    answer = assistant.ask(Question(text=question))
    assert answer.status == "no_answer" and answer.suggestions == []
    assert "我能回答" in answer.answer


def test_every_faq_question_passes_the_gate_so_suggestions_are_answered(assistant, small_kb):
    questions = sorted({p.extra["faq_question"] for p in small_kb["knowledge"].passages()
                        if p.extra.get("faq_question")})
    assert len(questions) > 300
    refused = [q for q in questions if not assistant.retrieve(q).relevance.passes]
    assert not refused


def test_the_offer_names_the_clause_that_answers(assistant):
    answer = assistant.ask(Question(text="投资这块政府有啥招，能帮我们拉点投资不"))
    assert answer.status == "answered" or "行动计划在开源投融资方面有什么安排？" in answer.suggestions


def test_replying_with_a_number_asks_that_suggestion(talking, near):
    offer = talking.ask(Question(text=near, session_id="s1"))
    assert offer.suggestions
    picked = talking.ask(Question(text="2", session_id="s1"))
    assert picked.status == "answered"
    assert picked.understood_question == offer.suggestions[1]
    assert picked.answer.startswith(f"（理解为：{offer.suggestions[1]}）")
    assert picked.license_check is None
    # nothing is pending any more: "1" is an ordinary (unanswerable) message again
    assert talking.ask(Question(text="1", session_id="s1")).understood_question != offer.suggestions[0]


@pytest.mark.parametrize("reply", ["1", "①", "第一个", " 1. ", "选1"])
def test_number_forms(talking, near, reply):
    offer = talking.ask(Question(text=near, session_id=f"forms-{reply}"))
    picked = talking.ask(Question(text=reply, session_id=f"forms-{reply}"))
    assert picked.understood_question == offer.suggestions[0]


def test_a_number_after_a_licence_question_is_not_a_licence_follow_up(talking, near):
    session = "licence-then-number"
    verdict = talking.ask(Question(text="MIT 许可的代码可以放进 GPL-3.0-only 的项目吗？", session_id=session))
    assert verdict.license_check is not None
    offer = talking.ask(Question(text=near, session_id=session))
    assert offer.suggestions
    picked = talking.ask(Question(text="1", session_id=session))
    assert picked.license_check is None and picked.understood_question == offer.suggestions[0]


def test_a_number_out_of_range_or_in_another_session_picks_nothing(talking, near):
    offer = talking.ask(Question(text=near, session_id="s-range"))
    out_of_range = talking.ask(Question(text=str(len(offer.suggestions) + 1), session_id="s-range"))
    assert out_of_range.understood_question not in offer.suggestions
    other = talking.ask(Question(text="1", session_id="someone-else"))
    assert other.understood_question is None


def test_the_question_log_records_the_picked_question_not_the_number(talking, near):
    """Staff read the log to write FAQ answers: a reply "2" must appear there as the question it picked."""
    log = FakeQuestionLog()
    recording = RecordingAssistant(talking, log)
    offer = recording.ask(Question(text=near, session_id="log-1", channel="wechat"))
    recording.ask(Question(text="2", session_id="log-1", channel="wechat"))
    recording.ask(Question(text="2", session_id="log-1", channel="wechat"))  # nothing pending: logged as sent
    assert [q["question"] for q in log.questions] == [near, offer.suggestions[1], "2"]
