"""The FAQ editor over a real knowledge base: checking a clause and duplicates, the preview, saving, deleting."""

from __future__ import annotations

import difflib

import pytest

from .support import PLAN_TITLE, sign_in, wait_job

HOUSING_CLAUSE = f"《{PLAN_TITLE}》三、保障措施 > （四）引培开源人才"
LISTING_CLAUSE = f"《{PLAN_TITLE}》二、重点任务 > （二）开源主体培育工程 > 4.扶持开源软件企业挂牌上市"


@pytest.fixture
def staff(client):
    client.headers["X-CSRF-Token"] = sign_in(client)
    return client


def check(staff, entry: dict, file: str = "faq/policy.yaml", index: int | None = None) -> dict:
    response = staff.post("/admin/api/faq/check", json={"file": file, "index": index, "entry": entry})
    assert response.status_code == 200, response.text
    return response.json()


def entries(staff, file: str = "faq/policy.yaml") -> list[dict]:
    files = staff.get("/admin/api/faq").json()["files"]
    return next(f for f in files if f["file"] == file)["entries"]


def test_the_entries_of_every_faq_file(staff) -> None:
    files = {f["file"]: f for f in staff.get("/admin/api/faq").json()["files"]}
    assert set(files) == {"faq/assistant.yaml", "faq/licensing.yaml", "faq/policy.yaml", "faq/standards.yaml"}
    first = files["faq/policy.yaml"]["entries"][0]
    assert first["index"] == 0 and len(first["version"]) == 16
    assert first["entry"]["question"].startswith("《加快开源软件发展三年行动计划") and first["entry"]["lang"] == "zh"
    assert files["faq/licensing.yaml"]["entries"][0]["entry"]["id"]


def test_a_cited_clause_resolves_and_the_preview_cites_it(staff) -> None:
    review = check(staff, {"question": "开源人才在住房上有哪些政策支持？", "answer": "将开源人才纳入高层次人才类目，给予住房补贴等支持。",
                           "source": HOUSING_CLAUSE, "tags": ["人才"], "lang": "zh"})
    assert review["ok"] and review["errors"] == []
    assert review["clauses"][0]["section"] == "三、保障措施 > （四）引培开源人才"
    preview = review["preview"]
    assert preview["answer"].startswith("将开源人才纳入高层次人才类目，给予住房补贴等支持。[1]")
    assert "实施期已届满" in preview["answer"]  # the plan's period ended: the answer will say so
    assert preview["sources"][0]["title"] == PLAN_TITLE
    assert review["current"]["status"] == "answered"  # what the assistant answers today


def test_licence_clause_references_resolve_through_the_assistants_resolver(staff) -> None:
    review = check(staff, {"question": "Apache-2.0 项目分发时 NOTICE 文件怎么处理？", "answer": "要随分发附上 NOTICE 文件中的声明。",
                           "source": "Apache-2.0 §4(d)；MIT", "lang": "zh"}, file="faq/licensing.yaml")
    assert [c["title"] for c in review["clauses"]][:1] and not [e for e in review["errors"] if "cited clause" in e]
    assert any("NOTICE" in c["text"] for c in review["clauses"])
    missing = check(staff, {"question": "Apache-2.0 第99条说了什么？", "answer": "……", "source": "Apache-2.0 §99"},
                    file="faq/licensing.yaml")
    assert "cannot find the cited clause in the knowledge base: Apache-2.0 §99" in missing["errors"][0]


def test_a_clause_that_does_not_exist_is_an_error_with_suggestions(staff) -> None:
    review = check(staff, {"question": "开源人才落户有什么政策？", "answer": "……",
                           "source": f"《{PLAN_TITLE}》三、保障措施 > （九）落户"})
    assert not review["ok"] and review["preview"] is None
    assert "中没有“三、保障措施 > （九）落户”一节" in review["errors"][0]
    assert "三、保障措施" in review["errors"][0].split("相近的有：")[1]
    unknown = check(staff, {"question": "某办法有什么规定？", "answer": "……", "source": "《南京市不存在的办法》第一条"})
    assert "知识库中没有《南京市不存在的办法》" in unknown["errors"][0]
    bare = check(staff, {"question": "这是什么？", "answer": "……", "source": "某个地方"})
    assert "cannot find the cited clause" in bare["errors"][0]


def test_duplicates_are_refused_and_near_duplicates_shown(staff) -> None:
    existing = entries(staff)[5]["entry"]
    same = check(staff, {"question": existing["question"] + "  ", "answer": "x", "source": HOUSING_CLAUSE})
    assert not same["ok"] and same["duplicates"][0]["duplicate"]
    assert same["duplicates"][0]["question"] == existing["question"] and "重复" in same["errors"][-1]
    # editing that entry itself is no duplicate of itself
    itself = check(staff, existing | {"source": HOUSING_CLAUSE}, index=5)
    assert all(d["index"] != 5 for d in itself["duplicates"])
    near = check(staff, {"question": "开源人才能享受哪些住房方面的支持", "answer": "x", "source": HOUSING_CLAUSE})
    assert near["duplicates"] and near["duplicates"][0]["question"] == "开源人才能享受哪些住房方面的支持？"
    # the same question in English is a translation, not a duplicate (only one language is compared)
    english = check(staff, {"question": "What housing support can open-source talent get?", "answer": "x",
                            "source": HOUSING_CLAUSE, "lang": "en"})
    assert all(d["question"] != "开源人才能享受哪些住房方面的支持？" for d in english["duplicates"])


def test_a_topic_id_is_carried_by_one_entry_per_language(staff) -> None:
    stored = entries(staff, "faq/licensing.yaml")[0]
    topic, lang = stored["entry"]["id"], stored["entry"]["lang"]
    clash = check(staff, {"question": "一个完全不同的新问题？", "answer": "回答。", "source": HOUSING_CLAUSE, "id": topic,
                          "lang": lang}, file="faq/licensing.yaml")
    assert any(f"topic id {topic!r} already has a {lang} entry" in e for e in clash["errors"])
    itself = check(staff, stored["entry"], file="faq/licensing.yaml", index=stored["index"])
    assert not any("topic id" in e for e in itself["errors"])  # editing the entry that carries it


def test_add_an_entry_and_get_it_answered(staff, console) -> None:
    path = console[0].knowledge_dir / "faq" / "policy.yaml"
    before = path.read_text(encoding="utf-8")
    entry = {"question": "开源企业挂牌上市有没有绿色通道？",
             "answer": "有。行动计划提出建立企业上市“绿色通道”，为开源软件企业上市提供“一站式”服务。",
             "source": LISTING_CLAUSE, "tags": ["上市", "企业"], "lang": "zh"}
    response = staff.post("/admin/api/faq/save", json={"file": "faq/policy.yaml", "index": None, "entry": entry})
    assert response.status_code == 202, response.text
    job = wait_job(staff, response.json()["job"]["id"])
    assert job["state"] == "done" and job["result"]["updated"] == ["faq/policy.yaml"]
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # appended; nothing else changed
    assert after[len(before.rstrip("\n")):] == (
        "\n\n- question: 开源企业挂牌上市有没有绿色通道？\n"
        "  answer: 有。行动计划提出建立企业上市“绿色通道”，为开源软件企业上市提供“一站式”服务。\n"
        f"  source: {LISTING_CLAUSE}\n  tags: [上市, 企业]\n  lang: zh\n")
    answer = staff.post("/api/ask", json={"question": "开源企业挂牌上市有没有绿色通道？"}).json()
    assert answer["answer"].startswith("有。行动计划提出建立企业上市“绿色通道”")
    assert answer["sources"][0]["section"].endswith("4.扶持开源软件企业挂牌上市")
    saved = entries(staff)[-1]
    assert saved["entry"]["question"] == entry["question"]
    events = staff.get("/admin/api/changes?action=faq_save&limit=1").json()["events"]
    assert events[0]["target"] == "faq/policy.yaml#new" and "绿色通道" in events[0]["detail"]


def test_edit_changes_only_that_entry_and_stale_edits_are_refused(staff, console) -> None:
    path = console[0].knowledge_dir / "faq" / "policy.yaml"
    stored = entries(staff)[3]
    before = path.read_text(encoding="utf-8")
    edited = stored["entry"] | {"answer": stored["entry"]["answer"] + "（以上为摘要。）"}
    response = staff.post("/admin/api/faq/save", json={"file": "faq/policy.yaml", "index": 3,
                                                       "version": stored["version"], "entry": edited})
    assert response.status_code == 202, response.text
    assert wait_job(staff, response.json()["job"]["id"])["state"] == "done"
    after = path.read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len([c for c in changed if c.startswith("-")]) <= 5  # that entry's lines only
    assert any("（以上为摘要。）" in c for c in changed)
    assert before.split("\n- question:")[0] == after.split("\n- question:")[0]  # the header comments are kept
    stale = staff.post("/admin/api/faq/save", json={"file": "faq/policy.yaml", "index": 3,
                                                    "version": stored["version"], "entry": edited})
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "stale"
    gone = staff.post("/admin/api/faq/delete", json={"file": "faq/policy.yaml", "index": 3,
                                                     "version": stored["version"]})
    assert gone.status_code == 409


def test_delete_an_entry(staff, console) -> None:
    count = len(entries(staff))
    victim = entries(staff)[10]
    response = staff.post("/admin/api/faq/delete", json={"file": "faq/policy.yaml", "index": 10,
                                                         "version": victim["version"]})
    assert response.status_code == 202
    assert wait_job(staff, response.json()["job"]["id"])["state"] == "done"
    remaining = entries(staff)
    assert len(remaining) == count - 1
    assert victim["entry"]["question"] not in [e["entry"]["question"] for e in remaining]


def test_an_entry_that_fails_its_checks_is_not_saved(staff, console) -> None:
    path = console[0].knowledge_dir / "faq" / "policy.yaml"
    before = path.read_bytes()
    bad = staff.post("/admin/api/faq/save", json={"file": "faq/policy.yaml", "entry": {
        "question": "一个新问题？", "answer": "回答。", "source": f"《{PLAN_TITLE}》九、不存在的章节"}})
    assert bad.status_code == 422 and bad.json()["detail"]["review"]["errors"]
    empty = staff.post("/admin/api/faq/save", json={"file": "faq/policy.yaml", "entry": {
        "question": "  ", "answer": "回答。", "source": HOUSING_CLAUSE}})
    assert empty.status_code == 422
    other = staff.post("/admin/api/faq/save", json={"file": "policy/nanjing-open-source-action-plan-2023-2025.md",
                                                    "entry": {"question": "完全不同的新问题？", "answer": "回答。",
                                                              "source": HOUSING_CLAUSE}})
    assert other.status_code == 422 and "not a FAQ file" in other.json()["message"]
    assert path.read_bytes() == before
