"""A strict HTTP/1.1 server on 127.0.0.1 (h11), serving keep-alive from a background thread.

Strict about request framing as a careful origin server may be (RFC 9112 section 6): a GET or
HEAD that carries any body framing (``Content-Length``, even ``0``, or ``Transfer-Encoding``)
and a POST, PUT or PATCH without ``Content-Length`` are answered 400 and the connection is
closed. Anything h11 itself refuses is a 400 too. Every other request is kept alive, so a client
that leaves stray bytes on the connection (a lone chunk terminator after a GET) fails on its
next request.

What it answers is the handler's business: ``MiniProvider`` answers like a minimal OAuth server
(tokens for any token, login or discovery request), ``Reply`` can trickle its bytes, and every
request is recorded with the id of the connection it came on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import h11


@dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    connection: int  # requests on one keep-alive connection share it
    status: int  # what the server answered

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def params(self) -> dict[str, str]:
        """Query, form or JSON parameters, whichever the request carried."""
        found = dict(parse_qsl(urlsplit(self.target).query))
        if self.headers.get("content-type", "").startswith("application/json"):
            loaded = json.loads(self.body or b"{}")
            found.update({k: str(v) for k, v in loaded.items()})
        else:
            found.update(parse_qsl(self.body.decode("utf-8", "replace")))
        return found


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds between single bytes: "headers" trickles everything from the status line on,
    # "body" sends the head at once and trickles the body.
    trickle: float | None = None
    trickle_from: str = "headers"

    @classmethod
    def json(cls, status: int, data: Any, **extra: Any) -> Reply:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"}, **extra)


Handler = Callable[[Seen], Reply]


class StrictServer:
    def __init__(self, handler: Handler, host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._sock = socket.create_server((host, 0))
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.origin = f"http://{host}:{self.port}"
        self._closed = threading.Event()
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="strict-server", daemon=True)
        self._thread.start()

    # ---- the server's record ------------------------------------------------------------
    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]

    @property
    def all(self) -> list[Seen]:
        with self._lock:
            return list(self.seen)

    def close(self) -> None:
        self._closed.set()
        self._thread.join(5)
        self._sock.close()
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()

    def __enter__(self) -> StrictServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- serving --------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._clients.append(client)
            threading.Thread(target=self._serve, args=(client, next(self._ids)), daemon=True).start()

    def _serve(self, client: socket.socket, connection: int) -> None:
        conn = h11.Connection(h11.SERVER)
        client.settimeout(30)
        try:
            while not self._closed.is_set():
                request, body = self._read_request(client, conn)
                if request is None:
                    return
                headers = {k.decode().lower(): v.decode("latin-1") for k, v in request.headers}
                seen_method = request.method.decode()
                refusal = _framing_refusal(seen_method, headers)
                reply = Reply(400, refusal.encode(), {"Content-Type": "text/plain"}) if refusal else None
                seen = Seen(seen_method, request.target.decode(), headers, body, connection, 0)
                if reply is None:
                    reply = self.handler(seen)
                with self._lock:
                    self.seen.append(dataclasses.replace(seen, status=reply.status))
                if refusal:
                    reply.headers["Connection"] = "close"
                    self._send(client, conn, reply)
                    return
                self._send(client, conn, reply)
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
        except (h11.RemoteProtocolError, h11.LocalProtocolError):
            with contextlib.suppress(OSError):
                client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            with self._lock:
                self.seen.append(Seen("?", "?", {}, b"", connection, 400))
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _read_request(self, client: socket.socket, conn: h11.Connection) -> tuple[Any, bytes]:
        request: Any = None
        body = b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = client.recv(65536)
                conn.receive_data(data)
                if not data and request is None:
                    return None, b""
                continue
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return request, body
            elif isinstance(event, h11.ConnectionClosed):
                return None, b""

    def _send(self, client: socket.socket, conn: h11.Connection, reply: Reply) -> None:
        headers = [("Content-Length", str(len(reply.body))), *reply.headers.items()]
        head = conn.send(h11.Response(status_code=reply.status, headers=headers)) or b""
        body = (conn.send(h11.Data(data=reply.body)) if reply.body else b"") or b""
        end = conn.send(h11.EndOfMessage()) or b""
        if reply.trickle is None:
            client.sendall(head + body + end)
            return
        fast, slow = (b"", head + body + end) if reply.trickle_from == "headers" else (head, body + end)
        client.sendall(fast)
        for index in range(len(slow)):
            if self._closed.is_set():
                return
            time.sleep(reply.trickle)
            client.sendall(slow[index : index + 1])


def _framing_refusal(method: str, headers: dict[str, str]) -> str | None:
    framed = [name for name in ("content-length", "transfer-encoding") if name in headers]
    if method in ("GET", "HEAD") and framed:
        return f"a {method} carries no body: refusing {', '.join(framed)}"
    if method in ("POST", "PUT", "PATCH") and (
        "content-length" not in headers or "transfer-encoding" in headers
    ):
        return f"a {method} must say its Content-Length"
    return None


class MiniProvider:
    """Answers like a minimal OAuth server, in the shape each shipped adapter reads: fresh tokens
    for any request that carries a grant (a refresh token, a code or a password), a discovery
    document, and a protected resource at ``/api`` that knows the tokens it issued."""

    def __init__(self) -> None:
        self.origin = ""  # set once the server listens: the discovery document names it
        self.issuer_suffix = ""  # "/": the document names the issuer as Auth0 does
        self.issued: set[str] = set()
        # An adapter's answer shape (oauthkit.emulate.wire_spec(...)["answer"]): the tokens at its
        # dotted paths, its status wrapper, its encoding. None: the standard RFC 6749 answer.
        self.shape: dict[str, Any] | None = None
        self.exchange_shape: dict[str, Any] | None = None  # a code exchange's, when it differs

    def __call__(self, seen: Seen) -> Reply:
        if seen.path == "/.well-known/openid-configuration":
            return Reply.json(
                200,
                {
                    "issuer": self.origin + self.issuer_suffix,
                    "token_endpoint": self.origin + "/token",
                    "authorization_endpoint": self.origin + "/authorize",
                    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                },
            )
        if seen.path.endswith("/api"):
            bearer = seen.headers.get("authorization", "")[7:]
            return Reply.json(200, {"ok": True}) if bearer in self.issued else Reply.json(401, {})
        params = seen.params()
        if not ({"refresh_token", "refreshToken", "code", "authorization_code", "password"} & set(params)):
            return Reply.json(400, {"error": "invalid_request"})
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.issued.add(access)
        if seen.path.endswith(("/auth/refresh-tokens", "/auth/login")):  # Xerial's nested shape
            later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            pair = {
                "access": {"token": access, "expires": later},
                "refresh": {"token": refresh, "expires": later},
            }
            return Reply.json(200, {"user": {}, "tokens": pair} if seen.path.endswith("/login") else pair)
        if self.shape is not None:
            exchange = {"code", "authorization_code"} & set(params) and self.exchange_shape is not None
            return _shaped(self.exchange_shape if exchange else self.shape, access, refresh)
        return Reply.json(
            200,
            {"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refresh},
        )


def _shaped(shape: dict[str, Any], access: str, refresh: str) -> Reply:
    """A token answer at the adapter's own paths, wrapper and encoding."""
    body: dict[str, Any] = {}

    def put(path: str | None, value: Any) -> None:
        if not path:
            return
        node = body
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    put(shape["access_token"], access)
    put(shape.get("refresh_token"), refresh)
    put(shape.get("token_type"), "Bearer")
    expires = shape.get("expires")
    if expires:
        if expires["kind"] == "seconds":
            put(expires["field"], 3600)
        elif expires["format"] == "iso8601":
            put(expires["field"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600)))
        else:
            scale = 1000 if expires["format"] == "epoch_ms" else 1
            put(expires["field"], int((time.time() + 3600) * scale))
    if shape.get("status_field"):
        put(shape["status_field"], shape["ok_status"])
    if shape.get("encoding") == "form":
        return Reply(200, urlencode(body).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    return Reply.json(200, body)


def serve_provider() -> tuple[StrictServer, MiniProvider]:
    provider = MiniProvider()
    server = StrictServer(provider)
    provider.origin = server.origin
    return server, provider
