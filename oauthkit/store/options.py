"""Store options in the store URL's query string: ``sqlite:///path?max_events=1000``.

Each store names the options it takes; an unknown or malformed one is a ``ConfigError`` naming
it, not a silently ignored typo. For Redis, options that are not oauthkit's stay in the URL for
redis-py (``socket_timeout=``, ``health_check_interval=``, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..errors import ConfigError

Parser = Callable[[str], Any]


def whole(minimum: int) -> Parser:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise ValueError(f"at least {minimum}")
        return value

    return parse


def seconds(minimum: float) -> Parser:
    def parse(text: str) -> float:
        value = float(text)
        if not value >= minimum or value == float("inf"):
            raise ValueError(f"a number of seconds of at least {minimum:g}")
        return value

    return parse


def split(url: str) -> tuple[str, list[tuple[str, str]]]:
    base, _, query = url.partition("?")
    return base, parse_qsl(query, keep_blank_values=True)


def take(url: str, parsers: Mapping[str, Parser], *, keep_others: bool = False) -> tuple[str, dict[str, Any]]:
    """``url`` without oauthkit's options, and those options parsed. Others stay in the URL
    when ``keep_others``, else they are an error."""
    base, pairs = split(url)
    found: dict[str, Any] = {}
    others: list[tuple[str, str]] = []
    for name, text in pairs:
        parser = parsers.get(name)
        if parser is None:
            if keep_others:
                others.append((name, text))
                continue
            known = ", ".join(sorted(parsers)) or "none"
            raise ConfigError(
                f"unknown store option {name!r} in {_safe(base)}",
                hint=f"the options of this store are: {known}",
            )
        try:
            found[name] = parser(text)
        except ValueError as exc:
            raise ConfigError(f"bad store option {name}={text!r} in {_safe(base)}", detail=str(exc)) from None
    return (f"{base}?{urlencode(others)}" if others else base), found


def _safe(base: str) -> str:
    from ..redact import redacted_url

    return redacted_url(base)
