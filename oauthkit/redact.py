"""Keeps secrets out of log lines written by the HTTP libraries underneath oauthkit.

requests/urllib3 (DEBUG) and httpx (INFO) log request URLs, and a provider that takes its
parameters in the query string puts the client secret and refresh token there. A
filter on those loggers replaces the values of secret parameters with a fingerprint.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urlsplit, urlunsplit

from .token import fingerprint

# Parameter names whose values are secrets, in the spellings providers use.
SECRET_PARAMS = {
    "access_token",
    "refresh_token",
    "refreshtoken",
    "client_secret",
    "clientsecret",
    "id_token",
    "code",
    "code_verifier",
    "password",
    "token",
    "assertion",
}
HTTP_LOGGERS = ("urllib3.connectionpool", "httpx", "httpcore", "requests")
_PARAM = re.compile(r"(?P<name>[A-Za-z_]+)=(?P<value>[^&\s\"'#]+)")


def redact_params(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        if match["name"].lower() not in SECRET_PARAMS:
            return match[0]
        return f"{match['name']}=<{fingerprint(match['value'])}>"

    return _PARAM.sub(swap, text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_params(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_installed = threading.Event()


def install() -> None:
    """Attach the filter to the HTTP libraries' loggers (once per process)."""
    if _installed.is_set():
        return
    _installed.set()
    for name in HTTP_LOGGERS:
        logging.getLogger(name).addFilter(RedactingFilter())


def redacted_url(url: str) -> str:
    """A URL without its password (``redis://:pw@host`` must not reach a repr, a log or a cell)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port is not None else "")
    return urlunsplit(parts._replace(netloc=netloc))
