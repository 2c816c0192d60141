"""A device code as the user sees it (RFC 8628 section 3.2): no I/O, shared by the flow and
its notebook panel."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DeviceCode:
    """What the user needs to approve: the code to type, where, and for how long."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float
    device_code: str = field(repr=False)
    issued_at: float = field(default_factory=time.time, repr=False)

    @property
    def remaining(self) -> float:
        return self.issued_at + self.expires_in - time.time()

    @property
    def link(self) -> str:
        """The link that needs the least typing: the complete one when the provider gives it."""
        return self.verification_uri_complete or self.verification_uri
