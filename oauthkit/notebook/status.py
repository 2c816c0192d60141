"""A token's state in one word and one colour, and short human texts for times and durations.

Pure functions with no widget, pandas or matplotlib: the HTML reprs, the dashboard cards and
the report all say "expiring" for the same token at the same moment.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..token import Token

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
REFRESHING = "refreshing"
FAILED = "failed"

# Readable on JupyterLab's light and dark themes alike (white text on a saturated badge).
COLOURS: dict[str, str] = {
    VALID: "#2e7d32",
    EXPIRING: "#e65100",
    EXPIRED: "#616161",
    REFRESHING: "#1565c0",
    FAILED: "#c62828",
}


def token_status(
    token: Token | None,
    leeway: float,
    *,
    refreshing: bool = False,
    failed: bool = False,
    now: float | None = None,
) -> str:
    """valid, expiring (inside the refresh leeway), expired, refreshing or failed.

    A refresh under way or a failed last attempt wins over the token's own clock: those are
    what the user has to look at, even while the old token still works."""
    if refreshing:
        return REFRESHING
    if failed:
        return FAILED
    if token is None:
        return EXPIRED
    if token.expires_at is None:
        return VALID
    remaining = token.expires_at.timestamp() - (time.time() if now is None else now)
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


def countdown_text(token: Token | None, now: float | None = None) -> str:
    """What the countdown says next to its progress bar."""
    if token is None:
        return "no access token yet"
    if token.expires_at is None:
        return "no expiry given"
    remaining = token.expires_at.timestamp() - (time.time() if now is None else now)
    # Whole seconds below a minute: the text then changes exactly once per tick.
    if remaining <= 0:
        return f"expired {_whole(-remaining)} ago"
    return f"{_whole(remaining)} left"


def _whole(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 60 else duration(seconds)
