"""Grants and the tokens issued under them.

A grant is one user authorization: a family (chain) of refresh tokens and the access
tokens they bought. Plain data: the emulator that owns a registry serialises access to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Grant:
    sub: str
    scope: str
    revoked: bool = False


@dataclass
class RefreshToken:
    value: str
    grant: Grant
    issued_at: float
    expires_at: float | None
    # Set when rotation issued a successor; the token is then spent (but remembered, so
    # that a provider can tell reuse from an unknown token).
    rotated_at: float | None = None

    def problem(self, now: float) -> str | None:
        """Why this token cannot be used now, or None when it can."""
        if self.grant.revoked:
            return "refresh token revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "refresh token expired"
        if self.rotated_at is not None:
            return "refresh token already used"
        return None


@dataclass
class AccessToken:
    value: str
    grant: Grant
    scope: str
    issued_at: float
    expires_at: float

    def valid(self, now: float) -> bool:
        return not self.grant.revoked and now < self.expires_at


class Registry:
    def __init__(self) -> None:
        self.grants: list[Grant] = []
        self._refresh: dict[str, RefreshToken] = {}
        self._access: dict[str, AccessToken] = {}

    def add_grant(self, grant: Grant) -> Grant:
        self.grants.append(grant)
        return grant

    def add_refresh(self, token: RefreshToken) -> RefreshToken:
        if token.value in self._refresh:
            raise RuntimeError("refresh token collision")
        self._refresh[token.value] = token
        return token

    def add_access(self, token: AccessToken) -> AccessToken:
        if token.value in self._access:
            raise RuntimeError("access token collision")
        self._access[token.value] = token
        return token

    def refresh(self, value: str | None) -> RefreshToken | None:
        return self._refresh.get(value) if value else None

    def access(self, value: str | None) -> AccessToken | None:
        return self._access.get(value) if value else None

    def delete_refresh(self, token: RefreshToken) -> None:
        self._refresh.pop(token.value, None)

    def revoke_access(self) -> None:
        # The API side forgets every access token; refresh tokens stay valid.
        self._access.clear()

    def revoke_all(self) -> None:
        # Revoking the grants revokes every token ever issued under them.
        for grant in self.grants:
            grant.revoked = True
