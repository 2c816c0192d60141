"""Rich HTML reprs (Token, Connection, Adapter, the adapter table): fingerprints only, escaped,
short plain reprs, and none of it makes ``import oauthkit`` load the notebook libraries."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.notebook import adapter_table
from oauthkit.notebook.status import countdown_text, duration, token_status
from oauthkit.redact import redacted_url
from oauthkit.token import Token, fingerprint, utc


def _token(lifetime: float | None, **extra: object) -> Token:
    now = utc(time.time())
    return Token(
        access_token="acc-SECRET-value",
        issued_at=now,
        expires_at=None if lifetime is None else now + timedelta(seconds=lifetime),
        refresh_token="ref-SECRET-value",
        **extra,  # type: ignore[arg-type]
    )


def test_token_html_shows_fingerprints_status_and_lifetime() -> None:
    token = _token(120, id_token="id-SECRET-value", scope="openid <b>x</b>")
    html = token._repr_html_()
    assert "SECRET" not in html
    for secret in ("acc-SECRET-value", "ref-SECRET-value", "id-SECRET-value"):
        assert fingerprint(secret) in html
    assert "oauthkit-status-valid" in html and "2m 00s" in html and "left" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html  # every value is escaped
    assert len(repr(token)) < 120 and "SECRET" not in repr(token)


def test_status_words_follow_the_clock_and_the_leeway() -> None:
    assert token_status(_token(100), leeway=10) == "valid"
    assert token_status(_token(5), leeway=10) == "expiring"
    assert token_status(_token(-1), leeway=10) == "expired"
    assert token_status(None, leeway=10) == "no token"  # a seeded connection: nothing expired yet
    assert token_status(_token(None), leeway=10) == "valid"
    assert token_status(_token(100), leeway=10, failed=True) == "failed"
    assert token_status(_token(100), leeway=10, refreshing=True, failed=True) == "refreshing"
    assert "oauthkit-status-expired" in _token(-5)._repr_html_()
    assert (
        countdown_text(_token(-5)).startswith("expired 5 s") and countdown_text(None) == "no access token yet"
    )
    assert [duration(s) for s in (1.5, 42, 125, 7200, None)] == ["1.5 s", "42 s", "2m 05s", "2h 00m", "-"]


def test_connection_html_before_and_after_the_first_refresh(memory_store: str) -> None:
    with sb.serve("edgetag", access_lifetime=300) as p:
        conn = oauthkit.connect("edgetag", store=memory_store, **p.settings)
        seeded = conn._repr_html_()
        assert "EdgeTag" in seeded and "edgetag/default" in seeded and "none yet" in seeded
        token = conn.refresh()
        html = conn._repr_html_()
        secrets = [p.client_secret, p.settings["refresh_token"], token.access_token]
        for text in (html, repr(conn)):
            for secret in secrets:
                assert secret not in text
        assert token.fingerprint in html and "rotations" in html and memory_store in html
        conn.close()


def test_store_urls_lose_their_password() -> None:
    assert redacted_url("redis://:hunter2@cache:6379/0") == "redis://:***@cache:6379/0"
    assert redacted_url("redis://me:hunter2@cache/0") == "redis://me:***@cache/0"
    assert redacted_url("sqlite:////tmp/tokens.db") == "sqlite:////tmp/tokens.db"


def test_adapter_and_adapter_table_html() -> None:
    xerial = oauthkit.get_adapter("xerial")._repr_html_()
    assert "Xerial" in xerial and "{base_url}/auth/refresh-tokens" in xerial and "access.expires" in xerial
    assert "&#128274;" in xerial  # refresh_token is marked secret
    table = adapter_table()
    html = table._repr_html_()
    assert html.count("<tr>") == len(oauthkit.list_adapters()) + 1  # header + one row per adapter
    assert "<a href='https://auth0.com/docs/" in html and "target='_blank'" in html
    assert repr(table).startswith("AdapterTable(") and "xerial" in repr(table)


def test_import_oauthkit_and_html_reprs_stay_light() -> None:
    code = (
        "import sys, time, datetime, oauthkit\n"
        "now = datetime.datetime.now(datetime.timezone.utc)\n"
        "t = oauthkit.Token('a', now, now + datetime.timedelta(seconds=9))\n"
        "t._repr_html_(); oauthkit.get_adapter('auth0')._repr_html_()\n"
        "heavy = [m for m in ('ipywidgets', 'matplotlib', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import oauthkit.notebook as nb\n"
        "assert oauthkit.plot_lifetimes is nb.plot_lifetimes and oauthkit.dashboard is nb.dashboard\n"
        "fig = oauthkit.plot_lifetimes(oauthkit.history('memory://empty'))\n"
        "assert 'matplotlib' in sys.modules and type(fig).__name__ == 'LifetimeFigure'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_display_escapes_as_html_escape_does() -> None:
    import html as stdlib_html

    from oauthkit import display

    for text in ("<b>&amp;</b>", "it's \"quoted\"", "a&b<c>d", "", "plain"):
        assert display.esc(text) == stdlib_html.escape(text, quote=True)
    assert display.status_word(5, leeway=10) == "expiring" and display.countdown(None) == "no expiry given"
    assert display.countdown(30, has_token=False) == "no access token yet"


def test_the_adapter_list_renders_left_aligned_and_uncut() -> None:
    table = oauthkit.list_adapters()
    html = table._repr_html_()
    longest = max(table["docs"].astype(str), key=len)
    assert len(longest) > 50 and longest in html  # pandas would cut it at 50 characters
    assert "text-align: right" not in html and html.count("text-align:left") >= table.size
    assert "white-space:nowrap" in html
    github = table[table["name"] == "github"]  # still a DataFrame, and still readable
    assert len(github) == 1 and "text-align:left" in github._repr_html_()
