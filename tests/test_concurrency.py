"""Single-flight refresh inside one process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Key, SQLiteStore


def test_32_threads_on_one_expired_connection_cause_one_refresh(store_url: str) -> None:
    # Auth0 with rotation and reuse detection (reuse interval 0): a second refresh with the same
    # token would revoke the whole family and fail every later call.
    with sb.serve("auth0", rotation=True, reuse_interval=0, access_lifetime=1) as p:
        conn = oauthkit.connect("auth0", store=store_url, **p.settings)
        conn.refresh()
        time.sleep(1.1)
        assert not conn.is_fresh()
        before = len(p.token_requests)
        barrier = threading.Barrier(32)

        def call(_: int) -> int:
            barrier.wait()
            return int(conn.session.get(p.api_url).status_code)

        with ThreadPoolExecutor(32) as pool:
            codes = list(pool.map(call, range(32)))
        assert codes == [200] * 32
        assert len(p.token_requests) - before == 1
        assert list(conn.history()["outcome"]) == ["ok", "ok"]


def test_concurrent_manual_refreshes_share_one_request(store_url: str) -> None:
    with sb.serve("xerial") as p:
        p.delay(0.3)  # keep the first refresh in flight while the others arrive
        conn = oauthkit.connect("xerial", store=store_url, **p.settings)
        barrier = threading.Barrier(8)

        def refresh(_: int) -> str:
            barrier.wait()
            return conn.refresh().access_token

        with ThreadPoolExecutor(8) as pool:
            tokens = set(pool.map(refresh, range(8)))
        assert len(tokens) == 1
        assert len(p.token_requests) == 1


def test_two_connection_objects_for_one_account_share_the_refresh(store_url: str) -> None:
    # A notebook cell run twice makes two Connection objects for the same store entry.
    with sb.serve("xerial", access_lifetime=1) as p:
        first = oauthkit.connect("xerial", store=store_url, **p.settings)
        first.refresh()
        second = oauthkit.connect("xerial", store=store_url, **p.settings)
        assert second.token == first.token  # the stored, rotated token beat the old seed
        time.sleep(1.1)
        barrier = threading.Barrier(2)

        def use(conn: oauthkit.Connection) -> int:
            barrier.wait()
            return int(conn.session.get(p.api_url).status_code)

        with ThreadPoolExecutor(2) as pool:
            assert list(pool.map(use, [first, second])) == [200, 200]
        assert len(p.token_requests) == 2  # the first refresh, then exactly one more


class _LockLostStore(SQLiteStore):
    """A real SQLite store whose refresh lock does nothing: what a Redis lock that timed out,
    or a second tool writing the same store, looks like to oauthkit."""

    @contextmanager
    def lock(self, key: Key) -> Iterator[None]:
        yield


def test_invalid_grant_rereads_the_store_once_before_raising(tmp_path: Path) -> None:
    store = _LockLostStore(tmp_path / "lost.db")
    with sb.serve("xerial") as p:  # delete-on-use: the loser of a race gets 401
        a = oauthkit.connect("xerial", name="shared", store=store, **p.settings)
        b = oauthkit.connect("xerial", name="shared", store=store, **p.settings)
        p.delay(0.4)  # the first request to arrive waits; the second overtakes it and rotates
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(a.refresh)
            time.sleep(0.1)
            second = pool.submit(b.refresh)
            tokens = [first.result(timeout=10), second.result(timeout=10)]
        assert all(t.access_token for t in tokens)
        statuses = [r.status for r in p.token_requests]
        assert statuses.count(401) == 1 and statuses.count(200) == 2  # lost, re-read, retried
        outcomes = oauthkit.history(store)[["outcome", "error"]].values.tolist()
        assert ["error", "InvalidGrant"] in outcomes
        record = store.load(Key("xerial", "shared"))
        assert record is not None and record.refresh_token == tokens[0].refresh_token


def test_invalid_grant_is_raised_when_the_store_has_nothing_newer(store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=store_url, **p.settings)
        conn.refresh()
        p.revoke_all()
        with pytest.raises(oauthkit.InvalidGrant):
            conn.refresh()
        assert [r.status for r in p.token_requests] == [200, 401]  # not retried blindly
