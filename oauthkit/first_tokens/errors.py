"""How a first-token flow fails: a missing adapter section, and any failure as an AuthorizationError."""

from __future__ import annotations

from collections.abc import Callable

from .. import transport
from ..adapter import AuthorizeSpec, LoginSpec
from ..errors import (
    AuthorizationError,
    ConfigError,
    InvalidGrant,
    MalformedResponse,
    OAuthKitError,
    ProviderError,
    RateLimited,
    RefreshError,
    shorten,
)
from ..session import transport_exceptions
from .host import FirstTokenHost

DETAIL_CHARS = 200


def authorize_spec(conn: FirstTokenHost) -> AuthorizeSpec:
    if conn.adapter.authorize is None:
        raise ConfigError(
            "this adapter declares no authorization step",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="use conn.login(...)" if conn.adapter.login is not None else by_hand(conn),
        )
    return conn.adapter.authorize


def login_spec(conn: FirstTokenHost) -> LoginSpec:
    if conn.adapter.login is None:
        raise ConfigError(
            "this adapter declares no login",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="use conn.authorize()" if conn.adapter.authorize is not None else by_hand(conn),
        )
    return conn.adapter.login


def by_hand(conn: FirstTokenHost) -> str:
    return f"obtain a refresh token by hand and set {conn.adapter.env_name('refresh_token', conn.name)}"


def as_authorization_error(
    conn: FirstTokenHost, trigger: str, exc: BaseException, redact: Callable[[str], str]
) -> AuthorizationError:
    if isinstance(exc, AuthorizationError):
        return exc
    status = exc.status if isinstance(exc, OAuthKitError) else None
    detail = exc.detail if isinstance(exc, OAuthKitError) else None
    again = "conn.login(...)" if trigger == "login" else "conn.authorize()"
    endpoint = "the login endpoint" if trigger == "login" else "the token endpoint"
    reason, message, hint = (
        "refused",
        f"the provider refused the {trigger} request",
        (
            "check the client id and secret, the redirect URI and the adapter's "
            + ("login" if trigger == "login" else "authorize")
            + " section"
        ),
    )
    if isinstance(exc, InvalidGrant) and trigger == "login":
        reason, message, hint = (
            "invalid_credentials",
            "the provider refused the login",
            ("check the credentials and call conn.login(...) again"),
        )
    elif isinstance(exc, InvalidGrant):
        reason, message, hint = (
            "invalid_grant",
            (
                "the provider refused the authorization code: it expired, was already used, or was "
                "issued for another client or redirect URI"
            ),
            "run conn.authorize() again and let it exchange the new code at once",
        )
    elif isinstance(exc, RateLimited):
        wait = f" after {exc.retry_after:.0f} s" if exc.retry_after is not None else " later"
        reason, message, hint = "rate_limited", "the provider is rate limiting", f"call {again} again{wait}"
    elif isinstance(exc, ProviderError):
        reason, message, hint = "provider_error", "the provider failed", f"try {again} again later"
    elif isinstance(exc, MalformedResponse):
        reason, message, hint = (
            "malformed",
            "the provider's answer is not a usable token",
            ("check the adapter's response fields; nothing was stored"),
        )
    elif isinstance(exc, RefreshError) and exc.status is not None and 300 <= exc.status < 400:
        reason, message, hint = (
            "redirected",
            exc.message.replace("the token endpoint", endpoint, 1),
            "if that is really the provider's endpoint, set the URL setting to it; nothing was sent "
            "there and nothing was stored",
        )
    elif isinstance(exc, transport.Overdue):
        reason, message, detail = (
            "transport",
            f"{endpoint} sent no complete answer within {exc.seconds:g} s",
            None,
        )
        hint = f"the provider is slow or stalled; call {again} later, or connect() with a larger timeout="
    elif isinstance(exc, transport_exceptions()):
        reason, message = "transport", "could not reach the token endpoint"
        detail, hint = (
            f"{type(exc).__name__}: {shorten(redact(str(exc)), DETAIL_CHARS)}",
            "check the network and base_url",
        )
    elif not isinstance(exc, RefreshError):
        message, detail = f"the {trigger} failed unexpectedly", type(exc).__name__
        hint = "this is a bug in oauthkit or the adapter; nothing was stored"
    return AuthorizationError(
        message,
        reason=reason,
        adapter=conn.adapter.name,
        connection=conn.name,
        status=status,
        detail=detail,
        hint=hint,
    )


def failer(conn: FirstTokenHost) -> Callable[..., AuthorizationError]:
    def fail(
        reason: str, message: str, *, hint: str, detail: str | None = None, status: int | None = None
    ) -> AuthorizationError:
        return AuthorizationError(
            message,
            reason=reason,
            adapter=conn.adapter.name,
            connection=conn.name,
            detail=detail,
            hint=hint,
            status=status,
        )

    return fail


__all__ = ["DETAIL_CHARS", "as_authorization_error", "authorize_spec", "by_hand", "failer", "login_spec"]
