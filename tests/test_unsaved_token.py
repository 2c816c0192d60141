"""Issue 11, item 2: a rotated refresh token is never lost when the store fails after the provider
answered. Real parts: a real tmpfs that is full, a real redis-server paused with SIGSTOP, the
Auth0 emulator, which rotates and revokes the whole family when an old token comes back."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from store_faults import fill, own_redis, tmpfs

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Key, Record
from oauthkit.store.sqlite import SQLiteStore

UNSAVED_RETRY_S = 1.05  # a little over the connection's pace for retrying a refused save


def test_a_full_disk_keeps_the_new_token_in_memory_and_saves_it_when_space_returns(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "512k") as disk, sb.serve("auth0", access_lifetime=600) as p:
        store = f"sqlite:///{disk / 'tokens.db'}"
        # min_interval=0: the one-a-second floor is not the point here.
        conn = oauthkit.connect(
            "auth0", store=store, retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        conn.refresh()
        filler = fill(disk)
        with pytest.raises(oauthkit.StoreError) as info:
            conn.refresh()  # the provider rotates; the store cannot take the new token
        assert "keeps using it from memory" in str(info.value)
        newest = conn.token
        assert newest is not None and newest.refresh_token is not None
        # Used from memory: API calls work with the new access token, and nothing is re-sent.
        sent = len(p.token_requests)
        assert conn.session.get(p.api_url).status_code == 200
        assert len(p.token_requests) == sent
        os.remove(filler)
        assert conn.pending_save
        time.sleep(UNSAVED_RETRY_S)  # the retry pace: a refused save is tried again once a second
        assert conn.session.get(p.api_url).status_code == 200  # saved on this call
        assert not conn.pending_save
        # A new process (here: a new connection object) resumes from the newest token: no
        # InvalidGrant, no revoked family.
        other = oauthkit.connect("auth0", store=store, retry=oauthkit.Retry(attempts=1), **p.settings)
        assert other.token is not None and other.token.refresh_token == newest.refresh_token
        other.refresh()
        failures = [e for e in other.history().itertuples() if e.outcome == "error"]
        assert failures == []


def test_redis_paused_after_the_answer_keeps_the_token_and_saves_it_on_resume(tmp_path: Path) -> None:
    with own_redis(tmp_path) as redis_proc, sb.serve("auth0", access_lifetime=600) as p:
        store = oauthkit.open_store(redis_proc.url(3))
        conn = oauthkit.connect(
            "auth0", store=store, retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        conn.refresh()
        # Paused while the refresh is in flight: the lock was taken, the provider answers, and
        # the save then finds Redis gone.
        p.delay(0.5)
        import threading

        threading.Timer(0.2, redis_proc.pause).start()
        with pytest.raises(oauthkit.StoreError):
            conn.refresh()
        newest = conn.token
        assert newest is not None
        redis_proc.resume()
        time.sleep(UNSAVED_RETRY_S)  # the retry pace
        conn.ensure_fresh()
        assert not conn.pending_save
        again = oauthkit.connect("auth0", store=redis_proc.url(3), **p.settings)
        assert again.token is not None and again.token.refresh_token == newest.refresh_token


def test_forgetting_drops_a_token_still_waiting_for_the_store(tmp_path: Path) -> None:
    """A rotated token kept in memory during a full disk must not be saved back after
    ``conn.forget()`` once space returns: forgotten means forgotten."""
    with tmpfs(tmp_path / "small", "512k") as disk, sb.serve("auth0", access_lifetime=600) as p:
        store = f"sqlite:///{disk / 'tokens.db'}"
        conn = oauthkit.connect(
            "auth0", store=store, retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        conn.refresh()
        filler = fill(disk)
        with pytest.raises(oauthkit.StoreError):
            conn.refresh()
        assert conn.pending_save
        os.remove(filler)
        conn.forget()
        assert not conn.pending_save and conn.token is None
        time.sleep(UNSAVED_RETRY_S)
        with pytest.raises(oauthkit.ConfigError, match="no refresh token"):
            conn.refresh()
        other = oauthkit.connect("auth0", store=store, **p.settings)
        assert other.token is None


def test_redis_killed_after_the_answer_keeps_the_token_and_saves_it_once_restarted(tmp_path: Path) -> None:
    """SIGKILL, not a pause: the connection's sockets die, and the server that comes back on the
    same port is a new process (with its append-only file, as the README advises)."""
    import threading

    with own_redis(tmp_path, appendonly=True) as redis_proc, sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect(
            "auth0", store=redis_proc.url(4), retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        conn.refresh()
        p.delay(0.5)
        threading.Timer(0.2, redis_proc.kill).start()
        with pytest.raises(oauthkit.StoreError):
            conn.refresh()
        newest = conn.token
        assert newest is not None and newest.refresh_token is not None and conn.pending_save
        sent = len(p.token_requests)
        assert conn.session.get(p.api_url).status_code == 200  # used from memory meanwhile
        redis_proc.start()
        time.sleep(UNSAVED_RETRY_S)
        conn.ensure_fresh()
        assert not conn.pending_save and len(p.token_requests) == sent  # saved, nothing re-sent
        again = oauthkit.connect(
            "auth0", store=redis_proc.url(4), retry=oauthkit.Retry(attempts=1), **p.settings
        )
        assert again.token is not None and again.token.refresh_token == newest.refresh_token
        again.refresh()  # the family is intact: the newest refresh token still works
        assert [e for e in again.history().itertuples() if e.outcome == "error"] == []


def test_a_read_only_redis_after_the_answer_keeps_the_token_and_saves_it_when_writable(
    tmp_path: Path,
) -> None:
    """A real read-only store: Redis made a replica (of a port nobody listens on) refuses every
    write with READONLY while it still answers reads; ``REPLICAOF NO ONE`` makes it writable."""
    import threading

    import redis

    with own_redis(tmp_path) as redis_proc, sb.serve("auth0", access_lifetime=600) as p:
        admin = redis.Redis.from_url(redis_proc.url(), socket_timeout=5)
        conn = oauthkit.connect(
            "auth0", store=redis_proc.url(5), retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        conn.refresh()
        p.delay(0.5)
        nowhere = _unused_port()
        threading.Timer(0.2, lambda: admin.execute_command("REPLICAOF", "127.0.0.1", str(nowhere))).start()
        with pytest.raises(oauthkit.StoreError) as info:
            conn.refresh()
        assert "keeps using it from memory" in str(info.value)
        assert "ReadOnlyError" not in type(info.value).__name__
        newest = conn.token
        assert newest is not None and conn.pending_save
        assert conn.session.get(p.api_url).status_code == 200
        admin.execute_command("REPLICAOF", "NO", "ONE")
        time.sleep(UNSAVED_RETRY_S)
        conn.ensure_fresh()
        assert not conn.pending_save
        again = oauthkit.connect("auth0", store=redis_proc.url(5), **p.settings)
        assert again.token is not None and again.token.refresh_token == newest.refresh_token
        admin.close()


def _unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _SlowReads(SQLiteStore):
    """A real SQLite store whose reads from one named thread take ``delay`` seconds, as a
    loaded disk or a remote store can: the window in which a store read can straddle another
    thread's refused save."""

    def __init__(self, path: str, thread: str, delay: float) -> None:
        super().__init__(path)
        self.thread, self.delay = thread, delay

    def load(self, key: Key) -> Record | None:
        found = super().load(key)
        if threading.current_thread().name == self.thread:
            time.sleep(self.delay)
        return found


def test_a_manual_refresh_during_a_refused_save_never_sends_the_spent_token(tmp_path: Path) -> None:
    """Thread A's refresh rotates the token and the full disk refuses it; thread B's refresh()
    read the store just before. B must end with A's newest token, not roll the connection back
    to the stored (spent) one and send it: at Auth0 that revokes the whole family."""
    with tmpfs(tmp_path / "small", "512k") as disk, sb.serve("auth0", access_lifetime=600) as p:
        store = _SlowReads(str(disk / "tokens.db"), thread="B", delay=0.5)
        conn = oauthkit.connect(
            "auth0", store=store, retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        conn.refresh()
        p.delay(0.6)
        outcome: dict[str, object] = {}

        def run(name: str) -> None:
            try:
                outcome[name] = conn.refresh()
            except oauthkit.OAuthKitError as exc:
                outcome[name] = exc

        a = threading.Thread(target=run, args=("A",), name="A")
        b = threading.Thread(target=run, args=("B",), name="B")
        a.start()
        time.sleep(0.3)
        filler = fill(disk)  # A's answer (at 0.6 s) will find the disk full
        time.sleep(0.1)
        b.start()  # B reads the store at 0.4 s; the read returns at 0.9 s, after A's refusal
        a.join(10)
        b.join(10)
        assert isinstance(outcome["A"], oauthkit.StoreError)
        newest = conn.token
        assert newest is not None and conn.pending_save
        assert outcome["B"] == newest, outcome["B"]  # A's token, kept in memory
        sent = [r.param("refresh_token") for r in p.token_requests]
        assert len(sent) == len(set(sent)) == 2  # no refresh token went out twice
        os.remove(filler)
