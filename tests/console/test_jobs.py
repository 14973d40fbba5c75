"""Ingest jobs without an index: the lock is held for the job's life, states are published, failures say why."""

from __future__ import annotations

import pytest

from bot.errors import EditRejected, IngestBusy, KnowledgeError
from bot.stores import InProcessStore
from ingest.catalog import FailureLedger
from ingest.changes import Change
from ingest.jobs import IngestJobs
from ingest.lock import FileIngestLock, LockHolder
from tests.fakes import FakeSync


def make_jobs(tmp_path, sync: FakeSync, reloads: list) -> IngestJobs:
    jobs = IngestJobs(InProcessStore(), FileIngestLock(tmp_path / "data"), lambda: sync,
                      lambda: reloads.append(1), FailureLedger(tmp_path / "data"), settle_seconds=0.0)
    return jobs


def test_a_job_runs_publishes_its_progress_and_frees_the_lock(tmp_path) -> None:
    (tmp_path / "kb").mkdir()
    sync, reloads, seen = FakeSync(tmp_path / "kb", chunks=4), [], []
    jobs = make_jobs(tmp_path, sync, reloads)
    jobs.observers.append(seen.append)
    job = jobs.run("sync", "同步", "console", lambda: Change(paths=[tmp_path / "kb" / "a.md"]))
    assert job.state == "done" and job.stage == "finished" and (job.done, job.total) == (4, 4)
    assert job.result.updated == ["a.md"] and job.result.chunks == 4
    assert reloads == [1] and [s.id for s in seen] == [job.id]
    assert jobs.latest().id == job.id and jobs.get(job.id).finished_at is not None
    FileIngestLock(tmp_path / "data").acquire(LockHolder(who="next", what="x")).release()  # free again


@pytest.mark.parametrize(("error", "message"), [
    (EditRejected("写不进去 / cannot write"), "写不进去 / cannot write"),
    (KnowledgeError("the vector store is unreachable"), "the vector store is unreachable"),
    (RuntimeError("boom"), "internal error, logged (RuntimeError)"),
])
def test_a_failing_job_says_why_and_frees_the_lock(tmp_path, error, message) -> None:
    (tmp_path / "kb").mkdir()
    jobs = make_jobs(tmp_path, FakeSync(tmp_path / "kb", fail=error), [])
    job = jobs.run("sync", "同步", "console", lambda: Change(paths=[tmp_path / "kb"]))
    assert job.state == "failed" and message in job.error
    jobs.run("sync", "again", "console", lambda: Change())  # the lock was released


def test_a_precheck_that_fails_cancels_the_job_and_a_busy_lock_refuses_it(tmp_path) -> None:
    (tmp_path / "kb").mkdir()
    jobs = make_jobs(tmp_path, FakeSync(tmp_path / "kb"), [])

    def stale() -> None:
        raise EditRejected("stale")

    with pytest.raises(EditRejected):
        jobs.start("metadata", "edit", "console", lambda: Change(), precheck=stale)
    assert jobs.latest() is None  # never started
    lease = FileIngestLock(tmp_path / "data").acquire(LockHolder(who="yuanbot ingest", what="rebuild"))
    try:
        with pytest.raises(IngestBusy, match="rebuild"):
            jobs.start("sync", "sync", "console", lambda: Change())
    finally:
        lease.release()


def test_a_change_without_paths_reports_its_refused_files_and_syncs_nothing(tmp_path) -> None:
    from ingest.sync import Failure

    (tmp_path / "kb").mkdir()
    sync, reloads = FakeSync(tmp_path / "kb"), []
    jobs = make_jobs(tmp_path, sync, reloads)
    job = jobs.run("upload", "upload", "console",
                   lambda: Change(failures=[Failure(str(tmp_path / "kb" / "x.exe"), "unsupported file type '.exe'")]))
    assert job.state == "done" and sync.calls == [] and reloads == []
    assert [(f.path, f.reason) for f in job.result.failed] == [("x.exe", "unsupported file type '.exe'")]
