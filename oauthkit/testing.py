"""Contract tests from documentation: replay a provider's documented refresh example.

An author copies the provider's documented example — the request (method, path, which
parameters go where, the client auth) and the answer (its body) — and ``verify`` runs the
adapter against a local server on 127.0.0.1 that records the request and answers the example::

    from oauthkit.testing import verify

    token = verify("oauth2", {  # RFC 6749 section 6 and 5.1
        "request": {"method": "POST", "path": "/token",
                    "headers": {"Authorization": "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"},
                    "form": {"grant_type": "refresh_token",
                             "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA"}},
        "response": {"body": {"access_token": "2YotnFZFEjr1zCsicMWpAA", "expires_in": 3600,
                              "token_type": "Bearer"}},
        "expect": {"lifetime": 3600},
    })

``verify`` returns the Token the adapter read, or raises ``ContractMismatch`` (an
AssertionError) whose message lines up what the page documents (``-``) against what the adapter
sent (``+``). An example with an error status makes ``verify`` raise the typed error the adapter
turns it into (``InvalidGrant``, ``ProviderError``, ...), once the request matched.

The settings the connection needs are taken from the example itself: the refresh token and the
client credentials from where the page shows them, and the URL setting (``base_url``,
``token_url``, a discovery ``issuer``) pointed at the local server. ``settings`` in the example
adds or overrides any of them; ``"{server}"`` in a value is the local server's root URL.
"""

from __future__ import annotations

import base64
import binascii
import copy
import difflib
import json
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .adapter import Adapter, Expiry, template_fields
from .errors import MalformedResponse, OAuthKitError
from .sandbox.httpd import Incoming, SandboxHTTPServer
from .sandbox.records import RecordedRequest, Reply, parse_request
from .token import Token

# A value an author has still to copy from the documentation (the scaffold writes these).
TODO = "TODO"
SERVER = "{server}"
_LIFETIME_TOLERANCE_S = 1.0
_TOKEN_FIELDS = ("access_token", "refresh_token", "token_type", "scope", "id_token")
_TIMES = ("lifetime", "refresh_lifetime")

__all__ = [
    "ContractError",
    "ContractMismatch",
    "DocumentedRequest",
    "DocumentedResponse",
    "Example",
    "load_adapter",
    "verify",
]


class ContractError(AssertionError):
    """The example or the adapter cannot be checked (unfilled example, nothing sent, ...)."""


class ContractMismatch(ContractError):
    """The adapter sent something else than the documentation shows, or read the answer otherwise."""

    def __init__(self, message: str, documented: list[str], sent: list[str]) -> None:
        super().__init__(message)
        self.documented = documented
        self.sent = sent


@dataclass(frozen=True)
class DocumentedRequest:
    """The refresh request as the page shows it. Parameter values are strings (a list for a
    name repeated in a query or form); ``json`` is the documented JSON body."""

    method: str = "POST"
    path: str = "/"
    query: Mapping[str, str | list[str]] = field(default_factory=dict)
    form: Mapping[str, str | list[str]] | None = None
    json: Mapping[str, Any] | None = None
    basic: tuple[str, str] | None = None  # HTTP Basic (user, password)
    headers: Mapping[str, str] = field(default_factory=dict)  # other headers the page requires


@dataclass(frozen=True)
class DocumentedResponse:
    """The answer as the page shows it. ``now``: the ISO-8601 instant at which the page's
    absolute expiry times were current (they are moved forward by the time since)."""

    body: Any
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    now: str | None = None


@dataclass(frozen=True)
class Example:
    """One documented refresh exchange, plus what the Token read from it must hold.

    ``expect`` keys: access_token, refresh_token, token_type, scope, id_token (exact) and
    lifetime, refresh_lifetime (seconds, within a second). ``discovery``: fields of the metadata
    document served to an adapter with discovery (``token_endpoint`` defaults to the request).
    """

    request: DocumentedRequest
    response: DocumentedResponse
    settings: Mapping[str, str] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)
    discovery: Mapping[str, Any] | None = None
    source: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Example:
        top = _keys(data, "example", ("request", "response", "settings", "expect", "discovery", "source"))
        req = _keys(
            top.get("request"), "request", ("method", "path", "query", "form", "json", "basic", "headers")
        )
        res = _keys(top.get("response"), "response", ("body", "status", "headers", "now"))
        headers = dict(req.get("headers") or {})
        basic = _basic(req.get("basic"), headers)
        if "body" not in res:
            raise ContractError("example field 'response.body' is required: the documented answer")
        expect = dict(top.get("expect") or {})
        unknown = sorted(set(expect) - {*_TOKEN_FIELDS, *_TIMES})
        if unknown:
            raise ContractError(
                f"example field 'expect.{unknown[0]}' is unknown; use {', '.join((*_TOKEN_FIELDS, *_TIMES))}"
            )
        return cls(
            request=DocumentedRequest(
                method=str(req.get("method", "POST")).upper(),
                path=str(req.get("path", "/")),
                query=dict(req.get("query") or {}),
                form=req.get("form"),
                json=req.get("json"),
                basic=basic,
                headers=headers,
            ),
            response=DocumentedResponse(
                body=res["body"],
                status=int(res.get("status", 200)),
                headers=dict(res.get("headers") or {}),
                now=res.get("now"),
            ),
            settings=dict(top.get("settings") or {}),
            expect=expect,
            discovery=top.get("discovery"),
            source=str(top.get("source", "")),
        )


def load_adapter(path: str | Path) -> Adapter:
    """Validate the adapter module at ``path`` without registering it (for a contract test)."""
    from .registry import load_file

    return load_file(Path(path))


def verify(adapter: Adapter | str | Path | Mapping[str, Any], example: Example | Mapping[str, Any]) -> Token:
    """Run ``adapter`` against a local server answering ``example``; the Token it reads."""
    __tracebackhide__ = True  # pytest: show the failing test's line and this message, not our insides
    spec = _adapter(adapter)
    ex = example if isinstance(example, Example) else Example.from_dict(example)
    _refuse_todo(ex)
    with _ExampleServer(spec, ex) as server:
        settings = _settings(spec, ex, server.url)
        token, error = _exchange(spec, settings)
        sent = server.token_requests
    if not sent:
        raise ContractError(
            f"adapter {spec.name!r} sent no refresh request to the local server"
            + (f": {error}" if error else "")
            + f"; its settings were {sorted(settings)}"
        ) from error
    documented, actual = _lines(ex.request), _lines_sent(sent[0], ex.request.headers)
    if documented != actual or len(sent) > 1:
        extra = f"\n(the adapter sent {len(sent)} requests, the page shows one)" if len(sent) > 1 else ""
        raise ContractMismatch(
            f"adapter {spec.name!r}: the refresh request differs from the documented example"
            f"{' (' + ex.source + ')' if ex.source else ''}; - documented, + sent:\n"
            + _diff(documented, actual)
            + extra,
            documented,
            actual,
        )
    if error is not None:
        if ex.response.status < 300 and isinstance(error, MalformedResponse):
            raise ContractError(
                f"adapter {spec.name!r} sent the documented request but cannot read the documented "
                f"answer: {error}"
            ) from error
        raise error
    assert token is not None
    _check_expectations(spec, ex, token)
    return token


# ---- the exchange ------------------------------------------------------------------------------
def _adapter(adapter: Adapter | str | Path | Mapping[str, Any]) -> Adapter:
    if isinstance(adapter, Adapter):
        return adapter
    if isinstance(adapter, Mapping):
        return Adapter.from_dict(adapter, source="<example>")
    if isinstance(adapter, Path) or str(adapter).endswith(".py"):
        return load_adapter(adapter)
    from .registry import get_adapter

    return get_adapter(str(adapter))


def _exchange(adapter: Adapter, settings: dict[str, Any]) -> tuple[Token | None, OAuthKitError | None]:
    from .connection import connect
    from .retry import NO_RETRY

    conn = None
    try:
        # A connection name of its own: no {ADAPTER}_{SETTING} from the environment or a .env leaks in.
        conn = connect(
            adapter, name="contract", store=f"memory://{uuid.uuid4().hex}", retry=NO_RETRY, **settings
        )
        return conn.refresh(), None
    except OAuthKitError as exc:
        return None, exc
    finally:
        if conn is not None:
            conn.close()


def _settings(adapter: Adapter, ex: Example, server: str) -> dict[str, str]:
    """The connection's settings: the example's own, else read from the documented request."""
    declared = {s.name for s in adapter.settings}
    req, wire = ex.request, adapter.request.wire
    values: dict[str, str] = {}
    documented = {
        "refresh_token": _param(req, wire("refresh_token")),
        "client_id": req.basic[0] if req.basic else _param(req, wire("client_id")),
        "client_secret": req.basic[1] if req.basic else _param(req, wire("client_secret")),
    }
    if "scope" in adapter.request.optional:
        documented["scope"] = _param(req, wire("scope"))
    values.update({k: v for k, v in documented.items() if v is not None and k in declared})
    from_discovery = {"token_endpoint", "auth_method"} if adapter.discovery else set()
    for name in template_fields(adapter.discovery or ""):
        values[name] = SERVER
    url = adapter.request.url
    refs = template_fields(url)
    if refs and url.startswith("{" + refs[0] + "}") and refs[0] not in from_discovery:
        # "{base_url}/oauth/token" and a documented "/v3/oauth/token": base_url is server + "/v3".
        suffix = url[len(refs[0]) + 2 :]
        prefix = req.path[: -len(suffix)] if suffix and req.path.endswith(suffix) else req.path
        values[refs[0]] = SERVER + (prefix if suffix else req.path)
    values.update(ex.settings)
    return {k: v.replace(SERVER, server) for k, v in values.items()}


def _param(req: DocumentedRequest, name: str) -> str | None:
    for params in (req.query, req.form or {}, req.json or {}):
        value = params.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        if isinstance(value, str):
            return value
    return None


class _ExampleServer:
    """A local server that records every request and answers the documented example."""

    def __init__(self, adapter: Adapter, ex: Example) -> None:
        self.adapter = adapter
        self.ex = ex
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = SandboxHTTPServer(0, self._dispatch)
        self.url = f"http://127.0.0.1:{self._server.port}"

    def __enter__(self) -> _ExampleServer:
        self._server.start(f"contract-{self.adapter.name}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    @property
    def token_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.kind == "token"]

    def _discovery_path(self) -> str | None:
        if not self.adapter.discovery:
            return None
        tail = self.adapter.discovery
        for ref in template_fields(tail):
            tail = tail.replace("{" + ref + "}", "")
        return tail

    def _dispatch(self, incoming: Incoming) -> Reply:
        path = incoming.target.split("?", 1)[0]
        kind = "discovery" if incoming.method == "GET" and path == self._discovery_path() else "token"
        record = parse_request(
            incoming.method, incoming.target, incoming.headers, incoming.body, kind=kind, at=incoming.at
        )
        with self._lock:
            self.requests.append(record)
        if kind == "discovery":
            doc = {"issuer": self.url, "token_endpoint": self.url + self.ex.request.path}
            doc.update(self.ex.discovery or {})
            return Reply(200, json.dumps(doc).encode(), "application/json")
        res = self.ex.response
        body = _shifted(self.adapter, res.body, res.now)
        headers = dict(res.headers)
        ctype = next((headers.pop(k) for k in list(headers) if k.lower() == "content-type"), None)
        if isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
            return Reply(res.status, data, ctype or "text/plain", headers)
        return Reply(res.status, json.dumps(body).encode(), ctype or "application/json", headers)


def _shifted(adapter: Adapter, body: Any, now: str | None) -> Any:
    """The body with its documented absolute expiry instants moved to the same distance from now."""
    if now is None or not isinstance(body, dict):
        return body
    delta = time.time() - _instant(now).timestamp()
    body = copy.deepcopy(body)
    for spec in (adapter.response.expires, adapter.response.refresh_expires):
        if spec is not None and spec.kind == "timestamp":
            _shift_field(body, spec, delta)
    return body


def _shift_field(body: dict[str, Any], spec: Expiry, delta: float) -> None:
    *parents, last = spec.field.split(".")
    node: Any = body
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or last not in node:
        return
    value = node[last]
    if spec.format == "iso8601" and isinstance(value, str):
        moved = _instant(value) + timedelta(seconds=delta)
        node[last] = moved.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        node[last] = value + (delta * 1000 if spec.format == "epoch_ms" else delta)


def _instant(text: str) -> datetime:
    value = text.strip()
    value = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# ---- comparing ---------------------------------------------------------------------------------
def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _lines(req: DocumentedRequest) -> list[str]:
    """The documented request as sorted, comparable lines ("form: grant_type = 'refresh_token'")."""
    lines = [f"{req.method} {req.path}"]
    lines += [f"query: {k} = {v!r}" for k, vs in req.query.items() for v in _values(vs)]
    body = "json" if req.json is not None else "form" if req.form is not None else "none"
    lines.append(f"body: {body}")
    lines += [f"form: {k} = {v!r}" for k, vs in (req.form or {}).items() for v in _values(vs)]
    lines += [f"json: {k} = {json.dumps(v, sort_keys=True)}" for k, v in (req.json or {}).items()]
    if req.basic:
        lines.append(f"basic auth: {req.basic[0]!r} : {req.basic[1]!r}")
    lines += [f"header {k.lower()}: {v}" for k, v in req.headers.items()]
    return [lines[0], *sorted(lines[1:])]


def _lines_sent(rec: RecordedRequest, headers: Mapping[str, str]) -> list[str]:
    """What the adapter sent, in the lines of the documented requests it is compared with."""
    lines = [f"{rec.method} {rec.path}"]
    lines += [f"query: {k} = {v!r}" for k, vs in rec.query.items() for v in vs]
    if not rec.body:
        body = "none"
    elif rec.form is not None:
        body = "form"
    elif rec.json is not None:
        body = "json"
    else:
        body = f"other ({rec.content_type or 'no content type'})"
    lines.append(f"body: {body}")
    lines += [f"form: {k} = {v!r}" for k, vs in (rec.form or {}).items() for v in vs]
    if isinstance(rec.json, dict):
        lines += [f"json: {k} = {json.dumps(v, sort_keys=True)}" for k, v in rec.json.items()]
    elif rec.json is not None:
        lines.append(f"json: {json.dumps(rec.json, sort_keys=True)}")
    if rec.basic_auth:
        lines.append(f"basic auth: {rec.basic_auth[0]!r} : {rec.basic_auth[1]!r}")
    # Only the headers the page requires: every client adds its own (User-Agent, Accept, ...).
    lines += [f"header {k.lower()}: {rec.headers.get(k.lower(), '<absent>')}" for k in headers]
    return [lines[0], *sorted(lines[1:])]


def _diff(documented: list[str], sent: list[str]) -> str:
    out = []
    for line in difflib.ndiff(documented, sent):
        if line.startswith(("- ", "+ ", "  ")):
            out.append(line)
    return "\n".join(out)


def _check_expectations(adapter: Adapter, ex: Example, token: Token) -> None:
    __tracebackhide__ = True
    wrong: list[tuple[str, str]] = []
    for key, want in ex.expect.items():
        if key in _TIMES:
            end = token.expires_at if key == "lifetime" else token.refresh_expires_at
            got: Any = None if end is None else round((end - token.issued_at).total_seconds(), 3)
            ok = (got is None and want is None) or (
                got is not None and want is not None and abs(got - float(want)) <= _LIFETIME_TOLERANCE_S
            )
        else:
            got = getattr(token, key)
            ok = got == want
        if not ok:
            wrong.append((f"token.{key} = {want!r}", f"token.{key} = {got!r}"))
    if wrong:
        documented = [w for w, _ in wrong]
        read = [g for _, g in wrong]
        raise ContractMismatch(
            f"adapter {adapter.name!r} read the documented answer otherwise than expected; "
            "- expected, + read:\n" + "\n".join(f"- {w}\n+ {g}" for w, g in wrong),
            documented,
            read,
        )


# ---- checking the example itself ---------------------------------------------------------------
def _keys(value: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if value is None and path != "example":
        value = {}
    if not isinstance(value, Mapping):
        raise ContractError(f"example field {path!r} must be a dict, got {type(value).__name__}")
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            where = key if path == "example" else f"{path}.{key}"
            raise ContractError(f"example field {where!r} is unknown; {hint}")
    return value


def _basic(value: Any, headers: dict[str, str]) -> tuple[str, str] | None:
    """Basic credentials from ``basic`` ([user, password] or "user:password"), or decoded from a
    documented ``Authorization: Basic ...`` header (some pages show only the header)."""
    for key in [k for k in headers if k.lower() == "authorization"]:
        scheme, _, encoded = headers[key].partition(" ")
        if scheme.lower() == "basic" and value is None:
            try:
                value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise ContractError("example header 'Authorization' is not valid Basic credentials") from None
            del headers[key]
    if value is None:
        return None
    if isinstance(value, str):
        user, colon, password = value.partition(":")
        if not colon:
            raise ContractError("example field 'request.basic' must be 'user:password' or [user, password]")
        return user, password
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return str(value[0]), str(value[1])
    raise ContractError("example field 'request.basic' must be 'user:password' or [user, password]")


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def _refuse_todo(ex: Example) -> None:
    __tracebackhide__ = True
    parts = {
        "request": ex.request.__dict__,
        "response": ex.response.__dict__,
        "settings": ex.settings,
        "expect": ex.expect,
    }
    for path, value in _walk(parts, ""):
        if isinstance(value, str) and value.strip().startswith(TODO):
            raise ContractError(
                f"the example is not filled in yet: {path} is {value!r}; copy it from the "
                "provider's documentation"
            )
