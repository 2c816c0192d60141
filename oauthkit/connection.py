"""Connection: one account at one provider, the public object. It hands out the Authlib clients
that refresh through it; its record and persistence are ``keeper.py``'s, the single-flight
refresh ``single_flight.py``'s, the first-token flows ``first_tokens/``'s, the live registry
``live.py``'s."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from . import live, single_flight
from .adapter import Adapter
from .auth import ConnectionAuth, auth_for, authorization
from .clients import OAuth2Session, async_httpx_client_class, httpx_client_class
from .dialect import Dialect
from .discovery import discover, discovery_enabled
from .errors import ConfigError, OAuthKitError
from .keeper import Keeper
from .live import _listeners as _listeners  # the listeners, where tests look for them
from .redact import Redactor, add_secret_params
from .registry import get_adapter
from .retry import Retry
from .session import IDEMPOTENT_METHODS, Bridge
from .settings import SEED_SETTING, resolve
from .store import Event, Key, Record, Store, open_store
from .token import Token, default_leeway

if TYPE_CHECKING:
    import pandas as pd

    from .first_tokens import AuthorizationRequest, DeviceCode, DevicePending

log = logging.getLogger("oauthkit")

Listener = Callable[["Connection", Event], None]
# Whatever lifetime a provider grants, a connection sends at most about one token request per
# second on its own (``min_interval``); only a 401 for the token it just got may ask again sooner.
MIN_REFRESH_INTERVAL = 1.0


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener(connection, event)`` after every refresh attempt in this process.
    Returns a function that unsubscribes."""
    return live.subscribe(listener)


def live_connections() -> list[Connection]:
    return live.connections()



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
        self._leeway = leeway
        seed = settings.pop(SEED_SETTING, None)
        # Every secret this connection ever holds, for its whole life (never a bounded list).
        self._redact = Redactor([seed, *(v for k, v in settings.items() if k in adapter.secret_settings)])
        add_secret_params(_secret_wire_names(adapter))
        self._bridge = Bridge(adapter, settings, name, self._redact, insecure_ok=allow_insecure_http)
        self._session: OAuth2Session | None = None
        self._session_guard = threading.Lock()
        self._pid = os.getpid()
        self._keeper = Keeper(
            adapter, name, store, self._bridge, self._redact, live.weak_notifier(self), seed, min_interval
        )
        self._keeper.on_retry = live.weak_retry_notifier(self)
        self._bridge.warn_secret_in_url(log.warning)
        live.track(self)

    # ---- construction helpers ------------------------------------------------------------
    @property
    def min_interval(self) -> float:
        """Seconds between two token requests this connection sends on its own (tests pass 0)."""
        return self._keeper.min_interval

    @property
    def token(self) -> Token | None:
        return self._keeper.record.token

    @property
    def leeway(self) -> float:
        """Seconds before expiry at which a token counts as due for refresh."""
        token = self._keeper.record.token
        if self._leeway is not None:
            return self._leeway
        return default_leeway(token.lifetime if token else None)

    @property
    def rotations(self) -> int:
        return self._keeper.record.rotations

    @property
    def refresh_token(self) -> str | None:
        """The refresh token the next refresh sends (a secret: never print it)."""
        return self._keeper.record.refresh_token

    @property
    def pending_save(self) -> bool:
        """True while a token (or a log row) the store refused waits in memory to be saved."""
        return self._keeper.unsaved is not None

    def is_fresh(self, token: Token | None = None) -> bool:
        token = token if token is not None else self._keeper.record.token
        return token is not None and not token.is_expired(self.leeway)

    def refresh(self) -> Token:
        """Refresh now. Concurrent callers share one refresh (single-flight)."""
        # The baseline is the store's newest version, not the one this object last saw: a token
        # another process stored earlier is not a refresh made for this call. Only peeked: the
        # record changes under the lock alone (a rotated token waiting to be saved must win).
        seen = self._keeper.record.version
        if self._keeper.unsaved is None:
            stored = self.store.load(self.key)
            seen = max(seen, stored.version) if stored is not None else seen
        return self._refresh("manual", via=None, done=lambda: self._keeper.record.version != seen)

    def ensure_fresh(self) -> Token:
        """The current token, refreshed first only when expired or inside the leeway."""
        if self._keeper.unsaved is not None:
            self._keeper.save_unsaved(throttle=True)
        token = self._keeper.record.token
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

    @functools.cached_property
    def auth(self) -> ConnectionAuth:
        """A requests ``AuthBase`` and httpx ``Auth`` (sync and async) for any client: this
        connection's token, refreshed when due, and once more after a 401 on an idempotent call."""
        return auth_for(self)

    def headers(self) -> dict[str, str]:
        """``{"Authorization": "Bearer ..."}`` with a fresh token, for tools that take headers."""
        return {"Authorization": authorization(self.ensure_fresh(), self.key)}

    # ---- first tokens: delegated to oauthkit/authorize.py ------------------------------------
    def authorize(
        self,
        redirected_url: str | None = None,
        *,
        flow: str | None = None,
        redirect_uri: str | None = None,
        scope: str | None = None,
        params: Mapping[str, str] | None = None,
        listen: bool = True,
        open_browser: bool | Callable[[str], object] = False,
        on_code: Callable[[DeviceCode], object] | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> Token | AuthorizationRequest | DevicePending:
        """Obtain the first tokens and store them; returns the Token (or a pending handle).

        ``flow``: "loopback" (the redirect comes to a one-shot server on 127.0.0.1), "paste"
        (returns the ``AuthorizationRequest`` with its link; then
        ``conn.authorize("<the address the browser ended on>")``), "device" (RFC 8628: a code to
        enter on any device; ``on_code(code)`` or a notebook panel shows it; ``wait=False``
        returns a ``DevicePending`` with ``.done``, ``.result()``, ``.cancel()``), or None:
        loopback on a local kernel or with ``open_browser``, else device when the adapter has it,
        else paste
        (``oauthkit.first_tokens.choose``; ``OAUTHKIT_FLOW`` overrides). ``listen=False`` is the
        older spelling of ``flow="paste"``. The other options: ``oauthkit.first_tokens.authorize``.
        """
        from .first_tokens import authorize, authorize_device, choose_flow

        if redirected_url is not None:
            return authorize(self, redirected_url)
        if flow is None:  # open_browser says a browser is at hand: the redirect can come here
            flow = "paste" if not listen else "loopback" if open_browser else choose_flow(self.adapter)
        if flow == "device":
            return authorize_device(self, scope=scope, on_code=on_code, wait=wait, timeout=timeout)
        if flow not in ("loopback", "paste"):
            raise ConfigError(
                f"unknown flow {flow!r}",
                adapter=self.adapter.name,
                connection=self.name,
                hint="use flow='loopback', 'paste' or 'device' (or None to choose)",
            )
        return authorize(
            self,
            redirect_uri=redirect_uri,
            scope=scope,
            params=params,
            listen=flow == "loopback",
            open_browser=open_browser,
            timeout=300.0 if timeout is None else timeout,
        )

    def revoke(self) -> None:
        """Revoke the refresh token (and the access token where the adapter says so) at the
        provider (RFC 7009), then forget both here: a ``revoke`` row in the log, and the next
        call is a ConfigError saying how to get new tokens. On a failure nothing is forgotten."""
        from .revocation import revoke_spec, revoke_tokens

        t0 = time.monotonic()
        spec = revoke_spec(self.adapter, self.name)
        record = self._keeper.record
        tokens: list[tuple[str, str]] = []
        if record.refresh_token and spec.tokens != "access_token":
            tokens.append((record.refresh_token, "refresh_token"))
        if record.token is not None and (spec.tokens != "refresh_token" or not tokens):
            tokens.append((record.token.access_token, "access_token"))
        revoke_tokens(self.dialect, tokens, timeout=self.timeout, redact=self.redact)
        self._keeper.forget(t0, f"revoked at the provider ({len(tokens)} token(s))")

    def forget(self) -> None:
        """Forget the stored tokens here only (the grant stays valid at the provider)."""
        self._keeper.forget(time.monotonic(), "forgotten locally")

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
        return self._keeper.adopt_first_tokens(token, trigger, t0)

    def log_failure(self, error: OAuthKitError, trigger: str, t0: float) -> None:
        """Log a failed first-token request (its message is built from redacted parts already)."""
        self._keeper.log_error(error, trigger, 1, t0, str(error), trigger)

    def history(self) -> pd.DataFrame:
        """This connection's refresh attempts, oldest first (the store keeps them)."""
        from .refresh_log import to_frame

        return to_frame(self.store.events(self.key))

    def after_fork_in_child(self) -> None:
        """Called in a forked child (live.py): its sockets and locks are the parent's."""
        # Dropped, not closed: closing would touch connections the parent still uses.
        self._session = None
        self._session_guard = threading.Lock()
        self._keeper.local_lock = threading.Lock()
        self._pid = os.getpid()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        live.forget(self)

    def __repr__(self) -> str:
        return f"Connection({self.key}, {self._keeper.record.token!r}, store={self.store.url!r})"

    def _repr_html_(self) -> str:
        from .connection_html import connection_html

        return connection_html(self)

    # ---- the clients' hook ------------------------------------------------------------------
    def _trigger(self, token: Token | None) -> str:
        return "expired" if token is None or token.is_expired(0) else "proactive"

    def client_ready(self, client: Any) -> None:
        """Before a client's call (clients.TokenSource): refresh when due, hand it the token."""
        if self._keeper.unsaved is not None:
            self._keeper.save_unsaved(throttle=True)
        record = self._keeper.record
        if not self.is_fresh(record.token):
            self._refresh(self._trigger(record.token), via=client, done=self.is_fresh)
            record = self._keeper.record
        self._push(client, record)

    async def aclient_ready(self, client: Any) -> None:
        """``client_ready`` for the async client."""
        if self._keeper.unsaved is not None:
            self._keeper.save_unsaved(throttle=True)
        record = self._keeper.record
        if not self.is_fresh(record.token):
            await self._arefresh(self._trigger(record.token), via=client, done=self.is_fresh)
            record = self._keeper.record
        self._push(client, record)

    def retries_after_401(self, method: str) -> bool:
        """Whether a 401 on ``method`` refreshes once and retries once (``reactive_methods``)."""
        return method.upper() in self.reactive_methods

    def _replaced(self, failed_access_token: str | None) -> Callable[[], bool]:
        """Done once the token the API refused is no longer the current one."""
        keeper = self._keeper
        return lambda: (
            keeper.record.token is not None and keeper.record.token.access_token != failed_access_token
        )

    def client_unauthorized(self, client: Any, failed_access_token: str | None) -> None:
        """The API refused ``failed_access_token``: refresh unless someone already replaced it."""
        self._refresh("unauthorized", via=client, done=self._replaced(failed_access_token))
        self._push(client, self._keeper.record)

    async def aclient_unauthorized(self, client: Any, failed_access_token: str | None) -> None:
        """``client_unauthorized`` for the async client."""
        await self._arefresh("unauthorized", via=client, done=self._replaced(failed_access_token))
        self._push(client, self._keeper.record)

    @staticmethod
    def _push(client: Any, record: Record) -> None:
        if record.token is not None and not client.oauthkit_holds(record.version):
            client.oauthkit_adopt(record.token.to_authlib(), record.version)

    # ---- single-flight refresh -------------------------------------------------------------

    # ---- single-flight refresh (single_flight.py) --------------------------------------------
    def _refresh_client(self, via: Any) -> Any:
        # A client made before a fork shares its pool (sockets) with the parent: never refresh
        # through it in the child, or the two processes read each other's answers.
        if via is not None and not hasattr(via, "__aenter__") and self._pid == os.getpid():
            return via
        return self.session

    def _refresh(self, trigger: str, via: Any, done: Callable[[], bool]) -> Token:
        return single_flight.refresh(
            self._keeper,
            trigger,
            lambda: self._refresh_client(via),
            done,
            retry=self.retry,
            timeout=self.timeout,
        )

    async def _arefresh(self, trigger: str, via: Any, done: Callable[[], bool]) -> Token:
        return await single_flight.arefresh(
            self._keeper, trigger, via, done, retry=self.retry, timeout=self.timeout
        )


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
    if discovery_enabled(spec, values):  # the issuer's metadata names the token endpoint and auth method
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
    from .refresh_log import to_frame

    return to_frame(open_store(store).events())

