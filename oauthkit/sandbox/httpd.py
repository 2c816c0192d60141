"""HTTP/1.1 plumbing for the emulators: a threaded server on a background thread.

Every answer carries Content-Length and goes out in a single write with TCP_NODELAY, so
keep-alive clients neither hang nor pay Nagle/delayed-ACK stalls in benchmarks.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .records import Reply

# Any body larger than this is refused: the sandbox only ever expects small token requests.
_MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Incoming:
    method: str
    target: str
    headers: Iterable[tuple[str, str]]
    body: bytes
    at: float


Dispatch = Callable[[Incoming], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "oauthkit-sandbox"
    sys_version = ""
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        # Benchmarks measure client overhead against this server: stay silent.
        pass

    def _serve(self) -> None:
        at = time.time()
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(Reply(400, b"bad request body", "text/plain"))
            return
        incoming = Incoming(self.command, self.path, self.headers.items(), body, at)
        reply = self.server.dispatch(incoming)
        self._send(reply)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= _MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline(1024).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > _MAX_BODY:
                raise ValueError("body too large")
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send(self, reply: Reply) -> None:
        extra = {k: v for k, v in reply.headers.items() if k.lower() != "content-length"}
        content_type = reply.content_type
        for key in [k for k in extra if k.lower() == "content-type"]:
            content_type = extra.pop(key)
        if any(k.lower() == "connection" and v.lower() == "close" for k, v in extra.items()):
            self.close_connection = True
        phrase = self.responses.get(reply.status, ("",))[0]
        lines = [
            f"HTTP/1.1 {reply.status} {phrase}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
        ]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        lines.append(f"Content-Length: {len(reply.body)}")
        lines.extend(f"{k}: {v}" for k, v in extra.items())
        if self.close_connection and "connection" not in {k.lower() for k in extra}:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head if self.command == "HEAD" else head + reply.body)
        except OSError:
            # The client went away (e.g. it timed out during a delay()): nothing to tell it.
            self.close_connection = True


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # 32+ clients connecting at once overflow the default backlog of 5, and a dropped
    # handshake costs the client a one-second SYN retransmit.
    request_queue_size = 128

    def __init__(self, port: int, dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def track(self, conn: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(conn)

    def untrack(self, conn: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients dropping connections (or close() cutting them) is routine here.
        pass

    def start(self, name: str) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"oauthkit-sandbox-{name}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
        self.server_close()
        # Keep-alive connections live in their own threads; cut them so that a pooled
        # client connection cannot be answered after close().
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
