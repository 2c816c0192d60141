"""Turns an adapter dict into the fields of an Adapter, or an AdapterError that says what is wrong.

Defaults are never written here: a key the dict leaves out is either left out of the result (the
dataclass default applies) or, where a check needs the value, read with ``default_of`` from the
dataclass in ``_spec.py``. The keys a section may hold are its dataclass's field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from ._request_checks import _REQUEST_KEYS, RequestChecks
from ._spec import (
    DEVICE_FIELDS,
    DEVICE_GRANT_TYPE,
    EXCHANGE_GRANT_TYPE,
    EXCHANGE_WIRE_NAMES,
    LOGIN_GRANT_TYPE,
    PKCE_METHODS,
    REVOKE_TOKENS,
    ROTATIONS,
    AuthorizeSpec,
    DeviceSpec,
    ErrorSpec,
    LoginSpec,
    RequestSpec,
    ResponseHook,
    ResponseSpec,
    RevokeSpec,
    Rotation,
    Setting,
    default_of,
    keys_of,
)

# The top-level keys: the Adapter's fields but ``source``, which the loader sets.
TOP_KEYS = (
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
    "device",
    "revoke",
)
# What an exchange or login inherits from the refresh request when it does not say otherwise.
_EXCHANGE_INHERITS = ("url", "method", "encoding", "client_auth", "names", "headers")
_LOGIN_INHERITS = ("method", "encoding", "client_auth", "headers")
# RFC 7009 section 2.1: the client authenticates as at the token endpoint; the URL is its own.
_REVOKE_INHERITS = ("method", "encoding", "client_auth", "headers")


class _Required(TypedDict):
    name: str
    title: str
    docs: str
    request: RequestSpec
    settings: tuple[Setting, ...]
    source: str


class AdapterFields(_Required, total=False):
    """``Adapter(**fields)``; a key absent here takes the Adapter dataclass's default."""

    response: ResponseSpec
    rotation: Rotation
    errors: ErrorSpec
    response_hook: ResponseHook
    notes: str
    discovery: str
    authorize: AuthorizeSpec
    login: LoginSpec
    device: DeviceSpec
    revoke: RevokeSpec


def validate(data: Mapping[str, Any], source: str = "") -> AdapterFields:
    """The Adapter fields for ``data``, or an AdapterError naming the adapter, the field, the problem."""
    return _Validator(data, source).adapter()


class _Validator(RequestChecks):
    # ---- the adapter -------------------------------------------------------------------------
    def adapter(self) -> AdapterFields:
        top = self.mapping(self.data, "", TOP_KEYS)
        name = self.text(top.get("name"), "name")
        assert name is not None
        if not name.replace("_", "").isalnum() or not name[0].isalpha() or name != name.lower():
            raise self.fail("name", "must be lower-case letters, digits and underscores")
        settings = self.settings(top.get("settings", {}))
        request = self.request(top.get("request"), settings)
        response = self.response(top["response"]) if "response" in top else None
        errors = self.errors(top["errors"]) if "errors" in top else None
        hook = top.get("response_hook")
        if hook is not None and not callable(hook):
            raise self.fail("response_hook", "must be a function taking and returning a dict")
        discovery = self.text(top.get("discovery"), "discovery", optional=True)
        if discovery is not None:
            self.templated(discovery, "discovery", settings)
        authorize = self.authorize(top.get("authorize"), settings)
        device = self.device(top.get("device"), settings)
        revoke = self.revoke(top.get("revoke"), settings)
        login = self.login(top.get("login"), settings)
        if authorize is not None and login is not None:
            raise self.fail("login", "cannot be declared together with 'authorize': pick the provider's way")
        fields = AdapterFields(
            name=name,
            title=str(self.text(top.get("title", name), "title")),
            docs=str(self.text(top.get("docs"), "docs", optional=True) or ""),
            request=request,
            settings=settings,
            source=self.source,
        )
        # Only what the dict says; everything else keeps the Adapter dataclass's default.
        if response is not None:
            fields["response"] = response
        if errors is not None:
            fields["errors"] = errors
        if hook is not None:
            fields["response_hook"] = hook
        if discovery is not None:
            fields["discovery"] = discovery
        if authorize is not None:
            fields["authorize"] = authorize
        if login is not None:
            fields["login"] = login
        if device is not None:
            fields["device"] = device
        if revoke is not None:
            fields["revoke"] = revoke
        if "rotation" in top:
            fields["rotation"] = self.choice(top["rotation"], "rotation", ROTATIONS)
        if "notes" in top:
            fields["notes"] = str(top["notes"])
        return fields

    def authorize(self, value: Any, settings: tuple[Setting, ...]) -> AuthorizeSpec | None:
        if value is None:
            return None
        spec = self.mapping(value, "authorize", keys_of(AuthorizeSpec))
        url = self.text(spec.get("url"), "authorize.url")
        assert url is not None
        self.templated(url, "authorize.url", settings)
        if "client_id" not in {s.name for s in settings}:
            raise self.fail("settings", "must declare 'client_id': the authorization URL carries it")
        scope = self.text(
            spec.get("scope", default_of(AuthorizeSpec, "scope")), "authorize.scope", optional=True
        )
        pkce = spec.get("pkce", default_of(AuthorizeSpec, "pkce"))
        if pkce is not None:
            pkce = self.choice(pkce, "authorize.pkce", PKCE_METHODS, also="or None")
        extra = self.templates(
            spec.get("extra", default_of(AuthorizeSpec, "extra")), "authorize.extra", settings
        )
        exchange = spec.get("exchange", {})
        if not isinstance(exchange, Mapping):
            raise self.fail("authorize.exchange", f"must be a dict, got {type(exchange).__name__}")
        return AuthorizeSpec(
            url=url,
            scope=scope,
            pkce=pkce,
            extra=extra,
            exchange=self.token_request(
                exchange,
                "authorize.exchange",
                settings,
                inherits=_EXCHANGE_INHERITS,
                wire_names=EXCHANGE_WIRE_NAMES,
                grant_default=EXCHANGE_GRANT_TYPE,
                also=("response", "errors"),
            ),
        )

    def login(self, value: Any, settings: tuple[Setting, ...]) -> LoginSpec | None:
        if value is None:
            return None
        self.mapping(value, "login", (*_REQUEST_KEYS, "response", "errors", "credentials"))
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
        exchange = self.token_request(
            {k: v for k, v in value.items() if k != "credentials"},
            "login",
            settings,
            inherits=_LOGIN_INHERITS,
            wire_names=(*credentials, "grant_type", "client_id", "client_secret"),
            grant_default=LOGIN_GRANT_TYPE,
            also=("response", "errors", "credentials"),
        )
        return LoginSpec(credentials=tuple(credentials), exchange=exchange)

    def device(self, value: Any, settings: tuple[Setting, ...]) -> DeviceSpec | None:
        """RFC 8628: the device authorization request and the token request that polls."""
        if value is None:
            return None
        spec = self.mapping(value, "device", keys_of(DeviceSpec))
        url = self.text(spec.get("url"), "device.url")
        assert url is not None
        self.templated(url, "device.url", settings)
        fields = self.mapping(spec.get("fields", {}), "device.fields", DEVICE_FIELDS)
        for key, name in fields.items():
            self.text(name, f"device.fields.{key}")
        poll = spec.get("poll", {})
        if not isinstance(poll, Mapping):
            raise self.fail("device.poll", f"must be a dict, got {type(poll).__name__}")
        interval = self.number(spec.get("interval", default_of(DeviceSpec, "interval")), "device.interval")
        return DeviceSpec(
            url=url,
            scope=self.text(
                spec.get("scope", default_of(DeviceSpec, "scope")), "device.scope", optional=True
            ),
            fields=dict(fields),
            interval=float(interval or default_of(DeviceSpec, "interval")),
            poll=self.token_request(
                poll,
                "device.poll",
                settings,
                inherits=_EXCHANGE_INHERITS,
                wire_names=("grant_type", "device_code", "client_id", "client_secret", "scope"),
                grant_default=DEVICE_GRANT_TYPE,
                also=("response", "errors"),
            ),
        )

    def revoke(self, value: Any, settings: tuple[Setting, ...]) -> RevokeSpec | None:
        """RFC 7009 (or the provider's own): the request that revokes a token."""
        if value is None:
            return None
        own = ("token_param", "hint_param", "tokens")
        spec = self.mapping(value, "revoke", (*_REQUEST_KEYS, *own))
        base = self._section("request")
        merged = {key: base[key] for key in _REVOKE_INHERITS if key in base}
        merged.update({k: v for k, v in spec.items() if k not in own})
        merged.setdefault("grant_type", None)
        request = self.request(merged, settings, "revoke", ("client_id", "client_secret"), None)
        token_param = self.text(
            spec.get("token_param", default_of(RevokeSpec, "token_param")), "revoke.token_param"
        )
        hint = spec.get("hint_param", default_of(RevokeSpec, "hint_param"))
        tokens = self.choice(
            spec.get("tokens", default_of(RevokeSpec, "tokens")), "revoke.tokens", REVOKE_TOKENS
        )
        return RevokeSpec(
            request=request,
            token_param=str(token_param),
            hint_param=self.text(hint, "revoke.hint_param", optional=True),
            tokens=tokens,
        )
