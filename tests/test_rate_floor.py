"""Issue 11, item 4: the one-request-a-second floor (here widened to 30 s to make it plain) holds
for every refresh a connection starts on its own, but not when the API has just refused the
token the connection holds: a 401 proves that token dead, and one refresh at once is the cure."""

from __future__ import annotations

import time

import pytest

import oauthkit
import oauthkit.sandbox as sb

pytestmark = pytest.mark.timeout(60)


def test_a_401_on_the_token_just_received_refreshes_at_once_despite_the_floor(store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect("auth0", store=store_url, min_interval=30, **p.settings)
        conn.refresh()
        first = conn.token
        assert first is not None and len(p.token_requests) == 1

        # The floor is in force: a refresh the connection would start on its own is not sent.
        conn.ensure_fresh()
        assert len(p.token_requests) == 1

        p.revoke_access_tokens()  # the provider now refuses the token we got a moment ago
        started = time.monotonic()
        answer = conn.session.get(p.api_url)
        elapsed = time.monotonic() - started
        assert answer.status_code == 200  # refreshed once, retried once
        assert len(p.token_requests) == 2 and elapsed < 10  # not 30 s of floor
        assert conn.token is not None and conn.token.access_token != first.access_token
        assert conn.history()["trigger"].tolist()[-1] == "unauthorized"

        # The same through conn.auth (any requests client): one more 401, one more refresh.
        import requests

        p.revoke_access_tokens()
        assert requests.get(p.api_url, auth=conn.auth, timeout=10).status_code == 200
        assert len(p.token_requests) == 3

