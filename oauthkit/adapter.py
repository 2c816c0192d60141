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
                  "client_auth": "body",         # basic | body | none
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
      "errors": {"invalid_grant_status": [], "invalid_grant_codes": ["invalid_grant"],
                 "invalid_grant_messages": [], "code_field": "error",
                 "message_field": "error_description"},
    }
"""

from __future__ import annotations

import difflib
import html
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import AdapterError

METHODS = ("GET", "POST")
ENCODINGS = ("query", "form", "json")
CLIENT_AUTHS = ("basic", "body", "none")
ROTATIONS = ("always", "never", "if_present")
EXPIRY_KINDS = ("seconds", "timestamp")
TIMESTAMP_FORMATS = ("iso8601", "epoch", "epoch_ms")
# The names a request can rename on the wire (e.g. Xerial's ``refreshToken``).
WIRE_NAMES = ("grant_type", "refresh_token", "client_id", "client_secret", "scope")
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
            "docs": self.docs,
        }

    def __repr__(self) -> str:
        r = self.request
        return (
            f"Adapter({self.name!r}: {r.method} {r.url} [{r.encoding}, auth={r.client_auth}, "
            f"rotation={self.rotation}])"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in self.describe().items()
        )
        return f"<table class='oauthkit-adapter'><caption>Adapter</caption>{rows}</table>"

    # ---- loading ---------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "") -> Adapter:
        return _Validator(data, source).adapter()


def template_fields(template: str) -> list[str]:
    """The ``{names}`` a template refers to."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


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

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(path, f"must be one of {', '.join(choices)}; got {value!r}")
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
        )

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
        names = {s.name for s in result}
        for s in result:
            if s.default:
                for ref in template_fields(s.default):
                    if ref not in names:
                        raise self.fail(
                            f"settings.{s.name}.default", f"refers to undeclared setting {{{ref}}}"
                        )
        return tuple(result)

    def request(self, value: Any, settings: tuple[Setting, ...]) -> RequestSpec:
        if value is None:
            raise self.fail("request", "is required (at least its 'url')")
        spec = self.mapping(
            value,
            "request",
            (
                "url",
                "method",
                "encoding",
                "client_auth",
                "grant_type",
                "names",
                "extra",
                "optional",
            ),
        )
        declared = {s.name for s in settings}
        url = self.text(spec.get("url"), "request.url")
        assert url is not None
        for ref in template_fields(url):
            if ref not in declared:
                raise self.fail("request.url", f"refers to undeclared setting {{{ref}}}")
        method = self.choice(str(spec.get("method", "POST")).upper(), "request.method", METHODS)
        encoding = self.choice(spec.get("encoding", "form"), "request.encoding", ENCODINGS)
        if method == "GET" and encoding != "query":
            raise self.fail("request.encoding", "must be 'query' for a GET request (a GET has no body)")
        client_auth = self.choice(spec.get("client_auth", "body"), "request.client_auth", CLIENT_AUTHS)
        if client_auth != "none":
            for needed in ("client_id", "client_secret") if client_auth == "basic" else ("client_id",):
                if needed not in declared:
                    raise self.fail("settings", f"must declare {needed!r}: client_auth is {client_auth!r}")
        grant_type = spec.get("grant_type", "refresh_token")
        if grant_type is not None:
            self.text(grant_type, "request.grant_type")
        names = self.mapping(spec.get("names", {}), "request.names", WIRE_NAMES)
        for key, wire in names.items():
            self.text(wire, f"request.names.{key}")
        extra = self.mapping(spec.get("extra", {}), "request.extra", tuple(spec.get("extra", {}) or ()))
        for key, tmpl in extra.items():
            self.text(tmpl, f"request.extra.{key}")
            for ref in template_fields(tmpl):
                if ref not in declared:
                    raise self.fail(f"request.extra.{key}", f"refers to undeclared setting {{{ref}}}")
        optional = spec.get("optional", ())
        if not isinstance(optional, (list, tuple)):
            raise self.fail("request.optional", "must be a list of setting names")
        for opt in optional:
            if opt not in declared:
                raise self.fail("request.optional", f"names undeclared setting {opt!r}")
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

    def response(self, value: Any) -> ResponseSpec:
        spec = self.mapping(
            value,
            "response",
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
            paths[key] = self.text(spec.get(key, default), f"response.{key}", optional=key != "access_token")
        expires = self.expiry(spec.get("expires", {"field": "expires_in"}), "response.expires")
        return ResponseSpec(
            access_token=str(paths["access_token"]),
            refresh_token=paths["refresh_token"],
            token_type=paths["token_type"],
            scope=paths["scope"],
            id_token=paths["id_token"],
            expires=expires,
            refresh_expires=self.expiry(spec.get("refresh_expires"), "response.refresh_expires"),
            default_lifetime=self.number(spec.get("default_lifetime"), "response.default_lifetime"),
        )

    def errors(self, value: Any) -> ErrorSpec:
        spec = self.mapping(
            value,
            "errors",
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
                "errors.invalid_grant_status",
                f"must be a list of 4xx status codes, got {statuses!r}",
            )
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("invalid_grant_codes", "invalid_grant_messages"):
            items = spec.get(key, getattr(ErrorSpec, key))
            if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
                raise self.fail(f"errors.{key}", f"must be a list of strings, got {items!r}")
            lists[key] = tuple(items)
        return ErrorSpec(
            invalid_grant_status=tuple(statuses),
            invalid_grant_codes=lists["invalid_grant_codes"],
            invalid_grant_messages=tuple(m.lower() for m in lists["invalid_grant_messages"]),
            code_field=str(self.text(spec.get("code_field", "error"), "errors.code_field")),
            message_field=str(
                self.text(spec.get("message_field", "error_description"), "errors.message_field")
            ),
        )
