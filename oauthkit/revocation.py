"""Revoking what the user granted (RFC 7009, or a provider's own revocation request).

``conn.revoke()`` sends the adapter's ``revoke`` request for the refresh token (and for the
access token too where the adapter says the provider revokes them separately), then forgets
both locally; ``conn.forget()`` only forgets. RFC 7009 section 2.2: the server answers 200 also
for a token it does not know, so only another status is a failure, and then nothing is
forgotten (the user can retry, or ``forget()`` on purpose).
"""

from __future__ import annotations

from collections.abc import Callable

from . import transport
from .adapter import Adapter, RevokeSpec
from .dialect import Dialect
from .discovery import fill_endpoint
from .errors import ConfigError, OAuthKitError, ProviderError, RefreshError, TransportError

_SENT_OK = range(200, 300)  # 200 per RFC 7009; 204 from providers with a REST-style endpoint


def revoke_spec(adapter: Adapter, connection: str) -> RevokeSpec:
    if adapter.revoke is None:
        raise ConfigError(
            "this adapter declares no revocation endpoint",
            adapter=adapter.name,
            connection=connection,
            hint="revoke the grant in the provider's account settings, then conn.forget() to drop "
            "the tokens here",
        )
    return adapter.revoke


def revoke_tokens(
    dialect: Dialect,
    tokens: list[tuple[str, str]],
    *,
    timeout: float,
    redact: Callable[[str], str],
) -> list[int]:
    """Send one revocation request per ``(token, type hint)``; the statuses, or a typed error."""
    adapter, connection = dialect.adapter, dialect.connection
    spec = revoke_spec(adapter, connection)
    request = spec.request
    fill_endpoint(dialect, request.url, timeout)
    url = dialect.url(request.url, "revocation URL")
    statuses = []
    for token, hint in tokens:
        params = [(spec.token_param, token)]
        if spec.hint_param:
            params.append((spec.hint_param, hint))
        wire = dialect.build(request, dialect.auth_kind(request), url, params)
        try:
            answer = transport.send_once(wire.method, wire.url, wire.headers, wire.body, timeout)
        except transport.Overdue as exc:
            raise TransportError(
                f"the revocation endpoint sent no complete answer within {exc.seconds:g} s",
                adapter=adapter.name,
                connection=connection,
                hint="nothing was forgotten; try conn.revoke() again",
            ) from None
        except OSError as exc:  # requests' connection errors are OSErrors
            raise TransportError(
                f"could not reach the revocation endpoint ({type(exc).__name__})",
                adapter=adapter.name,
                connection=connection,
                hint="nothing was forgotten; check the network and try conn.revoke() again",
            ) from None
        if answer.status not in _SENT_OK:
            text = redact(answer.body[:300].decode("utf-8", "replace"))
            kind: type[OAuthKitError] = ProviderError if answer.status >= 500 else RefreshError
            raise kind(
                f"the provider refused to revoke the {hint.replace('_', ' ')}",
                adapter=adapter.name,
                connection=connection,
                status=answer.status,
                detail=text,
                hint="nothing was forgotten; check the client credentials, or revoke in the "
                "provider's account settings and then conn.forget()",
            )
        statuses.append(answer.status)
    return statuses


__all__ = ["revoke_spec", "revoke_tokens"]
