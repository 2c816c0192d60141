"""Adapter spec: how one provider's documented refresh request and response look.

An adapter is data. A module in ``adapters/`` holds a dict named ``ADAPTER``; ``Adapter.from_dict``
validates it and raises ``AdapterError`` naming the adapter, the field and what is wrong. No
I/O happens here: the bridge to Authlib (``session.py``) and the response reader
(``response.py``) interpret these fields.

The dict format, with defaults (RFC 6749 section 6 unless the provider says otherwise)::

    {
      "name": "example", "title": "Example", "docs": "https://...",
      "settings": {"base_url": {"default": "https://api.example.com"},
                   "client_id": {}, "client_secret": {"secret": True},
                   "refresh_token": {"secret": True}},
      "request": {"url": "{base_url}/oauth/token", "method": "POST",
                  "encoding": "form",            # query | form | json
                  "client_auth": "body",         # basic | body | none, or "{a_setting}" whose
                                                 # value is an RFC 8414 name: client_secret_basic
                                                 # | client_secret_post | none (client_id only)
                  "grant_type": "refresh_token", # None: not sent
                  "names": {"refresh_token": "refresh_token"},  # our name -> the wire name
                  "extra": {},                   # fixed parameters, templates over settings
                  "optional": ["scope"]},        # settings sent only when set
      "response": {"access_token": "access_token", "refresh_token": "refresh_token",
                   "token_type": "token_type", "scope": "scope", "id_token": "id_token",
                   "expires": {"field": "expires_in", "kind": "seconds"},
                   # or {"field": "access.expires", "kind": "timestamp", "format": "iso8601"}
                   "refresh_expires": None, "default_lifetime": None},
      "rotation": "if_present",                  # always | never | if_present
      "discovery": None,  # or "{issuer}/.well-known/openid-configuration": fetched once per
                          # process; its token_endpoint and authorization_endpoint fill the
                          # settings of those names (when declared) and its
                          # token_endpoint_auth_methods_supported picks the setting auth_method,
                          # unless the user set them
      "errors": {"invalid_grant_status": [], "invalid_grant_codes": ["invalid_grant"],
                 "invalid_grant_messages": [], "code_field": "error",
                 "message_field": "error_description"},
      # Optional: how the first tokens are obtained (``conn.authorize()``), authorization code
      # grant (RFC 6749 section 4.1) with PKCE (RFC 7636).
      "authorize": {"url": "{base_url}/oauth/authorize",  # the authorization endpoint
                    "scope": None,         # asked for unless authorize(scope=...) says otherwise
                    "pkce": "S256",        # S256 | plain | None (the provider documents no PKCE)
                    "extra": {},           # fixed parameters of the authorization URL
                    # The code exchange. url, method, encoding, client_auth and names default to
                    # the refresh request's; response and errors to the adapter's, field by field.
                    "exchange": {"grant_type": "authorization_code",
                                 "names": {"code": "code"},  # also redirect_uri, code_verifier,
                                                             # grant_type, client_id, client_secret
                                 "extra": {}, "response": {}, "errors": {}}},
      # Optional, instead: a password-style login (``conn.login(email=..., password=...)``).
      # method, encoding and client_auth default to the refresh request's, response and errors to
      # the adapter's, field by field; the credentials are sent, never stored.
      "login": {"url": "{base_url}/auth/login", "credentials": ["email", "password"],
                "grant_type": None, "names": {}, "extra": {}, "response": {}, "errors": {}},
    }
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import AdapterError

METHODS = ("GET", "POST")
ENCODINGS = ("query", "form", "json")
CLIENT_AUTHS = ("basic", "body", "none")
# RFC 8414 / OpenID names, for a client auth chosen by a setting or by discovery. "public" is
# RFC "none": the client_id in the body and no secret (oauthkit's own "none" sends nothing).
CLIENT_AUTH_METHODS = {"client_secret_basic": "basic", "client_secret_post": "body", "none": "public"}
ROTATIONS = ("always", "never", "if_present")
EXPIRY_KINDS = ("seconds", "timestamp")
TIMESTAMP_FORMATS = ("iso8601", "epoch", "epoch_ms")
# The names a request can rename on the wire (e.g. ``refreshToken``).
WIRE_NAMES = ("grant_type", "refresh_token", "client_id", "client_secret", "scope")
# ... and a code exchange (a provider may call the code ``authorization_code``).
EXCHANGE_WIRE_NAMES = ("grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret")
PKCE_METHODS = ("S256", "plain")
# What an exchange or login inherits from the refresh request when it does not say otherwise.
_EXCHANGE_INHERITS = ("url", "method", "encoding", "client_auth", "names")
_LOGIN_INHERITS = ("method", "encoding", "client_auth")
_REQUEST_FIELDS = ("url", "method", "encoding", "client_auth", "grant_type", "names", "extra", "optional")
# Every adapter takes these even when it does not declare them.
IMPLICIT_SETTINGS = {
    "refresh_token": {"secret": True, "doc": "seeds the connection; the store keeps rotated ones"}
}

ResponseHook = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Setting:
    name: str
    required: bool = True
    secret: bool = False
    default: str | None = None  # may be a template over other settings: "https://{domain}"
    doc: str = ""


@dataclass(frozen=True)
class Expiry:
    field: str  # dotted path into the response: "expires_in", "access.expires"
    kind: str = "seconds"  # seconds | timestamp
    format: str | None = None  # timestamp only: iso8601 | epoch | epoch_ms


@dataclass(frozen=True)
class RequestSpec:
    url: str
    method: str = "POST"
    encoding: str = "form"
    client_auth: str = "body"
    grant_type: str | None = "refresh_token"
    names: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()

    def wire(self, name: str) -> str:
        return self.names.get(name, name)

    @property
    def client_auth_setting(self) -> str | None:
        """The setting that chooses the client auth (``"{auth_method}"``), or None when fixed."""
        refs = template_fields(self.client_auth)
        return refs[0] if refs else None


@dataclass(frozen=True)
class ResponseSpec:
    access_token: str = "access_token"
    refresh_token: str | None = "refresh_token"
    token_type: str | None = "token_type"
    scope: str | None = "scope"
    id_token: str | None = "id_token"
    expires: Expiry | None = Expiry("expires_in")
    refresh_expires: Expiry | None = None
    default_lifetime: float | None = None


@dataclass(frozen=True)
class ErrorSpec:
    invalid_grant_status: tuple[int, ...] = ()
    invalid_grant_codes: tuple[str, ...] = ("invalid_grant",)
    invalid_grant_messages: tuple[str, ...] = ()
    code_field: str = "error"
    message_field: str = "error_description"


@dataclass(frozen=True)
class TokenRequest:
    """A request that obtains the first tokens (a code exchange or a login) and how its answer reads."""

    request: RequestSpec
    response: ResponseSpec
    errors: ErrorSpec


@dataclass(frozen=True)
class AuthorizeSpec:
    """The authorization code grant: where the user approves, and the code exchange."""

    url: str
    exchange: TokenRequest
    scope: str | None = None
    pkce: str | None = "S256"
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LoginSpec:
    """A password-style login: the credentials ``conn.login()`` takes, sent once, never stored."""

    credentials: tuple[str, ...]
    exchange: TokenRequest


@dataclass(frozen=True)
class Adapter:
    name: str
    title: str
    docs: str
    request: RequestSpec
    response: ResponseSpec = ResponseSpec()
    rotation: str = "if_present"
    errors: ErrorSpec = ErrorSpec()
    settings: tuple[Setting, ...] = ()
    response_hook: ResponseHook | None = None
    notes: str = ""
    source: str = ""
    discovery: str | None = None  # metadata URL template, e.g. "{issuer}/.well-known/openid-configuration"
    authorize: AuthorizeSpec | None = None  # how conn.authorize() obtains the first tokens
    login: LoginSpec | None = None  # or how conn.login() does

    # ---- derived facts (pure) -------------------------------------------------------------
    def setting(self, name: str) -> Setting | None:
        for s in self.settings:
            if s.name == name:
                return s
        return None

    @property
    def secret_settings(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.settings if s.secret)

    @property
    def sends_secret_in_url(self) -> bool:
        return self.request.encoding == "query"

    def env_name(self, setting: str, connection: str = "default") -> str:
        parts = [self.name] if connection == "default" else [self.name, connection]
        return "_".join([*parts, setting]).upper().replace("-", "_")

    def describe(self) -> dict[str, Any]:
        """One row of the adapter table."""
        expires = self.response.expires
        return {
            "name": self.name,
            "title": self.title,
            "method": self.request.method,
            "encoding": self.request.encoding,
            "client_auth": self.request.client_auth,
            "url": self.request.url,
            "expiry": f"{expires.kind}:{expires.field}" if expires else "none",
            "rotates": self.rotation,
            "settings": ", ".join(s.name + ("" if s.required else "?") for s in self.settings),
            "first_tokens": self.first_tokens,
            "docs": self.docs,
        }

    @property
    def first_tokens(self) -> str:
        """How the first tokens are obtained: "code+S256", "code", "login" or "" (by hand)."""
        if self.authorize is not None:
            return "code" + (f"+{self.authorize.pkce}" if self.authorize.pkce else "")
        return "login" if self.login is not None else ""

    def __repr__(self) -> str:
        r = self.request
        return (
            f"Adapter({self.name!r}: {r.method} {r.url} [{r.encoding}, auth={r.client_auth}, "
            f"rotation={self.rotation}])"
        )

    def _repr_html_(self) -> str:
        from .notebook.html import adapter_html

        return adapter_html(self)

    # ---- loading ---------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "") -> Adapter:
        return _Validator(data, source).adapter()


def template_fields(template: str) -> list[str]:
    """The ``{names}`` a template refers to."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def client_auth_kind(method: str) -> str | None:
    """basic | body | public | none for an RFC 8414 name (or oauthkit's own); None if unknown."""
    if method in CLIENT_AUTH_METHODS:
        return CLIENT_AUTH_METHODS[method]
    return method if method in CLIENT_AUTHS else None


def choose_client_auth(supported: object, has_secret: bool) -> str | None:
    """The RFC 8414 method to use with a server that lists ``supported`` (None: not listed).

    OpenID Discovery's default is client_secret_basic; with a secret, Basic is preferred (every
    server must support it, RFC 6749 section 2.3.1); without one, only "none" can work.
    """
    methods = supported if isinstance(supported, list) else ["client_secret_basic"]
    wanted = ("client_secret_basic", "client_secret_post") if has_secret else ("none",)
    return next((m for m in wanted if m in methods), None)


class _Validator:
    """Turns an adapter dict into an Adapter or an AdapterError that says exactly what is wrong."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        raw_name = data.get("name") if isinstance(data, Mapping) else None
        self.name = raw_name if isinstance(raw_name, str) and raw_name else "<unnamed>"

    def fail(self, path: str, problem: str) -> AdapterError:
        where = f" in {self.source}" if self.source else ""
        return AdapterError(
            f"adapter {self.name!r}{where}: field {path!r} {problem}",
            adapter=None,
            hint="fix the adapter definition (see oauthkit/adapter.py for the format)",
        )

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a dict, got {type(value).__name__}")
        for key in value:
            if key not in allowed:
                import difflib  # only a broken adapter pays for it (benchmarks/import_time)

                close = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
                raise self.fail(f"{path}.{key}" if path else str(key), f"is unknown{suggestion}")
        return value

    def text(self, value: Any, path: str, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"must be a non-empty string, got {value!r}")
        return value

    def choice(self, value: Any, path: str, choices: tuple[str, ...], also: str = "") -> str:
        if value not in choices:
            raise self.fail(
                path, f"must be one of {', '.join(choices)}{' ' + also if also else ''}; got {value!r}"
            )
        return str(value)

    def number(self, value: Any, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.fail(path, f"must be a positive number of seconds, got {value!r}")
        return float(value)

    def adapter(self) -> Adapter:
        top = self.mapping(
            self.data,
            "",
            (
                "name",
                "title",
                "docs",
                "settings",
                "request",
                "response",
                "rotation",
                "errors",
                "response_hook",
                "notes",
                "discovery",
                "authorize",
                "login",
            ),
        )
        name = self.text(top.get("name"), "name")
        assert name is not None
        if not name.replace("_", "").isalnum() or not name[0].isalpha() or name != name.lower():
            raise self.fail("name", "must be lower-case letters, digits and underscores")
        settings = self.settings(top.get("settings", {}))
        request = self.request(top.get("request"), settings)
        response = self.response(top.get("response", {}))
        errors = self.errors(top.get("errors", {}))
        hook = top.get("response_hook")
        if hook is not None and not callable(hook):
            raise self.fail("response_hook", "must be a function taking and returning a dict")
        discovery = self.text(top.get("discovery"), "discovery", optional=True)
        if discovery is not None:
            self.templated(discovery, "discovery", settings)
        authorize = self.authorize(top.get("authorize"), settings)
        login = self.login(top.get("login"), settings)
        if authorize is not None and login is not None:
            raise self.fail("login", "cannot be declared together with 'authorize': pick the provider's way")
        return Adapter(
            name=name,
            title=str(self.text(top.get("title", name), "title")),
            docs=str(self.text(top.get("docs"), "docs", optional=True) or ""),
            request=request,
            response=response,
            rotation=self.choice(top.get("rotation", "if_present"), "rotation", ROTATIONS),
            errors=errors,
            settings=settings,
            response_hook=hook,
            notes=str(top.get("notes", "")),
            source=self.source,
            discovery=discovery,
            authorize=authorize,
            login=login,
        )

    def templated(self, template: str, path: str, settings: tuple[Setting, ...]) -> None:
        declared = {s.name for s in settings}
        for ref in template_fields(template):
            if ref not in declared:
                raise self.fail(path, f"refers to undeclared setting {{{ref}}}")

    def settings(self, value: Any) -> tuple[Setting, ...]:
        raw: dict[str, Any] = dict(
            self.mapping(value, "settings", tuple(value) if isinstance(value, Mapping) else ())
        )
        for implicit, spec in IMPLICIT_SETTINGS.items():
            raw.setdefault(implicit, spec)
        result = []
        for sname, spec in raw.items():
            path = f"settings.{sname}"
            if not isinstance(sname, str) or not sname.isidentifier() or sname != sname.lower():
                raise self.fail(path, "must be a lower-case identifier")
            fields = self.mapping(spec, path, ("required", "secret", "default", "doc"))
            default = fields.get("default")
            if default is not None and not isinstance(default, str):
                raise self.fail(f"{path}.default", f"must be a string, got {default!r}")
            for flag in ("required", "secret"):
                if flag in fields and not isinstance(fields[flag], bool):
                    raise self.fail(f"{path}.{flag}", f"must be True or False, got {fields[flag]!r}")
            result.append(
                Setting(
                    name=sname,
                    required=bool(fields.get("required", default is None)),
                    secret=bool(fields.get("secret", False)),
                    default=default,
                    doc=str(fields.get("doc", "")),
                )
            )
        by_name = {s.name: s for s in result}
        for s in result:
            if s.default:
                for ref in template_fields(s.default):
                    if ref not in by_name:
                        raise self.fail(
                            f"settings.{s.name}.default", f"refers to undeclared setting {{{ref}}}"
                        )
                    # One level only, so every reader expands defaults the same single way.
                    if template_fields(by_name[ref].default or ""):
                        raise self.fail(
                            f"settings.{s.name}.default",
                            f"refers to {{{ref}}}, whose own default is a template: write it out",
                        )
        return tuple(result)

    def request(
        self,
        value: Any,
        settings: tuple[Setting, ...],
        path: str = "request",
        wire_names: tuple[str, ...] = WIRE_NAMES,
        grant_default: str | None = "refresh_token",
        also: tuple[str, ...] = (),
    ) -> RequestSpec:
        """A request to a token endpoint; ``also`` names keys the caller reads itself."""
        if value is None:
            raise self.fail(path, "is required (at least its 'url')")
        spec = self.mapping(value, path, _REQUEST_FIELDS + also)
        declared = {s.name for s in settings}
        url = self.text(spec.get("url"), f"{path}.url")
        assert url is not None
        self.templated(url, f"{path}.url", settings)
        method = self.choice(str(spec.get("method", "POST")).upper(), f"{path}.method", METHODS)
        encoding = self.choice(spec.get("encoding", "form"), f"{path}.encoding", ENCODINGS)
        if method == "GET" and encoding != "query":
            raise self.fail(f"{path}.encoding", "must be 'query' for a GET request (a GET has no body)")
        client_auth = self.client_auth(spec.get("client_auth", "body"), declared, path)
        if client_auth != "none":
            for needed in ("client_id", "client_secret") if client_auth == "basic" else ("client_id",):
                if needed not in declared:
                    raise self.fail("settings", f"must declare {needed!r}: client_auth is {client_auth!r}")
        grant_type = spec.get("grant_type", grant_default)
        if grant_type is not None:
            self.text(grant_type, f"{path}.grant_type")
        names = self.mapping(spec.get("names", {}), f"{path}.names", wire_names)
        for key, wire in names.items():
            self.text(wire, f"{path}.names.{key}")
        extra = self.mapping(spec.get("extra", {}), f"{path}.extra", tuple(spec.get("extra", {}) or ()))
        for key, tmpl in extra.items():
            self.text(tmpl, f"{path}.extra.{key}")
            self.templated(tmpl, f"{path}.extra.{key}", settings)
        optional = spec.get("optional", ())
        if not isinstance(optional, (list, tuple)):
            raise self.fail(f"{path}.optional", "must be a list of setting names")
        for opt in optional:
            if opt not in declared:
                raise self.fail(f"{path}.optional", f"names undeclared setting {opt!r}")
        return RequestSpec(
            url=url,
            method=method,
            encoding=encoding,
            client_auth=client_auth,
            grant_type=grant_type,
            names=dict(names),
            extra=dict(extra),
            optional=tuple(optional),
        )

    def client_auth(self, value: Any, declared: set[str], path: str = "request") -> str:
        # "{auth_method}": the method is a setting (RFC 8414 names), checked when connecting.
        try:
            refs = template_fields(value) if isinstance(value, str) else []
        except ValueError:  # unbalanced braces: not a template, so not a valid method either
            refs = []
        if refs and value == "{" + refs[0] + "}":
            if refs[0] not in declared:
                raise self.fail(f"{path}.client_auth", f"refers to undeclared setting {{{refs[0]}}}")
            return str(value)
        return self.choice(
            value,
            f"{path}.client_auth",
            CLIENT_AUTHS,
            also="or a setting such as '{auth_method}' (client_secret_basic, client_secret_post, none)",
        )

    def expiry(self, value: Any, path: str) -> Expiry | None:
        if value is None:
            return None
        spec = self.mapping(value, path, ("field", "kind", "format"))
        fld = self.text(spec.get("field"), f"{path}.field")
        assert fld is not None
        kind = self.choice(spec.get("kind", "seconds"), f"{path}.kind", EXPIRY_KINDS)
        fmt = spec.get("format")
        if kind == "timestamp":
            if fmt is None:
                raise self.fail(
                    f"{path}.format",
                    f"is required for a timestamp: one of {', '.join(TIMESTAMP_FORMATS)}",
                )
            fmt = self.choice(fmt, f"{path}.format", TIMESTAMP_FORMATS)
        elif fmt is not None:
            raise self.fail(f"{path}.format", "only applies to kind 'timestamp'")
        return Expiry(field=fld, kind=kind, format=fmt)

    def response(self, value: Any, path: str = "response") -> ResponseSpec:
        spec = self.mapping(
            value,
            path,
            (
                "access_token",
                "refresh_token",
                "token_type",
                "scope",
                "id_token",
                "expires",
                "refresh_expires",
                "default_lifetime",
            ),
        )
        paths: dict[str, str | None] = {}
        for key in ("access_token", "refresh_token", "token_type", "scope", "id_token"):
            default = getattr(ResponseSpec, key)
            paths[key] = self.text(spec.get(key, default), f"{path}.{key}", optional=key != "access_token")
        expires = self.expiry(spec.get("expires", {"field": "expires_in"}), f"{path}.expires")
        return ResponseSpec(
            access_token=str(paths["access_token"]),
            refresh_token=paths["refresh_token"],
            token_type=paths["token_type"],
            scope=paths["scope"],
            id_token=paths["id_token"],
            expires=expires,
            refresh_expires=self.expiry(spec.get("refresh_expires"), f"{path}.refresh_expires"),
            default_lifetime=self.number(spec.get("default_lifetime"), f"{path}.default_lifetime"),
        )

    def errors(self, value: Any, path: str = "errors") -> ErrorSpec:
        spec = self.mapping(
            value,
            path,
            (
                "invalid_grant_status",
                "invalid_grant_codes",
                "invalid_grant_messages",
                "code_field",
                "message_field",
            ),
        )
        statuses = spec.get("invalid_grant_status", ())
        if not isinstance(statuses, (list, tuple)) or not all(
            isinstance(s, int) and 400 <= s < 500 for s in statuses
        ):
            raise self.fail(
                f"{path}.invalid_grant_status",
                f"must be a list of 4xx status codes, got {statuses!r}",
            )
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("invalid_grant_codes", "invalid_grant_messages"):
            items = spec.get(key, getattr(ErrorSpec, key))
            if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
                raise self.fail(f"{path}.{key}", f"must be a list of strings, got {items!r}")
            lists[key] = tuple(items)
        return ErrorSpec(
            invalid_grant_status=tuple(statuses),
            invalid_grant_codes=lists["invalid_grant_codes"],
            invalid_grant_messages=tuple(m.lower() for m in lists["invalid_grant_messages"]),
            code_field=str(self.text(spec.get("code_field", "error"), f"{path}.code_field")),
            message_field=str(
                self.text(spec.get("message_field", "error_description"), f"{path}.message_field")
            ),
        )

    # ---- first tokens: the authorization code grant, or a login -------------------------------
    def _section(self, key: str) -> Mapping[str, Any]:
        """A top-level section as written (already checked to be a dict), or {} when absent."""
        value = self.data.get(key)
        return value if isinstance(value, Mapping) else {}

    def token_request(
        self,
        spec: Mapping[str, Any],
        path: str,
        settings: tuple[Setting, ...],
        *,
        inherits: tuple[str, ...],
        wire_names: tuple[str, ...],
        grant_default: str | None,
        also: tuple[str, ...] = (),
    ) -> TokenRequest:
        # Unsaid fields come from the refresh request, response and errors: a provider's token
        # endpoint usually differs from refresh only in the grant and its parameters.
        base = self._section("request")
        merged: dict[str, Any] = {key: base[key] for key in inherits if key in base}
        merged.update(spec)
        inherited = base.get("names") if "names" in inherits else None
        own = spec.get("names", {})
        if isinstance(inherited, Mapping) and isinstance(own, Mapping):
            # Only the renames this request can use (a refresh's refreshToken is not one of them).
            merged["names"] = {**{k: v for k, v in inherited.items() if k in wire_names}, **own}
        request = self.request(merged, settings, path, wire_names, grant_default, also)
        answer = spec.get("response", {})
        problems = spec.get("errors", {})
        if not isinstance(answer, Mapping):
            raise self.fail(f"{path}.response", f"must be a dict, got {type(answer).__name__}")
        if not isinstance(problems, Mapping):
            raise self.fail(f"{path}.errors", f"must be a dict, got {type(problems).__name__}")
        response = self.response({**self._section("response"), **answer}, f"{path}.response")
        if response.refresh_token is None:
            raise self.fail(
                f"{path}.response.refresh_token",
                "must name where the refresh token is in the answer (the refresh answer has none)",
            )
        errors = self.errors({**self._section("errors"), **problems}, f"{path}.errors")
        return TokenRequest(request=request, response=response, errors=errors)

    def authorize(self, value: Any, settings: tuple[Setting, ...]) -> AuthorizeSpec | None:
        if value is None:
            return None
        spec = self.mapping(value, "authorize", ("url", "scope", "pkce", "extra", "exchange"))
        url = self.text(spec.get("url"), "authorize.url")
        assert url is not None
        self.templated(url, "authorize.url", settings)
        if "client_id" not in {s.name for s in settings}:
            raise self.fail("settings", "must declare 'client_id': the authorization URL carries it")
        scope = self.text(spec.get("scope"), "authorize.scope", optional=True)
        pkce = spec.get("pkce", "S256")
        if pkce is not None:
            pkce = self.choice(pkce, "authorize.pkce", PKCE_METHODS, also="or None")
        extra = self.mapping(spec.get("extra", {}), "authorize.extra", tuple(spec.get("extra", {}) or ()))
        for key, tmpl in extra.items():
            self.text(tmpl, f"authorize.extra.{key}")
            self.templated(tmpl, f"authorize.extra.{key}", settings)
        exchange = spec.get("exchange", {})
        if not isinstance(exchange, Mapping):
            raise self.fail("authorize.exchange", f"must be a dict, got {type(exchange).__name__}")
        return AuthorizeSpec(
            url=url,
            scope=scope,
            pkce=pkce,
            extra=dict(extra),
            exchange=self.token_request(
                exchange,
                "authorize.exchange",
                settings,
                inherits=_EXCHANGE_INHERITS,
                wire_names=EXCHANGE_WIRE_NAMES,
                grant_default="authorization_code",
                also=("response", "errors"),
            ),
        )

    def login(self, value: Any, settings: tuple[Setting, ...]) -> LoginSpec | None:
        if value is None:
            return None
        self.mapping(value, "login", (*_REQUEST_FIELDS, "response", "errors", "credentials"))
        credentials = value.get("credentials")
        if (
            not isinstance(credentials, (list, tuple))
            or not credentials
            or not all(isinstance(c, str) and c.isidentifier() for c in credentials)
        ):
            raise self.fail(
                "login.credentials",
                f"must be a list of the credential names conn.login() takes, got {credentials!r}",
            )
        if "url" not in value:
            raise self.fail("login.url", "is required: the login endpoint")
        wire_names = (*credentials, "grant_type", "client_id", "client_secret")
        exchange = self.token_request(
            {k: v for k, v in value.items() if k != "credentials"},
            "login",
            settings,
            inherits=_LOGIN_INHERITS,
            wire_names=tuple(wire_names),
            grant_default=None,
            also=("response", "errors", "credentials"),
        )
        return LoginSpec(credentials=tuple(credentials), exchange=exchange)
