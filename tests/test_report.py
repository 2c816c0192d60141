"""The static HTML report: ``oauthkit report --html`` over a store and ``oauthkit demo --html``, run
as real processes; one self-contained file with the timeline, the summary and the log, no secret."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.notebook.report import render_report
from oauthkit.store import Event, Key, SQLiteStore

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    prefixes = (*(p.upper() + "_" for p in sb.PROVIDERS), "OAUTHKIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["OAUTHKIT_STORE"] = f"sqlite:///{cwd / 'default-store' / 'tokens.db'}"
    return subprocess.run(
        [sys.executable, "-m", "oauthkit.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def timeline_png(html: str) -> bytes:
    match = re.search(r"<img[^>]+src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert match, "the timeline is embedded as a base64 PNG"
    return base64.b64decode(match.group(1))


def assert_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    for external in ("<script", "<link", "src='http", 'src="http', "url(http"):
        assert external not in html


def test_report_command_over_a_store(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store' / 'tokens.db'}"
    secrets: set[str] = set()

    def remember(conn: oauthkit.Connection, event: Event) -> None:
        token = conn.token
        if token is not None:
            secrets.update(s for s in (token.access_token, token.refresh_token, token.id_token) if s)

    unsubscribe = oauthkit.subscribe(remember)
    try:
        with sb.serve("auth0", access_lifetime=60) as auth0, sb.serve("xerial", access_lifetime=60) as xerial:
            secrets.update(
                [auth0.client_secret, auth0.settings["refresh_token"], xerial.settings["refresh_token"]]
            )
            a = oauthkit.connect("auth0", store=store, **auth0.settings)
            x = oauthkit.connect("xerial", store=store, **xerial.settings)
            a.refresh()
            x.refresh()
            a.refresh()
            auth0.fail(
                403, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}
            )
            with pytest.raises(oauthkit.InvalidGrant):
                a.refresh()
            a.close()
            x.close()
    finally:
        unsubscribe()

    out = tmp_path / "reports" / "refreshes.html"
    result = run_cli("report", "--html", str(out), "--store", store, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out} (4 refresh attempts)" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert timeline_png(html).startswith(PNG_MAGIC)

    summary = html[
        html.index("class='oauthkit-summary'") : html.index("</table>", html.index("oauthkit-summary"))
    ]
    assert "<code>auth0</code>" in summary and "<code>xerial</code>" in summary
    assert "33%" in summary  # auth0: 2 refreshes, 1 failure

    history = oauthkit.history(store)
    log = html[html.index("class='oauthkit-history'") :]
    assert log.count("<tr class='oauthkit-row-") == len(history) == 4
    assert log.count("oauthkit-row-error") == 1 and "InvalidGrant" in log
    for fp in history["access_fp"].dropna():
        assert fp in log
    assert len(secrets) >= 7
    for secret in secrets:
        assert secret not in html


def test_demo_writes_an_html_report(tmp_path: Path) -> None:
    out = tmp_path / "demo.html"
    store_dir = tmp_path / "demo-store"
    result = run_cli(
        "demo",
        "--seconds",
        "3",
        "--access-lifetime",
        "1",
        "--store-dir",
        str(store_dir),
        "--html",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"wrote {out}" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert timeline_png(html).startswith(PNG_MAGIC)
    for name in sb.PROVIDERS:
        assert f"<code>{name}</code>" in html  # a summary row per provider
        assert f"<code>{name}/default</code>" in html  # and its rows in the log
    store = SQLiteStore(str(store_dir / "tokens.db"))
    stored = [store.load(Key(name)) for name in sb.PROVIDERS]
    secrets = [
        s for r in stored if r is not None for s in (r.refresh_token, r.token and r.token.access_token) if s
    ]
    assert len(secrets) >= len(sb.PROVIDERS)
    for secret in secrets:
        assert secret not in html


def test_report_escapes_what_it_shows_and_caps_the_log(tmp_path: Path) -> None:
    store = f"memory://report-{tmp_path.name}"
    opened = oauthkit.open_store(store)
    opened.append(
        [
            Event(
                at=1_700_000_000.0 + i,
                connection="default",
                adapter="auth0",
                trigger="manual",
                outcome="error",
                error="<script>alert(1)</script>",
                detail="<img src=x onerror=alert(1)>",
            )
            for i in range(30)
        ]
    )
    html = render_report(oauthkit.history(store), title="<b>t</b>", max_rows=10)
    assert "<script>" not in html and "<img src=x" not in html and "<b>t</b>" not in html
    assert "&lt;script&gt;" in html and "the newest 10 of 30 refresh attempts" in html
    assert html.count("<tr class='oauthkit-row-") == 10
