"""One ingest at a time across threads, worker processes and the CLI: a lock in Redis, or a lock file.

    lease = make_ingest_lock(settings).acquire(LockHolder(who="console", what="upload 2 files"))
    try:
        ...  # change files, sync
    finally:
        lease.release()

Never blocking: a second ingest gets IngestBusy, whose message says what is running, started by whom and
when, so people are told to wait rather than queued. The file lock (`<data>/ingest.lock`, an OS lock) is
freed by the OS when its process dies; the Redis lock expires LEASE_SECONDS after its holder stops
renewing it, so a crashed worker never blocks ingest for good. A lease may be released from another
thread than the one that took it (the console takes it in the request, the job thread releases it).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import redis
from filelock import FileLock, Timeout
from redis import exceptions as rx

from bot.errors import IngestBusy
from bot.settings import Settings
from bot.stores.redis import StoreUnavailable

log = logging.getLogger("yuanbot.ingest.lock")

LOCK_NAME = "ingest.lock"
LEASE_SECONDS = 30.0


@dataclass
class LockHolder:
    """Who holds the lock, shown to whoever is told to wait."""

    who: str  # "console", "admin API", "yuanbot ingest"
    what: str  # "upload 2 files", "sync the knowledge folder"
    since: float = field(default_factory=time.time)
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)

    @classmethod
    def from_json(cls, text: str | bytes | None) -> LockHolder | None:
        try:
            data = json.loads(text or "")
            return cls(**{k: data[k] for k in ("who", "what", "since", "host", "pid")})
        except (ValueError, TypeError, KeyError):
            return None


def busy_message(holder: LockHolder | None) -> str:
    if holder is None:
        return "另一个导入正在进行，请等它结束后再试 / Another ingest is running; wait for it to finish and try again"
    since = time.strftime("%H:%M:%S", time.localtime(holder.since))
    return (f"另一个导入正在进行（{holder.what}，{holder.who}，{since} 开始），请等它结束后再试 / "
            f"Another ingest is running ({holder.what}, by {holder.who}, since {since}); "
            "wait for it to finish and try again")


class Lease(Protocol):
    def release(self) -> None: ...


class IngestLock(Protocol):
    def acquire(self, holder: LockHolder) -> Lease:
        """The lease, or IngestBusy at once when another ingest holds the lock."""
        ...

    def holder(self) -> LockHolder | None:
        """Who holds the lock now (None when free or unknown)."""
        ...


# --- a lock file: one host, any number of processes -------------------------------------------
class FileIngestLock:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / LOCK_NAME
        self.info = directory / f"{LOCK_NAME}.json"

    def acquire(self, holder: LockHolder) -> Lease:
        lock = FileLock(self.path, timeout=0, thread_local=False)  # a fresh object: never re-entrant
        try:
            lock.acquire()
        except Timeout:
            raise IngestBusy(busy_message(self.holder())) from None
        tmp = self.info.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(holder), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.info)
        return _FileLease(lock, self.info)

    def holder(self) -> LockHolder | None:
        try:
            return LockHolder.from_json(self.info.read_text(encoding="utf-8"))
        except OSError:
            return None


class _FileLease:
    def __init__(self, lock: FileLock, info: Path) -> None:
        self._lock = lock
        self._info = info
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self._info.unlink(missing_ok=True)  # before unlocking: the next holder writes its own
        self._lock.release()


# --- Redis: every worker on every host --------------------------------------------------------
class RedisIngestLock:
    def __init__(self, redis_url: str, name: str, lease_seconds: float = LEASE_SECONDS) -> None:
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self.name = name
        self.lease_seconds = lease_seconds

    def acquire(self, holder: LockHolder) -> Lease:
        lock = self._redis.lock(self.name, timeout=self.lease_seconds, blocking=False, thread_local=False)
        try:
            if not lock.acquire():
                raise IngestBusy(busy_message(self.holder()))
            self._redis.set(self._info_key, json.dumps(asdict(holder), ensure_ascii=False),
                            px=int(self.lease_seconds * 1000))
        except rx.RedisError as exc:
            raise StoreUnavailable(f"the ingest lock in Redis is unavailable: {exc.__class__.__name__}") from exc
        return _RedisLease(self, lock)

    def holder(self) -> LockHolder | None:
        try:
            return LockHolder.from_json(self._redis.get(self._info_key))
        except rx.RedisError:
            return None

    @property
    def _info_key(self) -> str:
        return f"{self.name}:holder"


class _RedisLease:
    """Renews the lock every third of its lease until released."""

    def __init__(self, owner: RedisIngestLock, lock) -> None:
        self._owner = owner
        self._lock = lock
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew, name="yuanbot-ingest-lease", daemon=True)
        self._renewer.start()

    def _renew(self) -> None:
        ttl = self._owner.lease_seconds
        while not self._stop.wait(ttl / 3):
            try:
                self._lock.extend(ttl, replace_ttl=True)
                self._owner._redis.pexpire(self._owner._info_key, int(ttl * 1000))
            except rx.LockNotOwnedError:
                log.error("the ingest lock expired while held; another ingest may start")
                return
            except rx.RedisError as exc:  # keep trying: the lease has two more chances before it expires
                log.warning("could not renew the ingest lock: %s", exc.__class__.__name__)

    def release(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        try:
            self._owner._redis.delete(self._owner._info_key)
            self._lock.release()
        except rx.LockError:
            log.warning("the ingest lock had already expired when released")
        except rx.RedisError as exc:
            log.warning("could not release the ingest lock (it expires by itself): %s", exc.__class__.__name__)


def make_ingest_lock(settings: Settings) -> IngestLock:
    """Redis when configured (workers on several hosts), else a lock file in the data folder."""
    if settings.redis_url:
        return RedisIngestLock(settings.redis_url, f"yuanbot:{settings.collection}:ingest-lock")
    return FileIngestLock(settings.data_dir)
