"""OpenID Connect / RFC 8414 discovery: the settings an issuer's metadata supplies.

Fetched once per URL per process; the only network access outside a refresh.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from . import transport
from .adapter import Adapter, choose_client_auth, template_fields
from .dialect import Dialect
from .errors import ConfigError, DeadlineExceeded, OAuthKitError, TransportError
from .response import Answer, redirect_target
from .urls import endpoint_url, url_problem

# Discovery documents by URL: fetched once per process (OpenID Connect Discovery 1.0, RFC 8414).
_DISCOVERED: dict[str, dict[str, Any]] = {}
# One lock per URL, so an unreachable issuer stalls only the connections that use it.
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(url: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(url, threading.Lock())


@dataclass(frozen=True)
class Issuer:
    """Who answers a connection's authorization requests, for RFC 9207's ``iss`` check."""

    accepted: tuple[str, ...]  # the iss values that name it (the first is the one to show)
    required: bool  # the metadata says every authorization response carries iss


def discovery_enabled(adapter: Adapter, settings: Mapping[str, str | None]) -> bool:
    """Whether this connection discovers its endpoints: the adapter has a discovery URL and
    every setting in it is set (the standard ``oauth2`` adapter discovers only given an issuer)."""
    if adapter.discovery is None:
        return False
    return all(settings.get(ref) for ref in template_fields(adapter.discovery))


def endpoint_settings(adapter: Adapter) -> dict[str, str]:
    """The metadata field each setting takes its value from: ``token_endpoint`` fills the setting
    the refresh URL is made of ("{token_url}"), ``authorization_endpoint`` the authorization URL's;
    an adapter whose URLs are not one setting each uses the metadata names themselves."""

    def whole(template: str | None, fallback: str) -> str:
        refs = template_fields(template or "")
        return refs[0] if len(refs) == 1 and template == "{" + refs[0] + "}" else fallback

    authorize_url = adapter.authorize.url if adapter.authorize else None
    device_url = adapter.device.url if adapter.device else None
    revoke_url = adapter.revoke.request.url if adapter.revoke else None
    return {
        "token_endpoint": whole(adapter.request.url, "token_endpoint"),
        "authorization_endpoint": whole(authorize_url, "authorization_endpoint"),
        # RFC 8628 section 4 and RFC 8414 section 2 (RFC 7009's endpoint)
        "device_authorization_endpoint": whole(device_url, "device_authorization_endpoint"),
        "revocation_endpoint": whole(revoke_url, "revocation_endpoint"),
    }


def discovery_url(
    adapter: Adapter, connection: str, settings: Mapping[str, str | None], *, insecure_ok: bool
) -> str:
    """The adapter's discovery URL, checked like any endpoint (plain-http metadata could name
    any token endpoint, and the secrets would follow it)."""
    assert adapter.discovery is not None
    url = endpoint_url(
        adapter, connection, settings, adapter.discovery, "discovery URL", insecure_ok=insecure_ok
    )
    # OpenID Connect Discovery 1.0 section 4.1: an issuer's terminating "/" is removed before
    # /.well-known/openid-configuration is appended (some providers write issuers with one).
    head, well_known, tail = url.partition("/.well-known/")
    return head.rstrip("/") + well_known + tail if well_known else url


def issuer_of(
    adapter: Adapter, connection: str, settings: Mapping[str, str | None], *, insecure_ok: bool
) -> Issuer | None:
    """The issuer of a discovery adapter's connection (None for any other adapter): the one its
    metadata names, compared as RFC 9207 says (exactly); without a fetched document, the
    issuer setting, with or without a terminating "/" (the user may have written either)."""
    if not discovery_enabled(adapter, settings):
        return None
    url = discovery_url(adapter, connection, settings, insecure_ok=insecure_ok)
    doc = _DISCOVERED.get(url)
    named = doc.get("issuer") if doc is not None else None
    if doc is not None and isinstance(named, str) and named:
        return Issuer((named,), doc.get("authorization_response_iss_parameter_supported") is True)
    derived = url.split("/.well-known/", 1)[0]
    return Issuer((derived, derived + "/"), False)


def discover(
    adapter: Adapter,
    connection: str,
    settings: Mapping[str, str | None],
    *,
    timeout: float,
    insecure_ok: bool,
    force: bool = False,
) -> dict[str, str]:
    """The settings an issuer's metadata supplies: ``token_endpoint``, ``auth_method``, and the
    authorization, device authorization and revocation endpoints (absent from a document: left
    unset), each under the setting the adapter's URL is made of."""
    url = discovery_url(adapter, connection, settings, insecure_ok=insecure_ok)
    # The issuer is the discovery URL before its /.well-known/ part (OpenID Discovery 4.3,
    # RFC 8414 section 3.3), whatever the adapter calls the setting.
    issuer = url.split("/.well-known/", 1)[0]
    method_setting = adapter.request.client_auth_setting
    into = endpoint_settings(adapter)
    needed = [k for k in (into["token_endpoint"], method_setting) if k and adapter.setting(k) is not None]
    if not force and needed and all(settings.get(k) for k in needed):
        return {}  # the user named the endpoint and the method: nothing to fetch (works offline)

    def fail(
        problem: str, hint: str, cls: type[OAuthKitError] = ConfigError, status: int | None = None
    ) -> OAuthKitError:
        return cls(
            f"discovery failed for issuer {issuer!r}: {problem}",
            adapter=adapter.name,
            connection=connection,
            status=status,
            hint=hint,
        )

    with _lock_for(url):  # one fetch per issuer even when many connections start at once
        doc = _DISCOVERED.get(url)
        if doc is None:
            try:
                answer = _fetch(url, timeout)
            except transport.Overdue as exc:
                raise fail(
                    f"{url} sent no complete answer within {exc.seconds:g} s",
                    "the issuer is slow or stalled; try again later, or pass a larger timeout= to connect()",
                    DeadlineExceeded,
                ) from None
            except requests.RequestException as exc:
                raise fail(
                    f"{type(exc).__name__} fetching {url}",
                    "check the issuer setting and the network",
                    TransportError,
                ) from None
            if 300 <= answer.status < 400:
                # Not followed: the document names the endpoints the secrets will go to.
                setting = ", ".join(adapter.env_name(ref, connection) for ref in _refs(adapter))
                raise fail(
                    f"{url} redirected to {redirect_target(answer.headers)}",
                    f"set {setting} to the issuer the server really uses; oauthkit does not follow "
                    "redirects for discovery",
                    status=answer.status,
                )
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
            for key in into:
                value = parsed.get(key)
                if key == "token_endpoint" or value is not None:
                    problem = url_problem(str(value), insecure_ok=insecure_ok)
                    if problem is not None:
                        # The same rule as for a setting: the secrets would go where it points.
                        raise fail(
                            f"the document's {key} {problem}",
                            f"set {adapter.env_name(into[key], connection)} yourself if you trust this "
                            "issuer, or check the issuer setting",
                        )
            named = parsed.get("issuer")
            if isinstance(named, str) and named.rstrip("/") != issuer.rstrip("/"):
                # OpenID Discovery 4.3: a document for another issuer is a mix-up, not a token endpoint.
                raise fail(
                    f"the document names issuer {named!r}", "set the issuer exactly as the server names it"
                )
            doc = _DISCOVERED[url] = parsed
    found = {into["token_endpoint"]: str(doc["token_endpoint"])}
    for key in ("authorization_endpoint", "device_authorization_endpoint", "revocation_endpoint"):
        value = doc.get(key)
        if isinstance(value, str) and value:
            found[into[key]] = value
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


def fill_endpoint(dialect: Dialect, template: str, timeout: float) -> None:
    """Before a flow uses an endpoint its settings lack (``template`` is one setting, e.g.
    ``{device_authorization_endpoint}``): fetch the metadata even though the refresh did not
    need it (the user named the token endpoint and the method), and fill in what it names."""
    adapter = dialect.adapter
    refs = template_fields(template)
    if len(refs) != 1 or dialect.settings.get(refs[0]) or not discovery_enabled(adapter, dialect.settings):
        return
    found = discover(
        adapter,
        dialect.connection,
        dialect.settings,
        timeout=timeout,
        insecure_ok=dialect.insecure_ok,
        force=True,
    )
    dialect.settings.update({k: v for k, v in found.items() if not dialect.settings.get(k)})


def _fetch(url: str, timeout: float) -> Answer:
    with requests.Session() as http:
        transport.mount(http)
        return transport.fetch_requests(
            lambda limit: http.get(url, timeout=limit, stream=True, allow_redirects=False),
            transport.deadline_seconds(timeout),
        )


def _refs(adapter: Adapter) -> list[str]:
    return template_fields(adapter.discovery or "")
