"""The emulators' authorization endpoint: a test user who approves at once, and single-use codes.

RFC 6749 section 4.1 with PKCE (RFC 7636), the parts every provider shares:
- an unknown client or a missing/bad redirect URI is answered on the spot (400), never by a
  redirect (section 4.1.2.1: the redirect target cannot be trusted then);
- every other outcome goes back to ``redirect_uri`` with ``state``: ``code`` on approval,
  ``error`` (``access_denied`` when the test user refuses, ``invalid_request`` ...) otherwise;
- a code is single-use and short-lived, bound to its client, redirect URI and PKCE challenge;
  a second use is refused and revokes what the first one bought (section 4.1.2: SHOULD).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from .records import RecordedRequest, Reply
from .registry import Grant


@dataclass
class AuthCode:
    value: str
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    method: str | None
    expires_at: float
    # The grant its tokens belong to once exchanged: revoked if the code comes back.
    redeemed: Grant | None = None


@dataclass(frozen=True)
class Policy:
    """How one provider's authorization endpoint behaves."""

    pkce_methods: tuple[str, ...] = ()  # empty: PKCE undocumented, its parameters are ignored
    pkce_required: bool = False
    default_scope: str = ""
    code_lifetime: float = 600.0  # RFC 6749 section 4.1.2: "a maximum ... of 10 minutes"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(code: AuthCode, verifier: str | None) -> bool:
    if code.challenge is None:
        return True  # no PKCE in the authorization request: nothing to prove
    if not verifier:
        return False
    expected = s256(verifier) if code.method == "S256" else verifier
    return hmac.compare_digest(expected.encode(), code.challenge.encode())


def _page(status: int, text: str) -> Reply:
    body = f"<!doctype html><title>sandbox</title><p>{text}</p>".encode()
    return Reply(status, body, "text/html; charset=utf-8")


def _redirect(redirect_uri: str, params: dict[str, str]) -> Reply:
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return Reply(302, b"", "", {"Location": redirect_uri + separator + urlencode(params)})


class Codes:
    """The authorization codes one emulator has issued. Callers hold the emulator's lock."""

    def __init__(self) -> None:
        self._codes: dict[str, AuthCode] = {}

    def authorize(
        self,
        req: RecordedRequest,
        *,
        policy: Policy,
        client_ok: Callable[[str | None], bool],
        consent: bool,
        now: float,
    ) -> Reply:
        """Answer ``GET /authorize`` as the test user would, without a login page."""
        if req.method not in ("GET", "HEAD"):
            return Reply(405, b"", "", {"Allow": "GET"})
        q = {key: values[-1] for key, values in req.query.items()}
        redirect_uri = q.get("redirect_uri", "")
        target = urlsplit(redirect_uri)
        if not client_ok(q.get("client_id")):
            return _page(400, "Unknown client.")
        if target.scheme not in ("http", "https") or not target.netloc or target.fragment:
            return _page(400, "Missing or invalid redirect_uri.")
        state = {"state": q["state"]} if "state" in q else {}

        def error(code: str, description: str) -> Reply:
            return _redirect(redirect_uri, {"error": code, "error_description": description, **state})

        if q.get("response_type") != "code":
            return error("unsupported_response_type", "response_type must be code")
        challenge = q.get("code_challenge") if policy.pkce_methods else None
        method = q.get("code_challenge_method", "plain") if challenge else None
        if challenge is None and policy.pkce_required:
            return error("invalid_request", "code_challenge is required")
        if method is not None and method not in policy.pkce_methods:
            return error("invalid_request", f"code_challenge_method {method} is not supported")
        if challenge is not None and not 43 <= len(challenge) <= 128:
            return error("invalid_request", "code_challenge must be 43 to 128 characters")
        if not consent:
            return error("access_denied", "The user denied access")
        code = AuthCode(
            value=secrets.token_urlsafe(24),
            client_id=str(q.get("client_id")),
            redirect_uri=redirect_uri,
            scope=" ".join(q.get("scope", policy.default_scope).split()),
            challenge=challenge,
            method=method,
            expires_at=now + policy.code_lifetime,
        )
        self._codes[code.value] = code
        return _redirect(redirect_uri, {"code": code.value, **state})

    def redeem(
        self,
        value: str | None,
        client_id: str | None,
        redirect_uri: str | None,
        verifier: str | None,
        now: float,
    ) -> AuthCode | str:
        """The code, or why it cannot be exchanged (the client's secret is checked by the caller).
        The caller marks it spent by setting ``redeemed``."""
        code = self._codes.get(value or "")
        if code is None:
            return "unknown authorization code"
        if code.redeemed is not None:
            code.redeemed.revoked = True  # two parties hold this code: revoke what it bought
            return "authorization code already used"
        if now >= code.expires_at:
            return "authorization code expired"
        if client_id != code.client_id:
            return "authorization code was issued to another client"
        if redirect_uri != code.redirect_uri:
            return "redirect_uri does not match the authorization request"
        if not verifier_matches(code, verifier):
            return "code_verifier missing or does not match the code_challenge"
        return code
