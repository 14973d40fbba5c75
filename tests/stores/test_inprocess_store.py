"""The in-process store frees what has expired and stays bounded (issue: keys piled up until read again)."""

from __future__ import annotations

from bot.stores import InProcessStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_expired_keys_are_freed_without_being_read_again():
    clock = Clock()
    store = InProcessStore(clock=clock)
    for n in range(5000):  # rate-limit windows, sessions, Telegram update ids …
        store.incr(f"rl:203.0.113.{n % 250}:{n}", ttl=65)
        store.set(f"session:web:{n}", "[]", ttl=1800)
    store.set("forever", "v")
    assert store.live_keys() == 10001
    clock.now += 66
    assert store.live_keys() == 5001  # the windows are gone, never read again
    clock.now += 1800
    store.set("fresh", "v", ttl=10)
    assert store.live_keys() == 2  # "forever" and "fresh"
    assert store.get("forever") == "v"


def test_the_store_is_bounded_and_drops_the_least_recently_used():
    store = InProcessStore(max_keys=100)
    for n in range(150):
        store.set(f"k{n}", str(n), ttl=600)
        store.get("k0")  # in use: kept
    assert store.live_keys() == 100
    assert store.get("k0") == "0"
    assert store.get("k1") is None and store.get("k149") == "149"


def test_a_counter_keeps_the_expiry_it_was_created_with():
    clock = Clock()
    store = InProcessStore(clock=clock)
    assert store.incr("c", ttl=10) == 1
    clock.now += 9
    assert store.incr("c", ttl=10) == 2
    clock.now += 2
    assert store.get("c") is None
    assert store.incr("c", ttl=10) == 1
