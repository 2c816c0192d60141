"""OpenID Connect / RFC 8414 discovery: the settings an issuer's metadata supplies.

Fetched once per URL per process; the only network access outside a refresh.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import requests

from .adapter import Adapter, choose_client_auth
from .errors import ConfigError, OAuthKitError, TransportError
from .session import answer_from_requests
from .urls import endpoint_url

# Discovery documents by URL: fetched once per process (OpenID Connect Discovery 1.0, RFC 8414).
_DISCOVERED: dict[str, dict[str, Any]] = {}
# One lock per URL, so an unreachable issuer stalls only the connections that use it.
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(url: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(url, threading.Lock())


def discover(
    adapter: Adapter,
    connection: str,
    settings: Mapping[str, str | None],
    *,
    timeout: float,
    insecure_ok: bool,
) -> dict[str, str]:
    """The settings an issuer's metadata supplies: ``token_endpoint``, ``auth_method`` and
    ``authorization_endpoint`` (for ``conn.authorize()``; absent from a document, left unset)."""
    assert adapter.discovery is not None
    # Plain-http metadata could name any token endpoint, and the secrets would follow it.
    url = endpoint_url(
        adapter, connection, settings, adapter.discovery, "discovery URL", insecure_ok=insecure_ok
    )
    # The issuer is the discovery URL before its /.well-known/ part (OpenID Discovery 4.3,
    # RFC 8414 section 3.3), whatever the adapter calls the setting.
    issuer = url.split("/.well-known/", 1)[0]
    method_setting = adapter.request.client_auth_setting
    needed = [k for k in ("token_endpoint", method_setting) if k and adapter.setting(k) is not None]
    if needed and all(settings.get(k) for k in needed):
        return {}  # the user named the endpoint and the method: nothing to fetch (works offline)

    def fail(problem: str, hint: str, cls: type[OAuthKitError] = ConfigError) -> OAuthKitError:
        return cls(
            f"discovery failed for issuer {issuer!r}: {problem}",
            adapter=adapter.name,
            connection=connection,
            hint=hint,
        )

    with _lock_for(url):  # one fetch per issuer even when many connections start at once
        doc = _DISCOVERED.get(url)
        if doc is None:
            try:
                answer = answer_from_requests(requests.get(url, timeout=timeout, stream=True))
            except requests.RequestException as exc:
                raise fail(
                    f"{type(exc).__name__} fetching {url}",
                    "check the issuer setting and the network",
                    TransportError,
                ) from None
            try:
                parsed = json.loads(answer.body) if answer.status == 200 else None
            except ValueError:
                parsed = None
            endpoint = parsed.get("token_endpoint") if isinstance(parsed, dict) else None
            if not isinstance(parsed, dict) or not isinstance(endpoint, str):
                raise fail(
                    f"{url} answered HTTP {answer.status} without a token_endpoint",
                    "check the issuer setting: it is the URL before /.well-known/",
                )
            named = parsed.get("issuer")
            if isinstance(named, str) and named.rstrip("/") != issuer.rstrip("/"):
                # OpenID Discovery 4.3: a document for another issuer is a mix-up, not a token endpoint.
                raise fail(
                    f"the document names issuer {named!r}", "set the issuer exactly as the server names it"
                )
            doc = _DISCOVERED[url] = parsed
    found = {"token_endpoint": str(doc["token_endpoint"])}
    authorization = doc.get("authorization_endpoint")
    if isinstance(authorization, str) and authorization:
        found["authorization_endpoint"] = authorization
    if method_setting is not None:
        supported = doc.get("token_endpoint_auth_methods_supported")
        chosen = settings.get(method_setting)
        if chosen and isinstance(supported, list) and chosen not in supported:
            raise fail(
                f"{method_setting} {chosen!r} is not supported",
                f"it supports: {', '.join(map(str, supported))}",
            )
        if not chosen:
            picked = choose_client_auth(supported, bool(settings.get("client_secret")))
            if picked is None:
                raise fail(
                    f"no usable client auth method in {supported!r}",
                    f"set client_secret, or {method_setting} to one the server supports",
                )
            found[method_setting] = picked
    return {k: v for k, v in found.items() if adapter.setting(k) is not None}
