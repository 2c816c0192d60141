"""Endpoint URLs: an adapter's URL template filled from the settings, and the one rule for
plain http (secrets go over https, or over http only to this machine or when the user says so).

The token endpoint, the authorization and login endpoints and a discovery document all follow
it, so a user gets the same error, naming the same setting, wherever a URL is wrong.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from .adapter import Adapter, template_fields
from .errors import ConfigError


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts plain http may carry secrets to."""
    try:
        return host == "localhost" or ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def template_values(settings: Mapping[str, str | None]) -> dict[str, str]:
    """Settings as a URL template reads them: an unset one is empty."""
    return {k: ("" if v is None else str(v)) for k, v in settings.items()}


def endpoint_url(
    adapter: Adapter,
    connection: str,
    settings: Mapping[str, str | None],
    template: str,
    what: str,
    *,
    insecure_ok: bool,
) -> str:
    """``template`` filled from ``settings`` and checked; a ConfigError names the setting to fix."""
    values = template_values(settings)
    refs = template_fields(template)
    for ref in refs:
        if not values.get(ref):
            raise ConfigError(
                f"missing setting {ref!r} for the {what}",
                adapter=adapter.name,
                connection=connection,
                hint=f"set {adapter.env_name(ref, connection)} in .env or the environment, "
                f"or pass {ref}=... to connect()",
            )
    url = template.format_map(values)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fix = f"check {adapter.env_name(refs[0], connection)}" if refs else f"fix the adapter's {what}"
        raise ConfigError(
            f"the {what} {url!r} is not an http(s) URL", adapter=adapter.name, connection=connection, hint=fix
        )
    if parts.scheme == "http" and not insecure_ok and not is_loopback(parts.hostname):
        raise ConfigError(
            f"refusing to send secrets over plain http to {parts.hostname} (the {what})",
            adapter=adapter.name,
            connection=connection,
            hint="use https, or pass allow_insecure_http=True to connect() if you really mean it",
        )
    return url
