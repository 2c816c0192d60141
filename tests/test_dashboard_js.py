"""The dashboard's browser side alone: ``oauthkit/notebook/static/dashboard.js`` and its stylesheet in
headless Chromium (Debian's ``chromium`` driven by Playwright, no browser download), with a fake
anywidget model (``tests/dashboard_harness/``) in place of the kernel. Traits are set from Python as
the contract (docs/dashboard-view.md) describes them; clicks are read back as the messages the view
sent. Screenshots go to test-output/dashboard-js/.

Skipped on a developer machine without Chromium or Playwright; with ``CI=true`` it fails instead.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import re
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "oauthkit" / "notebook" / "static"
HARNESS = Path(__file__).resolve().parent / "dashboard_harness"
OUTPUT = ROOT / "test-output" / "dashboard-js"
STORE = "memory://dash"
DASH = ".oauthkit-dashboard"

# JupyterLab 4's own values (theme-light-extension / theme-dark-extension index.css).
LIGHT_VARS = {
    "--jp-layout-color0": "#fff",
    "--jp-layout-color1": "#fff",
    "--jp-layout-color2": "#eee",
    "--jp-ui-font-color0": "rgba(0,0,0,1)",
    "--jp-ui-font-color1": "rgba(0,0,0,.87)",
    "--jp-border-color2": "#e0e0e0",
}
DARK_VARS = {
    "--jp-layout-color0": "#111",
    "--jp-layout-color1": "#212121",
    "--jp-layout-color2": "#424242",
    "--jp-ui-font-color0": "#fff",
    "--jp-ui-font-color1": "rgba(255,255,255,.87)",
    "--jp-border-color2": "#424242",
}


def _missing_prerequisites() -> list[str]:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        __import__("playwright")
    except ImportError:
        missing.append("python package playwright")
    return missing


@pytest.fixture(scope="module")
def prerequisites() -> None:
    missing = _missing_prerequisites()
    if missing:
        message = "dashboard browser test needs: " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


# ---- serving the module and the harness -----------------------------------------------------------
class _Files(http.server.SimpleHTTPRequestHandler):
    """/static/<file> from the package's static folder, /harness/<file> from the harness; nothing else."""

    def translate_path(self, path: str) -> str:
        path = urllib.parse.urlsplit(path).path
        for prefix, folder in (("/static/", STATIC), ("/harness/", HARNESS)):
            name = path[len(prefix) :]
            if path.startswith(prefix) and name and "/" not in name and not name.startswith("."):
                return str(folder / name)
        return str(HARNESS / "-missing-")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def server(prerequisites: None) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Files))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Harness:
    page: Page
    errors: list[str] = field(default_factory=list)

    def mount(self, width: int | None = None, **traits: Any) -> None:
        self.page.evaluate("([t, w]) => H.mount(t, w)", [traits, width])

    def set(self, **traits: Any) -> None:
        self.page.evaluate("(t) => H.set(t)", traits)

    def now(self) -> float:
        """The browser's clock (the kernel's too, unless a test gives it a skew)."""
        value: float = self.page.evaluate("Date.now() / 1000")
        return value

    def text(self, selector: str) -> str:
        value: str = self.page.locator(selector).first.text_content() or ""
        return value

    def sent(self) -> list[dict[str, Any]]:
        value: list[dict[str, Any]] = self.page.evaluate("H.sent()")
        return value

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


@pytest.fixture
def harness(browser: Browser, server: str) -> Iterator[Harness]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    h = Harness(page)
    page.on("console", lambda msg: h.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: h.errors.append(str(exc)))
    page.goto(f"{server}/harness/harness.html")
    page.wait_for_function("window.H && window.H.ready")
    try:
        yield h
        assert h.errors == [], f"browser console errors: {h.errors}"
    finally:
        context.close()


# ---- what Python would sync -------------------------------------------------------------------------
def make_card(
    key: str = "sandbox/a",
    *,
    now: float,
    left: float = 41.0,
    lifetime: float = 60.0,
    leeway: float = 10.0,
    token: bool = True,
    **over: Any,
) -> dict[str, Any]:
    tok = {
        "fp": f"fp-{key.replace('/', '-')}",
        "refresh_fp": "rf-1234",
        "issued_at": now + left - lifetime,
        "expires_at": now + left,
        "lifetime": lifetime,
        "refresh_expires_at": None,
    }
    card: dict[str, Any] = {
        "id": f"{STORE}|{key}",
        "key": key,
        "title": key.split("/")[0].capitalize(),
        "store": STORE,
        "token": tok if token else None,
        "leeway": leeway,
        "auto": False,
        "next_refresh_at": None,
        "phase": "idle",
        "retry": None,
        "last": None,
        "failures": 0,
        "can_reauthorize": False,
        "authorize": None,
        "rotations": 0,
    }
    card.update(over)
    return card


def last_ok(at: float) -> dict[str, Any]:
    return {
        "at": at,
        "trigger": "auto",
        "outcome": "ok",
        "error": None,
        "status": 200,
        "summary": "",
        "detail": "",
        "hint": None,
    }


def last_failed(
    at: float,
    *,
    error: str = "TransportError",
    detail: str = "TransportError: Failed to establish a new connection: [Errno 111] Connection refused",
    summary: str | None = None,
    hint: str | None = "the provider could not be reached: check the network or the base_url setting",
) -> dict[str, Any]:
    return {
        "at": at,
        "trigger": "auto",
        "outcome": "error",
        "error": error,
        "status": None,
        "summary": detail if summary is None else summary,
        "detail": detail,
        "hint": hint,
    }


def event(
    at: float,
    key: str = "sandbox/a",
    *,
    outcome: str = "ok",
    lifetime: float | None = 60.0,
    error: str | None = None,
    detail: str | None = None,
    trigger: str = "auto",
    latency: float = 12.0,
    fp: str | None = None,
) -> dict[str, Any]:
    ok = outcome == "ok"
    return {
        "at": at,
        "key": key,
        "trigger": trigger,
        "outcome": outcome,
        "attempt": 1,
        "status": 200 if ok else None,
        "latency_ms": latency,
        "expires_at": at + lifetime if ok and lifetime is not None else None,
        "lifetime_s": lifetime if ok else None,
        "access_fp": (fp or f"tok{int(at * 1000) % 100000:05d}") if ok else None,
        "error": error,
        "detail": detail,
    }


def rich(now: float) -> dict[str, Any]:
    """A dashboard with one card in each state, an error, retries, a device code and a log."""
    long = (
        "TransportError: HTTPSConnectionPool(host='auth.example.test', port=443): Max retries exceeded "
        "with url: /oauth/token (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection "
        "object at 0x7f3a>: Failed to establish a new connection: [Errno 111] Connection refused'))"
    )
    cards = [
        make_card(
            "auth0/default",
            now=now,
            left=41,
            title="Auth0",
            last=last_failed(now - 12, detail=long),
            failures=2,
            auto=True,
            next_refresh_at=now + 7,
            rotations=3,
        ),
        make_card(
            "sandbox/b",
            now=now,
            left=5,
            leeway=30,
            last=last_ok(now - 3),
            phase="retrying",
            retry={"attempt": 2, "of": 3, "next_at": now + 1.4},
        ),
        make_card(
            "github/me",
            now=now,
            left=-20,
            last=last_failed(now - 30, error="InvalidGrant", detail="InvalidGrant: invalid_grant"),
            can_reauthorize=True,
        ),
        make_card(
            "device/x",
            now=now,
            token=False,
            authorize={
                "kind": "device",
                "user_code": "WDJB-MJHT",
                "verification_uri": "https://example.test/device",
                "verification_uri_complete": "https://example.test/device?user_code=WDJB-MJHT",
                "expires_at": now + 300,
                "qr_svg": qr_svg("https://example.test/device?user_code=WDJB-MJHT"),
            },
        ),
    ]
    events = [event(now - 4000 + 50 * i, "auth0/default") for i in range(60)]
    events += [
        event(now - 900 + i, "auth0/default", outcome="error", error="TransportError", detail=long)
        for i in range(10)
    ]
    events += [event(now - 300 + 50 * i, "sandbox/b", lifetime=35) for i in range(6)]
    return {
        "cards": cards,
        "events": events,
        "events_total": len(events),
        "notes": ["acme/default not shown: no adapter named 'acme'"],
        "clock": now,
    }


def qr_svg(link: str) -> str:
    try:
        import segno
    except ImportError:  # the panel's own markup is what matters here
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>'
        )
    svg: str = segno.make(link, error="m").svg_inline(scale=3)
    return svg


def card_sel(key: str, inner: str = "") -> str:
    return f'.oauthkit-card[data-id="{STORE}|{key}"] {inner}'.strip()


def clock_text(harness: Harness, at: float) -> str:
    """``at`` (no skew) as the browser's local HH:MM:SS."""
    value: str = harness.js("(t) => H.hms(t)", at)
    return value


def seconds_left(text: str) -> int:
    match = re.search(r"(\d+) s left", text)
    assert match, f"no countdown in {text!r}"
    return int(match.group(1))


# ---- the clock ---------------------------------------------------------------------------------------
def test_countdown_ticks_every_second_without_trait_changes(harness: Harness) -> None:
    now = harness.now()
    harness.mount(cards=[make_card(now=now, left=30.4)], clock=now)
    countdown = card_sel("sandbox/a", ".oauthkit-countdown")
    harness.js(f"() => {{ document.querySelector('{card_sel('sandbox/a')}').__marked = true; }}")
    seen = [seconds_left(harness.text(countdown))]
    assert seen[0] in (30, 31)
    for _ in range(3):
        harness.page.wait_for_function(
            "([sel, v]) => !document.querySelector(sel).textContent.startsWith(v + ' s')",
            arg=[countdown, seen[-1]],
            timeout=2500,
        )
        seen.append(seconds_left(harness.text(countdown)))
    assert all(0 < a - b <= 2 for a, b in itertools.pairwise(seen)), seen
    # the same card element, its text rewritten in place; nothing sent to the kernel
    assert harness.js(f"() => document.querySelector('{card_sel('sandbox/a')}').__marked === true")
    assert harness.sent() == []


def test_skew_between_the_kernel_and_the_browser_is_corrected(harness: Harness) -> None:
    browser_now = harness.now()
    kernel_now = browser_now + 3600  # the kernel's clock is an hour ahead of the browser's
    card = make_card(now=kernel_now, left=100, lifetime=300, auto=True, next_refresh_at=kernel_now + 20)
    harness.mount(cards=[card], clock=kernel_now)
    countdown = harness.text(card_sel("sandbox/a", ".oauthkit-countdown"))
    assert re.match(r"1 m (39|40) s left", countdown), countdown
    expected = harness.js(
        "(t) => [19, 20, 21].map(d => H.hms(t + d))",
        browser_now,
    )
    nxt = harness.text(card_sel("sandbox/a", ".oauthkit-next"))
    match = re.fullmatch(r"next refresh at (\d\d:\d\d:\d\d) \(in (19|20) s\)", nxt)
    assert match, nxt
    assert match.group(1) in expected, (nxt, expected)  # the browser's own clock time
    assert harness.text(card_sel("sandbox/a", ".oauthkit-state")) == "valid"


def test_header_counts_valid_and_failing_connections(harness: Harness) -> None:
    now = harness.now()
    cards = [
        make_card("a/1", now=now, left=41, last=last_failed(now - 12)),
        make_card("b/1", now=now, left=5, leeway=10, last=last_ok(now - 2)),
        make_card("c/1", now=now, token=False),
    ]
    harness.mount(cards=cards, clock=now, notes=["x/y not shown: no adapter named 'x'"])
    assert harness.text(".oauthkit-header") == "oauthkit · 3 connections · 2 valid · 1 failing"
    assert harness.text(".oauthkit-notes") == "x/y not shown: no adapter named 'x'"
    assert harness.text(card_sel("b/1", ".oauthkit-state")) == "expiring"
    assert harness.text(card_sel("c/1", ".oauthkit-state")) == "no access token yet"
    # time passes: the expiring token expires and the header follows, with no trait change
    harness.page.wait_for_function(
        "() => document.querySelector('.oauthkit-header').textContent.includes('1 valid')", timeout=8000
    )
    assert harness.text(card_sel("b/1", ".oauthkit-state")) == "expired"


def test_a_valid_token_whose_refresh_failed_reads_valid_then_the_failure(harness: Harness) -> None:
    now = harness.now()
    card = make_card(now=now, left=41, last=last_failed(now - 12), failures=1)
    harness.mount(cards=[card], clock=now)
    status = harness.text(card_sel("sandbox/a", ".oauthkit-status"))
    assert re.fullmatch(r"valid · last refresh failed 1[23] s ago", status), status
    badge = harness.page.locator(card_sel("sandbox/a", ".oauthkit-state"))
    assert badge.get_attribute("data-state") == "valid"
    assert "oauthkit-outcome-error" in (
        harness.page.locator(card_sel("sandbox/a", ".oauthkit-outcome")).get_attribute("class") or ""
    )
    # the badge keeps the valid colour, the bar too: nothing red says the token is dead
    colours = harness.js(
        """(sel) => { const c = document.querySelector(sel);
           return [getComputedStyle(c.querySelector('.oauthkit-state')).backgroundColor,
                   getComputedStyle(c.querySelector('.oauthkit-bar-fill')).backgroundColor]; }""",
        card_sel("sandbox/a"),
    )
    assert colours == ["rgb(27, 94, 32)", "rgb(27, 94, 32)"], colours
    harness.set(cards=[{**card, "failures": 3}])
    assert "(3 in a row)" in harness.text(card_sel("sandbox/a", ".oauthkit-outcome"))


def test_an_error_is_cut_at_a_word_and_expands_to_its_full_text(harness: Harness) -> None:
    now = harness.now()
    words = " ".join(f"word{i:03d}" for i in range(60))
    detail = f"TransportError: Failed to establish a new connection: {words}"
    hint = "the provider could not be reached: check the network"
    card = make_card(now=now, last=last_failed(now - 5, detail=detail, summary=detail, hint=hint))
    harness.mount(cards=[card], clock=now)
    summary = harness.text(card_sel("sandbox/a", ".oauthkit-error-summary"))
    assert summary.endswith("…") and len(summary) <= 140, summary
    head = summary[:-1]
    assert detail.startswith(head) and detail[len(head)] == " ", summary  # cut between two words
    assert harness.text(card_sel("sandbox/a", ".oauthkit-hint")) == hint
    more = harness.page.locator(card_sel("sandbox/a", "details.oauthkit-error-more"))
    assert more.get_attribute("open") is None
    assert not harness.page.locator(card_sel("sandbox/a", ".oauthkit-error-detail")).is_visible()
    more.locator("summary").click()
    full = harness.page.locator(card_sel("sandbox/a", ".oauthkit-error-detail"))
    assert full.is_visible() and full.text_content() == detail
    assert harness.page.locator(card_sel("sandbox/a", ".oauthkit-hint")).is_visible()  # no click needed

    harness.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = harness.page.locator(card_sel("sandbox/a", ".oauthkit-error .oauthkit-copy"))
    copy.click()
    harness.page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent === 'copied'",
        arg=card_sel("sandbox/a", ".oauthkit-error .oauthkit-copy"),
        timeout=3000,
    )
    assert harness.js("() => navigator.clipboard.readText()") == f"{detail}\n{hint}"
    harness.page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent === 'Copy'",
        arg=card_sel("sandbox/a", ".oauthkit-error .oauthkit-copy"),
        timeout=3000,
    )


def test_copy_falls_back_to_a_selected_textarea(harness: Harness) -> None:
    now = harness.now()
    harness.mount(cards=[make_card(now=now, last=last_failed(now - 5))], clock=now)
    harness.js(
        """() => {
           const denied = { writeText: () => Promise.reject(new Error('denied')) };
           Object.defineProperty(navigator, 'clipboard', { value: denied });
           window.__copied = null; const real = document.execCommand.bind(document);
           document.execCommand = (cmd) => {
             if (cmd !== 'copy') return real(cmd);
             window.__copied = document.activeElement.value; return true; }; }"""
    )
    harness.page.locator(card_sel("sandbox/a", ".oauthkit-error .oauthkit-copy")).click()
    harness.page.wait_for_function("() => window.__copied !== null", timeout=3000)
    assert harness.js("() => window.__copied").startswith("TransportError: Failed to establish")
    assert harness.js("() => document.querySelectorAll('textarea').length") == 0


def test_a_long_unbroken_error_does_not_widen_the_card(harness: Harness) -> None:
    now = harness.now()
    blob = "X" * 700
    cards = [
        make_card(now=now, last=last_failed(now - 5, detail=f"MalformedResponse: {blob}", summary=blob)),
        make_card("sandbox/b", now=now),
    ]
    harness.mount(width=700, cards=cards, clock=now)
    harness.page.locator(card_sel("sandbox/a", "details.oauthkit-error-more summary")).click()
    sizes = harness.js(
        """(sel) => { const card = document.querySelector(sel); const r = card.getBoundingClientRect();
           const wider = [...card.querySelectorAll('*')]
             .filter(e => e.getBoundingClientRect().right > r.right + 1).map(e => e.className);
           return { scroll: card.scrollWidth, client: card.clientWidth, wider,
                    grid: document.querySelector('.oauthkit-cards').scrollWidth,
                    gridClient: document.querySelector('.oauthkit-cards').clientWidth }; }""",
        card_sel("sandbox/a"),
    )
    assert sizes["scroll"] <= sizes["client"], sizes
    assert sizes["grid"] <= sizes["gridClient"], sizes
    assert sizes["wider"] == [], sizes


# ---- commands ----------------------------------------------------------------------------------------
def test_refresh_click_is_queued_at_once_until_the_kernel_takes_it_up(harness: Harness) -> None:
    now = harness.now()
    card = make_card(now=now)
    harness.mount(cards=[card], clock=now)
    button = harness.page.locator(card_sel("sandbox/a", ".oauthkit-refresh"))
    assert button.text_content() == "Refresh now"
    button.click()
    assert harness.sent() == [{"cmd": "refresh", "id": card["id"], "nonce": 1}]
    assert button.text_content() == "Refresh now · queued"
    assert "queued" in (button.get_attribute("class") or "").split()
    assert button.is_disabled()
    harness.set(clock=harness.now())  # the kernel is busy: its clock ticks, the command waits
    assert button.text_content() == "Refresh now · queued"
    harness.set(cards=[{**card, "phase": "refreshing"}], handled=1, clock=harness.now())
    assert button.text_content() == "refreshing..."
    assert button.is_disabled()
    assert "queued" not in (button.get_attribute("class") or "").split()
    harness.set(cards=[{**card, "last": last_ok(harness.now())}])
    assert button.text_content() == "Refresh now" and button.is_enabled()
    button.click()
    assert harness.sent()[-1] == {"cmd": "refresh", "id": card["id"], "nonce": 2}

    # auto-refresh: the checkbox sends its state, shows "queued", then follows the card
    box = harness.page.locator(card_sel("sandbox/a", "input.oauthkit-auto"))
    harness.set(handled=2)
    box.click()
    assert harness.sent()[-1] == {"cmd": "auto", "id": card["id"], "on": True, "nonce": 3}
    assert "queued" in harness.text(card_sel("sandbox/a", ".oauthkit-auto-label"))
    assert box.is_checked()
    harness.set(handled=3, cards=[{**card, "auto": True, "next_refresh_at": harness.now() + 30}])
    assert harness.text(card_sel("sandbox/a", ".oauthkit-auto-label")) == "auto-refresh"
    assert box.is_checked()
    assert harness.page.locator(card_sel("sandbox/a", ".oauthkit-next")).is_visible()


def test_a_nonce_continues_above_what_the_kernel_already_handled(harness: Harness) -> None:
    now = harness.now()
    card = make_card(now=now)
    harness.mount(cards=[card], clock=now, handled=41)  # e.g. a page reloaded on a running kernel
    harness.page.locator(card_sel("sandbox/a", ".oauthkit-refresh")).click()
    assert harness.sent() == [{"cmd": "refresh", "id": card["id"], "nonce": 42}]


def test_reauthorize_is_shown_only_when_the_card_allows_it(harness: Harness) -> None:
    now = harness.now()
    card = make_card(
        now=now, left=-5, last=last_failed(now - 3, error="InvalidGrant", detail="invalid_grant")
    )
    harness.mount(cards=[card], clock=now)
    button = harness.page.locator(card_sel("sandbox/a", ".oauthkit-reauthorize"))
    assert not button.is_visible()
    harness.set(cards=[{**card, "can_reauthorize": True}])
    assert button.is_visible() and button.text_content() == "Re-authorize"
    button.click()
    assert harness.sent() == [{"cmd": "reauthorize", "id": card["id"], "nonce": 1}]
    assert "queued" in (button.text_content() or "")
    harness.set(handled=1, cards=[{**card, "can_reauthorize": True, "phase": "authorizing"}])
    assert button.text_content() == "authorizing..." and button.is_disabled()


def test_the_device_and_link_authorization_panels(harness: Harness) -> None:
    now = harness.now()
    link = "https://example.test/device?user_code=WDJB-MJHT"
    device = {
        "kind": "device",
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://example.test/device",
        "verification_uri_complete": link,
        "expires_at": now + 300,
        "qr_svg": qr_svg(link),
    }
    card = make_card(now=now, token=False, phase="authorizing", authorize=device)
    harness.mount(cards=[card], clock=now)
    panel = card_sel("sandbox/a", ".oauthkit-authorize")
    assert harness.text(f"{panel} .oauthkit-user-code") == "WDJB-MJHT"
    size = harness.js(
        f"() => parseFloat(getComputedStyle(document.querySelector('{panel} .oauthkit-user-code')).fontSize)"
    )
    assert size >= 20
    assert harness.page.locator(f"{panel} .oauthkit-qr svg").count() == 1
    verify = harness.page.locator(f"{panel} a.oauthkit-verify")
    assert verify.get_attribute("href") == link and verify.get_attribute("target") == "_blank"
    assert re.fullmatch(
        r"the code expires in (4 m 5\d s|5 m 00 s)", harness.text(f"{panel} .oauthkit-device-countdown")
    )
    assert harness.page.locator(f"{panel} .oauthkit-copy").is_visible()

    harness.set(cards=[{**card, "authorize": {"kind": "link", "url": "https://example.test/authorize?x=1"}}])
    anchor = harness.page.locator(f"{panel} a.oauthkit-authorize-link")
    assert anchor.text_content() == "open the authorization page"
    assert anchor.get_attribute("href") == "https://example.test/authorize?x=1"
    assert anchor.get_attribute("target") == "_blank" and anchor.get_attribute("rel") == "noopener"
    harness.set(cards=[{**card, "authorize": {"kind": "link", "url": "javascript:alert(1)"}}])
    assert harness.page.locator(f"{panel} a").count() == 0  # only http(s) becomes a link
    harness.set(cards=[{**card, "authorize": {"kind": "done"}}])
    assert harness.text(panel) == "authorized: new tokens stored"
    harness.set(cards=[{**card, "authorize": {"kind": "failed", "message": "the user denied access"}}])
    assert harness.text(panel) == "the user denied access"
    harness.set(cards=[{**card, "authorize": None}])
    assert not harness.page.locator(panel).is_visible()


def test_next_refresh_retries_and_facts(harness: Harness) -> None:
    now = harness.now()
    card = make_card(
        now=now,
        left=3000,
        lifetime=3600,
        auto=True,
        next_refresh_at=now + 7.5,
        phase="retrying",
        retry={"attempt": 2, "of": 3, "next_at": now + 1.45},
        rotations=3,
    )
    card["token"]["refresh_expires_at"] = now + 29 * 86400 + 3600
    harness.mount(cards=[card], clock=now)
    assert re.fullmatch(
        r"next refresh at \d\d:\d\d:\d\d \(in [78] s\)", harness.text(card_sel("sandbox/a", ".oauthkit-next"))
    )
    retry = harness.text(card_sel("sandbox/a", ".oauthkit-retry"))
    assert re.fullmatch(r"attempt 2 of 3, retrying in 1\.[0-4] s", retry), retry
    assert harness.text(card_sel("sandbox/a", ".oauthkit-refresh")) == "retrying..."
    assert harness.text(card_sel("sandbox/a", ".oauthkit-refresh-expiry")) == "expires in 29 days"
    assert harness.text(card_sel("sandbox/a", ".oauthkit-lifetime")) == "1 h 00 m"
    assert harness.text(card_sel("sandbox/a", ".oauthkit-rotations")) == "3"
    assert harness.text(card_sel("sandbox/a", ".oauthkit-fp")) == "fp-sandbox-a"
    assert re.match(r"50 m 0\d s left", harness.text(card_sel("sandbox/a", ".oauthkit-countdown")))
    harness.page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.endsWith('retrying now')",
        arg=card_sel("sandbox/a", ".oauthkit-retry"),
        timeout=3500,
    )
    card["token"]["refresh_expires_at"] = None
    card["token"]["lifetime"] = None
    harness.set(cards=[{**card, "auto": False, "next_refresh_at": None, "retry": None, "phase": "idle"}])
    assert harness.text(card_sel("sandbox/a", ".oauthkit-refresh-expiry")) == "the provider does not say"
    assert harness.text(card_sel("sandbox/a", ".oauthkit-lifetime")) == "the provider does not say"
    assert not harness.page.locator(card_sel("sandbox/a", ".oauthkit-next")).is_visible()
    assert not harness.page.locator(card_sel("sandbox/a", ".oauthkit-retry")).is_visible()


# ---- the kernel gone, the view closed ----------------------------------------------------------------
def test_kernel_gone_shows_one_banner_and_freezes_the_view(harness: Harness) -> None:
    now = harness.now()
    harness.mount(cards=[make_card(now=now, left=100)], clock=now, heartbeat_s=0.5)
    banner = harness.page.locator(".oauthkit-banner")
    assert not banner.is_visible()
    banner.wait_for(state="visible", timeout=4000)  # no clock change for 3 x 0.5 s
    assert banner.count() == 1
    expected = harness.js(
        "(t) => [H.hm(t), H.hm(t + 60)]",
        now,
    )
    text = banner.text_content() or ""
    match = re.fullmatch(r"kernel disconnected — last known state at (\d\d:\d\d)", text)
    assert match and match.group(1) in expected, (text, expected)
    assert harness.page.locator(card_sel("sandbox/a", ".oauthkit-refresh")).is_disabled()
    assert harness.page.locator(card_sel("sandbox/a", "input.oauthkit-auto")).is_disabled()
    assert "oauthkit-stale" in (harness.page.locator(DASH).get_attribute("class") or "")
    frozen = harness.text(card_sel("sandbox/a", ".oauthkit-countdown"))
    harness.page.wait_for_timeout(1300)
    assert harness.text(card_sel("sandbox/a", ".oauthkit-countdown")) == frozen  # kept, not ticking
    grey = harness.js(
        "(sel) => getComputedStyle(document.querySelector(sel)).color",
        card_sel("sandbox/a", ".oauthkit-countdown"),
    )
    assert grey == "rgb(85, 85, 85)"
    # the kernel is back: its clock moves again
    harness.set(clock=harness.now())
    assert not banner.is_visible()
    assert harness.page.locator(card_sel("sandbox/a", ".oauthkit-refresh")).is_enabled()


def test_a_closed_view_says_so_and_stops_acting(harness: Harness) -> None:
    now = harness.now()
    harness.mount(cards=[make_card(now=now, can_reauthorize=True)], clock=now)
    harness.set(closed=True)
    banner = harness.page.locator(".oauthkit-banner")
    assert banner.is_visible() and banner.count() == 1
    assert "closed or replaced" in (banner.text_content() or "")
    for selector in (".oauthkit-refresh", "input.oauthkit-auto", ".oauthkit-reauthorize"):
        assert harness.page.locator(card_sel("sandbox/a", selector)).is_disabled(), selector
    assert harness.sent() == []


# ---- history -------------------------------------------------------------------------------------------
def test_history_pages_sorts_and_expands_rows(harness: Harness) -> None:
    now = harness.now()
    events = [event(now - 6700 + 100 * i, "sandbox/a", latency=100 + (i * 37) % 67) for i in range(67)]
    harness.mount(cards=[make_card(now=now)], clock=now, events=events, events_total=67)
    # The view takes `clock` as the kernel's time at mount, a moment after `now` was read: what
    # it shows is shifted by that moment (up to `lag`), which can cross a second under load.
    lag = harness.now() - now
    count = harness.page.locator(".oauthkit-history-count")
    assert count.text_content() == "rows 1–25 of 67"
    rows = harness.page.locator(".oauthkit-history-table tbody tr.oauthkit-row")
    assert rows.count() == 25
    assert all("oauthkit-row-ok" in (c or "") for c in rows.evaluate_all("rs => rs.map(r => r.className)"))
    first_at = harness.js(
        "() => document.querySelector('.oauthkit-history-table tbody td[data-col=at]').textContent"
    )
    newest = events[-1]["at"]
    shown = {clock_text(harness, newest), clock_text(harness, newest + lag)}
    assert any(first_at.endswith(t) for t in shown), (first_at, shown)  # newest first
    harness.page.locator(".oauthkit-page-next").click()
    assert count.text_content() == "rows 26–50 of 67"
    harness.page.locator(".oauthkit-page-next").click()
    assert count.text_content() == "rows 51–67 of 67"
    assert harness.page.locator(".oauthkit-page-next").is_disabled()

    # sort by latency, ascending then descending
    head = harness.page.locator('.oauthkit-history-table th[data-col="latency_ms"]')
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    assert count.text_content() == "rows 1–25 of 67"  # a new sort starts at the first page
    latencies = [
        int(t.split()[0]) for t in harness.page.locator("tbody td[data-col=latency_ms]").all_text_contents()
    ]
    assert latencies == sorted(latencies) and latencies[0] == 100
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "descending"
    latencies = [
        int(t.split()[0]) for t in harness.page.locator("tbody td[data-col=latency_ms]").all_text_contents()
    ]
    assert latencies == sorted(latencies, reverse=True) and latencies[0] == 166

    # a row expands to every field
    rows.first.click()
    detail = harness.page.locator(".oauthkit-history-table tbody tr.oauthkit-detail-row")
    assert detail.count() == 1
    text = detail.text_content() or ""
    for name in (
        "at",
        "key",
        "trigger",
        "outcome",
        "attempt",
        "status",
        "latency_ms",
        "expires_at",
        "lifetime_s",
        "access_fp",
        "error",
        "detail",
    ):
        assert name in text, name
    assert rows.first.get_attribute("aria-expanded") == "true"
    rows.first.click()
    assert detail.count() == 0

    # the header row stays in view while the table scrolls; the table scrolls sideways in its box
    style = harness.js(
        """() => ({ th: getComputedStyle(document.querySelector('.oauthkit-history-table th')).position,
                   wrap: getComputedStyle(document.querySelector('.oauthkit-scroll')).overflowX })"""
    )
    assert style == {"th": "sticky", "wrap": "auto"}


def test_history_groups_identical_consecutive_errors(harness: Harness) -> None:
    now = harness.now()
    detail = "TransportError: Failed to establish a new connection: [Errno 111] Connection refused"
    events = [event(now - 1000 + i, "sandbox/a") for i in range(5)]
    events += [
        event(now - 900 + i, "sandbox/a", outcome="error", error="TransportError", detail=detail)
        for i in range(60)
    ]
    events += [event(now - 800 + i, "sandbox/b") for i in range(2)]  # another connection's rows in between
    events += [event(now - 700, "sandbox/a", outcome="error", error="InvalidGrant", detail="invalid_grant")]
    cards = [make_card(now=now), make_card("sandbox/b", now=now)]
    harness.mount(cards=cards, clock=now, events=events, events_total=len(events))
    group = harness.page.locator("tbody tr.oauthkit-group")
    assert group.count() == 1
    assert "TransportError ×60" in (group.text_content() or "")
    assert "oauthkit-row-error" in (group.get_attribute("class") or "")
    assert harness.text(".oauthkit-history-count") == "rows 1–9 of 9 (68 events, repeats grouped)"
    group.click()
    members = harness.page.locator("tbody tr.oauthkit-group-member")
    assert members.count() == 60
    members.nth(3).click()
    assert detail in (harness.page.locator("tbody tr.oauthkit-detail-row").text_content() or "")
    group.click()
    assert members.count() == 0
    # the error rows alone, then a filter that matches nothing
    harness.page.locator("select.oauthkit-filter-outcome").select_option("error")
    assert (
        harness.text(".oauthkit-history-count")
        == "rows 1–2 of 2 (61 events, repeats grouped) · 68 in the log"
    )
    harness.page.locator("select.oauthkit-filter-key").select_option("sandbox/b")
    assert harness.text(".oauthkit-history-count") == "no events match this filter (68 in the log)"
    assert harness.page.locator("tbody tr").count() == 0
    harness.set(events_total=500)
    assert (
        harness.text(".oauthkit-history-count")
        == "no events match this filter (500 in the log, newest 68 shown)"
    )
    assert harness.page.locator("select.oauthkit-filter-key option").all_text_contents() == [
        "all",
        "sandbox/a",
        "sandbox/b",
    ]


# ---- timeline ------------------------------------------------------------------------------------------
def ten_thousand_tokens(now: float) -> list[dict[str, Any]]:
    rows = []
    for lane in ("sandbox/a", "sandbox/b"):
        for i in range(5000):
            if lane == "sandbox/b" and 2500 <= i < 2520:  # an outage of about 1000 s: no token at all
                continue
            at = now - 50 * (5000 - i) + (7 if lane == "sandbox/b" else 0)
            rows.append(event(at, lane, lifetime=60, fp=f"{lane[-1]}{i:05d}"))
    rows += [
        event(now - 3000 * i - 25, "sandbox/a", outcome="error", error="TransportError", detail="refused")
        for i in range(1, 200)
    ]
    rows.sort(key=lambda r: float(r["at"]))
    return rows


def tick_labels(harness: Harness) -> list[str]:
    labels: list[str] = harness.page.locator(
        "svg.oauthkit-timeline text.oauthkit-tl-tick"
    ).all_text_contents()
    return labels


def test_timeline_of_ten_thousand_tokens_renders_fast_and_aggregates(harness: Harness) -> None:
    now = harness.now()
    events = ten_thousand_tokens(now)
    cards = [make_card(now=now), make_card("sandbox/b", now=now)]
    harness.mount(width=1000, cards=cards, clock=now, events=events, events_total=len(events))
    took = harness.js(
        """() => { const t0 = performance.now();
           document.querySelector('.oauthkit-tab[data-tab=timeline]').click();
           return performance.now() - t0; }"""
    )
    assert took < 1000, f"timeline render took {took:.0f} ms"
    svg = harness.page.locator("svg.oauthkit-timeline")
    elements = harness.js("() => document.querySelectorAll('svg.oauthkit-timeline *').length")
    assert elements < 3000, elements
    assert harness.page.locator("svg.oauthkit-timeline rect.oauthkit-tl-agg").count() > 0
    lane_b = harness.js(
        """() => [...document.querySelectorAll('svg.oauthkit-timeline rect.oauthkit-tl-agg')]
             .filter(r => +r.getAttribute('y') > 40)
             .map(r => [+r.getAttribute('x'), +r.getAttribute('width')])"""
    )
    assert len(lane_b) >= 2, lane_b  # the outage shows as a break in the coverage band
    assert harness.page.locator("svg.oauthkit-timeline rect.oauthkit-tl-current").count() == 2
    assert harness.page.locator("svg.oauthkit-timeline rect.oauthkit-tl-fail").count() > 0
    assert harness.page.locator("svg.oauthkit-timeline line.oauthkit-tl-now").count() == 1
    names = svg.locator("text.oauthkit-tl-label").evaluate_all("ts => ts.map(t => t.firstChild.textContent)")
    assert names == ["sandbox/a", "sandbox/b"]
    labels = tick_labels(harness)  # 69 hours of tokens: dated clock times, one format
    assert labels and all(re.fullmatch(r"\d\d-\d\d \d\d:\d\d", t) for t in labels), labels
    assert (
        harness.page.locator('.oauthkit-tl-preset[data-preset="all"]').get_attribute("aria-pressed") == "true"
    )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    harness.page.locator(".oauthkit-timeline-panel").screenshot(
        path=str(OUTPUT / "timeline-10000-tokens.png")
    )

    # 5 minutes: each token its own bar, overlapping ones in two sub-rows, the current one outlined
    harness.page.locator('.oauthkit-tl-preset[data-preset="5m"]').click()
    assert harness.page.locator("svg.oauthkit-timeline rect.oauthkit-tl-agg").count() == 0
    bars = harness.page.locator("svg.oauthkit-timeline rect.oauthkit-tl-bar")
    assert 8 <= bars.count() <= 20
    ys = {round(float(y)) for y in bars.evaluate_all("rs => rs.map(r => r.getAttribute('y'))")}
    assert len(ys) == 4, ys  # two lanes, two sub-rows each
    labels = tick_labels(harness)
    assert labels and all(re.fullmatch(r"\d\d:\d\d:\d\d", t) for t in labels), labels
    harness.page.locator('.oauthkit-tl-preset[data-preset="1h"]').click()
    labels = tick_labels(harness)
    assert labels and all(re.fullmatch(r"\d\d:\d\d", t) for t in labels), labels

    # hover the current token of the first lane
    harness.page.locator('.oauthkit-tl-preset[data-preset="5m"]').click()
    box = harness.js(
        """() => { const r = document.querySelector('svg.oauthkit-timeline rect.oauthkit-tl-current')
             .getBoundingClientRect();
           return [r.left + Math.min(r.width / 2, 20), r.top + r.height / 2]; }"""
    )
    harness.page.mouse.move(box[0], box[1])
    tip = harness.page.locator(".oauthkit-tip")
    assert tip.is_visible()
    text = tip.text_content() or ""
    assert (
        "current token a04999" in text and "issued" in text and "expires" in text and "trigger auto" in text
    )

    # the wheel zooms around the pointer; reset returns to the preset
    before = tick_labels(harness)
    reset = harness.page.locator(".oauthkit-tl-reset")
    assert reset.is_disabled()
    harness.page.mouse.wheel(0, -300)
    harness.page.wait_for_function(
        "() => !document.querySelector('.oauthkit-tl-reset').disabled", timeout=2000
    )
    harness.page.wait_for_timeout(100)
    assert tick_labels(harness) != before
    reset.click()
    assert reset.is_disabled()


def test_timeline_redraws_only_when_shown_and_at_most_once_a_second(harness: Harness) -> None:
    now = harness.now()
    events = [event(now - 600 + 50 * i, "sandbox/a") for i in range(12)]
    harness.mount(cards=[make_card(now=now)], clock=now, events=events, events_total=len(events))
    count_redraws = """(ms) => new Promise(done => { let n = 0;
        const svg = document.querySelector('svg.oauthkit-timeline');
        const seen = new MutationObserver(records => { n += records.length; });
        seen.observe(svg, { childList: true });
        setTimeout(() => { seen.disconnect(); done(n); }, ms); })"""
    assert harness.js(count_redraws, 2500) == 0  # the history tab is shown: no timeline work
    harness.page.locator(".oauthkit-tab[data-tab=timeline]").click()
    assert harness.page.locator(".oauthkit-tab[data-tab=timeline]").get_attribute("aria-selected") == "true"
    assert harness.page.locator(".oauthkit-timeline-panel").get_attribute("role") == "tabpanel"
    redraws = harness.js(count_redraws, 3000)
    assert 1 <= redraws <= 4, redraws


# ---- looks ---------------------------------------------------------------------------------------------
CONTRAST = """(root) => {
  const parse = (s) => { const m = /rgba?\\(([^)]+)\\)/.exec(s || ''); if (!m) return null;
    const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const mix = (t, b, a) => t * a + b * (1 - a);
  const over = (top, base) => ({ r: mix(top.r, base.r, top.a), g: mix(top.g, base.g, top.a),
    b: mix(top.b, base.b, top.a), a: 1 });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = (el) => { const layers = [];
    for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let base = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base; };
  const out = [];
  for (const el of root.querySelectorAll('*')) {
    if (!el.getClientRects().length || el.closest('[hidden], option, .oauthkit-qr')) continue;
    if (el.closest('button:disabled') || el.closest('select:disabled')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(el instanceof SVGElement ? style.fill : style.color), bg);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({ what: `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`,
      text: el.textContent.trim().slice(0, 40), ratio: (l1 + 0.05) / (l2 + 0.05), fg: style.color, bg });
  }
  return out; }"""

THEMES = {
    # JupyterLab's light and dark themes, the brief's #111111 dark, and dark without any JupyterLab
    # variable (VS Code-like: only the page background says it), where dashboard.js has to notice
    "light": ("true", LIGHT_VARS, "#fff"),
    "dark": ("false", DARK_VARS, "#111"),
    "dark-111111": ("false", {**DARK_VARS, "--jp-layout-color1": "#111111"}, "#111111"),
    "dark-bare": (None, {}, "#1e1e1e"),
    "light-bare": (None, {}, "#fff"),
}


def apply_theme(harness: Harness, name: str) -> None:
    attr, variables, page_bg = THEMES[name]
    harness.js(
        """([attr, vars, bg]) => { const b = document.body;
           if (attr === null) b.removeAttribute('data-jp-theme-light');
           else b.setAttribute('data-jp-theme-light', attr);
           b.removeAttribute('style'); for (const [k, v] of Object.entries(vars)) b.style.setProperty(k, v);
           b.style.background = bg; }""",
        [attr, variables, page_bg],
    )


@pytest.mark.parametrize("theme", list(THEMES))
def test_text_contrast_in_light_and_dark_themes(harness: Harness, theme: str) -> None:
    now = harness.now()
    apply_theme(harness, theme)
    harness.mount(width=1100, **rich(now))
    harness.page.wait_for_function(
        "(dark) => document.querySelector('.oauthkit-dashboard').dataset.okdTheme"
        " === (dark ? 'dark' : 'light')",
        arg=theme.startswith("dark"),
        timeout=3000,
    )
    harness.page.locator("tbody tr.oauthkit-group").click()  # error rows and a grouped row on screen
    harness.page.locator("tbody tr.oauthkit-row").first.click()
    harness.page.locator('.oauthkit-card[data-id$="auth0/default"] details summary').click()
    checked = harness.page.locator(DASH).evaluate(CONTRAST)
    harness.page.locator(".oauthkit-tab[data-tab=timeline]").click()
    checked += harness.page.locator(DASH).evaluate(CONTRAST)
    low = [c for c in checked if c["ratio"] < 4.5]
    assert len(checked) > 40
    assert low == [], low
    if theme.startswith("dark"):
        colour = harness.js("() => getComputedStyle(document.querySelector('.oauthkit-error-summary')).color")
        assert colour == "rgb(255, 138, 128)"
    if theme in ("light", "dark"):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        harness.page.locator(".oauthkit-timeline-panel").screenshot(
            path=str(OUTPUT / f"timeline-{theme}.png")
        )
        harness.page.locator(".oauthkit-tab[data-tab=history]").click()
        harness.page.locator(DASH).screenshot(path=str(OUTPUT / f"dashboard-{theme}.png"))


SCROLLS = (
    "() => { const s = document.querySelector('.oauthkit-scroll'); return s.scrollWidth > s.clientWidth; }"
)


@pytest.mark.parametrize("width", [400, 600, 1600])
def test_nothing_overflows_from_400_to_1600_px(harness: Harness, width: int) -> None:
    now = harness.now()
    apply_theme(harness, "light")
    harness.page.set_viewport_size({"width": width + 40, "height": 1000})
    harness.mount(width=width, **rich(now))
    overflow = """(root) => { const box = root.getBoundingClientRect(); const out = [];
        for (const el of root.querySelectorAll('*')) {
          if (el.closest('.oauthkit-scroll') && !el.classList.contains('oauthkit-scroll')) continue;
          const r = el.getBoundingClientRect(); if (!r.width && !r.height) continue;
          if (r.right > box.right + 1 || r.left < box.left - 1)
            out.push(`${el.tagName}.${el.getAttribute('class')}: ${r.left}-${r.right}`);
        }
        return { out, scroll: root.scrollWidth, client: root.clientWidth, width: box.width }; }"""
    for tab in ("history", "timeline"):
        harness.page.locator(f".oauthkit-tab[data-tab={tab}]").click()
        found = harness.page.locator(DASH).evaluate(overflow)
        assert found["out"] == [], (tab, found)
        assert found["scroll"] <= found["client"], (tab, found)
        assert abs(found["width"] - width) <= 1
        if tab == "history" and width == 400:  # the table is wider than the panel: it scrolls in its box
            assert harness.js(SCROLLS)
    lefts = harness.js(
        "() => new Set([...document.querySelectorAll('.oauthkit-card')]"
        ".map(c => Math.round(c.getBoundingClientRect().left))).size"
    )
    assert lefts == (1 if width < 600 else 2 if width < 900 else 4), lefts  # the grid reflows
    if width == 600:
        harness.page.locator(".oauthkit-tab[data-tab=history]").click()
        OUTPUT.mkdir(parents=True, exist_ok=True)
        harness.page.locator(DASH).screenshot(path=str(OUTPUT / "dashboard-600px.png"))


# ---- robustness ------------------------------------------------------------------------------------------
def test_two_views_of_one_model_and_their_cleanup(harness: Harness) -> None:
    harness.js(
        """() => { const live = new Set(); window.__intervals = live;
           const set = window.setInterval.bind(window), clear = window.clearInterval.bind(window);
           window.setInterval = (fn, ms) => { const id = set(fn, ms); live.add(id); return id; };
           window.clearInterval = (id) => { live.delete(id); clear(id); }; }"""
    )
    now = harness.now()
    card = make_card(now=now)
    harness.mount(cards=[card], clock=now)
    harness.js("() => H.view()")
    assert harness.page.locator(DASH).count() == 2
    assert harness.js("() => window.__intervals.size") == 2
    one = harness.js("() => H.listenerCount()")
    harness.set(cards=[{**card, "title": "Renamed"}])
    assert harness.page.locator(".oauthkit-title").all_text_contents() == ["Renamed", "Renamed"]
    harness.page.locator(".oauthkit-refresh").nth(1).click()
    assert harness.sent() == [{"cmd": "refresh", "id": card["id"], "nonce": 1}]
    assert harness.js("() => H.unmount(0)") == 0  # its host is empty again
    assert harness.js("() => H.listenerCount()") == one // 2
    assert harness.js("() => window.__intervals.size") == 1
    harness.js("() => H.unmount(1)")
    assert harness.js("() => H.listenerCount()") == 0
    assert harness.js("() => window.__intervals.size") == 0
    harness.set(cards=[card], clock=harness.now())  # a late message after cleanup changes nothing
    assert harness.page.locator(DASH).count() == 0


def test_every_string_goes_in_as_text(harness: Harness) -> None:
    now = harness.now()
    evil = '<img src=x onerror="window.__pwned=1">'
    card = make_card(
        now=now,
        title=evil,
        last=last_failed(now - 2, detail=f"{evil}<script>window.__pwned=2</script>", hint=evil),
    )
    events = [event(now - 10, "sandbox/a", outcome="error", error=evil, detail=evil)]
    harness.mount(cards=[card], clock=now, notes=[evil], events=events, events_total=1)
    harness.page.locator("tbody tr.oauthkit-row").first.click()
    assert harness.text(".oauthkit-title") == evil
    assert harness.text(".oauthkit-notes") == evil
    assert harness.page.locator(f"{DASH} img, {DASH} script").count() == 0
    harness.page.wait_for_timeout(200)
    assert harness.js("() => window.__pwned === undefined")


def test_no_glyph_needs_an_emoji_font(harness: Harness) -> None:
    now = harness.now()
    harness.mount(width=1100, **rich(now))
    harness.page.locator("tbody tr.oauthkit-group").click()
    text = harness.page.locator(DASH).text_content() or ""
    harness.page.locator(".oauthkit-tab[data-tab=timeline]").click()
    text += harness.page.locator(DASH).text_content() or ""
    allowed = set("·–—…×↑↓")
    odd = {c for c in text if ord(c) > 127 and c not in allowed}
    assert odd == set(), odd
    source = (STATIC / "dashboard.js").read_text(encoding="utf-8")
    assert all(ord(c) < 128 for c in source), "dashboard.js keeps its non-ASCII text as \\u escapes"


def test_the_module_needs_nothing_from_the_network() -> None:
    source = (STATIC / "dashboard.js").read_text(encoding="utf-8")
    assert not re.search(r"^\s*import\s", source, re.MULTILINE)
    assert "http://" not in source.replace("http://www.w3.org/2000/svg", "") and "https://" not in source
    css = (STATIC / "dashboard.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css
    rules = re.findall(r"(?:^|})\s*([^{}@/][^{}]*)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL))
    unscoped = [r.strip() for r in rules for sel in r.split(",") if ".oauthkit-dashboard" not in sel]
    assert unscoped == [], unscoped
