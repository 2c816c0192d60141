"""The token record of one connection and everything that keeps it: its store reads and writes,
the token a failing store refused (kept in memory and saved later), the refresh token the
provider declared dead, the one-request-a-second floor, and the log row of every attempt.

``Connection`` owns one ``Keeper``; the refresh loops (``single_flight.py``) and the first-token
flows (through ``Connection.adopt_first_tokens``) change the record only through it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from .adapter import Adapter
from .errors import ConfigError, InvalidGrant, OAuthKitError, RefreshError, StoreError, frames_of
from .redact import Redactor
from .session import Bridge, transport_error, transport_exceptions
from .settings import SEED_SETTING
from .store import Event, Key, LockGuard, Record, StaleWrite, Store
from .token import Token

log = logging.getLogger("oauthkit")

# A failed save is tried again at most this often (seconds) while the token is in use.
UNSAVED_RETRY_S = 1.0


def _seed_id(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]


@dataclass
@dataclass
class _Unsaved:
    """A token the provider issued that the store refused to keep (disk full, Redis down): it
    exists only in this process, so it is used, and saved again until the store takes it."""

    record: Record | None
    events: list[Event] = field(default_factory=list)
    replaces: str | None = None
    tried_at: float = 0.0


class Keeper:
    """One connection's record and its persistence (see the module docstring)."""

    def __init__(
        self,
        adapter: Adapter,
        name: str,
        store: Store,
        bridge: Bridge,
        redact: Redactor,
        notify: Callable[[Event], None],
        seed: str | None,
        min_interval: float,
    ) -> None:
        self.adapter = adapter
        self.name = name
        self.store = store
        self.key = Key(adapter.name, name)
        self._bridge = bridge
        self._redact = redact
        self.notify = notify
        # Told (attempt, attempts, seconds) before each retry's wait: the dashboard says so.
        self.on_retry: Callable[[int, int, float], None] | None = None
        # Seconds between two token requests the connection sends on its own.
        self.min_interval = min_interval
        self.local_lock = threading.Lock()
        self.unsaved: _Unsaved | None = None
        # The refresh token the provider declared dead, and its error: asked again only after
        # the stored token changes (another process refreshed, or the user authorized again).
        self.dead: tuple[str, InvalidGrant] | None = None
        self.last_request = -min_interval  # monotonic time the last token request left
        self.record = self.initial_record(seed)
        self.remember(self.record)

    @property
    def token_url(self) -> str:
        return self._bridge.token_url

    def initial_record(self, seed: str | None) -> Record:
        stored = self.store.load(self.key)
        seed_id = _seed_id(seed) if seed else None
        if stored is not None and (seed_id is None or stored.seed_fp == seed_id):
            return stored  # a newer, rotated token beats the seed it grew from
        if seed is None:
            # Nothing yet: the first tokens may come from conn.authorize() / conn.login(), so the
            # missing refresh token is an error only when a refresh is attempted (_need).
            return Record(token=None, refresh_token=None)
        # A different seed means the user authorized again: it replaces what was stored.
        record = Record(
            token=None,
            refresh_token=seed,
            seed_fp=seed_id,
            version=(stored.version + 1) if stored else 1,
        )
        self.store.save(self.key, record)
        return record

    def remember(self, record: Record) -> None:
        token = record.token
        self._redact.add(
            record.refresh_token,
            token.access_token if token else None,
            token.refresh_token if token else None,
            token.id_token if token else None,
        )

    # ---- public API ----------------------------------------------------------------------

    def adopt_stored(self) -> None:
        """Another connection object or process may have refreshed: take the store's record,
        unless this process holds a newer token the store has not taken yet."""
        if self.unsaved is not None and not self.save_unsaved():
            return
        stored = self.store.load(self.key)
        if self.unsaved is not None:  # refused meanwhile (by another thread): ours is the newest
            return
        if stored is not None and stored.version != self.record.version:
            self.record = stored
            self.remember(stored)

    def save_unsaved(self, *, throttle: bool = False) -> bool:
        """Try again to save what the store refused; True once nothing is pending."""
        pending = self.unsaved
        if pending is None:
            return True
        now = time.monotonic()
        if throttle and now - pending.tried_at < UNSAVED_RETRY_S:
            return False
        pending.tried_at = now
        try:
            if pending.record is None:
                self.store.append(pending.events)
            else:
                self.store.save(self.key, pending.record, pending.events, replaces=pending.replaces)
        except StaleWrite:
            # Someone stored a token meanwhile (they could not see ours): the store's wins.
            self.unsaved = None
            self.store.append(pending.events)
            log.warning("%s: a newer token was stored meanwhile; using it", self.key)
            return True
        except StoreError as exc:
            log.debug("%s: the store still refuses the pending save: %s", self.key, exc)
            return False
        self.unsaved = None
        log.warning("%s: the store works again; the token kept in memory is saved", self.key)
        return True

    def keep_unsaved(self, record: Record | None, events: list[Event], replaces: str | None) -> None:
        pending = self.unsaved
        if pending is None:
            self.unsaved = _Unsaved(record, events, replaces, time.monotonic())
            return
        pending.events.extend(events)
        if record is not None:
            if pending.record is None:
                pending.replaces = replaces
            pending.record = record  # the newest record; the compare-and-set keeps the oldest base

    @contextmanager
    def locked(self) -> Iterator[LockGuard | None]:
        """The store's refresh lock and its guard; while a token only this process knows awaits
        its save, the in-process lock suffices when the store cannot lock (nobody else can send
        that token), and there is no guard to check."""
        try:
            lock = self.store.lock(self.key)
            guard = lock.__enter__()
        except StoreError:
            if self.unsaved is None or self.unsaved.record is None:
                raise
            with self.local_lock:
                yield None
            return
        try:
            yield guard
        finally:
            lock.__exit__(None, None, None)

    def check_dead(self) -> None:
        """Raise at once, sending nothing, while the refresh token is one the provider refused."""
        dead = self.dead
        if dead is None:
            return
        if self.record.refresh_token == dead[0]:
            self.adopt_stored()  # a read, not a token request: has anyone stored a new one?
        if self.record.refresh_token == dead[0]:
            raise dead[1].again()
        self.dead = None

    def too_soon(self, trigger: str) -> float:
        """Seconds until this connection may send another token request on its own."""
        if trigger == "unauthorized":  # the API refused the token we just got: ask once more
            return 0.0
        return max(0.0, self.last_request + self.min_interval - time.monotonic())

    def need(self, refresh_token: str | None) -> str:
        if not refresh_token:
            env = self.adapter.env_name(SEED_SETTING, self.name)
            first = (
                ", or call conn.authorize()"
                if self.adapter.authorize is not None
                else ", or call conn.login(...)"
                if self.adapter.login is not None
                else ""
            )
            raise ConfigError(
                "no refresh token: the store has none for this connection",
                adapter=self.adapter.name,
                connection=self.name,
                hint=f"set {env} in .env or the environment, pass refresh_token=... to connect(){first}",
            )
        return refresh_token

    def reauthorize_hint(self) -> str:
        """What to do about a dead refresh token, for how this connection got its tokens."""
        env = self.adapter.env_name(SEED_SETTING, self.name)
        flow = (
            "conn.authorize()"
            if self.adapter.authorize is not None
            else "conn.login(...)"
            if self.adapter.login is not None
            else None
        )
        if flow is not None and self.record.seed_fp is None:
            return f"run {flow} again to get new tokens"  # no seed: the tokens came from that flow
        if flow is not None:
            return f"run {flow} again, or authorize again and set {env} to the new refresh token"
        return f"authorize again and set {env} to the new refresh token"

    def event(self, trigger: str, outcome: str, attempt: int, t0: float, **fields: Any) -> Event:
        return Event(
            at=time.time(),
            connection=self.name,
            adapter=self.adapter.name,
            trigger=trigger,
            outcome=outcome,
            attempt=attempt,
            latency_ms=(time.monotonic() - t0) * 1000.0,
            **fields,
        )

    def ok_event(self, token: Token, trigger: str, attempt: int, t0: float, rotated: bool) -> Event:
        return self.event(
            trigger,
            "ok",
            attempt,
            t0,
            http_status=200,
            expires_at=token.expires_at.timestamp() if token.expires_at else None,
            lifetime_s=token.lifetime,
            rotated=rotated,
            refresh_expires_at=token.refresh_expires_at.timestamp() if token.refresh_expires_at else None,
            access_fp=token.fingerprint,
        )

    def succeeded(self, token: Token, sent: str | None, trigger: str, attempt: int, t0: float) -> Token:
        rotated = token.refresh_token is not None and token.refresh_token != sent
        record = replace(
            self.record,
            token=token,
            refresh_token=token.refresh_token,
            version=self.record.version + 1,
            rotations=self.record.rotations + int(rotated),
        )
        event = self.ok_event(token, trigger, attempt, t0, rotated)
        self.remember(record)
        took_ms = event.latency_ms or 0.0
        if token.lifetime is not None and token.lifetime * 1000 < took_ms:
            log.warning(
                "%s: the provider granted a lifetime of %.3f s, shorter than the refresh took (%.0f ms); "
                "oauthkit will not ask more than about once a second",
                self.key,
                token.lifetime,
                took_ms,
            )
        # Durable before anyone can use it: a rotated refresh token must survive a crash. The
        # compare-and-set refuses to overwrite a newer token written by someone whose lock
        # outlived ours (a Redis lock that timed out); theirs then wins.
        try:
            if self.unsaved is not None:
                raise StoreError("an earlier save is still pending")  # keep the order of saves
            self.store.save(self.key, record, [event], replaces=sent)
        except StaleWrite:
            self.store.append([event])
            self.adopt_stored()
            log.warning("%s: a newer token was stored meanwhile; using it", self.key)
            if self.record.token is not None:
                return self.record.token
            raise
        except StoreError as exc:
            # The provider has rotated: the new token exists only here now. Losing it would
            # revoke the family, so it is kept, used, and saved as soon as the store works.
            self.keep_unsaved(record, [event], sent)
            self.record = record
            self.notify(event)
            log.error("%s: refreshed, but the store refused the new token: %s", self.key, exc)
            raise StoreError(
                "the provider issued a new token but the store could not save it",
                adapter=self.adapter.name,
                connection=self.name,
                detail=exc.detail or exc.message,
                hint="oauthkit keeps using it from memory and saves it as soon as the store works "
                "again; fix the store (disk space, permissions, Redis) before this kernel stops",
            ) from None
        self.record = record
        if log.isEnabledFor(logging.INFO):  # its arguments cost more than the check, every refresh
            log.info(
                "%s refreshed (%s): access %s, lifetime %s s, rotated %s",
                self.key,
                trigger,
                token.fingerprint,
                None if token.lifetime is None else round(token.lifetime),
                rotated,
            )
        self.notify(event)
        return token

    def failed(self, exc: BaseException, trigger: str, attempt: int, t0: float) -> OAuthKitError:
        if isinstance(exc, InvalidGrant):
            error: OAuthKitError = exc.with_hint(self.reauthorize_hint())
        elif isinstance(exc, OAuthKitError):
            error = exc
        elif isinstance(exc, transport_exceptions()):
            error = transport_error(exc, self._bridge)
        else:
            error = RefreshError(
                "refresh failed unexpectedly",
                adapter=self.adapter.name,
                connection=self.name,
                detail=type(exc).__name__,
                hint="this is a bug in oauthkit or the adapter; the stored token was kept",
            )
            # Not chained: its message may quote a URL or a body. The frames (no values) help.
            log.debug("%s: unexpected %s at\n%s", self.key, type(exc).__name__, frames_of(exc))
        detail = self._redact(str(error))
        self.log_error(error, trigger, attempt, t0, detail, f"refresh attempt {attempt}")
        return error

    def log_error(
        self, error: OAuthKitError, trigger: str, attempt: int, t0: float, detail: str, what: str
    ) -> None:
        """The error row of a failed token request (a refresh or a first-token flow), logged and
        announced; while an earlier save is pending, the row waits with it."""
        event = self.event(
            trigger,
            "error",
            attempt,
            t0,
            http_status=error.status,
            error=type(error).__name__,
            detail=detail,
            extra=self._error_extra(error, detail),
        )
        try:
            if self.unsaved is not None:
                raise StoreError("an earlier save is still pending")
            self.store.append([event])
        except StoreError:
            self.keep_unsaved(None, [event], None)  # the log row waits with the pending save
        log.warning("%s %s failed: %s", self.key, what, detail)
        self.notify(event)

    def _error_extra(self, error: OAuthKitError, detail: str) -> dict[str, Any]:
        """For this process's listeners only (``extra`` is never stored): the hint apart, and the
        provider's whole text where the message holds a cut of it (the dashboard's "more")."""
        full = detail
        if error.provider_text and error.detail and error.provider_text != error.detail:
            full = f"{detail}\n\nThe whole answer: {self._redact(error.provider_text)}"
        return {"hint": self._redact(error.hint) if error.hint else None, "full": full}

    def adopt_first_tokens(self, token: Token, trigger: str, t0: float) -> Token:
        """Store the tokens a first-token flow obtained, replacing whatever was stored."""
        event = self.ok_event(token, trigger, 1, t0, rotated=False)
        with self.store.lock(self.key):
            stored = self.store.load(self.key)
            record = Record(
                token=token,
                refresh_token=token.refresh_token,
                # The configured seed's fingerprint stays: that same (older) seed on a later run
                # must not replace these tokens; only a different seed does (docs/DESIGN.md).
                seed_fp=self.record.seed_fp,
                version=max(self.record.version, stored.version if stored else 0) + 1,
            )
            # Unconditional: the user authorized again, whatever was stored is replaced.
            self.store.save(self.key, record, [event])
            self.remember(record)
            self.record = record
        log.info(
            "%s %s: access %s, lifetime %s s",
            self.key,
            trigger,
            token.fingerprint,
            None if token.lifetime is None else round(token.lifetime),
        )
        self.notify(event)
        return token

    def forget(self, t0: float, detail: str) -> None:
        """Drop the stored tokens (a revocation, or the user's wish) and log a ``revoke`` row; the
        seed's fingerprint stays, so the same (dead) seed setting is not taken up again."""
        event = self.event("revoke", "ok", 1, t0, detail=detail)
        # A rotated token still waiting for the store must not come back after this.
        self.unsaved = None
        with self.store.lock(self.key):
            stored = self.store.load(self.key)
            record = Record(
                token=None,
                refresh_token=None,
                seed_fp=self.record.seed_fp,
                version=max(self.record.version, stored.version if stored else 0) + 1,
            )
            self.store.save(self.key, record, [event])
            self.record = record
        log.info("%s tokens forgotten: %s", self.key, detail)
        self.notify(event)


__all__ = ["UNSAVED_RETRY_S", "Keeper"]
