"""An emulator for any adapter, driven by a plain description of its wire (``WireSpec``).

The hand-written emulators follow their provider's pages; this one follows whatever an adapter
says, so that every adapter, shipped or user-written, can be tried offline. It checks what the
adapter promises to send (method, where the parameters go, their wire names, the client
authentication, fixed parameters and headers) and answers in the adapter's own shape (dotted
paths, a status wrapper, a form body, expiry as seconds or an instant). Fidelity to the real
provider is the contract tests' job, not this module's.

The description is plain data (built by ``oauthkit.emulate`` from an adapter): the sandbox
imports nothing of oauthkit. Settings values may hold ``{origin}``, ``{client_id}``,
``{client_secret}`` and ``{refresh_token}``, filled in once the server runs.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar
from urllib.parse import urlencode

from .devices import DeviceCodes
from .records import RecordedRequest, Reply, json_reply, seconds
from .registry import Grant
from .server import Emulator

WireSpec = Mapping[str, Any]
# RFC 8628 section 3.5's answers for each state of a code (and RFC 6749's for an unknown one).
_DEVICE_ERRORS = {
    "unknown": ("invalid_grant", "unknown or used device code"),
    "expired": ("expired_token", "the device code expired"),
    "pending": ("authorization_pending", "the user has not answered yet"),
    "denied": ("access_denied", "the user refused"),
}
_DEVICE_FIELDS = (
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
    "expires_in",
    "interval",
)


def emulator_class(wire: WireSpec) -> type[WireEmulator]:
    """A class of its own per adapter: paths and names are class attributes, as on the others."""
    attrs = {
        "name": wire["name"],
        "token_path": wire["token_path"],
        "authorize_path": wire.get("authorize_path"),
        "pkce_methods": tuple(wire.get("pkce_methods", ())),
        "wire": wire,
        "default_rotation": wire["rotation"] != "never",
    }
    return type(f"WireEmulator[{wire['name']}]", (WireEmulator,), attrs)


class WireEmulator(Emulator):
    """Answers refreshes and code exchanges the way ``wire`` describes; see the module docstring."""

    wire: ClassVar[WireSpec] = {}
    api_paths = ("/sandbox/me",)

    def __init__(
        self,
        *,
        device_lifetime: float = 600.0,
        device_interval: float = 1.0,
        device_approval_delay: float = 0.0,
        **options: Any,
    ) -> None:
        # The device flow's test user: answers (consent=...) once device_approval_delay passed.
        self.device_lifetime = float(device_lifetime)
        self.device_interval = float(device_interval)
        self.device_approval_delay = float(device_approval_delay)
        # Before the server starts (the base class starts it): a poll may come at once.
        consent = bool(options.get("consent", True))
        self._devices = DeviceCodes(device_lifetime, device_approval_delay, consent)
        super().__init__(**options)

    @property
    def settings(self) -> dict[str, str]:
        values = {
            "origin": self.origin,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self._initial_refresh_token,
        }
        return {name: str(value).format_map(values) for name, value in self.wire["settings"].items()}

    # ---- routing ---------------------------------------------------------------------------
    def _kind(self, path: str) -> str:
        if path in self.wire.get("exchange_paths", ()):
            return "token"
        return super()._kind(path)

    def handle_other(self, req: RecordedRequest) -> Reply:
        device, revoke = self.wire.get("device"), self.wire.get("revoke")
        if device and req.path == self._path(device["path"]) and req.method == "POST":
            with self._lock:
                return self._device_code(req, device)
        if req.path == "/device":  # the verification page the test user never needs
            return Reply(200, b"<p>Enter the code shown by the application.</p>", "text/html")
        if revoke and req.path == self._path(revoke["path"]):
            with self._lock:
                return self._revoke(req, revoke)
        discovery = self.wire.get("discovery")
        if discovery and req.path == discovery["path"] and req.method in ("GET", "HEAD"):
            doc = {k: str(v).format(origin=self.origin) for k, v in discovery["document"].items()}
            methods = ["client_secret_basic", "client_secret_post", "none"]
            return json_reply(200, {**doc, "token_endpoint_auth_methods_supported": methods})
        return self.not_found()

    def _path(self, template: str) -> str:
        """A path that names the client (GitHub's /applications/{client_id}/grant), filled in."""
        return template.replace("{client_id}", self.client_id)

    # ---- the token endpoint ----------------------------------------------------------------
    def handle_token(self, req: RecordedRequest) -> Reply:
        exchange = self.wire.get("exchange")
        grant = self._param(req, self.wire, "grant_type")
        device = self.wire.get("device")
        if device and grant is not None and grant == device["poll"]["grant_type"]:
            return self._device_poll(req, device["poll"])
        if exchange and grant is not None and grant == exchange["grant_type"]:
            return self._exchange(req, exchange)
        problem = self._request_problem(req, self.wire)
        if problem is not None:
            return self._error(400, "invalid_request", problem)
        if self.wire["grant_type"] is not None and grant != self.wire["grant_type"]:
            return self._error(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")
        token = self.find_refresh(self._param(req, self.wire, "refresh_token"))
        why = "unknown refresh token" if token is None else token.problem(time.time())
        if token is None or why is not None:
            if token is not None and token.rotated_at is not None:
                self.revoke_family(token.grant)  # reuse of a rotated token: as the careful providers do
            dead = self.wire["errors"]
            message = f"{dead['invalid_grant_message']} ({why})"
            return self._error(dead["invalid_grant_status"], dead["invalid_grant_code"], message)
        successor = self.rotate(token) if self.rotation else None
        return self._answer_with(self.wire["answer"], token.grant, successor.value if successor else None)

    def _exchange(self, req: RecordedRequest, exchange: WireSpec) -> Reply:
        problem = self._request_problem(req, exchange)
        if problem is not None:
            return self._error(400, "invalid_request", problem)
        client_id = req.basic_auth[0] if req.basic_auth else self._param(req, exchange, "client_id")
        found = self.exchange_code(
            self._param(req, exchange, "code"),
            client_id,
            self._param(req, exchange, "redirect_uri"),
            self._param(req, exchange, "code_verifier"),
        )
        if isinstance(found, str):
            return self._error(400, "invalid_grant", found)
        return self._answer_with(exchange["answer"], found, self.issue_refresh(found).value)

    # ---- the device flow (RFC 8628) and revocation (RFC 7009) -----------------------------
    def _device_code(self, req: RecordedRequest, device: WireSpec) -> Reply:
        spec = {**device["poll"], "params": {}, "grant_type": None}
        problem = self._client_problem(req, spec)
        if problem is not None:
            return self._error(401, "invalid_client", problem)
        code = self._devices.issue()
        names = {k: device["fields"].get(k, k) for k in _DEVICE_FIELDS}
        body = {
            names["device_code"]: code.device_code,
            names["user_code"]: code.user_code,
            names["verification_uri"]: self.origin + "/device",
            names["verification_uri_complete"]: f"{self.origin}/device?user_code={code.user_code}",
            names["expires_in"]: seconds(self.device_lifetime),
            names["interval"]: seconds(self.device_interval),
        }
        return json_reply(200, body)

    def _device_poll(self, req: RecordedRequest, poll: WireSpec) -> Reply:
        problem = self._client_problem(req, poll)
        if problem is not None:
            return self._error(401, "invalid_client", problem)
        state = self._devices.answer(self._param(req, poll, "device_code"))
        if state != "approved":
            code, text = _DEVICE_ERRORS[state]
            return self._error(400, code, text)
        grant = self._registry.add_grant(Grant(self._sub, self.scope))
        return self._answer_with(poll["answer"], grant, self.issue_refresh(grant).value)

    def _revoke(self, req: RecordedRequest, spec: WireSpec) -> Reply:
        problem = self._client_problem(req, spec)
        if problem is not None:
            return self._error(401, "invalid_client", problem)
        value = self._raw(req, spec, spec["token_param"])
        refresh = self.find_refresh(value)
        access = self._registry.access(value)
        if refresh is not None:
            self.revoke_family(refresh.grant)  # RFC 7009 section 2.1: the whole grant may go
        elif access is not None:
            self.revoke_family(access.grant)
        return Reply(200, b"", "")  # 200 also for an unknown token (section 2.2)

    def _request_problem(self, req: RecordedRequest, spec: WireSpec) -> str | None:
        """What the request got wrong against the adapter's own promises, or None."""
        if req.method != spec["method"]:
            return f"expected {spec['method']}, got {req.method}"
        where = {"query": req.query, "form": req.form, "json": req.json}[spec["encoding"]]
        if spec["encoding"] != "query" and where is None:
            return f"expected a {spec['encoding']} body (Content-Type {req.content_type or 'absent'})"
        for name, value in spec.get("headers", {}).items():
            if req.headers.get(name.lower()) != value:
                return f"expected header {name}: {value}"
        for name, value in spec.get("params", {}).items():
            if self._raw(req, spec, name) != value:
                return f"expected parameter {name}={value}"
        return self._client_problem(req, spec)

    def _client_problem(self, req: RecordedRequest, spec: WireSpec) -> str | None:
        auth = spec["client_auth"]
        client_id = self._param(req, spec, "client_id")
        secret = self._param(req, spec, "client_secret")
        if auth == "any":  # chosen by a setting or by discovery: any RFC 6749 form will do
            auth = "basic" if req.basic_auth else ("body" if secret else "public")
        if auth == "basic":
            ok = req.basic_auth is not None and self.client_matches(*req.basic_auth)
        elif auth == "body":
            ok = self.client_matches(client_id, secret)
        elif auth == "public":
            ok = self.client_id_matches(client_id) and not secret
        else:
            ok = True
        return None if ok else f"client authentication failed ({auth})"

    @staticmethod
    def _raw(req: RecordedRequest, spec: WireSpec, wire_name: str) -> str | None:
        if spec["encoding"] == "query":
            values = req.query.get(wire_name)
            return values[-1] if values else None
        return req.param(wire_name)

    def _param(self, req: RecordedRequest, spec: WireSpec, name: str) -> str | None:
        return self._raw(req, spec, spec["names"].get(name, name))

    # ---- answers ---------------------------------------------------------------------------
    def _answer_with(self, shape: WireSpec, grant: Grant, refresh: str | None) -> Reply:
        access = self.issue_access(grant)
        body: dict[str, Any] = {}
        _put(body, shape["access_token"], access.value)
        if refresh is not None and shape.get("refresh_token"):
            _put(body, shape["refresh_token"], refresh)
        for key, value in (("token_type", "Bearer"), ("scope", grant.scope)):
            if shape.get(key):
                _put(body, shape[key], value)
        if shape.get("expires"):
            spec = shape["expires"]
            _put(body, spec["field"], _when(spec, access.issued_at, self.access_lifetime))
        if shape.get("refresh_expires") and self.refresh_lifetime is not None:
            spec = shape["refresh_expires"]
            _put(body, spec["field"], _when(spec, access.issued_at, self.refresh_lifetime))
        for path in shape.get("extra", ()):
            _put(body, path, "sandbox-" + path.rsplit(".", 1)[-1])
        if shape.get("status_field"):
            _put(body, shape["status_field"], shape["ok_status"])
        return self._reply(200, body, shape.get("encoding", "json"))

    def _error(self, status: int, code: str, message: str) -> Reply:
        errors = self.wire["errors"]
        body: dict[str, Any] = {}
        _put(body, errors["code_field"], code)
        if errors.get("message_field"):  # None: one field holds both, and it holds the code
            _put(body, errors["message_field"], message)
        if errors.get("status_field"):
            # A wrapped provider answers errors with HTTP 200 and a failing status.
            _put(body, errors["status_field"], status if status != errors["ok_status"] else -1)
            status = 200
        return self._reply(status, body, self.wire["answer"].get("encoding", "json"))

    @staticmethod
    def _reply(status: int, body: dict[str, Any], encoding: str) -> Reply:
        if encoding == "form":
            flat = {k: v for k, v in body.items() if not isinstance(v, dict)}
            return Reply(status, urlencode(flat).encode("ascii"), "application/x-www-form-urlencoded")
        return json_reply(status, body)


def _put(body: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, creating objects on the way (a number part makes a one-item list)."""
    node: Any = body
    parts = path.split(".")
    for part, after in itertools.pairwise(parts):
        child: Any = [] if after.isdigit() else {}
        if isinstance(node, list):
            if not node:
                node.append(child)
            node = node[-1]
        else:
            node = node.setdefault(part, child)
    if isinstance(node, list):
        node.append(value)
    else:
        node[parts[-1]] = value


def _when(spec: Mapping[str, Any], issued_at: float, lifetime: float) -> Any:
    if spec.get("kind", "seconds") == "seconds":
        return seconds(lifetime)
    end = issued_at + lifetime
    fmt = spec.get("format")
    if fmt == "epoch_ms":
        return int(end * 1000)
    if fmt == "iso8601":
        return datetime.fromtimestamp(end, tz=timezone.utc).isoformat().replace("+00:00", "Z")
    return int(end)
