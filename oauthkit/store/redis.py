"""A store shared by several machines: Redis (redis-py).

Tokens live in one hash per connection; the refresh log in one list per store plus one per
connection (``conn.history()`` reads only its own), each trimmed to the newest ``max_events``.
The refresh lock is a renewed lease with an owner token (``redis_lock``). A save is a Lua
compare-and-set on the refresh token the refresh used, so a writer whose lock was lost can
never overwrite a newer token. Every failure is a ``StoreError`` naming the store (its password
redacted): Redis down, paused (each call ends within ``socket_timeout``, never retried behind
the user's back), refusing writes, or holding a damaged record. oauthkit never falls back to
memory behind the user's back.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlencode

from ..errors import StoreError, missing_extra
from ..redact import redacted_url
from . import options
from .base import DEFAULT_MAX_EVENTS, UNCHECKED, Event, Key, LogCursor, Record, StaleWrite, Store, _Unchecked
from .codec import Corrupt, corrupt_error, event_from_json, event_json, record_from_json, record_json
from .redis_lock import RELEASE, RENEW, Lease

T = TypeVar("T")

# Pushes events to the store's list and to each connection's, then trims the store's list to
# max_events, oldest first; each event dropped there is dropped from its connection's list too
# (it is that list's oldest), so a connection's list is always its share of the store's log and
# the store never holds more than max_events events. KEYS[n]: the store's list. ARGV from
# `first`: pairs of (the connection's list, event JSON); before them max_events and the prefix.
_PUSH = """
local function push(store_list, first)
  local keep, prefix = tonumber(ARGV[first - 2]), ARGV[first - 1]
  for i = first, #ARGV, 2 do
    redis.call('RPUSH', store_list, ARGV[i + 1])
    redis.call('RPUSH', ARGV[i], ARGV[i + 1])
    redis.call('LTRIM', ARGV[i], -keep, -1)
  end
  -- How many rows the log ever gained: what a watcher compares (store.log_cursor), one GET a poll.
  redis.call('INCRBY', prefix .. ':log_version', (#ARGV - first + 1) / 2)
  for _ = 1, redis.call('LLEN', store_list) - keep do
    local row = redis.call('LPOP', store_list)
    local ok, e = pcall(cjson.decode, row)
    if ok and type(e) == 'table' and type(e.adapter) == 'string' and type(e.connection) == 'string' then
      local list = prefix .. ':events:' .. e.adapter .. ':' .. e.connection
      if redis.call('LINDEX', list, 0) == row then redis.call('LPOP', list) end
    end
  end
end
"""
# KEYS: token hash, connections set, store event list. ARGV: expected refresh fingerprint ("*" =
# no check), record JSON, version, new refresh fingerprint, connection id, max_events, prefix,
# events...
_SAVE = (
    _PUSH
    + """
if ARGV[1] ~= '*' then
  local stored = redis.call('HGET', KEYS[1], 'refresh_fp')
  if (stored or '') ~= ARGV[1] then return 0 end
end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'version', ARGV[3], 'refresh_fp', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
push(KEYS[3], 8)
return 1
"""
)
_APPEND = _PUSH + "\npush(KEYS[1], 3)\nreturn 1\n"  # ARGV: max_events, prefix, events...
# Once per store prefix: copy the events of stores written before per-connection lists existed.
# KEYS: schema marker, store event list. ARGV: prefix, max_events.
_MIGRATE = """
if not redis.call('SET', KEYS[1], '2', 'NX') then return -1 end
local keep = tonumber(ARGV[2])
local rows = redis.call('LRANGE', KEYS[2], -keep, -1)
for _, row in ipairs(rows) do
  local ok, e = pcall(cjson.decode, row)
  if ok and type(e) == 'table' and type(e.adapter) == 'string' and type(e.connection) == 'string' then
    redis.call('RPUSH', ARGV[1] .. ':events:' .. e.adapter .. ':' .. e.connection, row)
  end
end
redis.call('LTRIM', KEYS[2], -keep, -1)
return #rows
"""

_OPTIONS = {
    "max_events": options.whole(1),
    "lock_timeout": options.seconds(0),
    "lock_lease": options.seconds(0.01),
}
DEFAULT_LEASE = 15.0
DEFAULT_SOCKET_TIMEOUT = 10.0
_inherited: list[Any] = []  # clients abandoned in a forked child: never closed there (shared sockets)


def _fp(secret: str | None) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest() if secret else ""


def safe_url(url: str) -> str:
    """The URL without its password, in the authority or the query string."""
    base, pairs = options.split(redacted_url(url))
    if not pairs:
        return base
    hidden = [(k, "***" if k.lower() in ("password", "username") else v) for k, v in pairs]
    return f"{base}?{urlencode(hidden)}"


class RedisStore(Store):
    """``redis://host:port/db`` (also ``rediss://``, ``unix://``). Options, as keywords or in
    the URL's query string (the URL wins): ``max_events`` (log retention), ``lock_lease``
    (seconds a refresh lock lives without renewal), ``lock_timeout`` (seconds to wait for it);
    redis-py's own, such as ``socket_timeout``, in the URL."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "oauthkit",
        lock_timeout: float = 120.0,
        lock_lease: float = DEFAULT_LEASE,
        max_events: int = DEFAULT_MAX_EVENTS,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
    ) -> None:
        self.url = safe_url(url)
        redis_url, found = options.take(url, _OPTIONS, keep_others=True)
        super().__init__(max_events=found.get("max_events", max_events))
        self.prefix = prefix
        self.lock_timeout = float(found.get("lock_timeout", lock_timeout))
        self.lock_lease = float(found.get("lock_lease", lock_lease))
        self._redis_url = redis_url
        self._socket_timeout = socket_timeout
        self._connect()
        self._call("open the store", None, self._redis.ping)
        try:
            self._call(
                "open the store",
                None,
                self._migrate,
                keys=[self._k("schema"), self._k("events")],
                args=[prefix, self.max_events],
            )
        except StoreError as err:
            if err.reason != "refused":  # a read-only replica can still be read
                raise

    def _connect(self) -> None:
        try:
            import redis
        except ModuleNotFoundError as exc:  # redis-py is the `redis` extra, not in the base install
            raise missing_extra(exc, "redis", "a Redis store (redis://, rediss://, unix://)") from exc
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)
        # No retries inside redis-py (its default retries a timeout ten times): a paused Redis
        # must give a StoreError within socket_timeout, and a lock decision must not be replayed.
        self._redis = redis.Redis.from_url(
            self._redis_url,
            socket_connect_timeout=5,
            socket_timeout=self._socket_timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self._save = self._redis.register_script(_SAVE)
        self._append = self._redis.register_script(_APPEND)
        self._migrate = self._redis.register_script(_MIGRATE)
        self._renew_script = self._redis.register_script(RENEW)
        self._release_script = self._redis.register_script(RELEASE)

    def _after_fork_in_child(self) -> None:
        super()._after_fork_in_child()
        # A fresh client and pool: sockets shared with the parent would interleave both sides'
        # answers. The old client is kept, unused, so that nothing closes the parent's sockets.
        _inherited.append(self._redis)
        self._connect()

    @property
    def socket_timeout(self) -> float | None:
        value = self._redis.connection_pool.connection_kwargs.get("socket_timeout")
        return None if value is None else float(value)

    def _call(self, action: str, key: Key | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except self._errors as exc:
            raise self._error(exc, action, key) from None

    def _error(self, exc: BaseException, action: str, key: Key | None) -> StoreError:
        import redis

        text = str(exc)
        if isinstance(exc, (redis.exceptions.TimeoutError, TimeoutError)):
            reason, state = "timeout", f"did not answer within {self.socket_timeout or 0:g} s"
            hint = "Redis is paused, overloaded or unreachable; oauthkit will not fall back to memory"
        elif isinstance(exc, redis.exceptions.AuthenticationError):
            reason, state = "refused", "refused the credentials"
            hint = "check the user and password in the redis:// URL"
        elif isinstance(exc, redis.exceptions.ResponseError):
            reason, state = "refused", "refused the command"
            hint = {
                "OOM": "Redis is out of memory: raise maxmemory or free memory",
                "MISCONF": "Redis cannot write its snapshot to disk and refuses writes: fix its disk",
                "READONLY": "this Redis is a read-only replica: point the URL at the primary",
                "NOPERM": "the Redis user lacks a permission oauthkit needs (ACL)",
                "NOAUTH": "Redis needs a password: put it in the redis:// URL",
            }.get(text.split(" ", 1)[0], "see the detail")
        else:
            reason, state = "unavailable", "is unavailable"
            hint = "start redis-server or fix the redis:// URL; oauthkit will not fall back to memory"
        if action.startswith(("save", "append")) and reason == "timeout":
            # Sent, unanswered: a paused Redis runs it when it resumes (the script, whole).
            hint += "; what timed out may still be applied, whole, when Redis answers again"
        elif action.startswith(("save", "append")):
            hint += "; nothing was written, the stored token is as it was"
        elif action == "take the refresh lock":
            hint += "; no refresh was sent"
        return StoreError(
            f"cannot {action}: the Redis store at {self.url} {state}"
            if action != "open the store"
            else f"the Redis store at {self.url} {state}",
            reason=reason,
            store=self.url,
            adapter=key.adapter if key is not None else None,
            connection=key.name if key is not None else None,
            detail=f"{type(exc).__name__}: {text}",
            hint=hint,
        )

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def _token_key(self, key: Key) -> str:
        return self._k("token", key.adapter, key.name)

    def _events_key(self, adapter: str, name: str) -> str:
        return self._k("events", adapter, name)

    # ---- records ----------------------------------------------------------------------------
    def load(self, key: Key) -> Record | None:
        raw, version = self._call(
            "load the token", key, self._redis.hmget, self._token_key(key), ["record", "version"]
        )
        if raw is None:
            return None
        try:
            return record_from_json(raw, version)
        except Corrupt as problem:
            db = self._redis.connection_pool.connection_kwargs.get("db", 0)
            raise corrupt_error(
                problem,
                store_url=self.url,
                key=key,
                remedy=f"delete it (redis-cli -n {db} DEL {self._token_key(key)}) and authorize again",
            ) from None

    def save(
        self,
        key: Key,
        record: Record,
        events: Sequence[Event] = (),
        *,
        replaces: str | _Unchecked | None = UNCHECKED,
    ) -> None:
        expected = "*" if isinstance(replaces, _Unchecked) else _fp(replaces)
        args: list[Any] = [
            expected,
            record_json(record),
            record.version,
            _fp(record.refresh_token),
            f"{key.adapter}/{key.name}",
            self.max_events,
            self.prefix,
            *self._event_args(events),
        ]
        keys = [self._token_key(key), self._k("connections"), self._k("events")]
        if not self._call("save the token", key, self._save, keys=keys, args=args):
            raise StaleWrite("the stored refresh token changed during the refresh")

    def _event_args(self, events: Sequence[Event]) -> list[str]:
        out: list[str] = []
        for e in events:
            out += [self._events_key(e.adapter, e.connection), event_json(e)]
        return out

    # ---- the refresh log --------------------------------------------------------------------
    def append(self, events: Sequence[Event]) -> None:
        if events:
            key = Key(events[0].adapter, events[0].connection) if len(events) == 1 else None
            args = [self.max_events, self.prefix, *self._event_args(events)]
            self._call("append to the refresh log", key, self._append, keys=[self._k("events")], args=args)

    def events(self, key: Key | None = None) -> list[Event]:
        name = self._k("events") if key is None else self._events_key(key.adapter, key.name)
        rows = self._call("read the refresh log", key, self._redis.lrange, name, 0, -1)
        try:
            return [event_from_json(row) for row in rows]
        except Corrupt as problem:
            raise corrupt_error(
                problem, store_url=self.url, key=key, remedy=f"remove the bad entries of the list {name}"
            ) from None

    def log_cursor(self) -> LogCursor:
        return _RedisLogCursor(self)

    def keys(self) -> list[Key]:
        members = self._call("list the connections", None, self._redis.smembers, self._k("connections"))
        pairs = sorted(m.decode("utf-8", "replace") if isinstance(m, bytes) else str(m) for m in members)
        if any("/" not in pair for pair in pairs):
            raise corrupt_error(
                Corrupt("a member is not 'adapter/name'"),
                store_url=self.url,
                key=None,
                remedy=f"remove it from the set {self._k('connections')}",
            )
        return [Key(*pair.split("/", 1)) for pair in pairs]

    # ---- the refresh lock -------------------------------------------------------------------
    in_process_lock = False  # the lock is shared with other processes: it may block

    @contextmanager
    def lock(self, key: Key) -> Iterator[Lease]:
        with super().lock(key):  # this process's threads queue here, not on Redis
            lease = self._acquire(key)
            try:
                yield lease
            finally:
                lease.release()

    def _acquire(self, key: Key) -> Lease:
        # A lease no longer than lock_timeout: a lock that no one renews frees itself at least
        # as soon as a waiter would give up on it.
        lease = max(0.01, min(self.lock_lease, self.lock_timeout))
        name = self._k("lock", key.adapter, key.name)
        token = secrets.token_hex(16)
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.01
        while True:
            asked = time.monotonic()
            if self._call(
                "take the refresh lock",
                key,
                self._redis.set,
                name,
                token,
                nx=True,
                px=max(1, round(lease * 1000)),
            ):
                held = Lease(self, key, name, token, lease, asked)
                held.start()
                return held
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"could not take the refresh lock of {key} in {self.lock_timeout:g} s",
                    reason="locked",
                    store=self.url,
                    adapter=key.adapter,
                    connection=key.name,
                    hint=f"another process holds it; a holder that died frees it within {lease:g} s",
                )
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.1)

    def _renew(self, lease: Lease, *, action: str) -> bool:
        ms = max(1, round(lease.lease * 1000))
        return bool(
            self._call(action, lease.key, self._renew_script, keys=[lease.name], args=[lease.token, ms])
        )

    def _release(self, lease: Lease) -> None:
        self._call(
            "release the refresh lock", lease.key, self._release_script, keys=[lease.name], args=[lease.token]
        )

    def close(self) -> None:
        self._redis.close()


class _RedisLogCursor(LogCursor):
    """New log rows through the counter the push script keeps: one GET while nothing changed,
    then the newest ``delta`` rows of the store's list."""

    def __init__(self, store: RedisStore) -> None:
        self._store = store
        self._seen = self._version()

    def _version(self) -> int:
        store = self._store
        raw = store._call("watch the refresh log", None, store._redis.get, store._k("log_version"))
        return int(raw or 0)

    def poll(self) -> list[Event]:
        version = self._version()
        delta, self._seen = version - self._seen, version
        if delta <= 0:
            return []
        store = self._store
        delta = min(delta, store.max_events)
        rows = store._call("read the refresh log", None, store._redis.lrange, store._k("events"), -delta, -1)
        found: list[Event] = []
        for raw in rows:
            try:
                found.append(event_from_json(raw))
            except Corrupt:  # the log reader reports bad rows; a watcher skips them
                continue
        return found
