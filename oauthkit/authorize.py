"""Kept for imports written before ``oauthkit.first_tokens``: the first-token flows live there."""

from .first_tokens import (
    CALLBACK_PATH,
    PASTE_REDIRECT,
    AuthorizationRequest,
    authorize,
    complete,
    complete_pending,
    login,
    start,
)

__all__ = [
    "CALLBACK_PATH",
    "PASTE_REDIRECT",
    "AuthorizationRequest",
    "authorize",
    "complete",
    "complete_pending",
    "login",
    "start",
]
