"""When a token dies: an answer's expiry field read as an instant in this machine's clock.

Pure: the caller passes the value, when the request left and the provider's clock offset (from
the answer's ``Date`` header); nothing here knows about HTTP libraries or errors beyond
``BadExpiry``, which the answer reader turns into a ``MalformedResponse``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from .adapter import Expiry
from .token import utc

log = logging.getLogger("oauthkit")

# Lifetimes beyond this are not lifetimes (and would overflow datetime arithmetic).
MAX_LIFETIME_S = 100 * 365 * 86400.0
# A Date header is whole seconds: an offset below this is rounding, not a wrong clock.
SKEW_TOLERANCE_S = 2.0
SKEW_WARNING_S = 60.0


class BadExpiry(ValueError):
    """The expiry field cannot be read as the adapter declares it (the message says why)."""


def clock_offset(headers: Mapping[str, str], received_at: float) -> float | None:
    """Seconds the provider's clock is ahead of ours (negative: ours is ahead), from ``Date``."""
    value = headers.get("date")
    if not value:
        return None
    try:
        theirs = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if theirs.tzinfo is None:
        theirs = theirs.replace(tzinfo=timezone.utc)
    return theirs.timestamp() - received_at


def expiry_instant(
    spec: Expiry, value: Any, *, sent_at: float, offset: float | None, rotated: bool, who: str
) -> datetime | None:
    """The expiry instant in our clock; None when it must count as unknown. An expiry already
    past on arrival is a ``BadExpiry``, unless the answer carries a new refresh token
    (``rotated``): that one must never be thrown away, so the expiry then counts as unknown."""
    bad = f"{spec.field!r} is not a valid {spec.format or 'number of seconds'}: {str(value)[:40]!r}"
    try:
        if spec.kind == "seconds":
            seconds = _number(value)
            if seconds <= 0 and rotated:
                log.warning(
                    "%s: %r is %s; the new refresh token is kept and the expiry counts as unknown",
                    who,
                    spec.field,
                    value,
                )
                return None
            if not 0 < seconds <= MAX_LIFETIME_S:
                raise ValueError
            return utc(sent_at) + timedelta(seconds=seconds)
        if spec.format == "iso8601":
            if not isinstance(value, str):
                raise ValueError
            text = value.strip()
            text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
            moment = datetime.fromisoformat(text)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        else:
            stamp = _number(value) / (1000.0 if spec.format == "epoch_ms" else 1.0)
            moment = utc(stamp)
    except (ValueError, TypeError, OverflowError, OSError):
        raise BadExpiry(bad) from None
    moment = moment.astimezone(timezone.utc)
    if offset is not None and abs(offset) >= SKEW_TOLERANCE_S:
        # An absolute expiry is in the provider's clock: shift it into ours.
        moment = moment - timedelta(seconds=offset)
        (log.warning if abs(offset) >= SKEW_WARNING_S else log.info)(
            "%s: this machine's clock is %.0f s %s the provider's (its Date header); "
            "expiry times corrected",
            who,
            abs(offset),
            "ahead of" if offset < 0 else "behind",
        )
    if moment.timestamp() - sent_at > MAX_LIFETIME_S:
        raise BadExpiry(bad)
    if moment.timestamp() <= sent_at and not rotated:
        raise BadExpiry(f"{spec.field!r} is already in the past ({moment:%Y-%m-%d %H:%M:%S}Z)")
    if moment.timestamp() <= sent_at:
        # A wrong clock somewhere: the expiry counts as unknown and a 401 triggers the refresh.
        log.warning(
            "%s: %r (%sZ) is already past on arrival; is this machine's clock wrong? "
            "Treating the expiry as unknown",
            who,
            spec.field,
            f"{moment:%Y-%m-%d %H:%M:%S}",
        )
        return None
    return moment


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    number = float(value.strip()) if isinstance(value, str) else float(value)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number
