"""Every store failure is a typed StoreError that names the store and the connection, says what
to do, and leaves the stored data as it was: against a real full tmpfs, a real read-only store,
a database another process keeps locked, and a real redis-server killed or paused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from store_faults import fill, need_root, own_redis, tmpfs

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Event, Key, Record, SQLiteStore
from oauthkit.store.redis import RedisStore

KEY = Key("xerial", "default")


def _event(n: int = 0, key: Key = KEY) -> Event:
    return Event(
        at=1_700_000_000.0 + n, connection=key.name, adapter=key.adapter, trigger="manual", outcome="ok"
    )


def _record(refresh: str, version: int) -> Record:
    return Record(token=None, refresh_token=refresh, version=version)


def _operations(store: Any) -> dict[str, Callable[[], object]]:
    def lock() -> None:
        with store.lock(KEY):
            pass

    return {
        "load": lambda: store.load(KEY),
        "save": lambda: store.save(KEY, _record("r-new", 2), [_event(1)], replaces="r-old"),
        "append": lambda: store.append([_event(2)]),
        "events": lambda: store.events(KEY),
        "keys": store.keys,
        "lock": lock,
    }


# ---- SQLite --------------------------------------------------------------------------------------
def test_a_full_disk_is_a_store_error_and_the_stored_token_stays(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "256k") as disk:
        store = SQLiteStore(disk / "tokens.db")  # opened before the disk fills
        store.save(KEY, _record("r-old", 1), [_event(0)])
        filler = fill(disk)
        failures = []
        for name in ("save", "append"):
            with pytest.raises(oauthkit.StoreError) as info:
                _operations(store)[name]()
            failures.append(info.value)
        for err in failures:
            assert err.reason == "full" and err.store == store.url
            assert str(disk / "tokens.db") in str(err) and "is full" in str(err)
            assert "free space" in str(err) and "nothing was written" in str(err)
        assert "[xerial/default]" in str(failures[0])  # the connection the save was for
        # Nothing was written: another handle (another process's view) sees the old state.
        other = SQLiteStore(disk / "tokens.db")
        assert other.load(KEY) == _record("r-old", 1)
        assert len(other.events()) == 1
        # Reads still work on the full disk, and so does connect(), which only reads here.
        assert store.load(KEY) == _record("r-old", 1)
        # A new seed must be written: a typed error from connect(), not sqlite3's.
        with pytest.raises(oauthkit.StoreError, match="is full"):
            oauthkit.connect(
                "xerial", store=store, base_url="http://127.0.0.1:9/v1", refresh_token="other-seed"
            )
        filler.unlink()  # space again: the same store object writes again
        _operations(store)["save"]()
        assert store.load(KEY) == _record("r-new", 2)
        store.close()
        other.close()


def test_a_database_locked_past_the_busy_timeout_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "locked" / "tokens.db"
    store = oauthkit.open_store(f"sqlite:///{path}?busy_timeout=0.5")
    assert isinstance(store, SQLiteStore) and store.busy_timeout == 0.5
    store.save(KEY, _record("r-old", 1))
    holder = subprocess.Popen(  # another process keeps a write transaction open
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "db.execute('BEGIN IMMEDIATE'); print('HELD', flush=True); sys.stdin.readline()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        started = time.monotonic()
        with pytest.raises(oauthkit.StoreError) as info:
            _operations(store)["save"]()
        assert time.monotonic() - started < 10  # the busy timeout, not forever
        err = info.value
        assert err.reason == "locked" and "locked by another process for more than 0.5 s" in str(err)
        assert "busy_timeout" in str(err) and "[xerial/default]" in str(err)
        assert store.load(KEY) == _record("r-old", 1)  # readers are not blocked (WAL)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(10)
    _operations(store)["save"]()  # released: writes again
    assert store.load(KEY) == _record("r-new", 2)


def test_a_store_on_a_read_only_filesystem_is_a_store_error(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "rw", "1m") as disk, sb.serve("xerial") as p:
        writer = SQLiteStore(disk / "tokens.db")
        oauthkit.connect("xerial", store=writer, **p.settings).refresh()
        # The same files through a read-only mount (a disk with errors remounts itself so; open
        # files would block remounting this one, so a read-only bind mount shows them instead).
        view = tmp_path / "view"
        view.mkdir()
        subprocess.run(["mount", "--bind", str(disk), str(view)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
            sent = len(p.token_requests)
            result, stderr = _read_only_side(f"sqlite:///{view / 'tokens.db'}", p, as_nobody=False)
            assert len(p.token_requests) == sent  # no refresh whose rotated token could not be kept
            assert result["loaded"] is True and result["history_rows"] == 1  # reading works
            assert "is read-only: refreshed tokens cannot be saved" in stderr  # said at open
            for name in ("refresh", "save", "append"):
                reason, message = result[name]
                assert reason == "read_only" and "is read-only" in message and "writable" in message, name
            assert "[xerial/default]" in result["refresh"][1]
            # A store that does not exist yet cannot be created there: typed, and a ConfigError as before.
            with pytest.raises(oauthkit.StoreError) as info:
                oauthkit.connect("xerial", store=f"sqlite:///{view / 'new.db'}", **p.settings)
            assert isinstance(info.value, oauthkit.ConfigError) and info.value.reason == "read_only"
        finally:
            subprocess.run(["umount", "-l", str(view)], check=False)
        assert writer.load(Key("xerial", "default")) is not None
        writer.close()


# The reading side of the read-only tests, in a process of its own: it imports everything, then
# (for a file of another user) becomes nobody, since root may write any file; then it tries the
# store: connect, refresh, save, append.
READ_ONLY_SIDE = r"""
import json, logging, os, sys
import oauthkit, oauthkit.store.sqlite, oauthkit.store.sqlite_lock, oauthkit.log, pandas
from oauthkit.store import Event, Key, Record
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
url, settings = sys.argv[1], json.loads(sys.argv[2])
if sys.argv[3] == "nobody":
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
out = {}
store = oauthkit.open_store(url)
conn = oauthkit.connect("xerial", store=store, **settings)
out["loaded"] = conn.token is not None
key = Key("xerial", "default")
for name, op in {
    "refresh": conn.refresh,
    "save": lambda: store.save(key, Record(token=None, refresh_token="x", version=99)),
    "append": lambda: store.append([Event(1.0, "default", "xerial", "manual", "ok")]),
}.items():
    try:
        op()
        out[name] = "no error"
    except oauthkit.StoreError as err:
        out[name] = [err.reason, str(err)]
    except Exception as err:
        out[name] = ["untyped", type(err).__name__]
out["history_rows"] = len(conn.history())
print(json.dumps(out))
"""


def _read_only_side(url: str, p: sb.Emulator, *, as_nobody: bool) -> tuple[dict[str, Any], str]:
    settings = {"base_url": p.settings["base_url"], "refresh_token": p.settings["refresh_token"]}
    out = subprocess.run(
        [sys.executable, "-c", READ_ONLY_SIDE, url, json.dumps(settings), "nobody" if as_nobody else "root"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/tmp",
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), out.stderr


def test_a_store_file_of_another_user_is_read_only_and_says_so() -> None:
    need_root("becomes another user, since root may write any file")
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="oauthkit-shared-", dir="/tmp"))  # nobody must reach it
    try:
        os.chmod(folder, 0o777)  # a shared folder, as /srv/notebooks often is
        url = f"sqlite:///{folder / 'tokens.db'}"
        with sb.serve("xerial") as p:
            store = SQLiteStore(folder / "tokens.db")
            conn = oauthkit.connect("xerial", store=store, **p.settings)
            conn.refresh()
            conn.close()
            store.close()
            for file in folder.iterdir():
                os.chmod(file, 0o644)  # root's file, readable by all, writable by root only
            before = len(p.token_requests)
            result, stderr = _read_only_side(url, p, as_nobody=True)
            assert len(p.token_requests) == before  # no refresh whose answer could not be kept
        assert result["loaded"] is True and result["history_rows"] == 1
        for name in ("refresh", "save", "append"):
            reason, message = result[name]
            assert reason == "read_only", (name, message)
            assert str(folder / "tokens.db") in message and "writable" in message
        assert "[xerial/default]" in result["refresh"][1]
        # Loose permissions it could not fix: a warning naming the file, the owner and the fix.
        assert "cannot be made private" in stderr and "chmod 600" in stderr and "root" in stderr
        assert "writable by others" in stderr  # the 0777 folder
        assert (folder / "tokens.db").stat().st_mode & 0o777 == 0o644  # untouched
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


# ---- Redis --------------------------------------------------------------------------------------
PASSWORD = "hunter2-redis-secret"


def test_redis_killed_every_operation_is_a_store_error(tmp_path: Path) -> None:
    with own_redis(tmp_path, password=PASSWORD) as server:
        store = RedisStore(server.url(0))
        store.save(KEY, _record("r-old", 1))
        server.kill()
        for name, op in _operations(store).items():
            started = time.monotonic()
            with pytest.raises(oauthkit.StoreError) as info:
                op()
            assert time.monotonic() - started < 10, name
            err = info.value
            assert err.reason == "unavailable", (name, err)
            assert f"127.0.0.1:{server.port}" in str(err) and PASSWORD not in str(err), name
            assert "start redis-server" in str(err) and err.store == store.url
            if name in ("load", "save", "append", "events", "lock"):
                assert "[xerial/default]" in str(err), name
        # Back again (empty: no persistence configured here): the same store object works again.
        server.start()
        store.save(KEY, _record("r-back", 1))
        assert store.load(KEY) == _record("r-back", 1)


def test_redis_paused_every_operation_ends_within_the_socket_timeout(tmp_path: Path) -> None:
    with own_redis(tmp_path) as server:
        store = oauthkit.open_store(server.url(0, "socket_timeout=1"))
        assert isinstance(store, RedisStore) and store.socket_timeout == 1.0
        store.save(KEY, _record("r-old", 1))
        server.pause()
        try:
            for name, op in _operations(store).items():
                started = time.monotonic()
                with pytest.raises(oauthkit.StoreError) as info:
                    op()
                took = time.monotonic() - started
                assert took < 8, (name, took)  # about the 1 s socket timeout (the lock: a few calls)
                assert info.value.reason == "timeout", (name, info.value)
                assert "did not answer within 1 s" in str(info.value), name
                if name == "save":
                    assert "may still be applied, whole" in str(info.value)
        finally:
            server.resume()
        # A save that timed out may have reached Redis: it is applied whole or not at all.
        record = store.load(KEY)
        assert record in (_record("r-old", 1), _record("r-new", 2))
        store.save(KEY, _record("r-3", 3))
        assert store.load(KEY) == _record("r-3", 3)
