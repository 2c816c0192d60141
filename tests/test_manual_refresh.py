"""``conn.refresh()`` means "refresh now" even when another process refreshed earlier: the token
that process stored is adopted as the starting point, not taken for this call's refresh (the
dashboard's Refresh now did nothing after another kernel's refresh). Concurrent callers still
share one refresh."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb

pytestmark = pytest.mark.timeout(60)


def test_a_refresh_after_another_connections_refresh_still_asks_the_provider(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'tokens.db'}"
    with sb.serve("auth0", access_lifetime=600) as p:
        mine = oauthkit.connect("auth0", store=store, min_interval=0, **p.settings)
        mine.refresh()
        other = oauthkit.connect("auth0", store=store, min_interval=0, **p.settings)
        theirs = other.refresh()  # as another kernel would, on the same file
        assert len(p.token_requests) == 2
        again = mine.refresh()
        assert len(p.token_requests) == 3
        assert again.access_token not in (theirs.access_token, None)
        assert [e for e in mine.history()["outcome"]].count("ok") == 3


def test_concurrent_manual_refreshes_still_share_one_request(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'tokens.db'}"
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect("auth0", store=store, min_interval=0, **p.settings)
        conn.refresh()
        p.delay(0.5)  # the first refresh is still in flight when the others ask
        results: list[str] = []
        def ask() -> None:
            results.append(conn.refresh().access_token)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(results)) == 1 and len(p.token_requests) == 2
