"""The KeyValueStore contract, run against InProcessStore and RedisStore alike."""

from __future__ import annotations

import threading
import time

import pytest

from bot.ports import KeyValueStore
from bot.stores import InProcessStore, RedisStore, StoreUnavailable, make_store


def _eventually_gone(store, key: str, limit: float = 5.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if store.get(key) is None:
            return True
        time.sleep(0.02)
    return False


def test_is_a_key_value_store(store):
    assert isinstance(store, KeyValueStore)


def test_get_set_delete(store):
    assert store.get("k") is None
    store.set("k", "值 value")
    assert store.get("k") == "值 value"
    store.set("k", "second")
    assert store.get("k") == "second"
    store.delete("k")
    assert store.get("k") is None
    store.delete("never-set")  # no error


def test_ttl_expiry(store):
    store.set("long", "v", ttl=60)
    store.set("short", "v", ttl=0.1)
    store.set("forever", "v")
    assert _eventually_gone(store, "short")
    assert store.get("long") == "v"
    assert store.get("forever") == "v"


def test_set_without_ttl_clears_previous_ttl(store):
    store.set("k", "a", ttl=0.1)
    store.set("k", "b")
    time.sleep(0.2)
    assert store.get("k") == "b"


def test_set_if_absent(store):
    assert store.set_if_absent("once", "first", ttl=60) is True
    assert store.set_if_absent("once", "second", ttl=60) is False
    assert store.get("once") == "first"


def test_set_if_absent_after_expiry(store):
    assert store.set_if_absent("dedup", "1", ttl=0.1) is True
    assert _eventually_gone(store, "dedup")
    assert store.set_if_absent("dedup", "2") is True
    assert store.get("dedup") == "2"


def test_set_if_absent_is_atomic_under_threads(store):
    n = 16
    barrier = threading.Barrier(n)
    results: list[bool] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait()
        ok = store.set_if_absent("race", str(i), ttl=30)
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(results) == n
    assert results.count(True) == 1
    assert store.get("race") is not None


def test_incr(store):
    assert store.incr("c") == 1
    assert store.incr("c") == 2
    assert store.get("c") == "2"
    store.set("c", "41")
    assert store.incr("c") == 42


def test_incr_ttl_set_on_creation(store):
    assert store.incr("window", ttl=0.15) == 1
    assert store.incr("window", ttl=0.15) == 2
    assert _eventually_gone(store, "window")
    assert store.incr("window", ttl=60) == 1


def test_incr_is_atomic_under_threads(store):
    n, per = 8, 25
    barrier = threading.Barrier(n)

    def worker() -> None:
        barrier.wait()
        for _ in range(per):
            store.incr("hits", ttl=60)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert store.get("hits") == str(n * per)


def test_incr_of_a_non_integer(store):
    store.set("text", "abc")
    with pytest.raises(ValueError):
        store.incr("text")


def test_redis_prefix_isolates(redis_url):
    a = RedisStore.from_url(redis_url, prefix="a:")
    b = RedisStore.from_url(redis_url, prefix="b:")
    a.set("same", "from a", ttl=30)
    assert b.get("same") is None
    assert a.get("same") == "from a"
    a.delete("same")


def test_two_clients_share_state(redis_url):
    """Two workers (two clients) see the same keys: the point of the shared store."""
    one = RedisStore.from_url(redis_url, prefix="shared-test:")
    two = RedisStore.from_url(redis_url, prefix="shared-test:")
    assert one.set_if_absent("msg-1", "x", ttl=30)
    assert not two.set_if_absent("msg-1", "y", ttl=30)
    one.delete("msg-1")


def test_unreachable_redis_raises_store_unavailable():
    with socket_closed_port() as port:
        store = RedisStore.from_url(f"redis://:secret@127.0.0.1:{port}/0", socket_timeout=0.5)
        assert store.ping() is False
        for call in (lambda: store.get("k"), lambda: store.set("k", "v"), lambda: store.incr("k"),
                     lambda: store.set_if_absent("k", "v"), lambda: store.delete("k")):
            with pytest.raises(StoreUnavailable) as info:
                call()
            assert "secret" not in str(info.value)


def test_ping(redis_store):
    assert redis_store.ping() is True
    assert InProcessStore().ping() is True


def test_make_store(redis_url):
    assert isinstance(make_store(None), InProcessStore)
    store = make_store(redis_url)
    assert isinstance(store, RedisStore)
    assert store.ping()


def test_bad_url_is_reported():
    with pytest.raises(StoreUnavailable):
        RedisStore.from_url("nosuchscheme://x")


class socket_closed_port:
    """A loopback port nobody listens on."""

    def __enter__(self) -> int:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return self.port

    def __exit__(self, *exc) -> None:
        pass
