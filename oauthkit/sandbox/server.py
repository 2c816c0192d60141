"""The base emulator: routing, request recording, faults, grants and the protected resource.

A provider module subclasses `Emulator`, names its paths and writes `handle_token` the way
its documentation reads; everything a provider does not document lives here.
"""

from __future__ import annotations

import bisect
import contextlib
import enum
import hmac
import math
import secrets
import threading
import time
import traceback
import urllib.request
from dataclasses import replace
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from .authorization import Codes, Policy
from .datasets import CSV_PATH, JSON_PATH, PATHS, dataset
from .faults import Fault, FaultQueue, make_fault
from .httpd import Incoming, SandboxHTTPServer
from .records import RecordedRequest, Reply, json_reply, parse_request
from .registry import AccessToken, Grant, RefreshToken, Registry


class _Default(enum.Enum):
    VALUE = "default"


DEFAULT = _Default.VALUE


class Emulator:
    """A local stand-in for one provider's refresh endpoint, running until `close()`.

    Constructing one starts its server on 127.0.0.1 (a free port unless `port` is given).
    """

    name: ClassVar[str] = ""
    # Paths below are relative to the server root; base_path is what base_url adds to it.
    base_path: ClassVar[str] = ""
    token_path: ClassVar[str] = ""
    api_paths: ClassVar[tuple[str, ...]] = ()
    setting_keys: ClassVar[tuple[str, ...]] = (
        "base_url",
        "client_id",
        "client_secret",
        "refresh_token",
    )
    default_access_lifetime: ClassVar[float] = 3600.0
    default_refresh_lifetime: ClassVar[float | None] = None
    default_rotation: ClassVar[bool] = True
    # The scope every grant carries; a provider with an option for it sets it per instance.
    scope: str = ""
    # First tokens: the authorization endpoint (code grant) or a login endpoint, when documented.
    authorize_path: ClassVar[str | None] = None
    login_path: ClassVar[str | None] = None
    pkce_methods: ClassVar[tuple[str, ...]] = ()  # empty: PKCE undocumented, parameters ignored
    default_code_lifetime: ClassVar[float] = 600.0
    pkce_required: bool = False  # per instance: Auth0 requires PKCE from public applications

    def __init__(
        self,
        *,
        access_lifetime: float | None = None,
        refresh_lifetime: float | _Default | None = DEFAULT,
        client_id: str | None = None,
        client_secret: str | None = None,
        rotation: bool | None = None,
        consent: bool = True,
        code_lifetime: float | None = None,
        port: int = 0,
    ) -> None:
        self.access_lifetime = float(
            self.default_access_lifetime if access_lifetime is None else access_lifetime
        )
        if self.access_lifetime <= 0:
            raise ValueError("access_lifetime must be > 0")
        self.refresh_lifetime = (
            self.default_refresh_lifetime if refresh_lifetime is DEFAULT else refresh_lifetime
        )
        if self.refresh_lifetime is not None and self.refresh_lifetime <= 0:
            raise ValueError("refresh_lifetime must be > 0 or None")
        self.client_id = client_id or "sandbox-client-" + secrets.token_hex(4)
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.rotation = self.default_rotation if rotation is None else bool(rotation)
        # The test user approves every authorization request; set False to have them refuse.
        self.consent = bool(consent)
        self.code_lifetime = float(self.default_code_lifetime if code_lifetime is None else code_lifetime)
        if self.code_lifetime <= 0:
            raise ValueError("code_lifetime must be > 0")
        self._codes = Codes()

        # One lock for all token state: a refresh is a read-check-write that must be atomic
        # (two concurrent refreshes with one rotating token must not both succeed).
        self._lock = threading.RLock()
        self._registry = Registry()
        self._faults = FaultQueue()
        self._records_lock = threading.Lock()
        self._record_seqs: list[int] = []
        self._records: list[RecordedRequest] = []
        self._next_seq = 0
        self._closed = False
        self._sub = self.new_subject()
        self._initial_refresh_token = self.new_grant()

        self._server = SandboxHTTPServer(port, self._dispatch)
        self.port = self._server.port
        self.origin = f"http://127.0.0.1:{self.port}"
        self._server.start(self.name)

    # -- public API ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.origin + self.base_path

    @property
    def token_url(self) -> str:
        return self.origin + self.token_path

    @property
    def api_url(self) -> str:
        return self.origin + self.api_paths[0]

    @property
    def csv_url(self) -> str:
        """A small protected table as CSV (``datasets.py``), behind the API's bearer check."""
        return self.origin + CSV_PATH

    @property
    def json_url(self) -> str:
        """The same table as a JSON list of records."""
        return self.origin + JSON_PATH

    @property
    def settings(self) -> dict[str, str]:
        values = {
            "base_url": self.base_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self._initial_refresh_token,
        }
        return {key: values[key] for key in self.setting_keys}

    @property
    def client_settings(self) -> dict[str, str]:
        """What a user has before their first tokens: everything in ``settings`` but the refresh
        token (the application's registration), for ``conn.authorize()`` / ``conn.login()``."""
        return {key: value for key, value in self.settings.items() if key != "refresh_token"}

    @property
    def authorize_url(self) -> str:
        if self.authorize_path is None:
            raise AttributeError(f"the {self.name} emulator has no authorization endpoint")
        return self.origin + self.authorize_path

    def browse(self, url: str) -> None:
        """Play the user's browser: open ``url`` on a background thread and follow every redirect,
        as a browser does after the test user approves (``conn.authorize(open_browser=p.browse)``)."""

        def follow() -> None:
            # No proxies: the redirect goes to a loopback server that only this machine can reach.
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            # Like a browser, it shows an error page on failure; the flow reports what went wrong.
            with contextlib.suppress(OSError, ValueError):
                opener.open(url, timeout=30).close()

        threading.Thread(target=follow, name=f"oauthkit-sandbox-browser-{self.name}", daemon=True).start()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._records_lock:
            return list(self._records)

    @property
    def token_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.kind == "token"]

    def clear_requests(self) -> None:
        with self._records_lock:
            self._record_seqs.clear()
            self._records.clear()

    def fail(
        self,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        content_type: str | None = None,
    ) -> None:
        self._faults.add_fault(make_fault(status, body, headers=headers, content_type=content_type), times)

    def delay(self, seconds: float, *, times: int = 1) -> None:
        self._faults.add_delay(seconds, times)

    def rate_limit(self, *, times: int = 1, reset_in: float = 2) -> None:
        self._faults.add_fault(Fault(429, rate_limit_reset_in=reset_in), times)

    def new_grant(self) -> str:
        with self._lock:
            grant = self._registry.add_grant(Grant(self._sub, self.scope))
            return self.issue_refresh(grant).value

    def revoke_all(self) -> None:
        with self._lock:
            self._registry.revoke_all()

    def revoke_access_tokens(self) -> None:
        """The protected resource answers 401 to every access token issued so far (as after a
        password change or a key rotation), while refresh tokens keep working."""
        with self._lock:
            self._registry.revoke_access()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.stop()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        # Never the secret or any token: reprs end up in notebook output and CI logs.
        state = "closed" if getattr(self, "_closed", True) else "open"
        origin = getattr(self, "origin", "unstarted")
        client_id = getattr(self, "client_id", None)
        return f"<{type(self).__name__} {self.name} {origin} client_id={client_id!r} {state}>"

    # -- hooks for provider modules -------------------------------------------------------

    def handle_token(self, req: RecordedRequest) -> Reply:
        """Answer a token-endpoint request. Called with the token lock held."""
        raise NotImplementedError

    def unauthorized(self) -> Reply:
        """The protected resource's answer to a missing, unknown or expired access token."""
        return json_reply(
            401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )

    def not_found(self) -> Reply:
        return json_reply(404, {"error": "not_found"})

    def method_not_allowed(self, allow: str) -> Reply:
        return json_reply(405, {"error": "method_not_allowed"}, {"Allow": allow})

    def handle_other(self, req: RecordedRequest) -> Reply:
        return self.not_found()

    def handle_login(self, req: RecordedRequest) -> Reply:
        """Answer a login request (password-style providers). Called with the token lock held."""
        return self.not_found()

    def rate_limited(self, reset_in: float) -> Reply:
        return json_reply(429, {"error": "too_many_requests"}, {"Retry-After": str(math.ceil(reset_in))})

    def new_subject(self) -> str:
        return "user-" + secrets.token_hex(6)

    def mint_access(self, grant: Grant, issued_at: float, expires_at: float) -> str:
        return secrets.token_urlsafe(32)

    def mint_refresh(self, grant: Grant, issued_at: float, expires_at: float | None) -> str:
        return secrets.token_urlsafe(32)

    def expiry(self, issued_at: float, lifetime: float) -> float:
        return issued_at + lifetime

    # -- helpers for provider modules ----------------------------------------------------

    def client_matches(self, client_id: str | None, client_secret: str | None) -> bool:
        return _same(client_id, self.client_id) and _same(client_secret, self.client_secret)

    def client_id_matches(self, client_id: str | None) -> bool:
        return _same(client_id, self.client_id)

    def find_refresh(self, value: str | None) -> RefreshToken | None:
        return self._registry.refresh(value)

    def issue_access(self, grant: Grant, scope: str | None = None) -> AccessToken:
        now = time.time()
        expires_at = self.expiry(now, self.access_lifetime)
        value = self.mint_access(grant, now, expires_at)
        scope = grant.scope if scope is None else scope
        return self._registry.add_access(AccessToken(value, grant, scope, now, expires_at))

    def issue_refresh(self, grant: Grant) -> RefreshToken:
        now = time.time()
        lifetime = self.refresh_lifetime
        expires_at = None if lifetime is None else self.expiry(now, lifetime)
        value = self.mint_refresh(grant, now, expires_at)
        return self._registry.add_refresh(RefreshToken(value, grant, now, expires_at))

    def rotate(self, token: RefreshToken) -> RefreshToken:
        """Spend `token` and return its successor in the same family."""
        token.rotated_at = time.time()
        return self.issue_refresh(token.grant)

    def delete_refresh(self, token: RefreshToken) -> None:
        self._registry.delete_refresh(token)

    def revoke_family(self, grant: Grant) -> None:
        grant.revoked = True

    def exchange_code(
        self, code: str | None, client_id: str | None, redirect_uri: str | None, verifier: str | None
    ) -> Grant | str:
        """Spend an authorization code: the new grant its tokens belong to, or why not.
        The provider module checks the client's credentials and renders the answer."""
        found = self._codes.redeem(code, client_id, redirect_uri, verifier, time.time())
        if isinstance(found, str):
            return found
        grant = self._registry.add_grant(Grant(self._sub, found.scope))
        found.redeemed = grant
        return grant

    # -- request handling ------------------------------------------------------------------

    def _kind(self, path: str) -> str:
        if path == self.token_path:
            return "token"
        if path == self.authorize_path:
            return "authorize"
        if path == self.login_path:
            return "login"
        return "api" if path in self.api_paths or path in PATHS else "other"

    def _dispatch(self, incoming: Incoming) -> Reply:
        req = parse_request(
            incoming.method,
            incoming.target,
            incoming.headers,
            incoming.body,
            kind=self._kind(urlsplit(incoming.target).path),
            at=incoming.at,
        )
        with self._records_lock:
            seq = self._next_seq
            self._next_seq += 1
        try:
            reply = self._answer(req)
        except Exception:
            reply = json_reply(500, {"error": "sandbox_error", "detail": traceback.format_exc()})
        self._record(seq, replace(req, status=reply.status))
        return reply

    def _answer(self, req: RecordedRequest) -> Reply:
        # Queued faults hit the endpoints that issue tokens: the token endpoint (refresh and code
        # exchange) and a login endpoint.
        if req.kind in ("token", "login"):
            delay, fault = self._faults.take()
            if delay:
                time.sleep(delay)
            if fault is not None:
                return self._fault_reply(fault)
            with self._lock:
                return self.handle_token(req) if req.kind == "token" else self.handle_login(req)
        if req.kind == "authorize":
            policy = Policy(self.pkce_methods, self.pkce_required, self.scope, self.code_lifetime)
            with self._lock:
                return self._codes.authorize(
                    req,
                    policy=policy,
                    client_ok=self.client_id_matches,
                    consent=self.consent,
                    now=time.time(),
                )
        if req.kind == "api":
            return self._protected_resource(req)
        return self.handle_other(req)

    def _fault_reply(self, fault: Fault) -> Reply:
        if fault.rate_limit_reset_in is not None:
            return self.rate_limited(fault.rate_limit_reset_in)
        return Reply(fault.status, fault.body, fault.content_type, fault.headers)

    def _protected_resource(self, req: RecordedRequest) -> Reply:
        now = time.time()
        with self._lock:
            token = self._registry.access(req.bearer)
            # Authentication runs before routing, as in the providers' API gateways: a dead
            # token gets 401 whatever the method.
            if token is None or not token.valid(now):
                return self.unauthorized()
            if req.method not in ("GET", "HEAD"):
                return self.method_not_allowed("GET")
            table = dataset(req.path)
            if table is not None:
                return table
            return json_reply(
                200,
                {
                    "provider": self.name,
                    "sub": token.grant.sub,
                    "scope": token.scope,
                    "expires_in": round(token.expires_at - now, 3),
                },
            )

    def _record(self, seq: int, record: RecordedRequest) -> None:
        # Ordered by arrival even when a delayed request finishes after a later one.
        with self._records_lock:
            index = bisect.bisect(self._record_seqs, seq)
            self._record_seqs.insert(index, seq)
            self._records.insert(index, record)


def _same(given: str | None, expected: str) -> bool:
    if given is None:
        return False
    # RFC 6749 §2.3.1 form-encodes credentials before Basic; some clients do, some don't.
    return any(
        hmac.compare_digest(candidate.encode(), expected.encode()) for candidate in {given, unquote(given)}
    )
