"""An offline emulator for any adapter: the adapter's data turned into the sandbox's wire spec.

``oauthkit.sandbox.serve(name)`` uses a hand-written emulator for the five seed providers and
this module for every other adapter, shipped or user-written. The sandbox imports nothing of
oauthkit, so the translation lives here: each request the adapter describes becomes plain data
(paths, wire names, client auth, fixed parameters and headers, the answer's shape), which
``sandbox.generic.WireEmulator`` checks requests against and answers in.

Settings the emulator hands back (``p.settings``): the client id, secret and refresh token it
issued; every URL setting an endpoint starts with pointed at the emulator; every other required
setting without a default given a placeholder ("sandbox-realm"). Defaults stay the adapter's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .adapter import Adapter, ErrorSpec, Expiry, RequestSpec, ResponseSpec, template_fields
from .registry import get_adapter, register
from .sandbox.generic import WireEmulator, emulator_class

# A whole-URL setting ("{token_url}") gets a path of its own on the emulator.
_WHOLE_URL_PATHS = {
    "request": "/token",
    "authorize": "/authorize",
    "exchange": "/token",
    "device": "/device/code",
    "revoke": "/revoke",
}
_DISCOVERED = (
    "token_endpoint",
    "authorization_endpoint",
    "auth_method",
    "device_authorization_endpoint",
    "revocation_endpoint",
)
_PLACEHOLDER_ORIGIN = "http://127.0.0.1:1"


class _Keep(dict[str, str]):
    """Formats a template, leaving the placeholders the emulator fills in itself."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def emulator_for(adapter: Adapter | str | dict[str, Any], **options: Any) -> WireEmulator:
    """Start an emulator speaking ``adapter``'s dialect (a name, an Adapter or an adapter dict)."""
    spec = _adapter(adapter)
    return emulator_class(wire_spec(spec))(**options)


def wire_spec(adapter: Adapter) -> dict[str, Any]:
    """The sandbox's plain description of everything ``adapter`` sends and reads."""
    settings = _settings(adapter)
    values = _Keep({**_defaults(adapter), **settings, "origin": _PLACEHOLDER_ORIGIN})
    values = _Keep({k: v.replace("{origin}", _PLACEHOLDER_ORIGIN) for k, v in values.items()})

    def path(template: str) -> str:
        return urlsplit(template.format_map(values)).path or "/"

    wire: dict[str, Any] = {
        "name": adapter.name,
        "settings": settings,
        "rotation": adapter.rotation,
        "answer": _answer(adapter.response, adapter.errors),
        "errors": _errors(adapter.errors),
        **_request(adapter.request, adapter, values),
    }
    if adapter.discovery:
        wire["token_path"], wire["authorize_path"] = "/token", "/authorize"
        wire["discovery"] = {
            "path": path(adapter.discovery),
            "document": {
                "issuer": adapter.discovery.split("/.well-known/")[0].format_map(_Keep(settings)),
                "token_endpoint": "{origin}/token",
                "authorization_endpoint": "{origin}/authorize",
                "device_authorization_endpoint": "{origin}/device/code",
                "revocation_endpoint": "{origin}/revoke",
            },
        }
    else:
        wire["token_path"] = path(adapter.request.url)
    if adapter.authorize is not None:
        exchange = adapter.authorize.exchange
        if not adapter.discovery:
            wire["authorize_path"] = path(adapter.authorize.url)
        wire["pkce_methods"] = [adapter.authorize.pkce] if adapter.authorize.pkce else []
        wire["exchange"] = {
            **_request(exchange.request, adapter, values),
            "answer": _answer(exchange.response, exchange.errors),
        }
        wire["exchange_paths"] = [wire["token_path"] if adapter.discovery else path(exchange.request.url)]
    if adapter.device is not None:
        poll = adapter.device.poll
        wire["device"] = {
            "path": "/device/code" if adapter.discovery else path(adapter.device.url),
            "fields": dict(adapter.device.fields),
            "poll": {
                **_request(poll.request, adapter, values),
                "answer": _answer(poll.response, poll.errors),
            },
        }
        poll_path = wire["token_path"] if adapter.discovery else path(poll.request.url)
        wire.setdefault("exchange_paths", []).append(poll_path)
    if adapter.revoke is not None:
        spec = adapter.revoke
        wire["revoke"] = {
            **_request(spec.request, adapter, values),
            "path": "/revoke" if adapter.discovery else path(spec.request.url),
            "token_param": spec.token_param,
        }
    return wire


def _adapter(adapter: Adapter | str | dict[str, Any]) -> Adapter:
    if isinstance(adapter, Adapter):
        return adapter
    if isinstance(adapter, dict):
        return register(adapter, replace=True)
    return get_adapter(adapter)


def _url_settings(adapter: Adapter) -> dict[str, str]:
    """The settings an endpoint URL starts with, and what the emulator sets each to."""
    found: dict[str, str] = {}
    templates = [("request", adapter.request.url)]
    if adapter.authorize is not None:
        templates.append(("authorize", adapter.authorize.url))
        templates.append(("exchange", adapter.authorize.exchange.request.url))
    if adapter.login is not None:
        templates.append(("request", adapter.login.exchange.request.url))
    if adapter.device is not None:
        templates.append(("device", adapter.device.url))
    if adapter.revoke is not None:
        templates.append(("revoke", adapter.revoke.request.url))
    if adapter.discovery:
        templates = [("discovery", adapter.discovery)]
    for kind, template in templates:
        refs = template_fields(template)
        if not refs or not template.startswith("{" + refs[0] + "}") or refs[0] in _DISCOVERED:
            continue
        whole = template == "{" + refs[0] + "}"
        found.setdefault(refs[0], "{origin}" + (_WHOLE_URL_PATHS.get(kind, "") if whole else ""))
    return found


def _settings(adapter: Adapter) -> dict[str, str]:
    settings = {"refresh_token": "{refresh_token}"}
    urls = _url_settings(adapter)
    for s in adapter.settings:
        if s.name in urls:
            settings[s.name] = urls[s.name]
        elif s.name in ("client_id", "client_secret", "refresh_token"):
            settings[s.name] = "{" + s.name + "}"
        elif s.required and s.default is None and s.name not in _DISCOVERED:
            settings[s.name] = "sandbox-" + s.name.replace("_", "-")
    return settings


def _defaults(adapter: Adapter) -> dict[str, str]:
    return {s.name: s.default for s in adapter.settings if s.default is not None}


def _request(spec: RequestSpec, adapter: Adapter, values: _Keep) -> dict[str, Any]:
    auth: str = spec.client_auth
    if spec.client_auth_setting is not None:
        auth = "any"
    elif auth == "body" and adapter.setting("client_secret") is None:
        auth = "public"
    return {
        "method": spec.method,
        "encoding": spec.encoding,
        "client_auth": auth,
        "grant_type": spec.grant_type,
        "names": dict(spec.names),
        "params": {k: v.format_map(values) for k, v in spec.extra.items()},
        "headers": {k: v.format_map(values) for k, v in spec.headers.items()},
    }


def _expiry(spec: Expiry | None) -> dict[str, Any] | None:
    return None if spec is None else {"field": spec.field, "kind": spec.kind, "format": spec.format}


def _answer(spec: ResponseSpec, errors: ErrorSpec) -> dict[str, Any]:
    return {
        "encoding": spec.encoding,
        "access_token": spec.access_token,
        "refresh_token": spec.refresh_token,
        "token_type": spec.token_type,
        "scope": spec.scope,
        "expires": _expiry(spec.expires),
        "refresh_expires": _expiry(spec.refresh_expires),
        "extra": list(spec.extra),
        "status_field": errors.status_field,
        "ok_status": errors.ok_status[0] if errors.ok_status else None,
    }


def _errors(spec: ErrorSpec) -> dict[str, Any]:
    same_field = spec.code_field == spec.message_field
    code = spec.invalid_grant_codes[0] if spec.invalid_grant_codes else "invalid_grant"
    messages = spec.invalid_grant_messages
    message = messages[0] if messages else "the refresh token is invalid"
    if same_field and spec.invalid_grant_messages:
        code = message  # one field for both: the fragment the adapter matches on
    return {
        "code_field": spec.code_field,
        "message_field": None if same_field else spec.message_field,
        "invalid_grant_code": code,
        "invalid_grant_message": message,
        "invalid_grant_status": spec.invalid_grant_status[0] if spec.invalid_grant_status else 400,
        "status_field": spec.status_field,
        "ok_status": spec.ok_status[0] if spec.ok_status else None,
    }


__all__ = ["emulator_for", "wire_spec"]
