"""One connection's card: status, live countdown, token facts, Refresh now, auto-refresh.

State changes come from three places: the dashboard's ticker (the clock), refresh events from
anywhere in the process (``on_event``) and this card's own refresh thread. A lock keeps the
state consistent; widget traits only send a message to the browser when their value changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..display import (
    COLOURS,
    EXPIRED,
    EXPIRING,
    FAILED,
    REFRESHING,
    VALID,
    badge,
    code,
    duration,
    esc,
    rows_table,
    short_when,
)
from ..errors import OAuthKitError, describe_error
from ..token import utc
from .status import countdown_text, token_status

if TYPE_CHECKING:
    from ..connection import Connection
    from ..store import Event
    from ..token import Token

log = logging.getLogger("oauthkit")

BAR_STYLES = {VALID: "success", EXPIRING: "warning", EXPIRED: "", REFRESHING: "info", FAILED: "danger"}
# After a failed automatic refresh, wait this long (doubling, capped) before the next try: a
# revoked grant must not be hammered once a second.
AUTO_BACKOFF_S = 2.0
AUTO_BACKOFF_MAX_S = 60.0


def _event_time(event: Event) -> str:
    return short_when(utc(event.at))


class ConnectionCard(widgets.VBox):  # type: ignore[misc]
    def __init__(
        self, conn: Connection, *, auto_refresh: bool = False, last_event: Event | None = None
    ) -> None:
        self.conn = conn
        self._lock = threading.RLock()
        self._token: Token | None = conn.token
        self._rotations = conn.rotations
        self._last_event = last_event
        self._error: str | None = None
        if last_event is not None and last_event.outcome != "ok":
            self._error = f"{last_event.error}: {last_event.detail}"
        self._future: Future[Token] | None = None
        self._waiting = False
        self._auto_failures = 0
        self._next_auto = 0.0

        self.header = widgets.HTML()
        self.progress = widgets.FloatProgress(
            min=0.0, max=1.0, value=0.0, layout=widgets.Layout(width="100%", height="14px")
        )
        self.progress.add_class("oauthkit-progress")
        self.countdown = widgets.Label()
        self.countdown.add_class("oauthkit-countdown")
        self.details = widgets.HTML()
        self.error_text = widgets.HTML()
        self.error_text.add_class("oauthkit-error")
        self.refresh_button = widgets.Button(
            description="Refresh now",
            icon="refresh",
            button_style="primary",
            layout=widgets.Layout(width="auto", flex="0 0 auto", margin="0 12px 0 0"),
        )
        self.refresh_button.add_class("oauthkit-refresh")
        self.auto = widgets.Checkbox(
            value=auto_refresh, description="auto-refresh", indent=False, layout=widgets.Layout(width="auto")
        )
        self.auto.add_class("oauthkit-auto")
        self.refresh_button.on_click(lambda _button: self.refresh_now())
        super().__init__(
            children=[
                self.header,
                self.progress,
                self.countdown,
                self.details,
                self.error_text,
                widgets.HBox([self.refresh_button, self.auto], layout=widgets.Layout(align_items="center")),
            ],
            layout=widgets.Layout(
                border="1px solid rgba(128,128,128,.35)", padding="6px 10px", margin="4px", min_width="300px"
            ),
        )
        self.add_class("oauthkit-card")
        self.render()

    # ---- state -------------------------------------------------------------------------------
    @property
    def token(self) -> Token | None:
        """The newest token known for this connection (its own, or one seen in an event)."""
        with self._lock:
            mine, seen = self.conn.token, self._token
        if mine is None or seen is None:
            return mine or seen
        return mine if mine.issued_at >= seen.issued_at else seen

    @property
    def busy(self) -> bool:
        """A refresh of this card is under way or scheduled."""
        with self._lock:
            return self._future is not None and not self._future.done()

    @property
    def refreshing(self) -> bool:
        return self.busy and not self._waiting

    @property
    def error(self) -> str | None:
        with self._lock:
            return self._error

    def status(self, now: float | None = None) -> str:
        return token_status(
            self.token, self.conn.leeway, refreshing=self.refreshing, failed=self.error is not None, now=now
        )

    def on_event(self, source: Connection, event: Event) -> None:
        """A refresh attempt for this card's connection, made by any connection object."""
        with self._lock:
            self._last_event = event
            if event.outcome == "ok":
                self._error = None
                self._auto_failures = 0
                if event.trigger == "revoke":  # revoked or forgotten: the card has no token now
                    self._token = None
                elif source.token is not None:
                    self._token = source.token
                self._rotations = max(self._rotations, source.rotations)
            else:
                self._error = f"{event.error}: {event.detail}"
        self.render()

    # ---- refreshing ----------------------------------------------------------------------------
    def refresh_now(self) -> Future[Token]:
        """What the button does: refresh on a background thread, so the kernel stays free."""
        return self._start(self.conn.refresh, automatic=False)

    def _start(self, action: Callable[[], Token], *, automatic: bool) -> Future[Token]:
        with self._lock:
            if self._future is not None and not self._future.done():
                return self._future  # one refresh at a time per card; the connection is single-flight too
            future: Future[Token] = Future()
            self._future = future
        self.render()
        threading.Thread(
            target=self._run, args=(action, future, automatic), name="oauthkit-card-refresh", daemon=True
        ).start()
        return future

    def _run(self, action: Callable[[], Token], future: Future[Token], automatic: bool) -> None:
        try:
            token = action()
        except Exception as exc:  # shown in the card; a refresh error must not escape a thread
            if not isinstance(exc, OAuthKitError):
                log.exception("%s: refresh from the dashboard failed", self.conn.key)
            with self._lock:
                self._error = describe_error(exc)
                if automatic:
                    self._auto_failures += 1
                    backoff = min(AUTO_BACKOFF_MAX_S, AUTO_BACKOFF_S * 2 ** (self._auto_failures - 1))
                    self._next_auto = time.time() + backoff
            future.set_exception(exc)
        else:
            with self._lock:
                self._error = None
                self._auto_failures = 0
                self._token = token
                self._rotations = max(self._rotations, self.conn.rotations)
            future.set_result(token)
        self.render()

    def maybe_auto_refresh(self, now: float, horizon: float = 1.5) -> None:
        """With auto-refresh on, refresh once the token enters the connection's leeway.

        Called once per tick; a leeway shorter than a tick (a 3 s sandbox token has 0.3 s) would
        slip between two ticks, so a token due within ``horizon`` seconds gets a thread that
        waits for the exact moment and then refreshes: ahead of expiry, not after it."""
        if not self.auto.value or self.busy or now < self._next_auto:
            return
        token = self.token
        if token is None:
            self._start(self.conn.ensure_fresh, automatic=True)
            return
        if token.expires_at is None:
            return
        due_in = token.expires_at.timestamp() - self.conn.leeway - now
        if due_in <= horizon:
            self._start(lambda: self._ensure_fresh_after(due_in), automatic=True)

    def _ensure_fresh_after(self, delay: float) -> Token:
        if delay > 0:
            self._waiting = True  # the card says "expiring" until the refresh really starts
            self.render()
            time.sleep(delay)
            self._waiting = False
            self.render()
        return self.conn.ensure_fresh()

    # ---- display ---------------------------------------------------------------------------------
    def render(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        token = self.token
        status = self.status(now)
        with self._lock:
            rotations, last, error = self._rotations, self._last_event, self._error
        lifetime = token.lifetime if token is not None else None
        remaining = token.expires_at.timestamp() - now if token and token.expires_at else None

        self.header.value = (
            f"<div style='display:flex;justify-content:space-between;gap:8px'>"
            f"<span><b>{esc(self.conn.adapter.title)}</b> &middot; {code(self.conn.name)}</span>"
            f"{badge(status)}</div>"
        )
        top = lifetime if lifetime and lifetime > 0 else 1.0
        self.progress.max = top
        self.progress.value = top if token and remaining is None else min(top, max(0.0, remaining or 0.0))
        self.progress.bar_style = BAR_STYLES.get(status, "")
        self.countdown.value = countdown_text(token, now)
        self.details.value = rows_table(self._facts(token, rotations, last), "oauthkit-facts")
        self.error_text.value = (
            f"<div style='color:{COLOURS[FAILED]};font-size:12px;line-height:1.35;white-space:normal'>"
            f"{esc(error)}</div>"
            if error
            else ""
        )
        self.refresh_button.disabled = self.busy

    def _facts(self, token: Token | None, rotations: int, last: Event | None) -> list[tuple[str, str]]:
        if token is None:
            rows = [("access token", "none yet")]
        else:
            refresh_expiry = short_when(token.refresh_expires_at) if token.refresh_expires_at else "not given"
            rows = [
                ("access token", code(token.fingerprint)),
                ("granted lifetime", esc(duration(token.lifetime))),
                ("refresh expires", esc(refresh_expiry)),
            ]
        if last is not None:
            rows.append(("last refresh", esc(f"{_event_time(last)}, {last.trigger}, {last.outcome}")))
        rows.append(("rotations", esc(rotations)))
        return rows
