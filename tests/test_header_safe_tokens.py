"""A token that could not be sent back is no token: an access token with anything but visible
ASCII (it goes into ``Authorization: Bearer ...``; a CR or LF would split the header) or a refresh
token with a control character is a MalformedResponse, and the stored token stays as it was.

The sandbox's Auth0 emulator answers a queued 200 with the bad token (``p.fail``), over HTTP.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import oauthkit
import oauthkit.sandbox as sb

pytestmark = pytest.mark.timeout(60)

MARK = "tok7c1e9a"  # a part of every bad token: it must never show in a message
BAD_ACCESS = [
    f"{MARK}\r\nX-Injected: 1",
    f"{MARK}\x00rest",
    f"{MARK}\nrest",
    f"{MARK}\rrest",
    f"{MARK}\trest",
    f"{MARK} rest",
    f"{MARK}\x7frest",
    f"{MARK}\x1b[31m",
    f"{MARK}é",
    f"{MARK}\u2028rest",
]
BAD_REFRESH = [f"{MARK}\r\nrest", f"{MARK}\x00", f"{MARK}\x1b[0m", f"{MARK}\x85rest", f"{MARK}ü"]


def _answer(access: str, refresh: str = "fine-refresh-token") -> dict[str, Any]:
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 3600}


def _refused(error: oauthkit.OAuthKitError) -> None:
    text = str(error)
    assert MARK not in text and "X-Injected" not in text
    assert "cannot be sent in an HTTP request" in text and "U+" in text


@pytest.mark.parametrize(
    ("access", "refresh"),
    [(bad, "fine-refresh-token") for bad in BAD_ACCESS] + [("fine-access-token", bad) for bad in BAD_REFRESH],
)
def test_an_unsendable_token_is_malformed_and_the_stored_one_stays(access: str, refresh: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=f"memory://{uuid.uuid4().hex}", **p.settings)
        try:
            good = conn.refresh()
            before = conn.store.load(conn.key)
            p.fail(200, _answer(access, refresh))
            with pytest.raises(oauthkit.MalformedResponse) as caught:
                conn.refresh()
            _refused(caught.value)
            assert conn.store.load(conn.key) == before and conn.token == good
            assert MARK not in conn.history()["detail"].dropna().str.cat()
            # The connection still works with the token it kept.
            assert conn.session.get(p.api_url, timeout=10).status_code == 200
        finally:
            conn.close()


def test_an_unsendable_token_from_a_code_exchange_stores_nothing() -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=f"memory://{uuid.uuid4().hex}", **p.client_settings)
        try:
            p.fail(200, _answer(f"{MARK}\r\nX-Injected: 1"))
            with pytest.raises(oauthkit.AuthorizationError) as caught:
                conn.authorize(open_browser=p.browse, timeout=30)
            assert caught.value.reason == "malformed"
            _refused(caught.value)
            assert conn.store.load(conn.key) is None and conn.token is None
        finally:
            conn.close()


def test_visible_ascii_tokens_are_taken_as_they_are() -> None:
    """Not only RFC 6750's b64token: Salesforce's access tokens carry "!"; refresh tokens may
    carry spaces (RFC 6749 appendix A.17)."""
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=f"memory://{uuid.uuid4().hex}", **p.settings)
        try:
            p.fail(200, _answer("00D5g000!AQ0AQ.x~y+z/w==", "a refresh token with spaces"))
            token = conn.refresh()
            assert token.access_token == "00D5g000!AQ0AQ.x~y+z/w=="
            assert token.refresh_token == "a refresh token with spaces"
        finally:
            conn.close()
