"""Endpoint URLs: an adapter's URL template filled from the settings, and the one rule for
plain http (secrets go over https, or over http only to this machine or when the user says so).

The token endpoint, the authorization and login endpoints and a discovery document all follow
it, so a user gets the same error, naming the same setting, wherever a URL is wrong.

The rule is only as good as the host it checks, so that host must be the one the HTTP library
connects to. ``urlsplit``, urllib3 and httpx disagree on URLs outside the plain
``scheme://host[:port]/path?query`` form: ``http://192.0.2.1\\@127.0.0.1/t`` is 127.0.0.1 to
``urlsplit`` and 192.0.2.1 to urllib3, and ``urlsplit`` silently drops tabs and newlines. Such
URLs are refused rather than interpreted.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Mapping
from urllib.parse import SplitResult, urlsplit

from .adapter import Adapter, template_fields
from .errors import ConfigError

# A DNS name (letters, digits, "-", "_" for service labels) in dot-separated, non-empty labels.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
# What inet_aton would read as an IPv4 address in another form ("127.1", "0x7f.0.0.1", "2130706433").
_NUMERIC = re.compile(r"(?:0[xX][0-9A-Fa-f]*|[0-9]+)(?:\.(?:0[xX][0-9A-Fa-f]*|[0-9]*))*")
_AUTHORITY = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>.*))?")


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts plain http may carry secrets to."""
    try:
        return host == "localhost" or ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def template_values(settings: Mapping[str, str | None]) -> dict[str, str]:
    """Settings as a URL template reads them: an unset one is empty."""
    return {k: ("" if v is None else str(v)) for k, v in settings.items()}


def ambiguity(url: str) -> str | None:
    """Why HTTP libraries might read ``url`` differently (or None: they all read it alike).

    The message never quotes the URL: a refused one may carry a password in its user part.
    """
    for index, char in enumerate(url):
        if char == "\\":
            return f"it contains a backslash (position {index})"
        if ord(char) <= 0x20 or ord(char) == 0x7F:
            return f"it contains whitespace or a control character (U+{ord(char):04X} at position {index})"
        if ord(char) > 0x7E:
            return (
                f"it contains a non-ASCII character (position {index}): write the host in its "
                "xn-- form and percent-encode the path"
            )
    if "#" in url:
        return "it has a fragment (#...)"
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is no IP address
        return "it cannot be parsed as a URL"
    problem = _authority_problem(parts.netloc)
    if problem is not None:
        return problem
    return _libraries_disagree(url, parts)


def _authority_problem(netloc: str) -> str | None:
    if "@" in netloc:
        return "it carries user information (user@host); put credentials in their own settings"
    if "%" in netloc:
        return "its host is percent-encoded"
    found = _AUTHORITY.fullmatch(netloc)
    if found is None or not found.group("host"):
        return "it has no host"
    host, port = found.group("host"), found.group("port")
    if port is not None and not (port.isdigit() and port.isascii() and 0 < int(port) <= 65535):
        return "its port is empty or not a number from 1 to 65535" if port else "its port is empty"
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return "its host is not a valid IPv6 address"
        return None
    if not _NAME.fullmatch(host):
        return "its host is not a DNS name or an IPv4 address (odd characters or empty labels)"
    if _NUMERIC.fullmatch(host):
        try:
            canonical = str(ipaddress.IPv4Address(host)) == host
        except ValueError:
            canonical = False
        if not canonical:
            return "its host is an IPv4 address in a short, octal or hexadecimal form: write a.b.c.d"
    return None


def _libraries_disagree(url: str, parts: SplitResult) -> str | None:
    """A last check that the HTTP libraries see the host and port ``urlsplit`` sees."""
    from urllib3.util import parse_url

    expected = ((parts.hostname or "").lower(), parts.port)
    try:
        seen = parse_url(url)
        if ((seen.host or "").strip("[]").lower(), seen.port) != expected:
            return "urllib3 would read another host or port from it"
    except ValueError:
        return "urllib3 cannot read it"
    httpx = sys.modules.get("httpx")  # compared only when loaded: importing it costs ~100 ms
    if httpx is not None:
        try:
            other = httpx.URL(url)
            if (other.host.lower(), other.port) != expected:
                return "httpx would read another host or port from it"
        except (httpx.InvalidURL, ValueError):
            return "httpx cannot read it"
    return None


def url_problem(url: str, *, insecure_ok: bool) -> str | None:
    """Why ``url`` may not carry secrets, as the end of "the token URL ..." (or None): not
    http(s), read differently by the HTTP libraries, or plain http to another machine without
    the user's consent."""
    ambiguous = ambiguity(url)
    if ambiguous is not None:
        return f"is refused: {ambiguous}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL"
    if parts.scheme == "http" and not insecure_ok and not is_loopback(parts.hostname):
        return f"would send secrets over plain http to {parts.hostname}"
    return None


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
            # A setting discovery could fill (oauth2's token_url from an issuer's metadata): say so.
            via = [f for f in template_fields(adapter.discovery or "") if f != ref]
            alternative = f", or set {adapter.env_name(via[0], connection)} to discover it" if via else ""
            raise ConfigError(
                f"missing setting {ref!r} for the {what}",
                adapter=adapter.name,
                connection=connection,
                hint=f"set {adapter.env_name(ref, connection)} in .env or the environment, "
                f"or pass {ref}=... to connect(){alternative}",
            )
    url = template.format_map(values)
    problem = url_problem(url, insecure_ok=insecure_ok)
    if problem is None:
        return url
    if "plain http" in problem:
        hint = "use https, or pass allow_insecure_http=True to connect() if you really mean it"
    else:
        hint = (
            "check " + " and ".join(adapter.env_name(ref, connection) for ref in refs)
            if refs
            else f"fix the adapter's {what}"
        )
        if "refused" in problem:
            hint += " (URLs that HTTP libraries could read differently are refused)"
    raise ConfigError(f"the {what} {problem}", adapter=adapter.name, connection=connection, hint=hint)
