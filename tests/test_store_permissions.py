"""A store file that already exists with loose permissions is made private when it is opened
(with its -wal / -shm and lock files), or a warning says who can read it and what to do (see
tests/test_store_failures.py::test_a_store_file_of_another_user_is_read_only_and_says_so for a
file of another user)."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_loose_store_files_are_tightened_to_0600(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    path = folder / "tokens.db"
    old = os.umask(0o022)  # how another tool (or a restored backup) leaves them: 0644
    try:
        with sb.serve("xerial") as p:
            first = oauthkit.connect("xerial", store=f"sqlite:///{path}", **p.settings)
            first.refresh()
            # Written by something else with a lax umask: an open WAL database and its lock file.
            holder = sqlite3.connect(path)
            holder.execute("PRAGMA journal_mode=WAL")
            holder.execute("CREATE TABLE IF NOT EXISTS other (x)")
            for file in folder.iterdir():
                os.chmod(file, 0o644)
            loose = sorted(f.name for f in folder.iterdir())
            assert {"tokens.db", "tokens.db-wal", "tokens.db-shm", "tokens.db.xerial.default.lock"} <= set(
                loose
            )
            caplog.set_level(logging.WARNING, "oauthkit")
            store = oauthkit.store.SQLiteStore(path)  # another process opening the store
            for file in folder.iterdir():
                assert _mode(file) == 0o600, file.name
            assert "tokens.db was mode 0644 (readable by others); it is 0600 now" in caplog.text
            assert "tokens.db-wal was mode 0644" in caplog.text
            # The 0777 folder is the user's to fix (it may be shared): a warning, not a chmod.
            assert (
                _mode(folder) == 0o777 and f"the store's folder {folder} is writable by others" in caplog.text
            )
            assert store.load(first.key) is not None  # and the store works as before
            holder.close()
    finally:
        os.umask(old)


def test_a_private_store_says_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "oauthkit")
    path = tmp_path / "private" / "tokens.db"
    oauthkit.store.SQLiteStore(path)
    oauthkit.store.SQLiteStore(path)
    assert caplog.text == ""
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
