"""The parts of an adapter: settings, token requests, how an answer and an error read.

Frozen dataclasses whose field defaults are the only place a default is written: the validator
(``_validate.py``) reads them with ``default_of`` and the format table in docs/DESIGN.md is
generated from them (``_format.py``). The ``Literal`` aliases are the allowed values; the tuples
beside them (``METHODS``, ...) are derived from the aliases, never written out again.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# DELETE only for a revocation request (a provider deletes a grant with it), never a token request.
Method = Literal["GET", "POST", "DELETE"]
Encoding = Literal["query", "form", "json"]
# How a token answer's body is encoded (some providers answer form-encoded unless asked for JSON).
AnswerEncoding = Literal["json", "form"]
# Where the client credentials go: an HTTP Basic header, the parameters, or nowhere.
ClientAuth = Literal["basic", "body", "none"]
# What a request actually does once a "{setting}" client auth is resolved: "public" is RFC 8414's
# "none" (the client_id in the body and no secret), while oauthkit's own "none" sends nothing.
ClientAuthKind = Literal["basic", "body", "public", "none"]
Rotation = Literal["always", "never", "if_present"]
ExpiryKind = Literal["seconds", "timestamp"]
TimestampFormat = Literal["iso8601", "epoch", "epoch_ms"]
PkceMethod = Literal["S256", "plain"]
# What conn.revoke() sends: the refresh token (RFC 7009 section 2.1: its grant goes with it), the
# access token only (providers whose endpoint takes no other), or both, one request each.
RevokeTokens = Literal["refresh_token", "access_token", "both"]

METHODS: tuple[Method, ...] = get_args(Method)
ENCODINGS: tuple[Encoding, ...] = get_args(Encoding)
ANSWER_ENCODINGS: tuple[AnswerEncoding, ...] = get_args(AnswerEncoding)
CLIENT_AUTHS: tuple[ClientAuth, ...] = get_args(ClientAuth)
ROTATIONS: tuple[Rotation, ...] = get_args(Rotation)
EXPIRY_KINDS: tuple[ExpiryKind, ...] = get_args(ExpiryKind)
TIMESTAMP_FORMATS: tuple[TimestampFormat, ...] = get_args(TimestampFormat)
PKCE_METHODS: tuple[PkceMethod, ...] = get_args(PkceMethod)
REVOKE_TOKENS: tuple[RevokeTokens, ...] = get_args(RevokeTokens)
# RFC 8414 / OpenID names, for a client auth chosen by a setting or by discovery.
CLIENT_AUTH_METHODS: dict[str, ClientAuthKind] = {
    "client_secret_basic": "basic",
    "client_secret_post": "body",
    "none": "public",
}
# The names a request can rename on the wire (e.g. ``refreshToken``).
WIRE_NAMES = ("grant_type", "refresh_token", "client_id", "client_secret", "scope")
# ... and a code exchange (a provider may call the code ``authorization_code``).
EXCHANGE_WIRE_NAMES = ("grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret")
# RFC 8628 section 3.4: the grant a device flow's token request sends unless the adapter says.
DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
# The device authorization answer's fields (RFC 8628 section 3.2), renamable per provider.
DEVICE_FIELDS = (
    "device_code",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
    "expires_in",
    "interval",
)
# The grant a first-token request sends when it does not say (the refresh request's default is
# RequestSpec.grant_type): RFC 6749 section 4.1.3 for a code exchange; a login has no standard one.
EXCHANGE_GRANT_TYPE = "authorization_code"
LOGIN_GRANT_TYPE: str | None = None
# Every adapter takes these even when it does not declare them.
IMPLICIT_SETTINGS: dict[str, dict[str, Any]] = {
    "refresh_token": {"secret": True, "doc": "seeds the connection; the store keeps rotated ones"}
}

ResponseHook = Callable[[dict[str, Any]], dict[str, Any]]


def default_of(cls: type[Any], name: str) -> Any:
    """The default of dataclass field ``cls.name`` (a fresh value for a factory default).

    The validator asks here instead of repeating a default, so a default changes in one place."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
            raise LookupError(f"{cls.__name__}.{name} has no default: it is required")
    raise LookupError(f"{cls.__name__} has no field {name!r}")


def keys_of(cls: type[Any], *, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The dict keys a section may hold: its dataclass's field names (minus derived ones)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in without)


def template_fields(template: str) -> list[str]:
    """The ``{names}`` a template refers to."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def client_auth_kind(method: str) -> ClientAuthKind | None:
    """basic | body | public | none for an RFC 8414 name (or oauthkit's own); None if unknown."""
    if method in CLIENT_AUTH_METHODS:
        return CLIENT_AUTH_METHODS[method]
    return next((kind for kind in CLIENT_AUTHS if kind == method), None)


def choose_client_auth(supported: object, has_secret: bool) -> str | None:
    """The RFC 8414 method to use with a server that lists ``supported`` (None: not listed).

    OpenID Discovery's default is client_secret_basic; with a secret, Basic is preferred (every
    server must support it, RFC 6749 section 2.3.1); without one, only "none" can work.
    """
    methods = supported if isinstance(supported, list) else ["client_secret_basic"]
    wanted = ("client_secret_basic", "client_secret_post") if has_secret else ("none",)
    return next((m for m in wanted if m in methods), None)


@dataclass(frozen=True)
class Setting:
    """One value a connection reads (keywords, environment, .env). Without a ``default`` it is
    required unless the adapter says ``required: False``; a default may be a template over other
    settings ("https://{domain}"), one level deep."""

    name: str
    required: bool = True
    secret: bool = False
    default: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class Expiry:
    """Where an answer says when a token dies: a dotted path ("expires_in", "access.expires"),
    read as a lifetime in seconds or as an instant (``format`` is then required)."""

    field: str
    kind: ExpiryKind = "seconds"
    format: TimestampFormat | None = None


@dataclass(frozen=True)
class RequestSpec:
    """A request to a token endpoint (RFC 6749 section 6 unless the provider says otherwise).

    ``url`` and ``extra`` values are templates over the settings; ``client_auth`` is fixed, or
    ``"{a_setting}"`` whose value is an RFC 8414 name (client_secret_basic, client_secret_post,
    none); ``names`` maps oauthkit's parameter names to the wire's; ``optional`` names settings
    sent only when set, ``required`` names settings sent on every request (connecting without
    them is a ConfigError); ``headers`` are fixed request headers (templates over the settings);
    ``grant_type`` None sends none."""

    url: str
    method: Method = "POST"
    encoding: Encoding = "form"
    client_auth: ClientAuth | str = "body"  # str: "{a_setting}", resolved when connecting
    grant_type: str | None = "refresh_token"
    names: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def wire(self, name: str) -> str:
        return self.names.get(name, name)

    @property
    def client_auth_setting(self) -> str | None:
        """The setting that chooses the client auth (``"{auth_method}"``), or None when fixed."""
        refs = template_fields(self.client_auth)
        return refs[0] if refs else None


@dataclass(frozen=True)
class ResponseSpec:
    """Where a token answer keeps each value: dotted paths into the answer (None: never there).
    ``default_lifetime``: seconds assumed when the answer carries no expiry; ``extra``: dotted
    paths of non-secret fields kept on ``Token.extra`` (an API host, a user id); ``encoding``:
    the body's encoding."""

    access_token: str = "access_token"
    refresh_token: str | None = "refresh_token"
    token_type: str | None = "token_type"
    scope: str | None = "scope"
    id_token: str | None = "id_token"
    expires: Expiry | None = Expiry("expires_in")
    refresh_expires: Expiry | None = None
    default_lifetime: float | None = None
    extra: tuple[str, ...] = ()
    encoding: AnswerEncoding = "json"


@dataclass(frozen=True)
class ErrorSpec:
    """What "this refresh token is dead: authorize again" looks like in an error answer: any of
    these statuses, error codes (at ``code_field``) or message fragments (at ``message_field``).
    A provider that wraps every answer in a status (``{"status": 0, "body": {...}}``, HTTP 200
    even for errors) names that field in ``status_field`` and its success values in ``ok_status``."""

    invalid_grant_status: tuple[int, ...] = ()
    invalid_grant_codes: tuple[str, ...] = ("invalid_grant",)
    invalid_grant_messages: tuple[str, ...] = ()
    code_field: str = "error"
    message_field: str = "error_description"
    status_field: str | None = None
    # Compared with the type as written: ``"ok": true`` is not ``1``, and ``"0"`` is not ``0``.
    ok_status: tuple[int | str | bool, ...] = ()


@dataclass(frozen=True)
class TokenRequest:
    """A request that obtains the first tokens (a code exchange or a login) and how its answer reads."""

    request: RequestSpec
    response: ResponseSpec
    errors: ErrorSpec


@dataclass(frozen=True)
class AuthorizeSpec:
    """The authorization code grant (RFC 6749 section 4.1) with PKCE (RFC 7636): where the user
    approves (``url``, with the ``extra`` parameters and ``scope``), and the code exchange."""

    url: str
    exchange: TokenRequest
    scope: str | None = None
    pkce: PkceMethod | None = "S256"  # None: the provider documents no PKCE
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DeviceSpec:
    """The device authorization grant (RFC 8628): where the device code is asked for (``url``,
    with ``scope``), how the answer names its fields (``fields``: RFC name -> the provider's),
    the polling interval when the answer gives none, and the token request that polls."""

    url: str
    poll: TokenRequest
    scope: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    interval: float = 5.0  # RFC 8628 section 3.2: "If no value is provided, clients MUST use 5"

    def field_name(self, name: str) -> str:
        return self.fields.get(name, name)


@dataclass(frozen=True)
class RevokeSpec:
    """Token revocation (RFC 7009, or a provider's own): the request (``request.url``; its
    client auth, encoding and method inherit the refresh request's), the parameter holding the
    token (``token_param``) and its type hint, and which tokens are sent (``tokens``; without a
    refresh token the access token is sent)."""

    request: RequestSpec
    token_param: str = "token"
    hint_param: str | None = "token_type_hint"
    tokens: RevokeTokens = "refresh_token"


@dataclass(frozen=True)
class LoginSpec:
    """A password-style login: the credentials ``conn.login()`` takes, sent once, never stored."""

    credentials: tuple[str, ...]
    exchange: TokenRequest
