"""One refresh in flight, really: the SQLite lock survives a deleted lock file (real processes);
the Redis lock is renewed while held, is never used once lost, and frees itself soon after a
release that Redis never got (a real redis-server killed, restarted, paused)."""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from store_faults import own_redis

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Key, SQLiteStore
from oauthkit.store.redis import RedisStore

KEY = Key("auth0", "default")

# Takes the refresh lock of auth0/default, says so, and holds it until told to let go.
HOLDER = r"""
import sys, time
from oauthkit.store import Key, SQLiteStore
store = SQLiteStore(sys.argv[1])
print("WAITING", flush=True)
with store.lock(Key("auth0", "default")):
    print("HELD", time.time(), flush=True)
    sys.stdin.readline()
print("RELEASED", time.time(), flush=True)
"""


class _Proc:
    """A child process whose output lines arrive on a queue (a reader thread: select() on a
    buffered pipe would miss lines already read ahead)."""

    def __init__(self, args: list[str], **kwargs: object) -> None:
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
        )  # type: ignore[call-overload]
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def line(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def let_go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


def _holder(path: Path) -> _Proc:
    proc = _Proc([sys.executable, "-c", HOLDER, str(path)])
    assert proc.line(30) == "WAITING"
    return proc


def test_deleting_the_sqlite_lock_file_does_not_let_a_second_process_in(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "tokens.db"
    SQLiteStore(path).close()
    a = _holder(path)
    b: _Proc | None = None
    try:
        held = a.line(30)
        assert held is not None and held.startswith("HELD")
        lock_file = path.with_name("tokens.db.auth0.default.lock")
        assert lock_file.exists()
        lock_file.unlink()  # a user or a cleanup job tidies the folder
        b = _holder(path)
        assert b.line(3.0) is None  # B waits, although the file it would lock is new
        a.let_go()
        released = a.line(30)
        got = b.line(30)
        assert released is not None and released.startswith("RELEASED")
        assert got is not None and got.startswith("HELD")
        assert float(got.split()[1]) >= float(released.split()[1]) - 0.05  # only after A let go
        b.let_go()
        assert b.line(30) is not None
    finally:
        for proc in (a, b):
            if proc is not None:
                proc.kill()


# Connects and refreshes once; prints what it got.
REFRESHER = r"""
import json, sys, oauthkit
settings = json.loads(sys.argv[2])
conn = oauthkit.connect("auth0", store=sys.argv[1], **settings)
print("READY", flush=True)
token = conn.refresh()
print(json.dumps({"access_fp": token.fingerprint, "version": conn.store.load(conn.key).version}), flush=True)
"""


def test_deleting_the_lock_file_during_a_slow_refresh_still_sends_one_refresh(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "tokens.db"
    url = f"sqlite:///{path}"
    with sb.serve("auth0", rotation=True, reuse_interval=0) as p:
        oauthkit.connect("auth0", store=url, **p.settings)  # seeds the store
        p.delay(4)  # the first refresh answer takes 4 s
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTH0_")}
        procs: list[_Proc] = []
        try:
            for n in range(2):
                proc = _Proc([sys.executable, "-c", REFRESHER, url, json.dumps(p.settings)], env=env)
                procs.append(proc)
                assert proc.line(30) == "READY"
                if n == 0:
                    time.sleep(1.0)  # A is inside its 4 s refresh, holding the lock
                    path.with_name("tokens.db.auth0.default.lock").unlink()
            results = []
            for proc in procs:
                line = proc.line(60)
                assert line is not None, proc.proc.stderr.read() if proc.proc.stderr else ""
                results.append(json.loads(line))
        finally:
            for proc in procs:
                proc.kill()
        assert [r.status for r in p.token_requests] == [200]  # one refresh: no reuse, no revoked family
        assert results[0] == results[1]  # B waited for A, then used A's token


# ---- Redis ------------------------------------------------------------------------------------
def _redis_conn(url: str, p: sb.Emulator, **store: float) -> oauthkit.Connection:
    return oauthkit.connect(
        "auth0", store=RedisStore(url, **store), retry=oauthkit.Retry(attempts=3), **p.settings
    )  # type: ignore[arg-type]


def test_a_refresh_slower_than_the_lease_keeps_its_redis_lock(redis_url: str) -> None:
    with sb.serve("auth0", rotation=True, reuse_interval=0) as p:
        a = _redis_conn(redis_url, p, lock_lease=1.0)  # two machines: two stores, two clients
        b = _redis_conn(redis_url, p, lock_lease=1.0)
        p.delay(4)  # the answer trickles in for four leases
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(a.refresh)
            time.sleep(1.0)
            second = pool.submit(b.refresh)
            tokens = [first.result(timeout=30), second.result(timeout=30)]
        assert [r.status for r in p.token_requests] == [200]  # b waited: the renewed lock held
        assert tokens[0] == tokens[1]


def test_a_lost_redis_lock_sends_no_refresh(redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    name = "oauthkit:lock:auth0:default"
    with sb.serve("auth0", rotation=True, reuse_interval=0) as p:
        conn = _redis_conn(redis_url, p, lock_lease=1.0)
        p.delay(2)
        p.fail(503, {"error": "temporarily_unavailable"})  # the first attempt fails, slowly
        caplog.set_level(logging.WARNING, "oauthkit")
        with ThreadPoolExecutor(1) as pool:
            refresh = pool.submit(conn.refresh)
            time.sleep(0.8)
            # Meanwhile the key is lost (a failover, an eviction) and another client takes it.
            assert client.get(name) is not None
            client.set(name, "another-owner", px=30_000)
            with pytest.raises(oauthkit.StoreError) as info:
                refresh.result(timeout=30)
        assert info.value.reason == "lock_lost" and "no refresh was sent" in str(info.value)
        assert [r.status for r in p.token_requests] == [503]  # the retry was not sent
        assert client.get(name) == b"another-owner"  # and its lock was not touched
        assert "lost the refresh lock of auth0/default" in caplog.text


def test_ensure_held_fails_once_the_lock_is_taken_over(redis_url: str) -> None:
    import redis

    store = RedisStore(redis_url, lock_lease=5.0)
    name = "oauthkit:lock:auth0:default"
    with store.lock(KEY) as guard:
        guard.ensure_held()
        ttl = redis.Redis.from_url(redis_url).pttl(name)
        assert 0 < ttl <= 5000
        redis.Redis.from_url(redis_url).delete(name)  # expired while we were not looking
        with pytest.raises(oauthkit.StoreError, match="lost the refresh lock") as info:
            guard.ensure_held()
        assert info.value.reason == "lock_lost"


def test_renewal_keeps_the_redis_lock_while_its_holder_lives(tmp_path: Path) -> None:
    with own_redis(tmp_path) as server:
        holder = RedisStore(server.url(), lock_lease=1.5)
        other = RedisStore(server.url(), lock_lease=1.5, lock_timeout=0.3)
        with holder.lock(KEY) as guard:
            started = time.monotonic()
            while time.monotonic() - started < 5:  # more than three leases
                with (
                    pytest.raises(oauthkit.StoreError, match="could not take the refresh lock"),
                    other.lock(KEY),
                ):
                    pass
            server.pause()  # Redis stops answering for less than a lease ...
            time.sleep(0.6)
            server.resume()  # ... and the renewer carries the lock over the gap
            with pytest.raises(oauthkit.StoreError, match="could not take the refresh lock"), other.lock(KEY):
                pass
            guard.ensure_held()
        with other.lock(KEY):  # released by its owner: free at once
            pass


def test_a_release_lost_while_redis_was_down_frees_the_lock_in_seconds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "oauthkit")
    # appendfsync always: the lock key outlives the crash, as a token would.
    with own_redis(tmp_path, appendonly=True) as server:
        first = RedisStore(server.url(), lock_lease=3.0)
        with first.lock(KEY):
            server.kill()  # the release below cannot reach it
        assert "could not release the refresh lock of auth0/default" in caplog.text
        server.start()  # back on the same port, with the lock key still there
        import redis

        assert redis.Redis.from_url(server.url()).exists("oauthkit:lock:auth0:default")
        second = RedisStore(server.url())
        started = time.monotonic()
        with second.lock(KEY):
            waited = time.monotonic() - started
        assert waited < 10  # the 3 s lease, not the 120 s wait a lock timeout used to mean
        print(f"\nlock free {waited:.1f} s after Redis came back")


def test_waiters_in_one_process_queue_on_the_thread_lock_not_on_redis(redis_url: str) -> None:
    store = RedisStore(redis_url, lock_lease=1.0)
    order: list[int] = []
    barrier = threading.Barrier(4)

    def take(n: int) -> None:
        barrier.wait()
        with store.lock(KEY) as guard:
            guard.ensure_held()
            order.append(n)
            time.sleep(0.05)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(take, range(4)))
    assert sorted(order) == [0, 1, 2, 3]
