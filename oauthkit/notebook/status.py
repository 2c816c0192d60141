"""A token's state in one word and one colour, and short human texts for times and durations.

The words and colours themselves live in ``oauthkit.display`` (the value types render through
it too); this module applies them to a Token, for the dashboard cards and the tests.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..display import (
    COLOURS,
    EXPIRED,
    EXPIRING,
    FAILED,
    REFRESHING,
    VALID,
    countdown,
    duration,
    short_when,
    status_word,
    when,
)
from ..token import remaining_at

if TYPE_CHECKING:
    from ..token import Token

__all__ = [
    "COLOURS",
    "EXPIRED",
    "EXPIRING",
    "FAILED",
    "REFRESHING",
    "VALID",
    "countdown_text",
    "duration",
    "short_when",
    "token_status",
    "when",
]


def token_status(
    token: Token | None,
    leeway: float,
    *,
    refreshing: bool = False,
    failed: bool = False,
    now: float | None = None,
) -> str:
    """valid, expiring (inside the refresh leeway), expired, refreshing or failed."""
    remaining = remaining_at(token, time.time() if now is None else now)
    return status_word(remaining, leeway, has_token=token is not None, refreshing=refreshing, failed=failed)


def countdown_text(token: Token | None, now: float | None = None) -> str:
    """What the countdown says next to its progress bar."""
    return countdown(remaining_at(token, time.time() if now is None else now), has_token=token is not None)
