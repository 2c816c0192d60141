"""The Redis store against a real redis-server."""

from __future__ import annotations

import pytest
from conftest import _free_port

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.redact import redacted_url
from oauthkit.store import Key, Record, StaleWrite, open_store
from oauthkit.store.redis import RedisStore


def test_tokens_and_log_roundtrip(redis_url: str) -> None:
    with sb.serve("auth0", access_lifetime=600) as p:
        conn = oauthkit.connect("auth0", store=redis_url, **p.settings)
        token = conn.refresh()
        assert conn.session.get(p.api_url).status_code == 200
        other = RedisStore(redis_url)  # another machine's view
        record = other.load(conn.key)
        assert record is not None and record.token == token and record.rotations == 1
        assert [str(k) for k in other.keys()] == ["auth0/default"]  # noqa: SIM118 - a Store
        frame = oauthkit.history(redis_url)
        assert frame["outcome"].tolist() == ["ok"] and str(frame["at"].dtype) == "datetime64[ns, UTC]"
        again = oauthkit.connect("auth0", name="default", store=RedisStore(redis_url), **p.settings)
        assert again.token == token  # the rotated token beat the seed, across store objects


def test_compare_and_set_on_the_refresh_token(redis_url: str) -> None:
    store = RedisStore(redis_url)
    key = Key("xerial", "cas")
    store.save(key, Record(token=None, refresh_token="r1", version=1))
    store.save(key, Record(token=None, refresh_token="r2", version=2), replaces="r1")
    with pytest.raises(StaleWrite):
        store.save(key, Record(token=None, refresh_token="late", version=2), replaces="r1")
    loaded = store.load(key)
    assert loaded is not None and loaded.refresh_token == "r2" and loaded.version == 2


def test_lock_has_an_owner_and_a_timeout(redis_url: str) -> None:
    import redis

    store = RedisStore(redis_url)
    store.lock_timeout = 0.5
    key = Key("xerial", "locked")
    client = redis.Redis.from_url(redis_url)
    with store.lock(key):
        name = f"oauthkit:lock:{key.adapter}:{key.name}"
        owner = client.get(name)
        assert owner  # an owner token, not a bare flag
        assert 0 < client.pttl(name) <= 500
    assert client.get(name) is None  # released by its owner
    # A stale holder's release never deletes a lock that someone else now holds.
    held = client.lock(name, timeout=5)
    assert held.acquire(blocking=False)
    with pytest.raises(oauthkit.StoreError, match="could not take the refresh lock"), store.lock(key):
        pass
    assert client.get(name) == held.local.token
    held.release()


def test_unreachable_redis_is_a_clear_error_not_a_fallback() -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(oauthkit.StoreError, match="unavailable") as info:
        open_store(url)
    assert "fall back" in str(info.value)
    with pytest.raises(oauthkit.StoreError):
        oauthkit.connect("xerial", store=url, base_url="http://127.0.0.1:1/v1", refresh_token="x")


def test_password_is_redacted_from_the_url() -> None:
    assert redacted_url("redis://user:hunter2@db.example:6380/0") == "redis://user:***@db.example:6380/0"
    assert redacted_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
