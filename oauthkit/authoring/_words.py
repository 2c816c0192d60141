"""``describe``: what an adapter sends and how it reads the answer, in plain words, a line a fact."""

from __future__ import annotations

import json

from ..adapter import Adapter, Expiry, template_fields


def describe(adapter: Adapter) -> list[str]:
    """What the adapter sends and how it reads the answer, one line per fact."""
    r, res = adapter.request, adapter.response
    lines = [f"sends     {r.method} {_url(adapter)}"]
    if adapter.discovery:
        lines.append(
            f"discovery endpoints and client auth from {adapter.discovery} (once per process; "
            "settings the user set win)"
        )
    pairs = [(r.wire("grant_type"), r.grant_type)] if r.grant_type is not None else []
    pairs.append((r.wire("refresh_token"), "<refresh token>"))
    pairs += [(r.wire(n), f"<{n}>") for n in r.required]
    pairs += [(r.wire(n), f"<{n}, when set>") for n in r.optional]
    pairs += list(r.extra.items())
    # Shown as the wire shows them: name=value in a query or form, "name": value in JSON.
    params = [f"{k}={v}" for k, v in pairs]
    if r.encoding == "json":
        params = [f'"{k}": {v if v.startswith("<") else json.dumps(v)}' for k, v in pairs]
    where = {
        "query": "in the URL query string",
        "form": "in a form body (application/x-www-form-urlencoded)",
        "json": "in a JSON body",
    }[r.encoding]
    lines.append(f"params    {where}: {', '.join(params)}")
    if r.headers:
        lines.append(f"headers   {', '.join(f'{k}: {v}' for k, v in r.headers.items())}")
    lines.append(f"client    {_client_auth(adapter)}")
    lines.append(
        f"reads     access token at {res.access_token!r}; {_path_words('refresh token', res.refresh_token)}"
    )
    if res.encoding != "json":
        lines.append(f"answer    {res.encoding}-encoded")
    if adapter.errors.status_field is not None:
        ok = ", ".join(map(str, adapter.errors.ok_status))
        lines.append(f"status    {adapter.errors.status_field!r} must be {ok}; anything else is an error")
    if res.extra:
        lines.append(f"keeps     {', '.join(res.extra)} on token.extra")
    lines.append(f"expiry    {_expiry_words(res.expires, res.default_lifetime)}")
    if res.refresh_expires is not None:
        lines.append(f"          refresh token: {_expiry_words(res.refresh_expires, None)}")
    lines.append(f"rotation  {_rotation_words(adapter.rotation)}")
    lines.append(f"dead      {_error_words(adapter)} -> InvalidGrant (authorize again)")
    if adapter.response_hook is not None:
        lines.append("hook      a response_hook reshapes the answer before it is read")
    lines.append(f"first     {_first_token_words(adapter)}")
    lines.append(f"docs      {adapter.docs or '-'}")
    return lines


def default_values(adapter: Adapter) -> dict[str, str]:
    values = {s.name: s.default for s in adapter.settings if s.default is not None}
    # A default may refer to other settings, one level deep (the validator sees to it), as
    # base_url = "https://{domain}" does: expand those whose references have plain defaults.
    return {
        name: value.format_map(values) if all(ref in values for ref in template_fields(value)) else value
        for name, value in values.items()
    }


def _url(adapter: Adapter) -> str:
    url = adapter.request.url
    if adapter.discovery and template_fields(url):
        return f"{url}  (from discovery)"
    defaults = default_values(adapter)
    shown = url.format_map(defaults) if all(r in defaults for r in template_fields(url)) else url
    missing = template_fields(shown)
    if missing:
        envs = ", ".join(adapter.env_name(m) for m in missing)
        return f"{shown}  ({', '.join(missing)}: no default; set {envs})"
    return shown


def _client_auth(adapter: Adapter) -> str:
    r = adapter.request
    setting = r.client_auth_setting
    if setting is not None:
        default = adapter.setting(setting)
        chosen = f"default {default.default}" if default and default.default else "from discovery"
        return (
            f"chosen by the setting {setting} ({chosen}): client_secret_basic = HTTP Basic, "
            "client_secret_post = client_id and client_secret in the body, none = client_id only"
        )
    place = "URL query string" if r.encoding == "query" else "body"
    return {
        "basic": "HTTP Basic header: client_id:client_secret",
        "body": f"{r.wire('client_id')} and {r.wire('client_secret')} (when set) in the {place}",
        "none": "no client authentication",
    }[r.client_auth]


def _path_words(what: str, path: str | None) -> str:
    return f"{what} at {path!r}" if path else f"no {what} in the answer"


def _expiry_words(spec: Expiry | None, default: float | None) -> str:
    fallback = f"; {default:g} s when absent" if default is not None else "; no known expiry when absent"
    if spec is None:
        return f"no expiry in the answer{fallback}"
    if spec.kind == "seconds":
        return f"{spec.field!r} is a lifetime in seconds{fallback}"
    fmt = {"iso8601": "an ISO-8601 instant", "epoch": "a UNIX time (s)", "epoch_ms": "a UNIX time (ms)"}
    return f"{spec.field!r} is {fmt.get(spec.format or '', 'an instant')}{fallback}"


def _rotation_words(rotation: str) -> str:
    return {
        "always": "always: every answer carries a new refresh token and the used one is dead",
        "never": "never: the refresh token is kept; any in the answer is ignored",
        "if_present": "if_present: a refresh token in the answer replaces ours, else ours is kept",
    }[rotation]


def _error_words(adapter: Adapter) -> str:
    e = adapter.errors
    parts = [f"HTTP {', '.join(map(str, e.invalid_grant_status))}"] if e.invalid_grant_status else []
    if e.invalid_grant_codes:
        parts.append(f"{e.code_field!r} in ({', '.join(e.invalid_grant_codes)})")
    if e.invalid_grant_messages:
        parts.append(f"{e.message_field!r} mentions ({', '.join(e.invalid_grant_messages)})")
    return " or ".join(parts) or "nothing declared"


def _first_token_words(adapter: Adapter) -> str:
    """How the first tokens are obtained: conn.authorize(), conn.login(...) or by hand."""
    if adapter.authorize is not None:
        a = adapter.authorize
        pkce = f"PKCE {a.pkce}" if a.pkce else "no PKCE"
        exchange = a.exchange.request
        return (
            f"conn.authorize(): the user approves at {a.url} (scope {a.scope or '-'}, {pkce}); "
            f"the code is exchanged with {exchange.method} {exchange.url} ({exchange.encoding})"
        )
    if adapter.login is not None:
        login = adapter.login.exchange.request
        return (
            f"conn.login({', '.join(f'{c}=...' for c in adapter.login.credentials)}): "
            f"{login.method} {login.url} ({login.encoding}); the credentials are never stored"
        )
    return "by hand: no authorize or login section, so the refresh_token setting seeds it"
