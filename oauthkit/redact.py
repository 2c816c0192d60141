"""Keeps secrets out of messages and out of the log lines of the HTTP libraries underneath.

Two mechanisms, both add-only for the life of the process:

- a ``Redactor`` per connection remembers every secret the connection has held (settings,
  every rotated refresh token, every access token) and replaces each, raw or percent-encoded,
  with its fingerprint. It never forgets one: a provider that echoes a client secret after
  the hundredth rotation is redacted like the first.
- requests/urllib3 (DEBUG) and httpx (INFO) log request URLs, and a provider that takes its
  parameters in the query string puts the client secret and refresh token there. A filter on
  those loggers replaces the values of secret parameters, by the usual names and by every wire
  name an adapter gives them (``app_secret``, ``rt``), and every value any live Redactor knows.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

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
    "device_code",
    "password",
    "token",
    "assertion",
}
HTTP_LOGGERS = ("urllib3.connectionpool", "httpx", "httpcore", "requests")
_PARAM = re.compile(r"(?P<name>[A-Za-z0-9_.\-]+)=(?P<value>[^&\s\"'#]+)")
# A secret this short could be part of ordinary words ("os" in "host"): it is replaced only where
# it stands alone, never inside a longer run of letters and digits.
SHORT_SECRET = 12
_guard = threading.Lock()
_wire_names: set[str] = set()
_redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()


def add_secret_params(names: Iterable[str]) -> None:
    """Treat these parameter names (an adapter's wire names for its secrets) as secret in log lines."""
    with _guard:
        _wire_names.update(n.lower() for n in names if n)


def _is_secret_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_PARAMS or lowered in _wire_names


def redact_params(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        if not _is_secret_param(match["name"]):
            return match[0]
        return f"{match['name']}=<{fingerprint(match['value'])}>"

    return _PARAM.sub(swap, text)


# Characters that no percent-encoding below changes (RFC 3986 unreserved): most tokens are only
# these, and then all their spellings are the raw one.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _forms(secret: str) -> set[str]:
    """The spellings a secret takes in text: raw, and percent-encoded as URLs and forms write it."""
    if _UNRESERVED.fullmatch(secret):
        return {secret}  # a refresh adds two new tokens: skip three quote() calls for each
    return {secret, quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret, safe="/")}


class Redactor:
    """Every secret one connection has held, replaced by its fingerprint wherever it appears."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._lock = threading.Lock()
        self._labels: dict[str, str] = {}  # spelling -> "<fingerprint>" of the raw secret
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)
        with _guard:
            _redactors.add(self)

    def add(self, *secrets: str | None) -> None:
        # dict.fromkeys: a refresh passes the new refresh token twice (record and token)
        fresh = [s for s in dict.fromkeys(secrets) if s and s not in self._labels]
        if not fresh:
            return
        with self._lock:
            for secret in fresh:
                label = f"<{fingerprint(secret)}>"
                for form in _forms(secret):
                    self._labels.setdefault(form, label)
            self._pattern = None

    def __len__(self) -> int:
        return len(self._labels)

    def _compiled(self) -> re.Pattern[str] | None:
        pattern = self._pattern
        if pattern is None and self._labels:
            with self._lock:
                parts = []
                # Longest first: a secret that contains another is replaced whole.
                for form in sorted(self._labels, key=len, reverse=True):
                    escaped = re.escape(form)
                    if len(form) < SHORT_SECRET:
                        escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
                    parts.append(escaped)
                pattern = self._pattern = re.compile("|".join(parts))
        return pattern

    def __call__(self, text: str) -> str:
        pattern = self._compiled()
        if pattern is None or not text:
            return text
        return pattern.sub(lambda m: self._labels.get(m[0], "<secret>"), text)


def redact_known(text: str) -> str:
    """``text`` with every secret any live connection knows, and secret parameters, redacted."""
    with _guard:
        redactors = list(_redactors)
    for redactor in redactors:
        text = redactor(text)
    return redact_params(text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_known(message)
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
