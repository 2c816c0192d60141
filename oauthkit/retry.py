"""When to try a refresh again: exponential backoff with jitter, bounded by attempts and time."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import DeadlineExceeded, OAuthKitError, ProviderError, RateLimited, TransportError

RETRYABLE = (TransportError, ProviderError, RateLimited)


@dataclass(frozen=True)
class Retry:
    """``attempts`` counts the first try; delays double from ``backoff`` up to ``max_delay``;
    no retry starts after ``max_time`` seconds. A provider's ``Retry-After`` (or
    ``x-ratelimit-reset``) replaces the computed delay."""

    attempts: int = 3
    backoff: float = 0.5
    max_delay: float = 10.0
    max_time: float = 30.0

    def delay(self, attempt: int, error: OAuthKitError, elapsed: float) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up."""
        # An attempt that used its whole timeout is not retried: the time allowed is spent.
        if (
            not isinstance(error, RETRYABLE)
            or isinstance(error, DeadlineExceeded)
            or attempt >= self.attempts
        ):
            return None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            wait = error.retry_after
        else:
            ceiling = min(self.max_delay, self.backoff * 2 ** (attempt - 1))
            wait = ceiling / 2 + random.uniform(0, ceiling / 2)  # "equal jitter"
        if elapsed + wait > self.max_time:
            return None
        return wait


NO_RETRY = Retry(attempts=1)
