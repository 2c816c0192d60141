"""A store shared by several machines: Redis (redis-py).

Tokens live in one hash per connection, the refresh log in one list. The refresh lock is
redis-py's ``Lock``: an owner token, a timeout, and a Lua release that never deletes a lock
someone else now holds. A save is a Lua compare-and-set on the refresh token the refresh used,
so a writer whose lock timed out can never overwrite a newer token. An unreachable Redis raises
``StoreError``: oauthkit never falls back to memory behind the user's back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from ..errors import StoreError
from ..redact import redacted_url
from ..token import Token
from .base import UNCHECKED, Event, Key, Record, StaleWrite, Store, _Unchecked

T = TypeVar("T")

# KEYS: token hash, connections set, events list. ARGV: expected refresh fingerprint ("*" = no
# check), record JSON, version, new refresh fingerprint, connection id, events as JSON...
_SAVE = """
if ARGV[1] ~= '*' then
  local stored = redis.call('HGET', KEYS[1], 'refresh_fp')
  if (stored or '') ~= ARGV[1] then return 0 end
end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'version', ARGV[3], 'refresh_fp', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
for i = 6, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
return 1
"""


def _fp(secret: str | None) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest() if secret else ""


class RedisStore(Store):
    def __init__(self, url: str, *, prefix: str = "oauthkit", lock_timeout: float = 120.0) -> None:
        super().__init__()
        import redis

        self.url = redacted_url(url)
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        self._call(self._redis.ping)
        self._save = self._redis.register_script(_SAVE)

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except self._errors as exc:
            raise StoreError(
                f"the Redis store at {self.url} is unavailable",
                detail=f"{type(exc).__name__}: {exc}",
                hint="start redis-server or fix the redis:// URL; oauthkit will not fall back to memory",
            ) from None

    def _token_key(self, key: Key) -> str:
        return f"{self.prefix}:token:{key.adapter}:{key.name}"

    def load(self, key: Key) -> Record | None:
        raw, version = self._call(self._redis.hmget, self._token_key(key), ["record", "version"])
        if raw is None:
            return None
        data = json.loads(raw)
        token = Token.from_record(data["token"]) if data.get("token") else None
        return Record(
            token=token,
            refresh_token=data.get("refresh_token"),
            seed_fp=data.get("seed_fp"),
            version=int(version or 0),
            rotations=int(data.get("rotations", 0)),
        )

    def save(
        self,
        key: Key,
        record: Record,
        events: Sequence[Event] = (),
        *,
        replaces: str | _Unchecked | None = UNCHECKED,
    ) -> None:
        data = {
            "token": record.token.to_record() if record.token else None,
            "refresh_token": record.refresh_token,
            "seed_fp": record.seed_fp,
            "rotations": record.rotations,
        }
        expected = "*" if isinstance(replaces, _Unchecked) else _fp(replaces)
        args = [
            expected,
            json.dumps(data),
            record.version,
            _fp(record.refresh_token),
            f"{key.adapter}/{key.name}",
        ]
        args += [self._event_json(e) for e in events]
        keys = [self._token_key(key), f"{self.prefix}:connections", f"{self.prefix}:events"]
        if not self._call(self._save, keys=keys, args=args):
            raise StaleWrite("the stored refresh token changed during the refresh")

    @staticmethod
    def _event_json(event: Event) -> str:
        return json.dumps({k: v for k, v in dataclasses.asdict(event).items() if k != "extra"})

    def append(self, events: Sequence[Event]) -> None:
        if events:
            self._call(self._redis.rpush, f"{self.prefix}:events", *[self._event_json(e) for e in events])

    def events(self, key: Key | None = None) -> list[Event]:
        rows = self._call(self._redis.lrange, f"{self.prefix}:events", 0, -1)
        out = [Event(**json.loads(row)) for row in rows]
        if key is not None:
            out = [e for e in out if e.adapter == key.adapter and e.connection == key.name]
        return out

    def keys(self) -> list[Key]:
        members = self._call(self._redis.smembers, f"{self.prefix}:connections")
        pairs = sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)
        return [Key(*pair.split("/", 1)) for pair in pairs]

    in_process_lock = False  # the lock is shared with other processes: it may block

    @contextmanager
    def lock(self, key: Key) -> Iterator[None]:
        with super().lock(key):
            lock = self._redis.lock(
                f"{self.prefix}:lock:{key.adapter}:{key.name}",
                timeout=self.lock_timeout,
                blocking_timeout=self.lock_timeout,
                thread_local=False,
            )
            if not self._call(lock.acquire):
                raise StoreError(
                    f"could not take the refresh lock of {key} in {self.lock_timeout:.0f} s",
                    hint="another process holds it; it expires by itself after lock_timeout",
                )
            try:
                yield
            finally:
                # Expired (we outlived lock_timeout) or Redis went away: the compare-and-set on
                # save already protected the stored token.
                with suppress(*self._errors):
                    lock.release()

    def close(self) -> None:
        self._redis.close()
