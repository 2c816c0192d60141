"""The dashboard driven from Python: real connections to sandbox emulators, a real widget (no
frontend: the commands a click sends are sent the same way), the kernel's real background work.
The browser side is tested in tests/test_dashboard_js.py and, in JupyterLab and Notebook 7, in
tests/test_browser_dashboard.py (and the shipped notebook in tests/test_browser.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.notebook.dashboard_widget import EVENTS_CAP, Dashboard
from oauthkit.notebook.hub import HUB
from oauthkit.notebook.view_state import cut_at_word
from oauthkit.store import Event, MemoryStore

BACKGROUND = ("oauthkit-dashboard", "oauthkit-auto-", "oauthkit-store-watch")


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> float:
    start = deadline = time.monotonic()
    deadline += timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
    return time.monotonic() - start


def background_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.is_alive() and t.name.startswith(BACKGROUND)]


def secrets_of(p: sb.Emulator, conn: oauthkit.Connection) -> list[str]:
    found = [p.client_secret, p.settings["refresh_token"]]
    token = conn.token
    if token is not None:
        found += [s for s in (token.access_token, token.refresh_token) if s]
    return found


def click(dash: Dashboard, cmd: str, conn: oauthkit.Connection, nonce: int, **extra: Any) -> None:
    """What the browser sends on a click (docs/dashboard-view.md)."""
    dash._on_command(dash, {"cmd": cmd, "id": f"{conn.store.url}|{conn.key}", "nonce": nonce, **extra}, [])


@pytest.fixture
def auth0() -> Iterator[sb.Emulator]:
    with sb.serve("auth0", access_lifetime=30) as p:
        yield p


@pytest.fixture
def dashboards() -> Iterator[list[Dashboard]]:
    made: list[Dashboard] = []
    yield made
    for dash in made:
        dash.close()
    wait_for(lambda: not background_threads(), timeout=5)


def open_dashboard(dashboards: list[Dashboard], *conns: oauthkit.Connection, **options: Any) -> Dashboard:
    dash = oauthkit.dashboard(*conns, **options)
    dashboards.append(dash)
    return dash


def test_a_card_tells_the_tokens_state_apart_from_the_last_refresh(
    auth0: sb.Emulator, memory_store: str, dashboards: list[Dashboard]
) -> None:
    conn = oauthkit.connect("auth0", store=memory_store, **auth0.settings, retry=oauthkit.Retry(attempts=1))
    token = conn.refresh()
    dash = open_dashboard(dashboards, conn)
    card = dash.card("auth0/default")
    assert card["token"]["fp"] == token.fingerprint and card["last"]["outcome"] == "ok"
    assert 29 < card["token"]["expires_at"] - time.time() <= 30 and card["token"][
        "lifetime"
    ] == pytest.approx(30, abs=1)

    auth0.fail(503, {"error": "temporarily_unavailable", "error_description": "down for maintenance " * 12})
    click(dash, "refresh", conn, 1)
    wait_for(lambda: (dash.card("auth0/default")["last"] or {}).get("outcome") == "error")
    card = dash.card("auth0/default")
    # The token the failed refresh leaves is still the valid one: the card says both things.
    assert card["token"]["fp"] == token.fingerprint and card["failures"] == 1
    assert card["last"]["error"] == "ProviderError" and card["can_reauthorize"] is False
    summary, detail = card["last"]["summary"], card["last"]["detail"]
    assert len(summary) <= 140 and summary.endswith("…") and "down for maintenance" in summary
    assert summary[:-1].split()[-1] in detail.split()  # cut between words, not inside one
    assert len(detail) > len(summary) and card["last"]["hint"]
    wait_for(lambda: "1 failing" in dash.snapshot())
    assert "1 connection · 1 valid · 1 failing" in dash.snapshot()
    for secret in secrets_of(auth0, conn):
        assert secret not in json.dumps(dash.get_state(), default=str)


def test_cut_at_word_never_cuts_inside_a_word_it_can_avoid() -> None:
    text = "Failed to establish a new connection: [Errno 111] Connection refused " * 4
    cut = cut_at_word(text, 60)
    assert len(cut) <= 60 and cut.endswith("…") and text.startswith(cut[:-1])
    assert text[len(cut) - 1] == " " or cut[:-1].endswith(tuple(",;:."))
    long_word = "x" * 300
    assert cut_at_word(long_word, 50) == "x" * 49 + "…"  # nothing to cut between: cut where it must


def test_a_click_is_acknowledged_and_its_refresh_adds_a_row(
    auth0: sb.Emulator, memory_store: str, dashboards: list[Dashboard]
) -> None:
    conn = oauthkit.connect("auth0", store=memory_store, **auth0.settings)
    first = conn.refresh()
    dash = open_dashboard(dashboards, conn)
    assert len(dash.events) == 1 and dash.events_total == 1
    click(dash, "refresh", conn, 7)
    assert dash.handled == 7  # taken up: the browser stops saying "queued"
    wait_for(lambda: len(dash.events) == 2)
    newest = dash.events[-1]
    assert (
        newest["trigger"] == "manual"
        and newest["outcome"] == "ok"
        and newest["access_fp"] != first.fingerprint
    )
    wait_for(lambda: dash.card("auth0/default")["token"]["fp"] == newest["access_fp"])
    assert dash.card("auth0/default")["phase"] == "idle"
    assert len(auth0.token_requests) == 2
    click(dash, "nonsense", conn, 8)  # an unknown command is acknowledged and does nothing
    assert dash.handled == 8 and len(auth0.token_requests) == 2


def test_retries_are_shown_with_their_attempt_and_time(
    auth0: sb.Emulator, memory_store: str, dashboards: list[Dashboard]
) -> None:
    conn = oauthkit.connect(
        "auth0", store=memory_store, **auth0.settings, retry=oauthkit.Retry(attempts=3, backoff=1.0)
    )
    conn.refresh()
    dash = open_dashboard(dashboards, conn)
    auth0.fail(503, times=2)
    click(dash, "refresh", conn, 1)
    wait_for(lambda: dash.card("auth0/default")["retry"] is not None)
    retry = dash.card("auth0/default")["retry"]
    assert retry["of"] == 3 and retry["attempt"] in (2, 3) and retry["next_at"] > time.time() - 0.5
    wait_for(lambda: dash.card("auth0/default")["phase"] == "idle", timeout=15)
    card = dash.card("auth0/default")
    assert card["retry"] is None and card["last"]["outcome"] == "ok" and card["failures"] == 0


def test_an_invalid_grant_offers_reauthorize_and_it_runs_the_first_token_flow(
    memory_store: str, dashboards: list[Dashboard], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHKIT_FLOW", "loopback")  # a local kernel, wherever the suite runs
    with sb.serve("auth0", access_lifetime=30) as p:
        conn = oauthkit.connect("auth0", store=memory_store, **p.settings)
        conn.refresh()
        dash = open_dashboard(dashboards, conn)
        p.fail(403, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."})
        click(dash, "refresh", conn, 1)
        wait_for(lambda: dash.card("auth0/default")["can_reauthorize"])
        assert "authorize again" in dash.card("auth0/default")["last"]["hint"]

        click(dash, "reauthorize", conn, 2)
        wait_for(lambda: (dash.card("auth0/default")["authorize"] or {}).get("kind") == "link")
        link = dash.card("auth0/default")["authorize"]["url"]
        assert link.startswith(p.origin) and "code_challenge=" in link
        p.browse(link)  # the user follows the card's link and approves
        wait_for(lambda: (dash.card("auth0/default")["authorize"] or {}).get("kind") == "done", timeout=15)
        card = dash.card("auth0/default")
        assert card["can_reauthorize"] is False and card["last"]["outcome"] == "ok"
        assert card["token"]["fp"] == conn.token.fingerprint  # type: ignore[union-attr]
        assert conn.refresh().access_token  # the new grant refreshes


def test_reauthorize_on_a_remote_kernel_shows_the_device_code_in_the_card(
    memory_store: str, dashboards: list[Dashboard], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHKIT_FLOW", "device")
    with sb.serve("auth0", access_lifetime=30, device_approval_delay=1, device_interval=0.2) as p:
        conn = oauthkit.connect("auth0", store=memory_store, **p.client_settings)
        dash = open_dashboard(dashboards, conn)
        worker = dash.worker("auth0/default")
        worker.reauthorize()
        wait_for(lambda: (dash.card("auth0/default")["authorize"] or {}).get("kind") == "device")
        shown = dash.card("auth0/default")["authorize"]
        assert (
            shown["user_code"]
            and shown["verification_uri"].startswith(p.origin)
            and "<svg" in shown["qr_svg"]
        )
        wait_for(lambda: (dash.card("auth0/default")["authorize"] or {}).get("kind") == "done", timeout=20)
        assert dash.card("auth0/default")["token"] is not None


def test_refreshes_of_another_process_on_the_same_sqlite_file_appear_within_2_s(
    auth0: sb.Emulator, store_url: str, dashboards: list[Dashboard], tmp_path: Path
) -> None:
    conn = oauthkit.connect("auth0", store=store_url, **auth0.settings)
    conn.refresh()
    dash = open_dashboard(dashboards, conn)
    other = textwrap.dedent(
        f"""
        import oauthkit
        conn = oauthkit.connect("auth0", store={store_url!r}, **{auth0.settings!r})
        print(conn.refresh().fingerprint)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", other], capture_output=True, text=True, timeout=60, check=True
    )
    fingerprint = done.stdout.strip()
    waited = wait_for(lambda: dash.card("auth0/default")["token"]["fp"] == fingerprint, timeout=2.0)
    assert dash.events[-1]["access_fp"] == fingerprint and dash.events_total == 2
    assert waited < 2.0


def test_refreshes_of_another_process_on_the_same_redis_appear_within_2_s(
    auth0: sb.Emulator, redis_url: str, dashboards: list[Dashboard]
) -> None:
    conn = oauthkit.connect("auth0", store=redis_url, **auth0.settings)
    conn.refresh()
    dash = open_dashboard(dashboards, conn)
    other = (
        f"import oauthkit\nconn = oauthkit.connect('auth0', store={redis_url!r}, **{auth0.settings!r})\n"
        "print(conn.refresh().fingerprint)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", other], capture_output=True, text=True, timeout=60, check=True
    )
    fingerprint = done.stdout.strip()
    wait_for(lambda: dash.card("auth0/default")["token"]["fp"] == fingerprint, timeout=2.0)
    assert [e["access_fp"] for e in dash.events].count(fingerprint) == 1  # taken once


def test_a_rerun_cell_leaves_one_set_of_background_work(
    memory_store: str, dashboards: list[Dashboard], store_url: str
) -> None:
    with sb.serve("xerial", access_lifetime=20) as p:
        conn = oauthkit.connect("xerial", store=store_url, **p.settings)
        conn.refresh()
        first = open_dashboard(dashboards, conn, auto_refresh=True)
        wait_for(lambda: len(background_threads()) == 3)  # the pulse, the auto-refresh, the store watcher
        once = sorted(background_threads())
        made = [open_dashboard(dashboards, conn, auto_refresh=True) for _ in range(3)]  # run three more times
        assert first.closed and all(d.closed for d in made[:-1]) and not made[-1].closed
        time.sleep(0.3)
        assert sorted(background_threads()) == once
        made[-1].close()
        wait_for(lambda: not background_threads(), timeout=5)  # the last view gone: nothing runs
        assert HUB.threads == 0 and HUB.workers == {}


def test_auto_refresh_refreshes_ahead_of_expiry_and_stops_when_turned_off(
    memory_store: str, dashboards: list[Dashboard]
) -> None:
    with sb.serve("xerial", access_lifetime=2.5) as p:
        conn = oauthkit.connect("xerial", store=memory_store, **p.settings)
        dash = open_dashboard(dashboards, conn, auto_refresh=True)  # seeded: the first refresh is automatic
        wait_for(lambda: len(dash.events) >= 3, timeout=12)
        card = dash.card("xerial/default")
        assert card["auto"] and card["next_refresh_at"] is not None
        assert card["next_refresh_at"] <= card["token"]["expires_at"]  # ahead of expiry
        history = conn.history()
        assert (history["outcome"] == "ok").all()
        assert set(history["trigger"].iloc[1:]) == {"proactive"}  # never "expired"
        click(dash, "auto", conn, 1, on=False)
        wait_for(lambda: not dash.card("xerial/default")["auto"])
        settled = len(dash.events)
        time.sleep(3.5)
        assert len(dash.events) == settled and dash.card("xerial/default")["next_refresh_at"] is None


def test_a_dead_grant_is_not_hammered_by_auto_refresh(memory_store: str, dashboards: list[Dashboard]) -> None:
    with sb.serve("xerial", access_lifetime=1.0) as p:
        conn = oauthkit.connect("xerial", store=memory_store, **p.settings)
        conn.refresh()
        p.fail(400, {"error": "invalid_grant"}, times=100)
        dash = open_dashboard(dashboards, conn, auto_refresh=True)
        wait_for(lambda: dash.card("xerial/default")["failures"] >= 1, timeout=10)
        time.sleep(3)
        assert len(p.token_requests) <= 3  # the first refresh, the failed one, at most one re-read
        assert dash.card("xerial/default")["can_reauthorize"] is False  # Xerial has no first-token flow


def test_the_view_holds_the_newest_rows_and_counts_all(dashboards: list[Dashboard]) -> None:
    store = MemoryStore("memory://ten-thousand")
    settings = {"base_url": "http://127.0.0.1:9", "client_id": "cid", "refresh_token": "seed"}
    conns = [oauthkit.connect("auth0", name=name, store=store, **settings) for name in ("default", "lab")]
    start = time.time() - 10_000
    store.append(
        [
            Event(
                at=start + i,
                connection="lab" if i % 2 else "default",
                adapter="auth0",
                trigger="proactive",
                outcome="error" if i % 10 == 0 else "ok",
                expires_at=start + i + 60,
                lifetime_s=60.0,
                access_fp=f"{i:08x}",
                error="ProviderError" if i % 10 == 0 else None,
            )
            for i in range(10_000)
        ]
    )
    dash = open_dashboard(dashboards, *conns)
    assert dash.events_total == 10_000 and len(dash.events) == EVENTS_CAP
    assert dash.events[-1]["access_fp"] == f"{9999:08x}"  # the newest kept, oldest first
    assert dash.card("auth0/lab")["token"]["fp"] == f"{9999:08x}"  # known from the log alone
    assert len(json.dumps(dash.get_state(), default=str)) < 1_000_000  # what the browser receives
    for conn in conns:
        conn.close()


def test_dashboard_of_a_store_and_the_default_one(
    auth0: sb.Emulator,
    memory_store: str,
    monkeypatch: pytest.MonkeyPatch,
    dashboards: list[Dashboard],
    store_url: str,
) -> None:
    live = oauthkit.connect("auth0", store=memory_store, **auth0.settings)
    stored = oauthkit.connect("auth0", name="lab", **auth0.settings)  # the default store ($OAUTHKIT_STORE)
    stored.refresh()
    stored.close()
    orphan = oauthkit.connect("xerial", base_url="http://127.0.0.1:9/v1", refresh_token="seed")
    orphan.close()  # its base_url is nowhere in this environment: it cannot be reopened
    for name in ("base_url", "client_id", "client_secret"):
        monkeypatch.setenv(f"AUTH0_LAB_{name.upper()}", auth0.settings[name])

    dash = open_dashboard(dashboards)
    keys = {(c.store.url, str(c.key)) for c in dash.connections}
    assert (live.store.url, "auth0/default") in keys and (stored.store.url, "auth0/lab") in keys
    assert any("xerial/default not shown" in note for note in dash.notes)
    assert dash.card("auth0/lab")["token"]["fp"] == stored.token.fingerprint  # type: ignore[union-attr]

    fresh = {**auth0.settings, "refresh_token": auth0.new_grant()}  # the seed above has rotated
    other = oauthkit.connect("auth0", name="elsewhere", store=store_url, **fresh)
    other.refresh()
    only = open_dashboard(dashboards, store=store_url)
    assert [str(c.key) for c in only.connections] == ["auth0/elsewhere"]


def test_revoking_clears_the_card_and_logs_a_revoke_row(
    auth0: sb.Emulator, memory_store: str, dashboards: list[Dashboard]
) -> None:
    conn = oauthkit.connect("auth0", store=memory_store, **auth0.settings)
    conn.refresh()
    dash = open_dashboard(dashboards, conn)
    conn.revoke()
    wait_for(lambda: dash.card("auth0/default")["token"] is None)
    wait_for(lambda: len(dash.events) == 2)
    assert dash.events[-1]["trigger"] == "revoke"
    assert "no access token yet" in dash.snapshot()


def test_the_output_carries_a_static_snapshot_without_secrets(
    auth0: sb.Emulator, memory_store: str, dashboards: list[Dashboard]
) -> None:
    conn = oauthkit.connect("auth0", store=memory_store, **auth0.settings)
    token = conn.refresh()
    dash = open_dashboard(dashboards, conn)
    bundle, _metadata = dash._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert "oauthkit-snapshot" in html and token.fingerprint in html and "Auth0" in html
    assert "<style" not in html and "<script" not in html  # survives JupyterLab's sanitizer
    for secret in secrets_of(auth0, conn):
        assert secret not in html


def test_closing_stops_the_subscription_and_says_so(auth0: sb.Emulator, memory_store: str) -> None:
    conn = oauthkit.connect("auth0", store=memory_store, **auth0.settings)
    conn.refresh()
    dash = oauthkit.dashboard(conn)
    listeners = len(oauthkit.connection._listeners)
    dash.close()
    assert dash.closed and "closed" in repr(dash)
    assert len(oauthkit.connection._listeners) == listeners - 1
    conn.refresh()
    time.sleep(0.3)
    assert len(dash.events) == 1  # a closed view hears nothing
    wait_for(lambda: not background_threads(), timeout=5)
