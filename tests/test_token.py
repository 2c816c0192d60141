"""Token: expiry maths, leeway, fingerprints and secret-free representations."""

from __future__ import annotations

import time
from datetime import timedelta

from oauthkit.token import Token, default_leeway, fingerprint, utc


def _token(
    lifetime: float | None, access: str = "acc-SECRET-value", refresh: str | None = "ref-SECRET"
) -> Token:
    now = utc(time.time())
    return Token(
        access_token=access,
        issued_at=now,
        expires_at=None if lifetime is None else now + timedelta(seconds=lifetime),
        refresh_token=refresh,
    )


def test_leeway_adapts_to_short_lifetimes() -> None:
    assert default_leeway(3600) == 60
    assert default_leeway(30) == 3.0
    assert default_leeway(None) == 60
    short = _token(30)
    assert not short.is_expired(default_leeway(short.lifetime))
    assert _token(3600).is_expired(3601)


def test_lifetime_and_remaining() -> None:
    token = _token(100)
    assert token.lifetime == 100
    assert token.remaining is not None and 98 < token.remaining <= 100
    assert _token(None).remaining is None and not _token(None).is_expired(10**6)


def test_repr_and_html_show_fingerprints_only() -> None:
    token = _token(100)
    for text in (repr(token), str(token), token._repr_html_()):
        assert "SECRET" not in text
        assert fingerprint("acc-SECRET-value") in text
    assert len(fingerprint("x")) == 8 and fingerprint(None) == "-"


def test_storage_roundtrip_and_authlib_form() -> None:
    token = _token(100)
    assert Token.from_record(token.to_record()) == token
    data = token.to_authlib()
    assert "expires_in" not in data and data["expires_at"] == token.expires_at.timestamp()  # type: ignore[union-attr]
