"""The exception hierarchy.

Every message names the adapter, the connection and (when there was one) the HTTP status,
says what to do next, and never contains a secret: callers build messages from fingerprints
and from provider error *codes*, never from request bodies.
"""

from __future__ import annotations


class OAuthKitError(Exception):
    """Base class of every error oauthkit raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        adapter: str | None = None,
        connection: str | None = None,
        status: int | None = None,
        hint: str | None = None,
        detail: str | None = None,
        provider_text: str | None = None,
    ) -> None:
        self.message = message
        self.adapter = adapter
        self.connection = connection
        self.status = status
        self.hint = hint
        self.detail = detail
        # The whole (redacted) text the provider or the library gave, when ``detail`` is a cut.
        self.provider_text = provider_text if provider_text is not None else detail
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.adapter:
            where = f"[{self.adapter}/{self.connection}] " if self.connection else f"[{self.adapter}] "
        text = where + self.message
        if self.status is not None:
            text += f" (HTTP {self.status})"
        if self.detail:
            text += f": {self.detail}"
        if self.hint:
            # A detail may end a sentence itself ("did you mean 'x'?"): one full stop, not two.
            text = text if text.endswith((".", "?", "!")) else text + "."
            text += f" {self.hint}"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructor: keep errors picklable across processes.
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))

    def again(self) -> OAuthKitError:
        """A fresh copy to raise once more (no traceback of the first raise attached)."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("__")}
        return _rebuild(type(self), self.message, state)

    def with_hint(self, hint: str) -> OAuthKitError:
        """The same error with another hint (the caller knows better what to do)."""
        copy = self.again()
        copy.hint = hint
        Exception.__init__(copy, copy._render())
        return copy


def _rebuild(cls: type[OAuthKitError], message: str, state: dict[str, object]) -> OAuthKitError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, err._render())
    return err


class ConfigError(OAuthKitError):
    """A setting is missing or has a bad value."""


class AdapterError(OAuthKitError):
    """An adapter does not validate; the message names the adapter, the field and the problem."""


class StoreError(OAuthKitError):
    """The token store cannot be reached or used (never silently replaced by another store).

    ``store`` is the store's URL (a Redis password redacted); ``adapter`` / ``connection`` name
    the connection when there is one. ``reason`` says why: ``unavailable`` (cannot be reached or
    opened), ``timeout`` (Redis did not answer in time), ``full`` (disk full), ``read_only``,
    ``locked`` (another process held the database or the refresh lock too long), ``corrupt``
    (a record or the file is damaged), ``lock_lost`` (the refresh lock expired or was taken over:
    no refresh may be sent), ``forked`` (a lock taken before ``fork()``, used in the child),
    ``refused`` (Redis refused the command: memory, persistence, permissions) or ``io``.
    A failed save has written nothing: the stored token is as it was.
    """

    def __init__(
        self, message: str, *, reason: str = "unavailable", store: str | None = None, **kwargs: object
    ) -> None:
        self.reason = reason
        self.store = store
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class AuthorizationError(OAuthKitError):
    """Obtaining the first tokens failed (``conn.authorize()`` or ``conn.login()``); nothing was stored.

    ``reason`` says why: ``access_denied`` (consent refused), ``state_mismatch`` (the redirect is
    not the answer to this connection's request), ``invalid_grant`` (the code expired, was already
    used or was issued for another client or redirect URI), ``invalid_credentials`` (login),
    ``no_pending`` (no authorization in progress), ``no_code`` (the URL carries no answer),
    ``timeout``, ``rate_limited``, ``provider_error``, ``malformed``, ``transport``,
    ``redirected`` (the token or login endpoint answered with a redirect, never followed),
    ``issuer_mismatch`` (RFC 9207: the answer names another issuer, or lacks the ``iss`` its
    issuer promises) or ``refused``.
    """

    def __init__(self, message: str, *, reason: str, **kwargs: object) -> None:
        self.reason = reason
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class RefreshError(OAuthKitError):
    """The provider refused the refresh request."""


class InvalidGrant(RefreshError):
    """The refresh token is expired, revoked or was already used: authorize again."""


class RateLimited(RefreshError):
    """The provider asked us to slow down; `retry_after` is in seconds (or None)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class ProviderError(RefreshError):
    """The provider failed (5xx) and retries did not help."""


class MalformedResponse(RefreshError):
    """The provider answered something that is not a token."""


class TransportError(RefreshError):
    """The token endpoint could not be reached (DNS, connect, timeout, TLS)."""


class DeadlineExceeded(TransportError):
    """No complete answer within the connection's ``timeout`` (a slow or trickling server).

    Not retried: the time the user allowed for the attempt is spent.
    """


class MissingExtra(ConfigError, ModuleNotFoundError):
    """An optional dependency (one of ``pyproject.toml``'s extras) is not installed. Also a
    ``ModuleNotFoundError``, so that what tolerates a missing module (``try: import``, doc tools
    walking the package) tolerates this one."""


def missing_extra(missing: ModuleNotFoundError, extra: str, feature: str) -> MissingExtra:
    """The error for ``feature`` when its extra's package is not installed: the base install
    leaves out what only a few need, and the hint is the command. Only a module that is absent
    becomes this; a package that is installed but broken keeps its own ImportError."""
    package = (missing.name or extra).split(".")[0]
    return MissingExtra(
        f"{feature} needs the {package!r} package, which is not installed",
        hint=f'Install the extra: pip install "oauthkit[{extra}]"',
    )


def shorten(text: str, limit: int = 200) -> str:
    """``text`` in at most ``limit`` characters, cut at a word with "…", never mid-word (unless one
    word is longer than half the limit)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def frames_of(exc: BaseException) -> str:
    """Where an exception was raised: file, line and source of each frame, never its message
    (a library's message may quote a URL or a body). For the debug log of unexpected failures."""
    import traceback

    return "".join(traceback.format_tb(exc.__traceback__))


def describe_error(exc: BaseException) -> str:
    """One line for a user: a typed error's message (built without secrets); anything else only
    its class name, since a library's message may quote a URL or a body."""
    if isinstance(exc, OAuthKitError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: failed unexpectedly (details in the oauthkit log)"


__all__ = [
    "AdapterError",
    "AuthorizationError",
    "ConfigError",
    "DeadlineExceeded",
    "InvalidGrant",
    "MalformedResponse",
    "MissingExtra",
    "OAuthKitError",
    "ProviderError",
    "RateLimited",
    "RefreshError",
    "StoreError",
    "TransportError",
]
