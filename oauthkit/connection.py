"""Connection: one account at one provider; its token lifecycle, single-flight refresh,
retries, the refresh log and the Authlib clients that refresh through it."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, overload

from . import live
from .adapter import Adapter
from .clients import OAuth2Session, async_httpx_client_class, httpx_client_class
from .dialect import Dialect
from .discovery import discover
from .errors import ConfigError, InvalidGrant, OAuthKitError, RefreshError, StoreError, frames_of
from .live import _listeners as _listeners  # the listeners, where tests look for them
from .redact import Redactor, add_secret_params
from .registry import get_adapter
from .retry import Retry
from .session import IDEMPOTENT_METHODS, Bridge, token_from_result, transport_error, transport_exceptions
from .settings import SEED_SETTING, resolve
from .store import Event, Key, LockGuard, Record, StaleWrite, Store, open_store
from .token import Token, default_leeway

if TYPE_CHECKING:
    import pandas as pd

    from .first_tokens import AuthorizationRequest

log = logging.getLogger("oauthkit")

Listener = Callable[["Connection", Event], None]
# Whatever lifetime a provider grants, a connection sends at most about one token request per
# second on its own (``min_interval``); only a 401 for the token it just got may ask again sooner.
MIN_REFRESH_INTERVAL = 1.0
# A failed save is tried again at most this often (seconds) while the token is in use.
_UNSAVED_RETRY_S = 1.0


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener(connection, event)`` after every refresh attempt in this process.
    Returns a function that unsubscribes."""
    return live.subscribe(listener)


def live_connections() -> list[Connection]:
    return live.connections()


def _seed_id(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Unsaved:
    """A token the provider issued that the store refused to keep (disk full, Redis down): it
    exists only in this process, so it is used, and saved again until the store takes it."""

    record: Record | None
    events: list[Event] = field(default_factory=list)
    replaces: str | None = None
    tried_at: float = 0.0


def _secret_wire_names(adapter: Adapter) -> set[str]:
    specs = [adapter.request]
    if adapter.authorize is not None:
        specs.append(adapter.authorize.exchange.request)
    if adapter.login is not None:
        specs.append(adapter.login.exchange.request)
    names = {*adapter.secret_settings, "refresh_token", "client_secret", "code", "code_verifier"}
    if adapter.login is not None:
        names.update(adapter.login.credentials)
    return {spec.wire(n) for spec in specs for n in names}


class Connection:
    """Use ``oauthkit.connect(...)`` to make one."""

    def __init__(
        self,
        adapter: Adapter,
        name: str,
        store: Store,
        settings: dict[str, str | None],
        *,
        leeway: float | None = None,
        timeout: float = 30.0,
        retry: Retry | None = None,
        allow_insecure_http: bool = False,
        reactive_methods: Collection[str] = IDEMPOTENT_METHODS,
        min_interval: float = MIN_REFRESH_INTERVAL,
    ) -> None:
        self.adapter = adapter
        self.name = name
        self.store = store
        self.key = Key(adapter.name, name)
        self.timeout = timeout
        self.retry = retry or Retry()
        self.reactive_methods = frozenset(m.upper() for m in reactive_methods)
        # Seconds between two token requests this connection sends on its own (tests pass 0).
        self.min_interval = min_interval
        self._leeway = leeway
        seed = settings.pop(SEED_SETTING, None)
        # Every secret this connection ever holds, for its whole life (never a bounded list).
        self._redact = Redactor([seed, *(v for k, v in settings.items() if k in adapter.secret_settings)])
        add_secret_params(_secret_wire_names(adapter))
        self._bridge = Bridge(adapter, settings, name, self._redact, insecure_ok=allow_insecure_http)
        self._session: OAuth2Session | None = None
        self._session_guard = threading.Lock()
        self._pid = os.getpid()
        self._local_lock = threading.Lock()
        self._unsaved: _Unsaved | None = None
        # The refresh token the provider declared dead, and its error: asked again only after
        # the stored token changes (another process refreshed, or the user authorized again).
        self._dead: tuple[str, InvalidGrant] | None = None
        self._last_request = -min_interval  # monotonic time the last token request left
        self._record = self._initial_record(seed)
        self._remember(self._record)
        self._bridge.warn_secret_in_url(log.warning)
        live.track(self)

    # ---- construction helpers ------------------------------------------------------------
    def _initial_record(self, seed: str | None) -> Record:
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

    def _remember(self, record: Record) -> None:
        token = record.token
        self._redact.add(
            record.refresh_token,
            token.access_token if token else None,
            token.refresh_token if token else None,
            token.id_token if token else None,
        )

    # ---- public API ----------------------------------------------------------------------
    @property
    def token(self) -> Token | None:
        return self._record.token

    @property
    def leeway(self) -> float:
        """Seconds before expiry at which a token counts as due for refresh."""
        token = self._record.token
        if self._leeway is not None:
            return self._leeway
        return default_leeway(token.lifetime if token else None)

    @property
    def rotations(self) -> int:
        return self._record.rotations

    @property
    def refresh_token(self) -> str | None:
        """The refresh token the next refresh sends (a secret: never print it)."""
        return self._record.refresh_token

    @property
    def pending_save(self) -> bool:
        """True while a token (or a log row) the store refused waits in memory to be saved."""
        return self._unsaved is not None

    def is_fresh(self, token: Token | None = None) -> bool:
        token = token if token is not None else self._record.token
        return token is not None and not token.is_expired(self.leeway)

    def refresh(self) -> Token:
        """Refresh now. Concurrent callers share one refresh (single-flight)."""
        seen = self._record.version
        return self._refresh("manual", via=None, done=lambda: self._record.version != seen)

    def ensure_fresh(self) -> Token:
        """The current token, refreshed first only when expired or inside the leeway."""
        if self._unsaved is not None:
            self._save_unsaved(throttle=True)
        token = self._record.token
        if token is not None and self.is_fresh(token):
            return token
        return self._refresh(self._trigger(token), via=None, done=self.is_fresh)

    @property
    def session(self) -> OAuth2Session:
        """A requests ``OAuth2Session`` (Authlib) that refreshes through this connection."""
        if self._session is None:
            with self._session_guard:
                if self._session is None:
                    self._session = OAuth2Session(self, self._bridge, self.leeway)
        return self._session

    def client(self, **kwargs: Any) -> Any:
        """A new Authlib httpx ``OAuth2Client`` that refreshes through this connection."""
        return httpx_client_class()(self, self._bridge, self.leeway, **kwargs)

    def async_client(self, **kwargs: Any) -> Any:
        """A new Authlib httpx ``AsyncOAuth2Client`` that refreshes through this connection."""
        return async_httpx_client_class()(self, self._bridge, self.leeway, **kwargs)

    # ---- first tokens: delegated to oauthkit/authorize.py ------------------------------------
    @overload
    def authorize(self, redirected_url: str) -> Token: ...
    @overload
    def authorize(
        self,
        redirected_url: None = None,
        *,
        redirect_uri: str | None = None,
        scope: str | None = None,
        params: Mapping[str, str] | None = None,
        listen: Literal[True] = True,
        open_browser: bool | Callable[[str], object] = False,
        timeout: float = 300.0,
    ) -> Token: ...
    @overload
    def authorize(
        self,
        redirected_url: None = None,
        *,
        redirect_uri: str | None = None,
        scope: str | None = None,
        params: Mapping[str, str] | None = None,
        listen: Literal[False],
        open_browser: bool | Callable[[str], object] = False,
        timeout: float = 300.0,
    ) -> AuthorizationRequest: ...
    def authorize(
        self,
        redirected_url: str | None = None,
        *,
        redirect_uri: str | None = None,
        scope: str | None = None,
        params: Mapping[str, str] | None = None,
        listen: bool = True,
        open_browser: bool | Callable[[str], object] = False,
        timeout: float = 300.0,
    ) -> Token | AuthorizationRequest:
        """Obtain the first tokens with the authorization code grant (state, PKCE) and store them.

        ``conn.authorize()`` shows the authorization link, receives the redirect on a one-shot
        server on 127.0.0.1 and returns the Token. ``conn.authorize(listen=False)`` only returns
        the link (remote notebooks); after approving, paste the address the browser ended on:
        ``conn.authorize("http://127.0.0.1:8765/callback?code=...&state=...")``. The options are
        described in ``oauthkit.first_tokens.authorize``.
        """
        from .first_tokens import authorize

        return authorize(
            self,
            redirected_url,
            redirect_uri=redirect_uri,
            scope=scope,
            params=params,
            listen=listen,
            open_browser=open_browser,
            timeout=timeout,
        )

    def login(self, **credentials: str) -> Token:
        """Obtain the first tokens with a password-style login and store them. The credentials
        are the adapter's declared ones (e.g. ``email=``, ``password=``), sent once, never stored."""
        from .first_tokens import login

        return login(self, credentials)

    # ---- what the first-token flows use (first_tokens.FirstTokenHost) ----------------------
    @property
    def dialect(self) -> Dialect:
        """The adapter's token requests with this connection's settings (endpoints, client auth)."""
        return self._bridge.dialect

    @property
    def bridge(self) -> Bridge:
        """The Authlib hooks this connection's clients refresh through (its ``token_url``,
        ``auth`` kind and ``settings``: read them, do not change them)."""
        return self._bridge

    def redact(self, text: str) -> str:
        """``text`` with every secret this connection ever held replaced by its fingerprint."""
        return self._redact(text)

    def adopt_first_tokens(self, token: Token, trigger: str, t0: float) -> Token:
        """Store the tokens a first-token flow obtained (``trigger``: authorize or login; ``t0``:
        the monotonic time its request left), replacing whatever was stored, and log the row."""
        event = self._ok_event(token, trigger, 1, t0, rotated=False)
        with self.store.lock(self.key):
            stored = self.store.load(self.key)
            record = Record(
                token=token,
                refresh_token=token.refresh_token,
                # The configured seed's fingerprint stays: that same (older) seed on a later run
                # must not replace these tokens; only a different seed does (DESIGN.md).
                seed_fp=self._record.seed_fp,
                version=max(self._record.version, stored.version if stored else 0) + 1,
            )
            # Unconditional: the user authorized again, whatever was stored is replaced.
            self.store.save(self.key, record, [event])
            self._remember(record)
            self._record = record
        log.info(
            "%s %s: access %s, lifetime %s s",
            self.key,
            trigger,
            token.fingerprint,
            None if token.lifetime is None else round(token.lifetime),
        )
        self._notify(event)
        return token

    def log_failure(self, error: OAuthKitError, trigger: str, t0: float) -> None:
        """Log a failed first-token request (its message is built from redacted parts already)."""
        self._log_error(error, trigger, 1, t0, str(error), trigger)

    def history(self) -> pd.DataFrame:
        """This connection's refresh attempts, oldest first (the store keeps them)."""
        from .log import to_frame

        return to_frame(self.store.events(self.key))

    def after_fork_in_child(self) -> None:
        """Called in a forked child (live.py): its sockets and locks are the parent's."""
        # Dropped, not closed: closing would touch connections the parent still uses.
        self._session = None
        self._session_guard = threading.Lock()
        self._local_lock = threading.Lock()
        self._pid = os.getpid()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        live.forget(self)

    def __repr__(self) -> str:
        return f"Connection({self.key}, {self._record.token!r}, store={self.store.url!r})"

    def _repr_html_(self) -> str:
        from .notebook.html import connection_html

        return connection_html(self)

    # ---- the clients' hook ------------------------------------------------------------------
    def _trigger(self, token: Token | None) -> str:
        return "expired" if token is None or token.is_expired(0) else "proactive"

    def client_ready(self, client: Any) -> None:
        """Before a client's call (clients.TokenSource): refresh when due, hand it the token."""
        if self._unsaved is not None:
            self._save_unsaved(throttle=True)
        record = self._record
        if not self.is_fresh(record.token):
            self._refresh(self._trigger(record.token), via=client, done=self.is_fresh)
            record = self._record
        self._push(client, record)

    async def aclient_ready(self, client: Any) -> None:
        """``client_ready`` for the async client."""
        if self._unsaved is not None:
            self._save_unsaved(throttle=True)
        record = self._record
        if not self.is_fresh(record.token):
            await self._arefresh(self._trigger(record.token), via=client, done=self.is_fresh)
            record = self._record
        self._push(client, record)

    def retries_after_401(self, method: str) -> bool:
        """Whether a 401 on ``method`` refreshes once and retries once (``reactive_methods``)."""
        return method.upper() in self.reactive_methods

    def _replaced(self, failed_access_token: str | None) -> Callable[[], bool]:
        """Done once the token the API refused is no longer the current one."""
        return lambda: (
            self._record.token is not None and self._record.token.access_token != failed_access_token
        )

    def client_unauthorized(self, client: Any, failed_access_token: str | None) -> None:
        """The API refused ``failed_access_token``: refresh unless someone already replaced it."""
        self._refresh("unauthorized", via=client, done=self._replaced(failed_access_token))
        self._push(client, self._record)

    async def aclient_unauthorized(self, client: Any, failed_access_token: str | None) -> None:
        """``client_unauthorized`` for the async client."""
        await self._arefresh("unauthorized", via=client, done=self._replaced(failed_access_token))
        self._push(client, self._record)

    @staticmethod
    def _push(client: Any, record: Record) -> None:
        if record.token is not None and not client.oauthkit_holds(record.version):
            client.oauthkit_adopt(record.token.to_authlib(), record.version)

    # ---- single-flight refresh -------------------------------------------------------------
    def _adopt_stored(self) -> None:
        """Another connection object or process may have refreshed: take the store's record,
        unless this process holds a newer token the store has not taken yet."""
        if self._unsaved is not None and not self._save_unsaved():
            return
        stored = self.store.load(self.key)
        if stored is not None and stored.version != self._record.version:
            self._record = stored
            self._remember(stored)

    def _save_unsaved(self, *, throttle: bool = False) -> bool:
        """Try again to save what the store refused; True once nothing is pending."""
        pending = self._unsaved
        if pending is None:
            return True
        now = time.monotonic()
        if throttle and now - pending.tried_at < _UNSAVED_RETRY_S:
            return False
        pending.tried_at = now
        try:
            if pending.record is None:
                self.store.append(pending.events)
            else:
                self.store.save(self.key, pending.record, pending.events, replaces=pending.replaces)
        except StaleWrite:
            # Someone stored a token meanwhile (they could not see ours): the store's wins.
            self._unsaved = None
            self.store.append(pending.events)
            log.warning("%s: a newer token was stored meanwhile; using it", self.key)
            return True
        except StoreError as exc:
            log.debug("%s: the store still refuses the pending save: %s", self.key, exc)
            return False
        self._unsaved = None
        log.warning("%s: the store works again; the token kept in memory is saved", self.key)
        return True

    def _keep_unsaved(self, record: Record | None, events: list[Event], replaces: str | None) -> None:
        pending = self._unsaved
        if pending is None:
            self._unsaved = _Unsaved(record, events, replaces, time.monotonic())
            return
        pending.events.extend(events)
        if record is not None:
            if pending.record is None:
                pending.replaces = replaces
            pending.record = record  # the newest record; the compare-and-set keeps the oldest base

    @contextmanager
    def _locked(self) -> Iterator[LockGuard | None]:
        """The store's refresh lock and its guard; while a token only this process knows awaits
        its save, the in-process lock suffices when the store cannot lock (nobody else can send
        that token), and there is no guard to check."""
        try:
            lock = self.store.lock(self.key)
            guard = lock.__enter__()
        except StoreError:
            if self._unsaved is None or self._unsaved.record is None:
                raise
            with self._local_lock:
                yield None
            return
        try:
            yield guard
        finally:
            lock.__exit__(None, None, None)

    def _check_dead(self) -> None:
        """Raise at once, sending nothing, while the refresh token is one the provider refused."""
        dead = self._dead
        if dead is None:
            return
        if self._record.refresh_token == dead[0]:
            self._adopt_stored()  # a read, not a token request: has anyone stored a new one?
        if self._record.refresh_token == dead[0]:
            raise dead[1].again()
        self._dead = None

    def _too_soon(self, trigger: str) -> float:
        """Seconds until this connection may send another token request on its own."""
        if trigger == "unauthorized":  # the API refused the token we just got: ask once more
            return 0.0
        return max(0.0, self._last_request + self.min_interval - time.monotonic())

    def _refresh_client(self, via: Any) -> Any:
        # A client made before a fork shares its pool (sockets) with the parent: never refresh
        # through it in the child, or the two processes read each other's answers.
        if via is not None and not hasattr(via, "__aenter__") and self._pid == os.getpid():
            return via
        return self.session

    def _refresh(self, trigger: str, via: Any, done: Callable[[], bool]) -> Token:
        """Refresh under the store's lock, unless ``done()`` says another thread, connection
        object or process did it while we waited (single-flight)."""
        self._check_dead()
        with self._locked() as guard:
            self._adopt_stored()
            if done() and self._record.token is not None:
                return self._record.token
            self._check_dead()
            wait = self._too_soon(trigger)
            if wait > 0:
                if trigger != "manual" and self._record.token is not None:
                    return self._record.token
                time.sleep(wait)
            client = self._refresh_client(via)
            attempts = _Attempts(self, trigger)
            while True:
                sent = attempts.begin()
                if guard is not None:  # never send a refresh token after losing the lock
                    guard.ensure_held()
                try:
                    result = client.refresh_token(
                        self._bridge.token_url, refresh_token=sent, timeout=self.timeout
                    )
                    token = token_from_result(result)
                except Exception as exc:  # every failure becomes a typed, logged error ...
                    failure: BaseException = exc
                else:
                    return attempts.succeeded(token)
                # ... handled out here, so the library's exception is not its __context__
                time.sleep(attempts.failed(failure))

    async def _arefresh(self, trigger: str, via: Any, done: Callable[[], bool]) -> Token:
        import anyio

        self._check_dead()
        free = self.store.try_lock(self.key)
        lock: AbstractContextManager[LockGuard | None]
        guard: LockGuard | None
        if free is not None:
            lock = free
            guard = lock.__enter__()  # free and in-process: taken at once, no thread needed
        else:
            # A thread/file/Redis lock that may block: wait for it off the event loop; shielded,
            # so a cancelled task never leaves it taken.
            lock = self._locked()
            with anyio.CancelScope(shield=True):
                guard = await anyio.to_thread.run_sync(lock.__enter__)
        try:
            self._adopt_stored()
            if done() and self._record.token is not None:
                return self._record.token
            self._check_dead()
            wait = self._too_soon(trigger)
            if wait > 0:
                if trigger != "manual" and self._record.token is not None:
                    return self._record.token
                await anyio.sleep(wait)
            attempts = _Attempts(self, trigger)
            while True:
                sent = attempts.begin()
                if guard is not None and guard.needs_io:  # never send after losing the lock
                    await anyio.to_thread.run_sync(guard.ensure_held)  # a Redis round trip
                elif guard is not None:
                    guard.ensure_held()
                try:
                    result = await via.refresh_token(
                        self._bridge.token_url, refresh_token=sent, timeout=self.timeout
                    )
                    token = token_from_result(result)
                except Exception as exc:
                    failure: BaseException = exc
                else:
                    return attempts.succeeded(token)
                await anyio.sleep(attempts.failed(failure))
        finally:
            lock.__exit__(None, None, None)

    def _need(self, refresh_token: str | None) -> str:
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

    def _reauthorize_hint(self) -> str:
        """What to do about a dead refresh token, for how this connection got its tokens."""
        env = self.adapter.env_name(SEED_SETTING, self.name)
        flow = (
            "conn.authorize()"
            if self.adapter.authorize is not None
            else "conn.login(...)"
            if self.adapter.login is not None
            else None
        )
        if flow is not None and self._record.seed_fp is None:
            return f"run {flow} again to get new tokens"  # no seed: the tokens came from that flow
        if flow is not None:
            return f"run {flow} again, or authorize again and set {env} to the new refresh token"
        return f"authorize again and set {env} to the new refresh token"

    def _event(self, trigger: str, outcome: str, attempt: int, t0: float, **fields: Any) -> Event:
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

    def _ok_event(self, token: Token, trigger: str, attempt: int, t0: float, rotated: bool) -> Event:
        return self._event(
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

    def _succeeded(self, token: Token, sent: str | None, trigger: str, attempt: int, t0: float) -> Token:
        rotated = token.refresh_token is not None and token.refresh_token != sent
        record = replace(
            self._record,
            token=token,
            refresh_token=token.refresh_token,
            version=self._record.version + 1,
            rotations=self._record.rotations + int(rotated),
        )
        event = self._ok_event(token, trigger, attempt, t0, rotated)
        self._remember(record)
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
            if self._unsaved is not None:
                raise StoreError("an earlier save is still pending")  # keep the order of saves
            self.store.save(self.key, record, [event], replaces=sent)
        except StaleWrite:
            self.store.append([event])
            self._adopt_stored()
            log.warning("%s: a newer token was stored meanwhile; using it", self.key)
            if self._record.token is not None:
                return self._record.token
            raise
        except StoreError as exc:
            # The provider has rotated: the new token exists only here now. Losing it would
            # revoke the family, so it is kept, used, and saved as soon as the store works.
            self._keep_unsaved(record, [event], sent)
            self._record = record
            self._notify(event)
            log.error("%s: refreshed, but the store refused the new token: %s", self.key, exc)
            raise StoreError(
                "the provider issued a new token but the store could not save it",
                adapter=self.adapter.name,
                connection=self.name,
                detail=exc.detail or exc.message,
                hint="oauthkit keeps using it from memory and saves it as soon as the store works "
                "again; fix the store (disk space, permissions, Redis) before this kernel stops",
            ) from None
        self._record = record
        log.info(
            "%s refreshed (%s): access %s, lifetime %s s, rotated %s",
            self.key,
            trigger,
            token.fingerprint,
            None if token.lifetime is None else round(token.lifetime),
            rotated,
        )
        self._notify(event)
        return token

    def _failed(self, exc: BaseException, trigger: str, attempt: int, t0: float) -> OAuthKitError:
        if isinstance(exc, InvalidGrant):
            error: OAuthKitError = exc.with_hint(self._reauthorize_hint())
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
        self._log_error(error, trigger, attempt, t0, detail, f"refresh attempt {attempt}")
        return error

    def _log_error(
        self, error: OAuthKitError, trigger: str, attempt: int, t0: float, detail: str, what: str
    ) -> None:
        """The error row of a failed token request (a refresh or a first-token flow), logged and
        announced; while an earlier save is pending, the row waits with it."""
        event = self._event(
            trigger,
            "error",
            attempt,
            t0,
            http_status=error.status,
            error=type(error).__name__,
            detail=detail,
        )
        try:
            if self._unsaved is not None:
                raise StoreError("an earlier save is still pending")
            self.store.append([event])
        except StoreError:
            self._keep_unsaved(None, [event], None)  # the log row waits with the pending save
        log.warning("%s %s failed: %s", self.key, what, detail)
        self._notify(event)

    def _notify(self, event: Event) -> None:
        live.notify(self, event)


class _Attempts:
    """The attempts of one refresh, shared by the sync and async paths: which refresh token to
    send, the log row of each attempt, when to retry, and the one re-read after InvalidGrant."""

    def __init__(self, conn: Connection, trigger: str) -> None:
        self.conn = conn
        self.trigger = trigger
        self.started = time.monotonic()
        self.attempt = 0
        self.reread = False
        self.sent: str | None = None
        self.t0 = self.started

    def begin(self) -> str:
        self.attempt += 1
        self.t0 = time.monotonic()
        self.sent = self.conn._record.refresh_token
        sent = self.conn._need(self.sent)
        self.conn._last_request = self.t0
        return sent

    def succeeded(self, token: Token) -> Token:
        return self.conn._succeeded(token, self.sent, self.trigger, self.attempt, self.t0)

    def failed(self, exc: BaseException) -> float:
        """Seconds to wait before the next attempt; raises the typed error when there is none."""
        error = self.conn._failed(exc, self.trigger, self.attempt, self.t0)
        wait = self.conn.retry.delay(self.attempt, error, time.monotonic() - self.started)
        if wait is not None:
            return wait
        if isinstance(error, InvalidGrant) and not self.reread:
            # Never retried blindly: another process may have rotated it; try once with theirs.
            self.reread = True
            self.conn._adopt_stored()
            if self.conn._record.refresh_token != self.sent:
                return 0.0
        if isinstance(error, InvalidGrant) and self.sent is not None:
            self.conn._dead = (self.sent, error)
        raise error  # outside any except block (see the loops): no library exception chained


def connect(
    adapter: str | Adapter,
    name: str = "default",
    store: str | Store | None = None,
    env_file: str | None = None,
    leeway: float | None = None,
    *,
    timeout: float = 30.0,
    retry: Retry | None = None,
    allow_insecure_http: bool = False,
    reactive_methods: Collection[str] = IDEMPOTENT_METHODS,
    min_interval: float = MIN_REFRESH_INTERVAL,
    **settings: Any,
) -> Connection:
    """Connect to a provider: settings from keywords, the environment and ``.env``; the token
    from the store when it holds a newer one than the ``refresh_token`` seed. ``min_interval``:
    the fewest seconds between two token requests the connection sends on its own."""
    spec = adapter if isinstance(adapter, Adapter) else get_adapter(adapter)
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ConfigError(
            f"bad connection name {name!r}",
            adapter=spec.name,
            hint="use letters, digits, '-' and '_'",
        )
    values = resolve(spec, name, settings, env_file)
    if spec.discovery is not None:  # the issuer's metadata names the token endpoint and auth method
        found = discover(spec, name, values, timeout=timeout, insecure_ok=allow_insecure_http)
        values.update({key: value for key, value in found.items() if not values.get(key)})
    return Connection(
        spec,
        name,
        open_store(store),
        values,
        leeway=leeway,
        timeout=timeout,
        retry=retry,
        allow_insecure_http=allow_insecure_http,
        reactive_methods=reactive_methods,
        min_interval=min_interval,
    )


def history(store: str | Store | None = None) -> pd.DataFrame:
    """Every refresh attempt recorded in a store (the default store when None)."""
    from .log import to_frame

    return to_frame(open_store(store).events())
