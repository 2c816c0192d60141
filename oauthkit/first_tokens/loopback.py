"""The one-shot loopback server that receives the provider's redirect (RFC 8252 section 7.3)."""

from __future__ import annotations

import html
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ..errors import ConfigError
from ..urls import is_loopback
from .host import FirstTokenHost

CALLBACK_PATH = "/callback"


def answer_params(redirected_url: str) -> dict[str, str]:
    """The answer's parameters; a bare query string ("code=...&state=...") is accepted too."""
    text = redirected_url.strip()
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    return {key: value for key, value in parse_qsl(query, keep_blank_values=True)}


def _default_redirect(port: int) -> str:
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}"


def listen_address(conn: FirstTokenHost, redirect_uri: str | None) -> tuple[str, int, str]:
    if redirect_uri is None:
        return "127.0.0.1", 0, CALLBACK_PATH
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or not is_loopback(parts.hostname):
        raise ConfigError(
            f"cannot receive a redirect to {redirect_uri!r} here (only http on 127.0.0.1, ::1 or localhost)",
            adapter=conn.adapter.name,
            connection=conn.name,
            hint="use conn.authorize(redirect_uri=..., listen=False), then paste the address the browser "
            'ended on into conn.authorize("...")',
        )
    host = "::1" if parts.hostname == "::1" else "127.0.0.1"  # "localhost" is served on 127.0.0.1
    return host, parts.port or 80, parts.path or "/"


# The page the browser lands on: small, readable in a dark or light browser, and it says what next.
PAGE = (
    "<!doctype html><html lang='en'><meta charset='utf-8'>"
    "<meta name='viewport' content='width=device-width,initial-scale=1'><title>oauthkit</title>"
    # No favicon request: the one-shot server has closed by the time a browser would ask.
    "<link rel='icon' href='data:,'>"
    "<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;"
    "min-height:100vh;background:#f6f7f9;color:#1a1a1a}}main{{max-width:28rem;padding:1.5rem 2rem;"
    "border:1px solid #d0d4da;border-radius:10px;background:#fff}}@media (prefers-color-scheme:dark)"
    "{{body{{background:#15171a;color:#eceff1}}main{{background:#202327;border-color:#3a3f45}}}}</style>"
    "<main><p><b>oauthkit</b></p><p>{text}</p></main></html>"
)


class Loopback(ThreadingHTTPServer):
    """Receives one redirect on a loopback address, on a background thread, then is closed."""

    daemon_threads = True

    def __init__(self, conn: FirstTokenHost, host: str, port: int, path: str) -> None:
        self.callback_path = path
        self.expected_state: str | None = None  # only the answer to this request is kept
        self.received: str | None = None
        self.arrived = threading.Event()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            super().__init__((host, port), _Callback)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host} port {port} for the redirect ({exc.strerror})",
                adapter=conn.adapter.name,
                connection=conn.name,
                hint="pass another redirect_uri (and register it), or use listen=False",
            ) from None
        shown = f"[{host}]" if ":" in host else host
        self.port = int(self.server_address[1])
        self.origin = f"http://{shown}:{self.port}"

    def redirect_uri_for(self, wanted: str | None) -> str:
        """The redirect URI as the user wrote it (its host must match the registration), with the
        port we listen on when it asked for any (port 0); by default http://127.0.0.1:<port>/callback."""
        if wanted is None:
            return _default_redirect(self.port)
        parts = urlsplit(wanted)
        if parts.port == 0:
            host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
            parts = parts._replace(netloc=f"{host}:{self.port}")
        return urlunsplit(parts)

    def __enter__(self) -> Loopback:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="oauthkit-redirect", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
        self.server_close()

    def deliver(self, target: str) -> bool:
        """Keep the first answer; later ones (a reload) change nothing."""
        with self._guard:
            if self.received is not None:
                return False
            self.received = self.origin + target
        self.arrived.set()
        return True

    def wait(self, timeout: float) -> str | None:
        # Short waits keep the notebook's interrupt (KeyboardInterrupt) responsive.
        deadline = time.monotonic() + timeout
        while not self.arrived.wait(min(0.1, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return None
        return self.received


class _Callback(BaseHTTPRequestHandler):
    server: Loopback

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != self.server.callback_path or not parts.query:
            self._page(404, "This is not the address oauthkit is waiting on.")
            return
        # A stray or forged request must not take the place of the provider's redirect: keep
        # waiting for the one that carries this request's state.
        state = answer_params(parts.query).get("state", "")
        expected = self.server.expected_state
        if expected is None or not secrets.compare_digest(state.encode(), expected.encode()):
            self._page(400, "This is not the answer to oauthkit's authorization request.")
            return
        first = self.server.deliver(self.path)
        self._page(
            200,
            "oauthkit received the provider's answer. You can close this tab and go back to the notebook."
            if first
            else "oauthkit already received an answer.",
        )

    def _page(self, status: int, text: str) -> None:
        body = PAGE.format(text=html.escape(text))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")  # the page's own URL holds the code
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request line holds the code: never written anywhere


__all__ = ["CALLBACK_PATH", "Loopback", "answer_params", "listen_address"]
