"""What the first-token flows need from the object they obtain tokens for.

``Connection`` implements it; the flows never import connection.py and never touch its state:
they read the adapter, the dialect and the deadline, redact with the connection's memory of
secrets, and hand the tokens (or the failure) back through two methods that own persistence.
"""

from __future__ import annotations

from typing import Protocol

from ..adapter import Adapter
from ..dialect import Dialect
from ..errors import OAuthKitError
from ..store import Key
from ..token import Token


class FirstTokenHost(Protocol):
    """One account at one provider, as the authorize and login flows see it."""

    @property
    def adapter(self) -> Adapter: ...
    @property
    def name(self) -> str: ...
    @property
    def key(self) -> Key: ...
    @property
    def timeout(self) -> float: ...
    @property
    def dialect(self) -> Dialect:
        """The adapter's requests with this connection's settings (endpoints, client auth)."""
        ...

    def redact(self, text: str) -> str:
        """``text`` with every secret this connection ever held replaced by its fingerprint."""
        ...

    def adopt_first_tokens(self, token: Token, trigger: str, t0: float) -> Token:
        """Store ``token`` (replacing whatever was stored), log the ``trigger`` row, notify."""
        ...

    def log_failure(self, error: OAuthKitError, trigger: str, t0: float) -> None:
        """Log the failed ``trigger`` attempt (``t0``: its monotonic start) and notify."""
        ...


__all__ = ["FirstTokenHost"]
