"""The device flow's test user (RFC 8628): codes it was shown, and how it answers each.

Shared by the emulators: one issues a code with ``issue``, and each poll asks ``answer``, which
says "pending" until ``approve_at`` has passed, then "denied" or "approved" (once), or
"expired" / "unknown". The emulator turns that into its provider's answer.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass


@dataclass
class DeviceCode:
    device_code: str
    user_code: str
    expires_at: float
    approve_at: float
    used: bool = False


class DeviceCodes:
    def __init__(self, lifetime: float, approval_delay: float, consent: bool) -> None:
        self.lifetime = float(lifetime)
        self.approval_delay = float(approval_delay)
        self.consent = consent
        self._codes: dict[str, DeviceCode] = {}

    def issue(self) -> DeviceCode:
        now = time.time()
        code = DeviceCode(
            device_code=secrets.token_urlsafe(24),
            user_code="-".join(secrets.token_hex(2).upper() for _ in range(2)),
            expires_at=now + self.lifetime,
            approve_at=now + self.approval_delay,
        )
        self._codes[code.device_code] = code
        return code

    def answer(self, device_code: str | None) -> str:
        """unknown | expired | pending | denied | approved (a code is approved once)."""
        code = self._codes.get(device_code or "")
        now = time.time()
        if code is None or code.used:
            return "unknown"
        if now >= code.expires_at:
            return "expired"
        if now < code.approve_at:
            return "pending"
        if not self.consent:
            return "denied"
        code.used = True
        return "approved"
