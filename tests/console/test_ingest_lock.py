"""One ingest at a time across processes: the lock file (one host) and the Redis lock (several hosts).

Real processes: one holds the lock, another is told to wait (with who and what), `yuanbot ingest` exits 75
with the same message, and a holder that dies (SIGKILL) does not block ingest for good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from bot.errors import IngestBusy
from ingest.lock import FileIngestLock, LockHolder, RedisIngestLock
from tests.helpers import REPO, make_settings, stop_process, wait_until

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingest.lock import FileIngestLock, LockHolder, RedisIngestLock
    kind, where, lease = sys.argv[1], sys.argv[2], float(sys.argv[3])
    lock = FileIngestLock(Path(where)) if kind == "file" else RedisIngestLock(where, "test:ingest-lock", lease)
    held = lock.acquire(LockHolder(who="holder process", what="a long rebuild"))
    print("HOLDING", flush=True)
    sys.stdin.readline()  # until the test says so (or the process is killed)
    held.release()
    print("RELEASED", flush=True)
""")
CONTENDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bot.errors import IngestBusy
    from ingest.lock import FileIngestLock, LockHolder, RedisIngestLock
    kind, where = sys.argv[1], sys.argv[2]
    lock = FileIngestLock(Path(where)) if kind == "file" else RedisIngestLock(where, "test:ingest-lock")
    try:
        lock.acquire(LockHolder(who="contender", what="upload")).release()
    except IngestBusy as exc:
        print(exc, flush=True)
        sys.exit(3)
    print("ACQUIRED", flush=True)
""")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}


def _holder(kind: str, where: str, lease: float = 30.0) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, kind, where, str(lease)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=_env(), cwd=REPO)
    assert process.stdout.readline().strip() == "HOLDING"
    return process


def _contend(kind: str, where: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CONTENDER, kind, where], capture_output=True, text=True, check=False,
                          env=_env(), cwd=REPO, timeout=60)


@pytest.fixture(params=["file", "redis"])
def lock_place(request, tmp_path, redis_url):
    if request.param == "file":
        return "file", str(tmp_path / "data")
    from redis import Redis

    Redis.from_url(redis_url).delete("test:ingest-lock", "test:ingest-lock:holder")
    return "redis", redis_url


def test_a_second_process_is_told_to_wait(lock_place) -> None:
    kind, where = lock_place
    holder = _holder(kind, where)
    try:
        refused = _contend(kind, where)
        assert refused.returncode == 3, refused.stderr
        assert "另一个导入正在进行（a long rebuild，holder process" in refused.stdout
        assert "Another ingest is running (a long rebuild, by holder process" in refused.stdout
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "RELEASED"
        assert _contend(kind, where).stdout.strip() == "ACQUIRED"
    finally:
        stop_process(holder)


def test_a_holder_that_dies_does_not_block_ingest_for_good(lock_place) -> None:
    kind, where = lock_place
    holder = _holder(kind, where, lease=1.5)
    try:
        assert _contend(kind, where).returncode == 3
        holder.send_signal(signal.SIGKILL)  # no release: the OS frees the file lock, Redis lets the lease expire
        holder.wait(10)
        wait_until(lambda: _contend(kind, where).returncode == 0, timeout=20, interval=0.5,
                   what="the lock to be free after its holder died")
    finally:
        stop_process(holder)


def test_the_redis_lease_is_renewed_while_held(redis_url) -> None:
    from redis import Redis

    Redis.from_url(redis_url).delete("test:renew")
    first = RedisIngestLock(redis_url, "test:renew", lease_seconds=0.6)
    lease = first.acquire(LockHolder(who="long job", what="embedding"))
    try:
        time.sleep(1.5)  # more than two leases: only renewals keep it
        with pytest.raises(IngestBusy, match="long job"):
            RedisIngestLock(redis_url, "test:renew", lease_seconds=0.6).acquire(LockHolder(who="b", what="c"))
    finally:
        lease.release()
    RedisIngestLock(redis_url, "test:renew").acquire(LockHolder(who="b", what="c")).release()


def test_one_process_two_threads(tmp_path) -> None:
    lock = FileIngestLock(tmp_path)
    lease = lock.acquire(LockHolder(who="console", what="upload"))
    with pytest.raises(IngestBusy):
        FileIngestLock(tmp_path).acquire(LockHolder(who="admin API", what="sync"))
    assert lock.holder().who == "console"
    lease.release()
    lease.release()  # twice is harmless
    assert lock.holder() is None
    FileIngestLock(tmp_path).acquire(LockHolder(who="admin API", what="sync")).release()


def test_yuanbot_ingest_waits_for_the_console(tmp_path) -> None:
    """The CLI takes the same lock: while the console holds it, `yuanbot ingest` exits 75 and says why."""
    settings = make_settings(tmp_path / "data", knowledge_dir=tmp_path / "kb")
    (tmp_path / "kb").mkdir()
    lease = FileIngestLock(settings.data_dir).acquire(LockHolder(who="console 203.0.113.5", what="upload 2 files"))
    try:
        env = _env() | {"YUANBOT_DATA_DIR": str(settings.data_dir), "YUANBOT_KNOWLEDGE_DIR": str(tmp_path / "kb")}
        env.pop("YUANBOT_REDIS_URL", None)
        result = subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], capture_output=True, text=True, check=False,
                                env=env, cwd=tmp_path, timeout=300)
    finally:
        lease.release()
    assert result.returncode == 75, result.stderr
    message = " ".join(result.stderr.split())
    assert "另一个导入正在进行（upload 2 files，console 203.0.113.5" in message
