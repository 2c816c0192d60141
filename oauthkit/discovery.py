"""OpenID Connect / RFC 8414 discovery: the settings an issuer's metadata supplies.

Fetched once per URL per process; the only network access outside a refresh.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from .adapter import Adapter, choose_client_auth
from .errors import ConfigError, OAuthKitError, TransportError
from .session import answer_from_requests

# Discovery documents by URL: fetched once per process (OpenID Connect Discovery 1.0, RFC 8414).
_DISCOVERED: dict[str, dict[str, Any]] = {}
_DISCOVERY_LOCK = threading.Lock()


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
    url = adapter.discovery.format_map({k: v or "" for k, v in settings.items()})
    issuer = settings.get("issuer") or url

    def fail(problem: str, hint: str, cls: type[OAuthKitError] = ConfigError) -> OAuthKitError:
        return cls(
            f"discovery failed for issuer {issuer!r}: {problem}",
            adapter=adapter.name,
            connection=connection,
            hint=hint,
        )

    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and (insecure_ok or is_loopback(parts.hostname))
    ):
        # Plain-http metadata could name any token endpoint: the secrets would follow it.
        raise fail(f"{url!r} is not an https URL", "use the https issuer URL")
    with _DISCOVERY_LOCK:  # one fetch per issuer even when many connections start at once
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
            if settings.get("issuer") and isinstance(named, str) and named.rstrip("/") != issuer.rstrip("/"):
                # OpenID Discovery 4.3: a document for another issuer is a mix-up, not a token endpoint.
                raise fail(
                    f"the document names issuer {named!r}", "set the issuer exactly as the server names it"
                )
            doc = _DISCOVERED[url] = parsed
    found = {"token_endpoint": str(doc["token_endpoint"])}
    authorization = doc.get("authorization_endpoint")
    if isinstance(authorization, str) and authorization:
        found["authorization_endpoint"] = authorization
    supported = doc.get("token_endpoint_auth_methods_supported")
    chosen = settings.get("auth_method")
    if chosen and isinstance(supported, list) and chosen not in supported:
        raise fail(
            f"auth_method {chosen!r} is not supported", f"it supports: {', '.join(map(str, supported))}"
        )
    if not chosen:
        picked = choose_client_auth(supported, bool(settings.get("client_secret")))
        if picked is None:
            raise fail(
                f"no usable client auth method in {supported!r}",
                "set client_secret, or auth_method to one the server supports",
            )
        found["auth_method"] = picked
    return {k: v for k, v in found.items() if adapter.setting(k) is not None}


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts plain http may carry secrets to."""
    try:
        return host == "localhost" or ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False
