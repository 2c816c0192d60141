"""One connection's background work for every dashboard of the kernel: auto-refresh, the
commands clicked in a view, and what the card knows beyond the connection (retries, failures,
a re-authorization in progress).

There is one ``Worker`` per connection (store URL and key) per kernel, however many dashboards
show it; its thread exists only while auto-refresh is on, sleeps until the next refresh is due
(no per-second tick) and ends when the last view lets go (``oauthkit.notebook.hub``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import InvalidGrant, OAuthKitError, describe_error
from .view_state import CardState, card, finite, token_from_event

if TYPE_CHECKING:
    from ..connection import Connection
    from ..store import Event

log = logging.getLogger("oauthkit")

# After a failed automatic refresh, wait this long (doubling, capped) before the next try: a
# provider that is down must not be hammered once a second, and a dead grant not at all.
AUTO_BACKOFF_S = 2.0
AUTO_BACKOFF_MAX_S = 60.0


class Worker:
    def __init__(self, conn: Connection, on_change: Callable[[Worker], None]) -> None:
        self.conn = conn
        self.state = CardState()
        self._on_change = on_change
        self._cond = threading.Condition(threading.RLock())
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._busy = False
        self._backoff_until = 0.0

    # ---- what the views read ----------------------------------------------------------------
    def card(self) -> dict[str, Any]:
        with self._cond:
            self.state.next_refresh_at = finite(self._due()) if self.state.auto else None
            return card(self.conn, self.state)

    def _changed(self) -> None:
        try:
            self._on_change(self)
        except Exception:  # a view that fails to update must not break a refresh thread
            log.exception("oauthkit dashboard update failed")

    # ---- news from the connection, other objects and other processes ------------------------
    def on_event(self, source: Connection | None, event: Event) -> None:
        with self._cond:
            if self.state.last is None or event.at >= self.state.last.at:
                self.state.last = event
            if event.outcome == "ok":
                self.state.failures = 0
                self.state.retry = None
                self._backoff_until = 0.0
                if event.trigger == "revoke":
                    self.state.revoked_at = event.at
                    self.state.seen_token = None
                else:
                    seen = token_from_event(event)
                    if seen is not None:
                        self.state.seen_token = seen
                        self.state.revoked_at = None
                if event.trigger in ("authorize", "device", "login"):
                    self.state.authorize = {"kind": "done"} if self.state.authorize else None
            else:
                self.state.failures += 1
            self._cond.notify_all()  # a new token moves the next refresh
        self._changed()

    def on_retry(self, attempt: int, attempts: int, wait: float) -> None:
        with self._cond:
            self.state.retry = {"attempt": attempt, "of": attempts, "next_at": time.time() + wait}
        self._changed()

    # ---- commands ----------------------------------------------------------------------------
    def refresh_now(self) -> None:
        self._spawn(lambda: self.conn.refresh(), "oauthkit-refresh")

    def set_auto(self, on: bool) -> None:
        with self._cond:
            self.state.auto = on
            self._backoff_until = 0.0
            if on and not self._stopped and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(
                    target=self._auto_loop, name=f"oauthkit-auto-{self.conn.key}", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
        self._changed()

    def reauthorize(self) -> None:
        """Run the first-token flow ``conn.authorize()`` would pick, showing its link or its
        device code in the card instead of the cell that is not running."""
        from ..first_tokens import choose_flow
        from ..first_tokens.device_view import qr_svg

        conn = self.conn
        flow = choose_flow(conn.adapter)

        def show_link(url: str) -> None:
            with self._cond:
                self.state.authorize = {"kind": "link", "url": url}
            self._changed()

        def show_code(code: Any) -> None:
            link = code.verification_uri_complete or code.verification_uri
            with self._cond:
                self.state.authorize = {
                    "kind": "device",
                    "user_code": code.user_code,
                    "verification_uri": code.verification_uri,
                    "verification_uri_complete": code.verification_uri_complete,
                    "expires_at": time.time() + code.remaining,
                    "qr_svg": qr_svg(link),
                }
            self._changed()

        def run() -> Any:
            if flow == "device":
                return conn.authorize(flow="device", on_code=show_code, wait=True)
            return conn.authorize(flow="loopback", open_browser=show_link)

        self._spawn(run, "oauthkit-authorize", phase="authorizing")

    def _spawn(self, action: Callable[[], Any], name: str, phase: str = "refreshing") -> None:
        with self._cond:
            if self._busy:
                return  # one action at a time per connection; the connection is single-flight too
            self._busy = True
            self.state.phase = phase
        self._changed()
        threading.Thread(target=self._run, args=(action, phase), name=name, daemon=True).start()

    def _run(self, action: Callable[[], Any], phase: str) -> None:
        try:
            action()
        except Exception as exc:  # shown in the card (its log row); never escapes a thread
            if not isinstance(exc, OAuthKitError):
                log.exception("%s: dashboard action failed", self.conn.key)
            if phase == "authorizing":
                with self._cond:
                    self.state.authorize = {"kind": "failed", "message": describe_error(exc)}
        finally:
            with self._cond:
                self._busy = False
                self.state.phase = "idle"
                self.state.retry = None
                self._cond.notify_all()
            self._changed()

    # ---- auto-refresh ----------------------------------------------------------------------
    def _due(self) -> float | None:
        """When auto-refresh refreshes next: the token's leeway, or after a failure's backoff."""
        token = self.card_token()
        if token is None:
            due = time.time()
        elif token.get("expires_at") is None:
            return None
        else:
            due = float(token["expires_at"]) - self.conn.leeway
        return max(due, self._backoff_until)

    def card_token(self) -> dict[str, Any] | None:
        token: dict[str, Any] | None = card(self.conn, self.state)["token"]
        return token

    def _auto_loop(self) -> None:
        while True:
            with self._cond:
                if self._stopped or not self.state.auto:
                    self._thread = None
                    return
                due = self._due()
                wait = None if due is None else due - time.time()
                if self._busy or wait is None or wait > 0:
                    self._cond.wait(None if wait is None or self._busy else min(wait, 3600.0))
                    continue
                self._busy = True
                self.state.phase = "refreshing"
            self._changed()
            self._auto_once()

    def _auto_once(self) -> None:
        try:
            self.conn.ensure_fresh()
        except Exception as exc:
            if not isinstance(exc, OAuthKitError):
                log.exception("%s: automatic refresh failed", self.conn.key)
            with self._cond:
                if isinstance(exc, InvalidGrant):
                    self._backoff_until = float("inf")  # dead until a new grant arrives (on_event)
                else:
                    n = max(1, self.state.failures)
                    self._backoff_until = time.time() + min(AUTO_BACKOFF_MAX_S, AUTO_BACKOFF_S * 2 ** (n - 1))
        finally:
            with self._cond:
                self._busy = False
                self.state.phase = "idle"
                self.state.retry = None
            self._changed()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    @property
    def threads(self) -> int:
        thread = self._thread
        return 1 if thread is not None and thread.is_alive() else 0


__all__ = ["Worker"]
