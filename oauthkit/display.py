"""Words, colours and small HTML pieces that every view of oauthkit shares.

Plain values in, strings out: no widget, pandas or matplotlib, and nothing of oauthkit, so the
value types (``Token``, ``Adapter``, ``Connection``) can render themselves without importing the
notebook layer, and the reprs, the dashboard cards and the report all say "expiring" for the same
token at the same moment. Every value that goes into HTML passes through ``esc``; styles are
inline because JupyterLab's sanitizer drops ``<style>`` blocks of untrusted outputs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
REFRESHING = "refreshing"
FAILED = "failed"
NO_TOKEN = "no token"  # seeded or forgotten: nothing has expired, there is simply none yet

# Readable on JupyterLab's light and dark themes alike (white text on a saturated badge).
COLOURS: dict[str, str] = {
    VALID: "#2e7d32",
    EXPIRING: "#e65100",
    EXPIRED: "#616161",
    REFRESHING: "#1565c0",
    FAILED: "#c62828",
    NO_TOKEN: "#616161",
}

BOX = (
    "display:inline-block;font-family:var(--jp-ui-font-family,sans-serif);font-size:12px;"
    "border:1px solid rgba(128,128,128,.35);border-radius:6px;padding:6px 10px;margin:2px 0"
)
# ipywidgets' HTML widget sets a 28px line height for its form controls: tables set their own.
TABLE = "border-collapse:collapse;margin-top:4px;line-height:1.35"
TH = "text-align:left;padding:1px 10px 1px 0;font-weight:600;opacity:.75;white-space:nowrap"
TD = "text-align:left;padding:1px 0"
GRID_TH = "text-align:left;padding:3px 8px;border-bottom:1px solid rgba(128,128,128,.5);white-space:nowrap"
GRID_TD = "text-align:left;padding:2px 8px;border-bottom:1px solid rgba(128,128,128,.15);white-space:nowrap"


# ---- words ---------------------------------------------------------------------------------------
def status_word(
    remaining: float | None,
    leeway: float,
    *,
    has_token: bool = True,
    refreshing: bool = False,
    failed: bool = False,
) -> str:
    """valid, expiring (inside the refresh leeway), expired, no token, refreshing or failed.

    ``remaining``: seconds the access token has left (None: the provider gave no expiry). A
    refresh under way or a failed last attempt wins over the token's own clock: those are what
    the user has to look at, even while the old token still works."""
    if refreshing:
        return REFRESHING
    if failed:
        return FAILED
    if not has_token:
        return NO_TOKEN
    if remaining is None:
        return VALID
    if remaining <= 0:
        return EXPIRED
    return EXPIRING if remaining <= leeway else VALID


def duration(seconds: float | None) -> str:
    """``1.5 s``, ``4 s``, ``2m 05s``, ``1h 02m``, ``3d 4h``; ``-`` when unknown."""
    if seconds is None or seconds != seconds:  # None or NaN
        return "-"
    value = abs(seconds)
    sign = "-" if seconds < 0 else ""
    if value < 10 and round(value, 1) != round(value):  # sandbox tokens live 1.5 s, not "2 s"
        return f"{sign}{value:.1f} s"
    if value < 60:
        return f"{sign}{value:.0f} s"
    minutes, secs = divmod(round(value), 60)
    if minutes < 60:
        return f"{sign}{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{sign}{days}d {hours}h"


def when(moment: datetime | None) -> str:
    """A UTC time as users read it; ``-`` when unknown."""
    if moment is None:
        return "-"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def short_when(moment: datetime | None, now: float | None = None) -> str:
    """Like ``when``, without the date when it is today (UTC): card-sized."""
    if moment is None:
        return "-"
    today = datetime.fromtimestamp(time.time() if now is None else now, tz=moment.tzinfo).date()
    return f"{moment:%H:%M:%S} UTC" if moment.date() == today else when(moment)


def countdown(remaining: float | None, *, has_token: bool = True) -> str:
    """What the countdown says next to its progress bar (``remaining`` as in ``status_word``)."""
    if not has_token:
        return "no access token yet"
    if remaining is None:
        return "no expiry given"
    # Whole seconds below a minute: the text then changes exactly once per tick.
    if remaining <= 0:
        return f"expired {_whole(-remaining)} ago"
    return f"{_whole(remaining)} left"


def _whole(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 60 else duration(seconds)


# ---- HTML pieces ---------------------------------------------------------------------------------
# html.escape(value, quote=True), without importing html (and html.entities) on `import oauthkit`.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def shorten_value(value: object, limit: int = 60) -> str:
    """A kept answer field (text, a number, a small object) on one line, cut at ``limit``."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def esc(value: object) -> str:
    return str(value).translate(_ESCAPES)


def code(value: object) -> str:
    return f"<code>{esc(value)}</code>"


def badge(status: str) -> str:
    colour = COLOURS.get(status, "#616161")
    name = esc(status.replace(" ", "-"))
    return (
        f"<span class='oauthkit-status oauthkit-status-{name}' style='background:{colour};"
        "color:#fff;border-radius:9px;padding:0 7px;font-size:11px;font-weight:600'>"
        f"{esc(status)}</span>"
    )


def link(url: str) -> str:
    """A link that opens in a new tab, for http(s) addresses only; anything else as text."""
    if url.startswith(("https://", "http://")):
        return f"<a href='{esc(url)}' target='_blank' rel='noopener'>{esc(url)}</a>"
    return esc(url or "-")


def rows_table(rows: Iterable[tuple[str, str]], css_class: str) -> str:
    """A two-column table; the labels are escaped here, the values are HTML already (callers escape)."""
    body = "".join(f"<tr><th style='{TH}'>{esc(k)}</th><td style='{TD}'>{v}</td></tr>" for k, v in rows)
    return f"<table class='{css_class}' style='{TABLE}'>{body}</table>"


def boxed(css_class: str, head: str, rows: Iterable[tuple[str, str]]) -> str:
    """The framed box a value type shows in Jupyter: a head line (HTML) above a ``rows_table``."""
    return f"<div class='{css_class}' style='{BOX}'>{head}{rows_table(rows, '')}</div>"
