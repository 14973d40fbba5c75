"""The documents page's API over a real knowledge base: upload, replace, delete, metadata, sync, bad input.

Every change runs the same sync as `yuanbot ingest` and ends with its per-file result; a refused file
changes nothing (neither the folder nor the index).
"""

from __future__ import annotations

import socket

import pytest

from ingest.lock import LockHolder
from tests.helpers import serve, stream_until_answered

from .support import PLAN_ID, PLAN_TITLE, docx_bytes, scanned_pdf_bytes, sign_in, wait_job

MARATHON = "南京市开源马拉松活动办法（测试）"
MARATHON_DOCX = docx_bytes(MARATHON, [("一、活动安排", "开源马拉松活动每年举办两次，分别在春季和秋季，由市开源产业联盟承办。"),
                                      ("二、奖励", "获得一等奖的团队可获得五万元奖金。")])


@pytest.fixture
def staff(client):
    csrf = sign_in(client)
    client.headers["X-CSRF-Token"] = csrf
    return client


def manifest(console) -> dict:
    return console[1].index.documents()


def ask(client, question: str) -> dict:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def upload(staff, files, folder="policy") -> dict:
    response = staff.post("/admin/api/documents", data={"folder": folder}, files=[("files", f) for f in files])
    assert response.status_code == 202, response.text
    return wait_job(staff, response.json()["job"]["id"])


def row(staff, doc_id: str) -> dict:
    documents = staff.get("/admin/api/documents").json()["documents"]
    return next(d for d in documents if d["doc_id"] == doc_id)


def test_the_list_shows_every_document_with_its_metadata(staff) -> None:
    data = staff.get("/admin/api/documents").json()
    plan = next(d for d in data["documents"] if d["doc_id"] == PLAN_ID)
    assert plan["title"] == PLAN_TITLE and plan["kind"] == "policy" and plan["issuer"] == "南京市工业和信息化局"
    assert plan["status"] == "expired" and plan["status_setting"] == "auto"  # auto: 2025-12-31 has passed
    assert (plan["effective_from"], plan["effective_to"]) == ("2023-01-01", "2025-12-31")
    assert plan["chunks"] > 10 and plan["ingested_at"] and plan["pending"] is None and plan["error"] is None
    assert {d["kind"] for d in data["documents"]} == {"policy", "license", "faq"}
    assert {"policy", "faq", "licenses"} <= set(data["folders"])
    assert data["max_upload_bytes"] == 50 * 1024 * 1024 and ".docx" in data["suffixes"]


def test_upload_a_docx_then_ask_about_it(staff, console) -> None:
    job = upload(staff, [("marathon.docx", MARATHON_DOCX)])
    assert job["state"] == "done" and job["result"]["added"] == ["policy/marathon.docx"]
    assert job["result"]["failed"] == [] and job["result"]["chunks"] >= 2 and job["total"] == job["done"]
    assert (console[0].knowledge_dir / "policy" / "marathon.docx").read_bytes() == MARATHON_DOCX
    answer = ask(staff, "开源马拉松活动每年举办几次？")
    assert answer["status"] == "answered" and "每年举办两次" in answer["answer"]
    assert answer["sources"][0]["title"] == MARATHON and "[1]" in answer["answer"]
    listed = row(staff, "policy/marathon.docx")
    assert listed["title"] == MARATHON and listed["status"] == "in_force" and listed["format"] == "docx"
    events = staff.get("/admin/api/changes?limit=5").json()["events"]
    assert [e["action"] for e in events[:2]] == ["job_end", "upload"]
    assert events[1]["target"].endswith("marathon.docx") and events[0]["detail"].startswith("added 1")
    assert {(e["actor"], e["address"]) for e in events[:2]} == {("console", "testclient")}


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("scan.pdf", scanned_pdf_bytes(), "the PDF has no text layer (a scan?); OCR it or supply the text"),
    ("empty.md", b"", "the file is empty"),
    ("blank.txt", b"   \n\n  ", "the file is empty"),
    ("setup.exe", b"MZ\x90\x00binary", "unsupported file type '.exe'"),
    ("fake.pdf", b"<html>not a pdf</html>", "not a PDF file (missing %PDF header)"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable Word .docx file (PackageNotFoundError)"),
])
def test_a_bad_upload_says_why_and_changes_nothing(staff, console, name, data, reason) -> None:
    folder = console[0].knowledge_dir / "policy"
    files_before, index_before = sorted(p.name for p in folder.iterdir()), manifest(console)
    job = upload(staff, [(name, data)])
    assert job["state"] == "done"
    assert job["result"]["failed"] == [{"path": f"policy/{name}", "reason": reason}]
    assert job["result"]["added"] == job["result"]["updated"] == job["result"]["removed"] == []
    assert sorted(p.name for p in folder.iterdir()) == files_before
    assert manifest(console) == index_before


def test_the_same_reason_as_the_cli(staff, console, tmp_path) -> None:
    """The reason shown for a scanned PDF is the one `yuanbot ingest` prints for it."""
    from ingest.sync import KnowledgeSync

    root = tmp_path / "kb"
    (root / "policy").mkdir(parents=True)
    (root / "policy" / "scan.pdf").write_bytes(scanned_pdf_bytes())
    cli_report = KnowledgeSync(console[1].index, root).sync([root / "policy" / "scan.pdf"], dry_run=False)
    job = upload(staff, [("scan.pdf", scanned_pdf_bytes())])
    assert [f.reason for f in cli_report.failed] == [f["reason"] for f in job["result"]["failed"]]


def test_a_name_that_exists_is_refused_not_overwritten(staff, console) -> None:
    plan = console[0].knowledge_dir / PLAN_ID
    before = plan.read_bytes()
    job = upload(staff, [(plan.name, "# 覆盖\n\n不应写入。".encode())])
    assert job["result"]["failed"][0]["reason"].startswith("同名文件已存在")
    assert plan.read_bytes() == before


def test_several_files_at_once_each_with_its_result(staff, console) -> None:
    job = upload(staff, [("a-note.md", "# 甲\n\n南京开源测试文件甲，说明开源社区周例会每周三举行。".encode()),
                         ("b-note.exe", b"MZ"),
                         ("c-note.txt", "乙：开源志愿者服务时长可计入社会实践。".encode())])
    assert sorted(job["result"]["added"]) == ["policy/a-note.md", "policy/c-note.txt"]
    assert [f["path"] for f in job["result"]["failed"]] == ["policy/b-note.exe"]
    assert "每周三" in ask(staff, "开源社区周例会在哪一天举行？")["answer"]


def test_a_200_mb_upload_is_refused_early_with_413(console) -> None:
    """Over real HTTP: the upload is cut off after about the limit (50 MB), never read to 200 MB."""
    _, _, app = console
    chunk = b"y" * (512 * 1024)
    with serve(app) as url, socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=10) as sock:
        sock.sendall(b"POST /admin/api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     b"qV7r-Lz2k_Wm9xPb4Nt6Hs8Jd\r\nContent-Type: multipart/form-data; boundary=BOUNDARY\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        head = (b'--BOUNDARY\r\nContent-Disposition: form-data; name="files"; filename="huge.pdf"\r\n'
                b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n")
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        response, sent = stream_until_answered(sock, chunk)
    assert response.startswith(b"HTTP/1.1 413"), response[:300]
    assert "文件超过 50.0 MB 上限，未保存 / file too large (> 50.0 MB)".encode() in response
    assert sent < 80 * 1024 * 1024
    assert not (console[0].knowledge_dir / "policy" / "huge.pdf").exists()


def test_declared_too_large_is_refused_at_once_with_the_cli_reason(staff, console, tmp_path) -> None:
    """A 200 MB upload (browsers declare its length) is refused before it is read, with the reason
    `yuanbot ingest` gives for a 200 MB file in the folder."""
    from ingest.sync import KnowledgeSync

    root = tmp_path / "kb"
    (root / "policy").mkdir(parents=True)
    with (root / "policy" / "huge.pdf").open("wb") as huge:
        huge.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk space
    cli = KnowledgeSync(console[1].index, root, max_document_bytes=console[0].max_document_bytes)
    [failure] = cli.sync([root], dry_run=True).failed
    response = staff.post("/admin/api/documents", content=b"x" * 10,
                          headers={"Content-Type": "multipart/form-data; boundary=B",
                                   "Content-Length": str(200 * 1024 * 1024)})
    assert response.status_code == 413
    assert failure.reason == "file too large (200.0 MB > 50.0 MB)"
    assert response.json()["message"] == f"文件超过 50.0 MB 上限，未保存 / {failure.reason}"


def test_a_file_over_the_document_limit_fails_like_in_the_cli(staff, console, tmp_path, monkeypatch) -> None:
    """Under the console's upload cap but over YUANBOT_MAX_DOCUMENT_BYTES: the job says why, nothing is saved."""
    from ingest.sync import KnowledgeSync

    settings, components, _ = console
    limit = 8 * 1024
    monkeypatch.setattr(components, "settings", settings.model_copy(update={"max_document_bytes": limit}))
    monkeypatch.setattr(components.staff.catalog.sync, "max_document_bytes", limit)
    data = ("# 大文件\n\n" + "开源测试内容。" * 1000).encode()
    root = tmp_path / "kb"
    (root / "policy").mkdir(parents=True)
    (root / "policy" / "big-note.md").write_bytes(data)
    [cli] = KnowledgeSync(components.index, root, max_document_bytes=limit).sync([root], dry_run=True).failed
    job = upload(staff, [("big-note.md", data)])
    assert job["result"]["failed"] == [{"path": "policy/big-note.md", "reason": cli.reason}]
    assert cli.reason == "file too large (20.5 KB > 8.0 KB)"
    assert not (settings.knowledge_dir / "policy" / "big-note.md").exists()


def test_a_second_ingest_is_told_to_wait(staff, console) -> None:
    components = console[1]
    lease = components.ingest_lock.acquire(LockHolder(who="yuanbot ingest", what="rebuild"))
    try:
        for response in (staff.post("/admin/api/sync", json={}),
                         staff.post("/admin/api/documents", data={"folder": "policy"},
                                    files=[("files", ("wait.md", "# 等待\n\n内容。".encode()))])):
            assert response.status_code == 409
            detail = response.json()["detail"]
            assert detail["code"] == "busy" and "另一个导入正在进行（rebuild，yuanbot ingest" in detail["message"]
            assert "wait for it to finish" in detail["message"]
    finally:
        lease.release()
    assert not (console[0].knowledge_dir / "policy" / "wait.md").exists()
    job = staff.post("/admin/api/sync", json={})
    assert job.status_code == 202
    assert wait_job(staff, job.json()["job"]["id"])["state"] == "done"
    refused = staff.get("/admin/api/changes?action=sync&limit=3").json()["events"]
    assert "refused" in [e["outcome"] for e in refused]


def test_metadata_edit_writes_the_front_matter_and_changes_the_validity_note(staff, console) -> None:
    question = "开源人才能享受哪些住房方面的支持？"
    assert "实施期已届满" in ask(staff, question)["answer"]  # status auto, ended 2025-12-31
    meta = staff.get("/admin/api/documents/metadata", params={"doc_id": PLAN_ID}).json()
    assert meta["stored_in"] == "front_matter" and meta["fields"]["status"] == "auto"
    fields = meta["fields"] | {"status": "in_force", "doc_number": "宁工信〔2023〕99号"}
    response = staff.post("/admin/api/documents/metadata", json={
        "doc_id": PLAN_ID, "version": meta["version"], "shown_title": meta["shown_title"], "fields": fields})
    assert response.status_code == 202, response.text
    job = wait_job(staff, response.json()["job"]["id"])
    assert job["result"]["updated"] == [PLAN_ID]
    text = (console[0].knowledge_dir / PLAN_ID).read_text(encoding="utf-8")
    assert "status: in_force      # in_force / expired / superseded" in text  # the comment is kept
    assert "doc_number: 宁工信〔2023〕99号" in text
    answer = ask(staff, question)
    assert answer["status"] == "answered" and "实施期已届满" not in answer["answer"]
    listed = row(staff, PLAN_ID)
    assert listed["status"] == "in_force" and listed["doc_number"] == "宁工信〔2023〕99号"
    # and back: expired again
    meta = staff.get("/admin/api/documents/metadata", params={"doc_id": PLAN_ID}).json()
    response = staff.post("/admin/api/documents/metadata", json={
        "doc_id": PLAN_ID, "version": meta["version"], "shown_title": meta["shown_title"],
        "fields": meta["fields"] | {"status": "expired"}})
    wait_job(staff, response.json()["job"]["id"])
    assert "实施期已届满" in ask(staff, question)["answer"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"effective_from": "2025-01-01", "effective_to": "2024-01-01"}, "effective_from is after effective_to"),
    ({"url": "javascript:alert(1)"}, "must start with http:// or https://"),
    ({"published": "30/10/2023"}, "use a date like 2025-12-31"),
    ({"status": "maybe"}, "Input should be"),
    ({"title": "两行\n标题"}, "must be one line of text"),
])
def test_invalid_metadata_is_refused(staff, console, fields, message) -> None:
    meta = staff.get("/admin/api/documents/metadata", params={"doc_id": PLAN_ID}).json()
    before = (console[0].knowledge_dir / PLAN_ID).read_bytes()
    response = staff.post("/admin/api/documents/metadata", json={
        "doc_id": PLAN_ID, "version": meta["version"], "shown_title": meta["shown_title"],
        "fields": meta["fields"] | fields})
    assert response.status_code == 422 and message in response.json()["message"]
    assert (console[0].knowledge_dir / PLAN_ID).read_bytes() == before


def test_stale_forms_are_refused(staff, console) -> None:
    job = upload(staff, [("stale.md", "# 过时测试\n\n开源测试内容：旧版本。".encode())])
    assert job["result"]["added"] == ["policy/stale.md"]
    old = row(staff, "policy/stale.md")
    path = console[0].knowledge_dir / "policy" / "stale.md"
    path.write_text("# 过时测试\n\n开源测试内容：别人刚改过的新版本。", encoding="utf-8")  # someone else
    meta = {"doc_id": old["doc_id"], "version": old["version"], "shown_title": old["title"],
            "fields": {"title": "我的标题", "status": "expired"}}
    for response in (staff.post("/admin/api/documents/metadata", json=meta),
                     staff.post("/admin/api/documents/delete", json={"doc_id": old["doc_id"], "version": old["version"]}),
                     staff.post("/admin/api/documents/replace", data={"doc_id": old["doc_id"], "version": old["version"]},
                                files={"file": ("stale.md", "# 我的版本".encode())})):
        assert response.status_code == 409, response.text
        assert response.json()["detail"]["code"] == "stale" and "reload" in response.json()["message"]
    assert "别人刚改过" in path.read_text(encoding="utf-8")


def test_replace_and_delete(staff, console) -> None:
    upload(staff, [("old.pdf.md", "# 旧办法\n\n开源测试：旧办法规定补贴一万元。".encode())])
    listed = row(staff, "policy/old.pdf.md")
    replaced = staff.post("/admin/api/documents/replace", data={"doc_id": listed["doc_id"], "version": listed["version"]},
                          files={"file": ("whatever.md", "开源测试：新办法规定补贴两万元。".encode())})
    assert replaced.status_code == 202
    job = wait_job(staff, replaced.json()["job"]["id"])
    assert job["result"]["updated"] == ["policy/old.pdf.md"]
    assert "两万元" in (console[0].knowledge_dir / "policy" / "old.pdf.md").read_text(encoding="utf-8")
    listed = row(staff, "policy/old.pdf.md")
    deleted = staff.post("/admin/api/documents/delete", json={"doc_id": listed["doc_id"], "version": listed["version"]})
    job = wait_job(staff, deleted.json()["job"]["id"])
    assert job["result"]["removed"] == ["policy/old.pdf.md"]
    assert not (console[0].knowledge_dir / "policy" / "old.pdf.md").exists()
    assert "policy/old.pdf.md" not in manifest(console)


def test_replacing_in_another_format_carries_the_folder_metadata(staff, console) -> None:
    root = console[0].knowledge_dir
    (root / "policy" / "_meta.yaml").write_text('"*": {kind: policy}\nrules.html: {title: 测试规则, issuer: 测试局}\n',
                                                encoding="utf-8")
    job = upload(staff, [("rules.html", "<h1>规则</h1><p>开源测试规则：每月评审一次。</p>".encode())])
    assert job["result"]["added"] == ["policy/rules.html"]
    listed = row(staff, "policy/rules.html")
    assert listed["issuer"] == "测试局"
    new = docx_bytes("规则", [("一、评审", "开源测试规则：每季度评审一次。")])
    response = staff.post("/admin/api/documents/replace", data={"doc_id": listed["doc_id"], "version": listed["version"]},
                          files={"file": ("rules-v2.docx", new)})
    job = wait_job(staff, response.json()["job"]["id"])
    assert job["result"]["removed"] == ["policy/rules.html"] and job["result"]["added"] == ["policy/rules.docx"]
    meta = (root / "policy" / "_meta.yaml").read_text(encoding="utf-8")
    assert "rules.docx: {title: 测试规则, issuer: 测试局}" in meta and "rules.html" not in meta
    assert row(staff, "policy/rules.docx")["issuer"] == "测试局"


def test_unknown_folder_and_path_tricks_are_refused(staff, console) -> None:
    response = staff.post("/admin/api/documents", data={"folder": "../../etc"},
                          files=[("files", ("x.md", b"# x\n\ntext"))])
    assert response.status_code == 422 and "no such folder" in response.json()["message"]
    job = upload(staff, [("../../evil.md", "# 路径\n\n开源测试：路径穿越。".encode())])
    assert job["result"]["added"] == ["policy/evil.md"]  # only the name part is used
    assert not (console[0].knowledge_dir.parent / "evil.md").exists()
    for name in ("README.md", "_meta.yaml", ".hidden.md"):
        job = upload(staff, [(name, "# x\n\n文字".encode())])
        assert job["result"]["failed"][0]["reason"].startswith("导入会跳过这个文件名")
    response = staff.get("/admin/api/documents/metadata", params={"doc_id": "../../etc/passwd"})
    assert response.status_code == 404


def test_a_read_only_knowledge_folder_is_refused_clearly(staff, console, monkeypatch) -> None:
    """E.g. the knowledge bundled inside an installed package: the console says where to point it instead."""
    import ingest.changes

    root = console[0].knowledge_dir
    monkeypatch.setattr(ingest.changes.os, "access", lambda path, mode: not str(path).startswith(str(root)))
    response = staff.post("/admin/api/documents", data={"folder": "policy"},
                          files=[("files", ("ro.md", "# 只读\n\n内容。".encode()))])
    assert response.status_code == 422
    assert "set YUANBOT_KNOWLEDGE_DIR to a writable folder" in response.json()["message"]
    listed = row(staff, PLAN_ID)
    response = staff.post("/admin/api/documents/delete", json={"doc_id": PLAN_ID, "version": listed["version"]})
    assert response.status_code == 422 and (root / PLAN_ID).exists()
    assert not (root / "policy" / "ro.md").exists()
