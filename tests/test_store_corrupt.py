"""A damaged record gives a StoreError naming the store and the connection, from SQLite and
Redis: corrupt bytes are written into a real database / a real redis-server, then connect()."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

import oauthkit
from oauthkit.store import Key

SECRET = "rt-SECRET-do-not-show-0123456789"
NOW = time.time()
GOOD_TOKEN = {
    "access_token": "at-SECRET-abc",
    "issued_at": NOW,
    "expires_at": NOW + 600,
    "refresh_token": SECRET,
}


def _with(**token: Any) -> str:
    return json.dumps({"token": {**GOOD_TOKEN, **token}, "refresh_token": SECRET, "rotations": 1})


# (what is wrong, the stored bytes, what the error must say)
CASES = [
    ("bad JSON", '{"token": {"access_token": "' + SECRET, "not valid JSON"),
    ("a JSON list", json.dumps([SECRET, 1, 2]), "is a JSON list"),
    ("a JSON string", json.dumps(SECRET), "is a JSON string"),
    ("no field at all", "{}", "neither a 'token' nor a 'refresh_token'"),
    (
        "a missing access token",
        json.dumps({"token": {"issued_at": NOW, "refresh_token": SECRET}}),
        "token.access_token",
    ),
    ("a missing issue time", _with(issued_at=None), "token.issued_at"),
    ("text where a time belongs", _with(expires_at="in an hour"), "token.expires_at' is a string"),
    ("a number where text belongs", _with(access_token=12345), "token.access_token' is a number"),
    ("a time beyond the year 9999", _with(expires_at=1e20), "does not load"),
    (
        "a count that is text",
        json.dumps({"token": None, "refresh_token": SECRET, "rotations": "many"}),
        "rotations",
    ),
    (
        "a token that is a list",
        json.dumps({"token": [SECRET], "refresh_token": SECRET}),
        "'token' is a JSON list",
    ),
]
IDS = [case[0] for case in CASES]


def _check(err: oauthkit.StoreError, url: str, said: str) -> None:
    text = str(err)
    assert err.reason == "corrupt" and err.store == url
    assert "[xerial/lab]" in text and url in text and "is damaged" in text
    assert said in text, text
    assert "authorize again" in text  # what to do
    assert SECRET not in text and "at-SECRET" not in text  # a record holds secrets: never quoted
    assert err.__cause__ is None and err.__suppress_context__  # no JSONDecodeError chained


def _connect(store: str) -> oauthkit.Connection:
    return oauthkit.connect("xerial", name="lab", store=store, base_url="http://127.0.0.1:9/v1")


@pytest.mark.parametrize(("case", "raw", "said"), CASES, ids=IDS)
def test_a_corrupt_sqlite_record_is_a_store_error(tmp_path: Path, case: str, raw: str, said: str) -> None:
    path = tmp_path / "corrupt" / "tokens.db"
    url = f"sqlite:///{path}"
    oauthkit.open_store(url)  # creates the schema
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO tokens (adapter, name, record, version) VALUES ('xerial', 'lab', ?, 3)", (raw,)
        )
    with pytest.raises(oauthkit.StoreError) as info:
        _connect(url)
    _check(info.value, url, said)
    assert "DELETE FROM tokens WHERE adapter = 'xerial' AND name = 'lab'" in str(info.value)


def test_a_corrupt_sqlite_version_and_event_are_store_errors(tmp_path: Path) -> None:
    path = tmp_path / "corrupt" / "tokens.db"
    url = f"sqlite:///{path}"
    store = oauthkit.open_store(url)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO tokens VALUES ('xerial', 'lab', ?, 'three')", (_with(),))
    with pytest.raises(oauthkit.StoreError) as info:
        _connect(url)
    _check(info.value, url, "the version is a string")
    with sqlite3.connect(path) as db:  # a log row with text where the time belongs
        db.execute(
            "INSERT INTO events (at, connection, adapter, trigger, outcome) "
            "VALUES ('noon', 'lab', 'xerial', 'x', 'ok')"
        )
    with pytest.raises(oauthkit.StoreError, match="'at' is a string, not a number") as ev:
        store.events(Key("xerial", "lab"))
    assert ev.value.reason == "corrupt"


@pytest.mark.parametrize(("case", "raw", "said"), CASES, ids=IDS)
def test_a_corrupt_redis_record_is_a_store_error(redis_url: str, case: str, raw: str, said: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).hset("oauthkit:token:xerial:lab", mapping={"record": raw, "version": "3"})
    with pytest.raises(oauthkit.StoreError) as info:
        _connect(redis_url)
    _check(info.value, redis_url, said)
    assert "DEL oauthkit:token:xerial:lab" in str(info.value)


def test_corrupt_redis_version_events_and_members_are_store_errors(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.hset("oauthkit:token:xerial:lab", mapping={"record": _with(), "version": "x3"})
    with pytest.raises(oauthkit.StoreError) as info:
        _connect(redis_url)
    _check(info.value, redis_url, "the version is a string")
    client.hdel("oauthkit:token:xerial:lab", "version")  # a missing field
    with pytest.raises(oauthkit.StoreError, match="the version is missing"):
        _connect(redis_url)
    store = oauthkit.open_store(redis_url)
    client.rpush("oauthkit:events:xerial:lab", "{not json")
    with pytest.raises(oauthkit.StoreError, match="not valid JSON") as ev:
        store.events(Key("xerial", "lab"))
    assert ev.value.reason == "corrupt" and "[xerial/lab]" in str(ev.value)
    client.sadd("oauthkit:connections", "no-slash")
    with pytest.raises(oauthkit.StoreError, match="not 'adapter/name'"):
        store.keys()
