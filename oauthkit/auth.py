"""``conn.auth`` and ``conn.headers()``: a connection's token for clients oauthkit did not make.

``conn.auth`` is one object that is a requests ``AuthBase`` and an httpx ``Auth`` (sync and
async). Each request gets the connection's current token, refreshed first (single-flight) when
due. A 401 for a method the connection retries (``reactive_methods``: the idempotent ones by
default) refreshes once and re-sends once, as ``conn.session`` does: no refresh when another
caller already replaced the refused token, and a second 401 is the answer. Only a request that
carried our token is retried (a redirect to another host drops the header, and the 401 there is
not about our token), and only when its body can be sent again.

requests has no auth flow: a response hook re-sends a copy of the prepared request on the same
adapter, the way requests' own digest auth answers its 401. httpx's flow yields the request
again. The async flow refreshes through a temporary Authlib async client (the async clients'
single-flight path, which never waits for a lock on the event loop), built on a worker thread
because building one loads the TLS trust store.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Any, Protocol, cast

import requests
from requests.auth import AuthBase
from requests.cookies import extract_cookies_to_jar

from .errors import ConfigError
from .store.base import Key
from .token import Token

if TYPE_CHECKING:
    import httpx


class AuthSource(Protocol):
    """What the auth needs from its connection (implemented by ``Connection``)."""

    key: Key

    @property
    def token(self) -> Token | None: ...
    @property
    def pending_save(self) -> bool: ...
    @property
    def session(self) -> Any: ...
    def ensure_fresh(self) -> Token: ...
    def is_fresh(self, token: Token | None = None) -> bool: ...
    def retries_after_401(self, method: str) -> bool: ...
    def client_unauthorized(self, client: Any, failed_access_token: str | None) -> None: ...
    def async_client(self, **kwargs: Any) -> Any: ...
    async def aclient_ready(self, client: Any) -> None: ...
    async def aclient_unauthorized(self, client: Any, failed_access_token: str | None) -> None: ...


def authorization(token: Token, key: Key | None = None) -> str:
    """The ``Authorization`` value ``conn.session`` sends: Authlib signs only Bearer tokens (any
    case of ``token_type``), always spelled ``Bearer``."""
    if token.token_type.lower() != "bearer":
        raise ConfigError(
            f"token_type {token.token_type!r} is not supported (only Bearer)",
            adapter=key.adapter if key else None,
            connection=key.name if key else None,
            hint="authorize again: the stored token did not come from this version of oauthkit",
        )
    return f"Bearer {token.access_token}"


def _bearer(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:]
    return None


class ConnectionAuth(AuthBase):
    """``requests.get(url, auth=conn.auth)``, ``httpx.Client(auth=conn.auth)``,
    ``httpx.AsyncClient(auth=conn.auth)``. Holds no token itself: each request asks the
    connection. Its repr names the connection only."""

    def __init__(self, source: AuthSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return f"<oauthkit.ConnectionAuth {self._source.key}>"

    # ---- what requests and httpx share ----------------------------------------------------
    def _header(self, token: Token) -> str:
        return authorization(token, self._source.key)

    def _refused(self, method: str, sent_header: str | None, status: int, replayable: bool) -> str | None:
        """The access token to replace when this answer is a 401 worth one retry, else None."""
        if status != 401 or not replayable or not self._source.retries_after_401(method):
            return None
        return _bearer(sent_header)

    def _after_401(self, failed: str) -> Token:
        source = self._source
        # Through the connection's own session: the refresh the session's 401 would run.
        source.client_unauthorized(source.session, failed)
        return source.ensure_fresh()

    async def _afresh(self, failed: str | None = None) -> Token:
        source = self._source
        token = source.token
        if failed is None and token is not None and not source.pending_save and source.is_fresh(token):
            return token  # the common case: no client, no thread
        import anyio

        client = await anyio.to_thread.run_sync(source.async_client)
        async with client:
            if failed is None:
                await source.aclient_ready(client)
            else:
                await source.aclient_unauthorized(client, failed)
        token = source.token
        if token is None:  # forgotten by another caller meanwhile: say how to get tokens again
            return await anyio.to_thread.run_sync(source.ensure_fresh)
        return token

    # ---- requests ----------------------------------------------------------------------------
    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self._header(self._source.ensure_fresh())
        r.hooks["response"].append(_RetryOnce(self, r.body))  # as register_hook does, typed
        return r

    # ---- httpx ---------------------------------------------------------------------------------
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header(self._source.ensure_fresh())
        response = yield request
        failed = self._httpx_refused(request, response)
        if failed is not None:
            request.headers["Authorization"] = self._header(self._after_401(failed))
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = self._header(await self._afresh())
        response = yield request
        failed = self._httpx_refused(request, response)
        if failed is not None:
            request.headers["Authorization"] = self._header(await self._afresh(failed))
            yield request

    def _httpx_refused(self, request: httpx.Request, response: httpx.Response) -> str | None:
        import httpx

        try:
            request.content  # noqa: B018 - raises when the body is a stream, sent once already
            replayable = True
        except httpx.RequestNotRead:
            replayable = False
        # response.request: the last hop when httpx followed redirects.
        sent = response.request.headers.get("Authorization")
        return self._refused(request.method, sent, response.status_code, replayable)


class _RetryOnce:
    """The response hook of one requests call. Copies of the prepared request (requests makes
    one per redirect) share their hooks, so this one object sees the whole call: one retry."""

    def __init__(self, auth: ConnectionAuth, body: Any) -> None:
        self.auth = auth
        self.done = False
        self.rewind_to: int | None = None
        self.replayable = body is None or isinstance(body, (bytes, str))
        if not self.replayable and hasattr(body, "seek") and hasattr(body, "tell"):
            try:
                self.rewind_to = body.tell()
                self.replayable = True
            except OSError:  # a pipe or socket: sent once, gone
                pass

    def __call__(self, resp: requests.Response, **kwargs: Any) -> requests.Response:
        request = resp.request
        if self.done:
            return resp
        sent = request.headers.get("Authorization")
        failed = self.auth._refused(request.method or "", sent, resp.status_code, self.replayable)
        if failed is None:
            return resp
        self.done = True
        _ = resp.content  # read, so that the connection goes back to the pool for the retry
        resp.close()
        token = self.auth._after_401(failed)
        if self.rewind_to is not None:
            request.body.seek(self.rewind_to)  # type: ignore[union-attr]
        retry = request.copy()
        jar = cast(Any, retry)._cookies  # what the 401 set, as requests' digest auth keeps it
        cast(Any, extract_cookies_to_jar)(jar, request, resp.raw)
        retry.prepare_cookies(jar)
        retry.headers["Authorization"] = self.auth._header(token)
        again = resp.connection.send(retry, **kwargs)
        again.history.append(resp)
        again.request = retry
        return again


_CLASSES: list[type[ConnectionAuth]] = []


def auth_for(source: AuthSource) -> ConnectionAuth:
    """The connection's auth object, an ``httpx.Auth`` too (httpx imported on first use only)."""
    if not _CLASSES:
        import httpx

        class HttpxConnectionAuth(ConnectionAuth, httpx.Auth):
            __doc__ = ConnectionAuth.__doc__

        _CLASSES.append(HttpxConnectionAuth)
    return _CLASSES[0](source)


__all__ = ["AuthSource", "ConnectionAuth", "auth_for", "authorization"]
