"""Issue 11, the connection's guarantees under the world's faults: redaction that never forgets,
clock skew, dead refresh tokens that cause no storm, a one-request-a-second floor, no leak from
connect() called in a loop, messages that say what to do and are never cut mid-word.

Every test talks HTTP to a real server on 127.0.0.1: a sandbox emulator, or a small hand-written
token endpoint below when the point is an answer no emulator gives (a provider clock two hours
behind, wire names an emulator does not speak)."""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.errors import shorten
from oauthkit.redact import Redactor

Answer = Callable[[str, dict[str, list[str]]], tuple[int, dict[str, str], bytes]]


@contextmanager
def token_server(answer: Answer) -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    """A real HTTP token endpoint whose every answer ``answer(path, params)`` decides."""
    seen: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            params = parse_qs(urlsplit(self.path).query)
            if body.startswith("{"):
                for key, value in json.loads(body).items():
                    params.setdefault(key, []).append(str(value))
            else:
                for key, values in parse_qs(body).items():
                    params.setdefault(key, []).extend(values)
            seen.append(params)
            status, headers, payload = answer(self.path, params)
            self.send_response_only(status)
            for key, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _adapter(name: str, **request: Any) -> oauthkit.Adapter:
    return oauthkit.Adapter.from_dict(
        {
            "name": name,
            "title": name,
            "docs": "https://example.invalid/docs",
            "settings": {
                "base_url": {},
                "client_id": {},
                "client_secret": {"secret": True},
                "refresh_token": {"secret": True},
            },
            "request": {"url": "{base_url}/token", **request},
            "rotation": "if_present",
        }
    )


# ---- 1. redaction never forgets ------------------------------------------------------------------
def test_a_secret_echoed_after_forty_rotations_is_still_redacted_everywhere(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with sb.serve("auth0", access_lifetime=600) as p:
        # min_interval=0: the test's own pace; the one-a-second floor is tested below.
        conn = oauthkit.connect(
            "auth0", store=store_url, retry=oauthkit.Retry(attempts=1), min_interval=0, **p.settings
        )
        first_refresh = p.settings["refresh_token"]
        first_access = conn.refresh().access_token
        for _ in range(40):  # twice the old 32-secret window, in secrets held
            time.sleep(0.02)
            conn.refresh()
        quoted = f"secret {p.client_secret} and the first tokens {first_refresh} {first_access} are wrong"
        p.fail(400, {"error": "invalid_request", "error_description": quoted})
        with pytest.raises(oauthkit.RefreshError) as info:
            conn.refresh()
        from oauthkit.notebook.report import render_report

        texts = [
            str(info.value),
            repr(info.value),
            str(info.value.provider_text),
            conn.history().to_csv(),
            render_report(conn.history()),
            conn._repr_html_(),
            *(r.getMessage() for r in caplog.records),
        ]
    haystack = "\n".join(texts)
    assert "are wrong" in haystack  # the echo itself arrived, redacted
    for secret in (p.client_secret, first_refresh, first_access):
        assert secret not in haystack


def test_a_percent_encoded_refresh_token_is_redacted_in_transport_errors_and_history(store_url: str) -> None:
    token = "rt/with+plus=and/slash" + "x" * 20
    conn = oauthkit.connect(
        "parqex",
        store=store_url,
        base_url="http://127.0.0.1:9",  # discard port: nothing listens, connection refused
        client_id="cid",
        client_secret="cs-" + "y" * 30,
        refresh_token=token,
        retry=oauthkit.Retry(attempts=1),
    )
    with pytest.raises(oauthkit.TransportError) as info:
        conn.refresh()
    texts = [str(info.value), str(info.value.provider_text), conn.history().to_csv()]
    haystack = "\n".join(texts)
    assert "127.0.0.1" in haystack
    for form in (token, quote(token, safe=""), quote(token, safe="/"), "cs-" + "y" * 30):
        assert form not in haystack


def test_query_string_secrets_are_redacted_by_the_adapters_own_wire_names(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = _adapter(
        "wire_names_test",
        method="GET",
        encoding="query",
        client_auth="body",
        names={"client_secret": "app_secret", "refresh_token": "rt"},
    )

    def answer(path: str, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        return 200, {}, json.dumps({"access_token": "at-" + "a" * 30, "expires_in": 600}).encode()

    with token_server(answer) as (url, seen):
        conn = oauthkit.connect(
            adapter,
            store=store_url,
            base_url=url,
            client_id="cid",
            client_secret="app-secret-" + "s" * 20,
            refresh_token="refresh-" + "r" * 20,
        )
        conn.refresh()
    assert seen[0]["app_secret"] == ["app-secret-" + "s" * 20] and seen[0]["rt"] == ["refresh-" + "r" * 20]
    lines = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("urllib3", "httpx")))
    assert "app_secret=<" in lines and "rt=<" in lines  # the URL line was logged, with fingerprints
    assert "s" * 20 not in lines and "r" * 20 not in lines


def test_a_short_secret_leaves_ordinary_words_readable() -> None:
    redact = Redactor(["os", "Xy9"])
    cleaned = redact("host=127.0.0.1 os: Xy9 cosmos")
    assert cleaned.startswith("host=127.0.0.1 <") and cleaned.endswith(" cosmos")
    assert " os:" not in cleaned and "Xy9" not in cleaned


# ---- 2. a clock ahead of the provider never discards a rotated token ----------------------------
def _xerial_like(clock_offset: float, *, date_header: bool) -> Answer:
    """A Xerial-shaped endpoint whose clock is ``clock_offset`` s away from ours: absolute
    expiries and the Date header both in its own clock."""
    counter = iter(range(1, 1000))

    def answer(path: str, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        now = datetime.now(timezone.utc) + timedelta(seconds=clock_offset)
        n = next(counter)
        body = {
            "access": {
                "token": f"access-{n}-" + "a" * 20,
                "expires": (now + timedelta(minutes=30)).isoformat(),
            },
            "refresh": {
                "token": f"refresh-{n}-" + "r" * 20,
                "expires": (now + timedelta(days=30)).isoformat(),
            },
        }
        headers = {"Date": email.utils.format_datetime(now, usegmt=True)} if date_header else {}
        return 200, headers, json.dumps(body).encode()

    return answer


def test_a_provider_two_hours_behind_our_clock_is_corrected_from_its_date_header(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with token_server(_xerial_like(-7200, date_header=True)) as (url, _):
        conn = oauthkit.connect("xerial", store=store_url, base_url=url, refresh_token="seed-" + "s" * 20)
        token = conn.refresh()
    assert token.refresh_token == "refresh-1-" + "r" * 20
    assert token.lifetime is not None and abs(token.lifetime - 1800) < 10  # 30 min, in our clock
    assert conn.is_fresh()
    assert any(
        re.search(r"clock is 720\d s ahead", r.getMessage()) and r.levelname == "WARNING"
        for r in caplog.records
    )
    stored = oauthkit.connect("xerial", store=store_url, base_url=url)
    assert stored.token is not None and stored.token.refresh_token == "refresh-1-" + "r" * 20


def test_an_expiry_past_on_arrival_keeps_the_rotated_refresh_token(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with token_server(_xerial_like(-7200, date_header=False)) as (url, seen):
        conn = oauthkit.connect(
            "xerial", store=store_url, base_url=url, refresh_token="seed-" + "s" * 20, min_interval=0
        )
        token = conn.refresh()
        assert token.refresh_token == "refresh-1-" + "r" * 20 and token.expires_at is None
        again = conn.refresh()  # the next refresh sends the rotated token, not the seed again
    assert seen[0]["refreshToken"] == ["seed-" + "s" * 20]
    assert seen[1]["refreshToken"] == ["refresh-1-" + "r" * 20]
    assert again.refresh_token == "refresh-2-" + "r" * 20
    assert any("already past on arrival" in r.getMessage() for r in caplog.records)


# ---- 4. no storms ---------------------------------------------------------------------------------
def test_a_revoked_grant_and_200_api_calls_send_one_token_request(store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect("auth0", store=store_url, retry=oauthkit.Retry(attempts=1), **p.settings)
        conn.refresh()
        p.revoke_all()
        p.revoke_access_tokens()
        p.clear_requests()
        failures = 0
        for _ in range(200):
            try:
                conn.session.get(p.api_url)
            except oauthkit.InvalidGrant as exc:
                failures += 1
                assert "conn.authorize()" in str(exc)
        assert failures == 200
        assert len(p.token_requests) == 1
        # A new refresh token (the user authorized again elsewhere) lifts the block at once.
        fresh = p.new_grant()
        other = oauthkit.connect("auth0", store=store_url, **{**p.settings, "refresh_token": fresh})
        assert other.token is None
        assert conn.refresh().access_token


def test_a_lifetime_of_a_millisecond_sends_about_one_token_request_a_second(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    def answer(path: str, params: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        return (
            200,
            {},
            json.dumps({"access_token": "at-" + os.urandom(8).hex(), "expires_in": 0.001}).encode(),
        )

    with token_server(answer) as (url, seen):
        conn = oauthkit.connect(
            _adapter("tiny_lifetime_test"),
            store=store_url,
            base_url=url,
            client_id="cid",
            client_secret="s" * 30,
            refresh_token="r" * 30,
        )
        started = time.monotonic()
        for _ in range(200):
            conn.ensure_fresh()
        elapsed = time.monotonic() - started
    assert len(seen) <= elapsed / oauthkit.connection.MIN_REFRESH_INTERVAL + 2, (len(seen), elapsed)
    assert any("shorter than the refresh took" in r.getMessage() for r in caplog.records)


# ---- 5. nothing leaks over time -------------------------------------------------------------------
def test_connect_in_a_loop_pins_neither_connections_nor_sockets(tmp_path: Path) -> None:
    # A child process with a low descriptor limit: 1,000 connect() + refresh, no close().
    script = textwrap.dedent(
        """
        import os, resource, sys
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        import oauthkit, oauthkit.sandbox as sb
        from oauthkit.connection import live_connections
        with sb.serve("ellipsis_drive", access_lifetime=600) as p:
            settings = dict(p.settings)
            for i in range(1000):
                conn = oauthkit.connect("ellipsis_drive", store=sys.argv[1], **settings)
                conn.session.get(p.api_url)
                settings["refresh_token"] = None
                settings.pop("refresh_token")
            print(len(live_connections()), len(os.listdir("/proc/self/fd")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, f"sqlite:///{tmp_path / 'tokens.db'}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    live, fds = map(int, done.stdout.split())
    assert live < 200 and fds < 150, (live, fds)


# ---- 6. messages say what to do, cut at a word ----------------------------------------------------
def test_invalid_grant_after_authorize_says_to_authorize_again(store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect(
            "auth0", store=store_url, retry=oauthkit.Retry(attempts=1), **p.client_settings
        )
        conn.authorize(open_browser=p.browse, timeout=30)
        p.revoke_all()
        with pytest.raises(oauthkit.InvalidGrant) as info:
            conn.refresh()
    assert "run conn.authorize() again" in str(info.value)
    assert "AUTH0_REFRESH_TOKEN" not in str(info.value)


def test_invalid_scope_names_the_scope_setting(store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect("auth0", store=store_url, retry=oauthkit.Retry(attempts=1), **p.settings)
        p.fail(400, {"error": "invalid_scope", "error_description": "The scope 'admin' was not granted."})
        with pytest.raises(oauthkit.RefreshError) as info:
            conn.refresh()
    text = str(info.value)
    assert "AUTH0_SCOPE" in text and "client secret" not in text


def test_long_provider_text_is_cut_at_a_word_and_kept_whole_on_the_error(store_url: str) -> None:
    words = " ".join(f"word{i:03d}" for i in range(80))
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect("auth0", store=store_url, retry=oauthkit.Retry(attempts=1), **p.settings)
        p.fail(400, {"error": "invalid_request", "error_description": words})
        with pytest.raises(oauthkit.RefreshError) as info:
            conn.refresh()
    assert info.value.detail is not None and info.value.detail.endswith("…")
    last = info.value.detail[:-1].split()[-1]
    assert last.startswith("word") and len(last) == 7  # a whole word before the ellipsis
    assert info.value.provider_text is not None and words in info.value.provider_text


def test_shorten_never_cuts_mid_word() -> None:
    assert shorten("Failed to establish a new connection", 20) == "Failed to establish…"
    assert shorten("short", 20) == "short"
    assert len(shorten("x" * 500, 50)) == 50
