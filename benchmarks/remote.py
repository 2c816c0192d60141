"""A sandbox emulator in its own process, driven over a pipe.

The emulators are ordinary Python threads. Served in the benchmark's own process they would
share its GIL, so 64 client threads (or an event loop) and the server's threads would queue
for one lock and the figures would measure that contention, not oauthkit. In a child process
the provider behaves like a real one: the benchmark process is the client, and nothing else.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
from types import TracebackType
from typing import Any


def _serve(pipe: multiprocessing.connection.Connection, provider: str, options: dict[str, Any]) -> None:
    import oauthkit.sandbox as sandbox

    emulator = sandbox.start(provider, **options)
    pipe.send(
        {
            "settings": emulator.settings,
            "token_url": emulator.token_url,
            "api_url": emulator.api_url,
        }
    )
    try:
        while True:
            op, arg = pipe.recv()
            if op == "close":
                break
            if op == "grants":
                pipe.send([emulator.new_grant() for _ in range(arg)])
            elif op == "count":
                pipe.send(len(emulator.token_requests))
            elif op == "clear":
                emulator.clear_requests()
                pipe.send(None)
            else:
                pipe.send(ValueError(f"unknown operation {op!r}"))
    finally:
        emulator.close()


class RemoteEmulator:
    """``oauthkit.sandbox.serve(provider, **options)``, served from a child process."""

    def __init__(self, provider: str, **options: Any) -> None:
        # spawn, not fork: the parent may already run threads (thread pools, emulators).
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, provider, options), name=f"emulator-{provider}", daemon=True
        )
        self._process.start()
        child.close()
        try:
            info = self._pipe.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"the {provider} emulator process exited ({self._process.exitcode}) before serving; "
                "its traceback is above (scripts starting it need an `if __name__ == '__main__':` guard)"
            ) from None
        self.provider = provider
        self.settings: dict[str, str] = info["settings"]
        self.token_url: str = info["token_url"]
        self.api_url: str = info["api_url"]

    def _call(self, op: str, arg: Any = None) -> Any:
        self._pipe.send((op, arg))
        reply = self._pipe.recv()
        if isinstance(reply, Exception):
            raise reply
        return reply

    def new_grants(self, count: int) -> list[str]:
        """`count` fresh refresh tokens, each the start of its own rotation chain."""
        grants: list[str] = self._call("grants", count)
        return grants

    def token_request_count(self) -> int:
        """How many requests reached the token endpoint since the last `clear_requests()`."""
        count: int = self._call("count")
        return count

    def clear_requests(self) -> None:
        # The emulator records every request; long runs clear it to keep its memory flat.
        self._call("clear")

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # the child died: nothing to tell it
                self._pipe.send(("close", None))
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._pipe.close()

    def __enter__(self) -> RemoteEmulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
