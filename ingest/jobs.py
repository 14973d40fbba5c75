"""Ingest jobs: a change to the knowledge folder, then the same sync as `yuanbot ingest`, in the background.

    job = jobs.start("upload", "上传 2 个文件", actor="console", address="203.0.113.7",
                     apply=lambda: editor.upload("policy", files), precheck=None)
    jobs.get(job.id)        # JobState: stage, chunks done / total, then the per-file result

One job at a time across every worker and the CLI (the ingest lock, taken before `start` returns, so a
second one is told to wait at once). The job's state lives in the shared key-value store, so whichever
worker serves the progress stream sees it. When the sync has changed the index, the job reloads this
process's snapshot and then waits out the other workers' refresh interval before it reports "done":
by then a question to any worker is answered from the new index.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.errors import YuanbotError
from bot.ports import KeyValueStore
from ingest.catalog import FailureLedger
from ingest.changes import Change
from ingest.lock import IngestLock, Lease, LockHolder
from ingest.sync import Failure, KnowledgeSync, SyncReport

log = logging.getLogger("yuanbot.ingest.jobs")

JOB_TTL = 24 * 3600
JOB_ID_CHARS = 40  # ids are generated hex; a longer id asked for is cut, never looked up whole


def job_key(job_id: str) -> str:
    """Where a job's state lives in the shared store (read by the console's progress stream too)."""
    return f"console:job:{job_id[:JOB_ID_CHARS]}"
PUBLISH_EVERY = 0.25  # seconds between progress writes to the store
Stage = Literal["checking", "embedding", "loading", "publishing", "finished"]


class FileFailure(BaseModel):
    path: str
    reason: str


class JobResult(BaseModel):
    """The same per-file result as `yuanbot ingest`."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: int = 0
    failed: list[FileFailure] = Field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @classmethod
    def from_report(cls, report: SyncReport, refused: list[Failure], root: Path) -> JobResult:
        failures = [*refused, *report.failed]
        return cls(added=report.added, updated=report.updated, removed=report.removed, unchanged=report.unchanged,
                   failed=[FileFailure(path=_relative(f.path, root), reason=f.reason) for f in failures],
                   chunks=report.chunks_written, seconds=round(report.seconds, 2))

    def as_dict(self) -> dict[str, Any]:
        """The summary `yuanbot ingest --json` prints (counts, then the files), for the admin API."""
        return {"added": len(self.added), "updated": len(self.updated), "removed": len(self.removed),
                "unchanged": self.unchanged, "failed": len(self.failed), "chunks": self.chunks,
                "seconds": self.seconds, "documents": {"added": self.added, "updated": self.updated,
                                                       "removed": self.removed},
                "failures": [f.model_dump() for f in self.failed]}


class JobState(BaseModel):
    id: str
    kind: str
    label: str
    actor: str  # "console", "token", "admin API"
    address: str = ""  # the client's, when a request started it
    state: Literal["running", "done", "failed"] = "running"
    stage: Stage = "checking"
    done: int = 0
    total: int | None = None
    started_at: float = Field(default_factory=time.time)
    finished_at: float | None = None
    result: JobResult | None = None
    error: str | None = None


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path


class IngestJobs:
    def __init__(self, store: KeyValueStore, lock: IngestLock, sync: Callable[[], KnowledgeSync],
                 reload: Callable[[], None], ledger: FailureLedger, *, settle_seconds: float = 2.0) -> None:
        self.store = store
        self.lock = lock
        self.make_sync = sync
        self.reload = reload
        self.ledger = ledger
        self.settle_seconds = settle_seconds
        self.observers: list[Callable[[JobState], None]] = []  # told of every finished job (metrics, audit log)
        self.threads: dict[str, threading.Thread] = {}  # this process's running jobs (tests join them)

    # --- reading --------------------------------------------------------------------------------
    def get(self, job_id: str) -> JobState | None:
        raw = self.store.get(job_key(job_id))
        return JobState.model_validate_json(raw) if raw else None

    def latest(self) -> JobState | None:
        job_id = self.store.get("console:job:latest")
        return self.get(job_id) if job_id else None

    def _publish(self, job: JobState) -> None:
        try:
            self.store.set(job_key(job.id), job.model_dump_json(), ttl=JOB_TTL)
        except YuanbotError as exc:  # the store is down: the job goes on, its page shows it later
            log.warning("could not publish the job state: %s", exc)

    # --- running --------------------------------------------------------------------------------
    def start(self, kind: str, label: str, actor: str, apply: Callable[[], Change],
              precheck: Callable[[], None] | None = None, *, address: str = "") -> JobState:
        """Take the lock (IngestBusy when held), run `precheck` (its errors cancel the job), then run
        `apply` and the sync in a background thread."""
        lease = self.lock.acquire(LockHolder(who=f"{actor} {address}".strip(), what=label))
        try:
            if precheck is not None:
                precheck()
            job = JobState(id=uuid.uuid4().hex[:16], kind=kind, label=label, actor=actor, address=address)
            self._publish(job)
            self.store.set("console:job:latest", job.id, ttl=JOB_TTL)
        except BaseException:
            lease.release()
            raise
        snapshot = job.model_copy(deep=True)  # the thread goes on changing `job`
        thread = threading.Thread(target=self._run, args=(job, apply, lease), name=f"yuanbot-job-{job.id}",
                                  daemon=True)
        self.threads[job.id] = thread
        thread.start()
        return snapshot

    def run(self, kind: str, label: str, actor: str, apply: Callable[[], Change]) -> JobState:
        """The same, in the calling thread (the admin API's runner and `yuanbot` commands)."""
        job = self.start(kind, label, actor, apply)
        thread = self.threads.get(job.id)
        if thread is not None:  # None: it has already finished
            thread.join()
        return self.get(job.id) or job

    def _run(self, job: JobState, apply: Callable[[], Change], lease: Lease) -> None:
        try:
            change = apply()
            sync = self.make_sync()
            report = self._sync(sync, job, change)
            job.result = JobResult.from_report(report, change.failures, sync.root)
            self.ledger.update(report, sync.root)  # refused files never reached the folder: not recorded
            if report.changed:
                job.stage = "loading"
                self._publish(job)
                synced_at = time.monotonic()
                self.reload()
                job.stage = "publishing"
                self._publish(job)
                time.sleep(max(0.0, synced_at + self.settle_seconds - time.monotonic()))
            job.state, job.stage = "done", "finished"
        except YuanbotError as exc:
            job.state, job.error = "failed", str(exc)
            log.warning("ingest job %s failed: %s", job.id, exc)
        except Exception as exc:
            job.state, job.error = "failed", f"内部错误，已记录日志 / internal error, logged ({exc.__class__.__name__})"
            log.exception("ingest job %s failed", job.id)
        finally:
            lease.release()
            job.finished_at = time.time()
            self._publish(job)
            self.threads.pop(job.id, None)
        for observer in self.observers:
            try:
                observer(job)
            except Exception:
                log.exception("ingest job observer failed")

    def _sync(self, sync: KnowledgeSync, job: JobState, change: Change) -> SyncReport:
        if not change.paths:
            return SyncReport()
        job.stage = "embedding"
        self._publish(job)
        last = 0.0

        def progress(event: str, amount: int) -> None:
            nonlocal last
            if event == "total":
                job.total = amount
            else:
                job.done += amount
            now = time.monotonic()
            if now - last >= PUBLISH_EVERY or (job.total is not None and job.done >= job.total):
                last = now
                self._publish(job)

        return sync.sync(change.paths, progress=progress)

