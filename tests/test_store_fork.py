"""fork() after connect(): children get fresh store locks and connections. Real fork children
(multiprocessing's fork start method, os.fork) refresh against the sandbox on SQLite and Redis,
forked while a parent thread holds the refresh lock and another one talks to the store: no hang,
no untyped error, no crossed answers, exactly one refresh per expiry."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Key, Record

CHILDREN = 4
EXPIRIES = 6
LIFETIME = 1.0


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'forked' / 'tokens.db'}"
    return str(request.getfixturevalue("redis_url"))


def _child(url: str, settings: dict[str, str], api_url: str, probe: str, out: Any) -> None:
    """A forked child: two threads call the API until the store has seen EXPIRIES more refreshes,
    and read back a record only this child reads (a crossed answer would show another's)."""
    try:
        conn = oauthkit.connect("auth0", store=url, **settings)  # the parent's store object
        statuses: Counter[str] = Counter()
        crossed = 0
        guard = threading.Lock()

        def refreshes() -> int:
            record = conn.store.load(conn.key)
            assert record is not None
            return record.version - 2  # the seed was 1, the parent's refresh 2

        def work() -> None:
            nonlocal crossed
            while refreshes() < EXPIRIES:
                try:
                    key = str(conn.session.get(api_url, timeout=10).status_code)
                except oauthkit.OAuthKitError as err:
                    key = type(err).__name__
                mine = conn.store.load(Key("probe", probe))
                with guard:
                    statuses[key] += 1
                    crossed += mine is None or mine.refresh_token != probe

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out.put({"statuses": dict(statuses), "crossed": crossed})
    except BaseException as err:  # reported, not lost in a child's stderr
        out.put({"error": f"{type(err).__module__}.{type(err).__name__}: {err}"})


def test_fork_children_refresh_once_per_expiry(store_url: str) -> None:
    ctx = multiprocessing.get_context("fork")
    with sb.serve("auth0", rotation=True, reuse_interval=0, access_lifetime=LIFETIME) as p:
        conn = oauthkit.connect("auth0", store=store_url, **p.settings)
        conn.refresh()  # the store is warm: its connection, sockets and lock descriptors exist
        store = conn.store
        for n in range(CHILDREN):
            store.save(Key("probe", f"c{n}"), Record(token=None, refresh_token=f"c{n}", version=1))
        # At fork time one parent thread holds the refresh lock, another is inside store calls.
        held, let_go, stop = threading.Event(), threading.Event(), threading.Event()

        def hold() -> None:
            with store.lock(conn.key):
                held.set()
                let_go.wait(10)

        def busy() -> None:
            while not stop.is_set():
                store.load(Key("probe", "c0"))

        threads = [threading.Thread(target=hold), threading.Thread(target=busy)]
        for t in threads:
            t.start()
        assert held.wait(10)
        out = ctx.Queue()
        children = [
            ctx.Process(target=_child, args=(store_url, p.settings, p.api_url, f"c{n}", out))
            for n in range(CHILDREN)
        ]
        for child in children:
            child.start()
        time.sleep(0.5)
        let_go.set()  # the children wait for the parent's lock, as they must, then go on
        stop.set()
        for t in threads:
            t.join(10)
        results = []
        try:
            for _ in children:
                results.append(out.get(timeout=120))  # a hung child fails here, not forever
        finally:
            for child in children:
                child.join(10)
                if child.is_alive():
                    child.kill()
        assert all(child.exitcode == 0 for child in children)
        for result in results:
            assert "error" not in result, result["error"]
            assert set(result["statuses"]) == {"200"}, result  # no 401, no InvalidGrant, no error
            assert result["crossed"] == 0
        refreshes = p.token_requests
        assert len(refreshes) == 1 + EXPIRIES, [r.status for r in refreshes]
        assert all(r.status == 200 for r in refreshes)  # no reused refresh token
        used = [r.form["refresh_token"][0] for r in refreshes if r.form]
        assert len(set(used)) == len(used)


def _inside_the_lock(store: Any, key: Key, held: Any, guard: Any, forked_at: float, write: int) -> None:
    """The child forked inside the lock: reports over the pipe, never returns into pytest."""
    report: dict[str, Any] = {}
    try:
        try:
            guard.ensure_held()
            report["ensure_held"] = "passed"
        except oauthkit.StoreError as err:
            report["ensure_held"] = err.reason
        held.__exit__(None, None, None)  # leaving the inherited block must not release it ...
        with store.lock(key) as mine:  # ... so taking it waits for the parent
            mine.ensure_held()
            report["since_fork"] = time.monotonic() - forked_at
    except BaseException as err:
        report["error"] = f"{type(err).__name__}: {err}"
    finally:
        os.write(write, json.dumps(report).encode())
        os._exit(0)


def test_a_child_forked_inside_the_lock_neither_uses_nor_releases_it(store_url: str) -> None:
    store = oauthkit.open_store(store_url)
    key = Key("auth0", "forked")
    read, write = os.pipe()
    held = store.lock(key)
    guard = held.__enter__()
    try:
        forked_at = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _inside_the_lock(store, key, held, guard, forked_at, write)
        time.sleep(2.0)  # the parent keeps the lock two more seconds
    finally:
        held.__exit__(None, None, None)
    os.close(write)
    try:
        deadline = time.monotonic() + 60
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                pytest.fail("the forked child hung on the store lock")
            time.sleep(0.05)
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
    finally:
        os.close(read)
    assert os.waitstatus_to_exitcode(done[1]) == 0
    child = json.loads(b"".join(chunks))
    assert "error" not in child, child["error"]
    assert child["ensure_held"] == "forked"
    assert child["since_fork"] >= 1.9  # it got the lock only after the parent let go
