"""Property-based: whatever a provider answers, the result is a valid Token or a typed error,
and after an error the stored token is exactly what it was."""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.response import MAX_BODY_BYTES, Answer, Context, read_token
from oauthkit.store import open_store

EXAMPLES = int(os.environ.get("OAUTHKIT_FUZZ_EXAMPLES", "2000"))
ADAPTERS = ["parqex", "ellipsis_drive", "auth0", "edgetag", "xerial"]

numbers_as_text = st.sampled_from(["3600", " 60 ", "-5", "0", "1e309", "nan", "soon", "", "12.5", "9" * 40])
weird_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    numbers_as_text,
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
timestamps = st.one_of(
    st.datetimes(timezones=st.none()).map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(
        [
            "2020-05-12T16:18:04.793Z",
            "2100-01-01T00:00:00.000Z",
            "2999-01-01T00:00:00Z",
            "not a date",
            "2026-13-45T99:99:99Z",
            "",
        ]
    ),
    st.floats(min_value=time.time() + 5, max_value=time.time() + 10**6).map(
        lambda t: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))
    ),
)
flat_tokens = st.fixed_dictionaries(
    {},
    optional={
        "access_token": st.one_of(st.text(min_size=1, max_size=30), weird_scalars),
        "refresh_token": st.one_of(st.text(min_size=1, max_size=30), weird_scalars),
        "expires_in": st.one_of(st.integers(-100, 10**12), weird_scalars),
        "token_type": st.sampled_from(["Bearer", "bearer", "mac", "", 5]),
        "scope": weird_scalars,
        "id_token": weird_scalars,
        "error": st.sampled_from(["invalid_grant", "invalid_client", "server_error", 7]),
        "message": st.text(max_size=30),
    },
)
nested_tokens = st.fixed_dictionaries(
    {},
    optional={
        "access": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "token": st.one_of(st.text(min_size=1, max_size=30), weird_scalars),
                    "expires": st.one_of(timestamps, weird_scalars),
                },
            ),
            weird_scalars,
        ),
        "refresh": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "token": st.one_of(st.text(min_size=1, max_size=30), weird_scalars),
                    "expires": st.one_of(timestamps, weird_scalars),
                },
            ),
            weird_scalars,
        ),
        "code": st.sampled_from([401, 400, 500]),
        "message": st.text(max_size=30),
    },
)


def _encode(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


bodies = st.one_of(
    flat_tokens.map(_encode),
    nested_tokens.map(_encode),
    st.lists(flat_tokens, max_size=2).map(_encode),
    st.sampled_from([b"null", b"[]", b"{}", b"42", b'"token"', b"", b"   "]),
    st.just(b"<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>"),
    flat_tokens.map(_encode).flatmap(lambda b: st.integers(0, max(0, len(b) - 1)).map(lambda n: b[:n])),
    st.binary(max_size=64),
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", ""]
)
statuses = st.one_of(
    st.sampled_from([200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 502, 503]),
    st.integers(200, 599).filter(lambda s: s not in (204, 304)),
)


def _assert_valid(token: oauthkit.Token, sent_at: float) -> None:
    assert isinstance(token.access_token, str) and token.access_token
    assert token.token_type == "Bearer"
    assert token.refresh_token is None or isinstance(token.refresh_token, str)
    if token.expires_at is not None:
        lifetime = token.lifetime
        assert lifetime is not None and math.isfinite(lifetime) and 0 < lifetime <= 100 * 365 * 86400
        assert token.expires_at.timestamp() > sent_at


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    adapter=st.sampled_from(ADAPTERS),
    status=statuses,
    body=bodies,
    content_type=content_types,
    retry_after=st.one_of(st.none(), st.sampled_from(["5", "-1", "abc", "Wed, 21 Oct 2015 07:28:00 GMT"])),
)
@example(
    adapter="edgetag",
    status=200,
    body=b'{"access_token": "' + b"x" * (10 * 1024 * 1024) + b'"}',
    content_type="application/json",
    retry_after=None,
)
def test_read_token_gives_a_token_or_a_typed_error(
    adapter: str, status: int, body: bytes, content_type: str, retry_after: str | None
) -> None:
    headers = {"content-type": content_type}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    oversized = len(body) > MAX_BODY_BYTES
    answer = Answer(status, headers, b"" if oversized else body, oversized=oversized)
    sent_at = time.time()
    ctx = Context(oauthkit.get_adapter(adapter), "fuzz", sent_at, previous_refresh_token="previous")
    try:
        token = read_token(answer, ctx)
    except oauthkit.OAuthKitError as err:
        assert err.adapter == adapter and err.status == status
        if isinstance(err, oauthkit.RateLimited) and err.retry_after is not None:
            assert err.retry_after >= 0
        return
    assert 200 <= status < 300
    _assert_valid(token, sent_at)


def _valid_body(adapter: str) -> bytes:
    """A well-formed success answer in the adapter's own shape."""
    if adapter == "xerial":
        later = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 3600))
        data: dict[str, Any] = {
            "access": {"token": "a" * 24, "expires": later},
            "refresh": {"token": "r" * 24, "expires": later},
        }
    else:
        data = {
            "access_token": "a" * 24,
            "refresh_token": "r" * 24,
            "expires_in": 3600,
            "token_type": "Bearer",
        }
    return json.dumps(data).encode()


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_well_formed_answer_is_a_token(adapter: str) -> None:
    # The property above also holds for a reader that refuses everything: this pins the other side.
    sent_at = time.time()
    ctx = Context(oauthkit.get_adapter(adapter), "fuzz", sent_at, previous_refresh_token="previous")
    answer = Answer(200, {"content-type": "application/json"}, _valid_body(adapter))
    token = read_token(answer, ctx)
    assert token.access_token == "a" * 24
    _assert_valid(token, sent_at)


def test_end_to_end_store_is_unchanged_after_every_error(tmp_path: Any) -> None:
    store_url = f"sqlite:///{tmp_path / 'fuzz' / 'tokens.db'}"
    with sb.serve("xerial") as nested, sb.serve("edgetag") as flat:
        emulators = {"xerial": nested, "edgetag": flat}

        def connect(which: str) -> oauthkit.Connection:
            settings = emulators[which].settings
            return oauthkit.connect(which, store=store_url, retry=oauthkit.Retry(attempts=1), **settings)

        for which in emulators:
            first = connect(which)
            first.refresh()
            first.close()
        store = open_store(store_url)
        outcomes = {"token": 0, "error": 0}

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(
            which=st.sampled_from(["xerial", "edgetag"]),
            status=statuses,
            body=bodies,
            content_type=content_types,
        )
        def run(which: str, status: int, body: bytes, content_type: str) -> None:
            # A connection object per example, on the same stored record: one object sends at
            # most one token request a second and, once the provider has refused a refresh
            # token, none with it; each example is a first request with the stored token.
            conn, p = connect(which), emulators[which]
            before = store.load(conn.key)
            p.fail(status, body, content_type=content_type or None)
            sent_at = time.time()
            try:
                token = conn.refresh()
            except oauthkit.OAuthKitError:
                assert store.load(conn.key) == before
                outcomes["error"] += 1
                return
            finally:
                conn.close()
            _assert_valid(token, sent_at)
            after = store.load(conn.key)
            assert after is not None and after.token == token and before is not None
            assert after.version == before.version + 1
            outcomes["token"] += 1

        run()
        assert outcomes["error"] > 0 and outcomes["token"] > 0
