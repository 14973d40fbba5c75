"""A job seen live, and seen everywhere: the progress stream over real HTTP, and two workers on one index.

1. `GET /admin/api/jobs/{id}/events` streams `progress` events while the job runs and one `end` event
   with the per-file result. The job is held at its last step until the test has read a `progress`
   event, so the stream is checked mid-job whatever the speed of the machine.
2. Two app instances (two workers) share one data folder: the Chroma directory, the ingest lock and the
   failure ledger. A document uploaded through worker A's console is cited by worker B once the job ends.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
from fastapi.testclient import TestClient

from bot.wiring import Components, build_app
from tests.helpers import serve

from .support import TOKEN, docx_bytes, wait_job

BEARER = {"Authorization": f"Bearer {TOKEN}"}
LIGHTHOUSE = "南京市开源灯塔项目评选办法（测试）"
LIGHTHOUSE_DOCX = docx_bytes(LIGHTHOUSE, [
    ("一、评选对象", "开源灯塔项目面向在南京注册的企业和高校维护的开源项目，每年评选十个。"),
    ("二、支持方式", "入选开源灯塔项目的维护团队可获得二十万元运营补助。")])
COMPASS = "南京市开源罗盘培训计划（测试）"
COMPASS_DOCX = docx_bytes(COMPASS, [
    ("一、培训内容", "开源罗盘培训计划每季度开设一期开源合规课程，每期招收四十名学员。"),
    ("二、报名", "学员通过南京市开源产业联盟的网站报名，课程免费。")])


def events(response: httpx.Response) -> Iterator[tuple[str, dict]]:
    """(event, data) of a server-sent event stream, as they arrive; comments (heartbeats) skipped."""
    name, data = "", []
    for line in response.iter_lines():
        if line.startswith(":"):
            continue
        if line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())
        elif not line and name:
            yield name, json.loads("\n".join(data))
            name, data = "", []


def test_the_progress_stream_of_a_real_job(console) -> None:
    _, components, app = console
    jobs = components.ingest_jobs
    gate, reload = threading.Event(), jobs.reload

    def held_reload() -> None:  # the job's last step waits until the stream has been seen mid-job
        assert gate.wait(60), "the test never read a progress event"
        reload()

    jobs.reload = held_reload
    try:
        with serve(app) as url, httpx.Client(base_url=url, headers=BEARER, timeout=120) as client:
            started = client.post("/admin/api/documents", data={"folder": "policy"},
                                  files=[("files", ("lighthouse.docx", LIGHTHOUSE_DOCX))])
            assert started.status_code == 202, started.text
            job_id = started.json()["job"]["id"]
            seen: list[tuple[str, dict]] = []
            with client.stream("GET", f"/admin/api/jobs/{job_id}/events") as stream:
                assert stream.status_code == 200
                assert stream.headers["content-type"].startswith("text/event-stream")
                for name, data in events(stream):
                    seen.append((name, data))
                    if name == "progress":
                        gate.set()
    finally:
        gate.set()
        jobs.reload = reload
    names = [name for name, _ in seen]
    assert names[0] == "progress" and names[-1] == "end" and names.count("end") == 1, names
    assert all(data["id"] == job_id and data["state"] == "running" for name, data in seen if name == "progress")
    end = seen[-1][1]
    assert end["state"] == "done" and end["stage"] == "finished"
    assert end["result"]["added"] == ["policy/lighthouse.docx"] and end["result"]["failed"] == []
    assert end["result"]["chunks"] >= 2


def test_a_document_uploaded_on_one_worker_is_answered_by_another(console, embeddings) -> None:
    settings, _, worker_a = console
    other = Components(settings)  # worker B: its own snapshot, its own Chroma client, the same data folder
    other.__dict__["embedder"] = embeddings
    worker_b = build_app(settings, warm_up=False, components=other)
    question = {"question": "开源罗盘培训计划每期招收多少名学员？"}
    with TestClient(worker_a, headers=BEARER) as a, TestClient(worker_b) as b:
        before = b.post("/api/ask", json=question).json()  # B has loaded its snapshot, without the document
        assert COMPASS not in {s["title"] for s in before.get("sources", [])}
        started = a.post("/admin/api/documents", data={"folder": "policy"},
                         files=[("files", ("compass.docx", COMPASS_DOCX))])
        assert started.status_code == 202, started.text
        job = wait_job(a, started.json()["job"]["id"])
        assert job["state"] == "done" and job["result"]["added"] == ["policy/compass.docx"]
        answer = b.post("/api/ask", json=question).json()
    assert answer["status"] == "answered" and "四十名" in answer["answer"], answer
    assert answer["sources"][0]["title"] == COMPASS and "[1]" in answer["answer"]
