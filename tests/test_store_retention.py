"""The refresh log keeps the newest max_events events per store (100,000 by default; a
constructor argument or a store-URL option), oldest dropped first, cheaply; the Redis store
keeps one list per connection, so a connection's history does not read everybody's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import DEFAULT_MAX_EVENTS, Event, Key, MemoryStore, Record, SQLiteStore, Store
from oauthkit.store.redis import RedisStore

A, B = Key("xerial", "a"), Key("xerial", "b")


def _events(key: Key, start: int, n: int) -> list[Event]:
    return [
        Event(at=float(start + i), connection=key.name, adapter=key.adapter, trigger="manual", outcome="ok")
        for i in range(n)
    ]


def _fill(store: Store) -> None:
    """130 events: batches of every size, through append() and save(), for two connections."""
    n = 0
    for size in (1, 7, 30, 2, 50):
        store.append(_events(A, n, size))
        n += size
    for version in range(1, 11):  # ten saves with an event each, for B
        store.save(B, Record(token=None, refresh_token=f"r{version}", version=version), _events(B, n, 1))
        n += 1
    store.append(_events(A, n, 30))  # 130 in all, the newest 30 for A


def _check(store: Store) -> None:
    every = store.events()
    assert len(every) == 50  # the bound
    assert [e.at for e in every] == [float(i) for i in range(80, 130)]  # the newest, in order
    assert [e.at for e in store.events(A)] == [float(i) for i in range(80, 90)] + [
        float(i) for i in range(100, 130)
    ]
    assert [e.at for e in store.events(B)] == [float(i) for i in range(90, 100)]


def test_default_bound() -> None:
    assert DEFAULT_MAX_EVENTS == 100_000
    assert MemoryStore().max_events == 100_000


def test_sqlite_keeps_the_newest_events(tmp_path: Path) -> None:
    path = tmp_path / "log" / "tokens.db"
    store = oauthkit.open_store(f"sqlite:///{path}?max_events=50")
    assert isinstance(store, SQLiteStore) and store.max_events == 50
    _fill(store)
    _check(store)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone() == (50,)  # deleted, not hidden
        # Cheap: the trim is a range on the primary key (a seek), never a scan of the log.
        plan = " ".join(
            str(row[-1])
            for row in db.execute(
                "EXPLAIN QUERY PLAN DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - 50"
            )
        )
    assert "SCAN" not in plan and "INTEGER PRIMARY KEY" in plan, plan
    # The bound is the store's setting: a constructor argument works the same way.
    assert SQLiteStore(tmp_path / "other.db", max_events=7).max_events == 7


def test_sqlite_trims_an_old_log_down_on_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "old" / "tokens.db"
    big = SQLiteStore(path)  # written by a version without a bound
    big.append(_events(A, 0, 500))
    small = SQLiteStore(path, max_events=100)
    assert len(small.events()) == 500  # reading trims nothing
    small.append(_events(A, 500, 1))
    assert [e.at for e in small.events()] == [float(i) for i in range(401, 501)]


def test_memory_keeps_the_newest_events() -> None:
    store = oauthkit.open_store("memory://retention-test?max_events=50")
    assert isinstance(store, MemoryStore) and store.max_events == 50
    _fill(store)
    _check(store)


def test_redis_keeps_the_newest_events_per_store_and_per_connection(redis_url: str) -> None:
    import redis

    store = oauthkit.open_store(f"{redis_url}?max_events=50")
    assert isinstance(store, RedisStore) and store.max_events == 50
    _fill(store)
    _check(store)
    client = redis.Redis.from_url(redis_url)
    assert client.llen("oauthkit:events") == 50
    assert client.llen("oauthkit:events:xerial:a") == 40  # 30 + 10 kept of 118: each list bounded
    # A connection's history reads its own list only: without the store's list it is all there.
    client.delete("oauthkit:events")
    assert len(store.events(A)) == 40 and len(store.events(B)) == 10
    assert store.events() == []


def test_redis_connection_history_reads_its_own_list(redis_url: str) -> None:
    with sb.serve("xerial") as p:
        mine = oauthkit.connect("xerial", name="mine", store=redis_url, **p.settings)
        mine.refresh()
        others = oauthkit.open_store(redis_url)
        for n in range(20):  # a busy store: everybody else's events
            others.append(_events(Key("auth0", f"other{n}"), n * 100, 100))
        assert mine.history()["outcome"].tolist() == ["ok"]
        assert len(oauthkit.history(redis_url)) == 2001


def test_redis_events_written_before_per_connection_lists_still_show(redis_url: str) -> None:
    import json

    import redis

    client = redis.Redis.from_url(redis_url)
    rows = [
        json.dumps(
            {"at": float(i), "connection": "a", "adapter": "xerial", "trigger": "manual", "outcome": "ok"}
        )
        for i in range(5)
    ]
    client.rpush("oauthkit:events", *rows)  # an older oauthkit kept only the store's list
    store = RedisStore(redis_url)
    assert [e.at for e in store.events(A)] == [0.0, 1.0, 2.0, 3.0, 4.0]
    RedisStore(redis_url)  # once: a second open copies nothing again
    assert len(store.events(A)) == 5


@pytest.mark.parametrize(
    "url",
    ["sqlite:///{tmp}/x.db?max_events=0", "sqlite:///{tmp}/x.db?max_event=5", "memory://x?max_events=many"],
)
def test_bad_store_options_are_config_errors(tmp_path: Path, url: str) -> None:
    with pytest.raises(oauthkit.ConfigError, match="store option"):
        oauthkit.open_store(url.format(tmp=tmp_path))


def test_redis_options_in_the_url(redis_url: str) -> None:
    store = RedisStore(f"{redis_url}?max_events=9&lock_lease=2.5&lock_timeout=4&socket_timeout=3")
    assert (store.max_events, store.lock_lease, store.lock_timeout, store.socket_timeout) == (
        9,
        2.5,
        4.0,
        3.0,
    )
    with pytest.raises(oauthkit.ConfigError, match="lock_lease"):
        RedisStore(f"{redis_url}?lock_lease=never")
