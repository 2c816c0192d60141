"""The Redis store's refresh lock: a short lease, renewed while held, checked before every send.

A lock with one long timeout fails both ways: a refresh that outlives it (an answer trickling
in) silently loses the lock, and a second machine sends the same refresh token; a holder that
dies, or whose release never reached a Redis that was down, blocks every client until the
timeout passes. Here the lock is a key holding a random owner token that expires after a short
``lease`` (15 s by default); a thread renews it every third of the lease while the lock is
held, and ``ensure_held()`` renews it once more, synchronously, right before each token request:
if the key is gone or someone else's, or Redis cannot confirm it, ``StoreError`` is raised and
nothing is sent. Renewal and release are Lua compare-and-act on the owner token, so a stale
holder never extends or deletes a lock that someone else now holds.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from ..errors import StoreError
from .base import Key, LockGuard


class LeaseOwner(Protocol):
    """What a lease needs of its store (written here: redis.py imports this module)."""

    url: str

    def _renew(self, lease: Lease, *, action: str) -> bool: ...
    def _release(self, lease: Lease) -> None: ...

log = logging.getLogger("oauthkit.store")

# KEYS[1]: the lock; ARGV[1]: owner token; ARGV[2]: lease in ms
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease(LockGuard):
    """A held Redis refresh lock (what ``RedisStore.lock`` yields)."""

    needs_io = True  # ensure_held() renews the lease on the server

    def __init__(
        self, store: LeaseOwner, key: Key, name: str, token: str, lease: float, granted: float
    ) -> None:
        super().__init__(store, key)
        self._store = store
        self.name = name
        self.token = token
        self.lease = lease
        self._valid_until = granted + lease  # monotonic: no one else can hold it before then
        self._lost: str | None = None  # why it was lost, once it is
        self._stop = threading.Event()
        self._renewer = threading.Thread(
            target=self._renew_while_held, name=f"oauthkit-lease-{key}", daemon=True
        )

    def start(self) -> None:
        self._renewer.start()

    def ensure_held(self) -> None:
        """Renew the lease now, or raise ``StoreError`` (reason ``lock_lost``, or Redis's own
        ``unavailable`` / ``timeout``): a token request may be sent only while this passes."""
        super().ensure_held()
        if self._lost is None:
            asked = time.monotonic()
            if self._store._renew(self, action="confirm the refresh lock"):
                self._valid_until = asked + self.lease
                return
            self._lost = "its key expired or another client holds it"
        raise StoreError(
            f"lost the refresh lock of {self.key} in {self._store.url}: {self._lost}",
            reason="lock_lost",
            store=self._store.url,
            adapter=self.key.adapter,
            connection=self.key.name,
            hint="no refresh was sent; the next attempt takes the lock again (and uses whatever "
            "token another client stored meanwhile)",
        )

    @property
    def lost(self) -> bool:
        return self._lost is not None

    def _renew_while_held(self) -> None:
        while not self._stop.wait(self.lease / 3):
            asked = time.monotonic()
            try:
                renewed = self._store._renew(self, action="renew the refresh lock")
            except StoreError as err:
                if time.monotonic() < self._valid_until:
                    continue  # still ours for a while: try again at the next beat
                self._lost = f"Redis did not confirm it for {self.lease:g} s ({err.reason})"
            else:
                if renewed:
                    self._valid_until = asked + self.lease
                    continue
                self._lost = "its key expired or another client holds it"
            log.warning(
                "oauthkit: lost the refresh lock of %s in %s: %s", self.key, self._store.url, self._lost
            )
            return

    def release(self) -> None:
        if not self.owned_here:
            return  # a child forked inside the lock: it is the parent's to release
        self._stop.set()
        try:  # even when lost: the release only deletes a key that still holds our token
            self._store._release(self)
        except StoreError as err:
            log.warning(
                "oauthkit: could not release the refresh lock of %s in %s (%s); it frees itself within %g s",
                self.key,
                self._store.url,
                err.reason,
                self.lease,
            )
