"""Shared fixtures: every test gets its own SQLite store and a working directory without .env."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb

PROVIDERS = sb.PROVIDERS


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)  # no stray .env from the repository
    for key in list(os.environ):
        if key.startswith(tuple(p.upper() + "_" for p in PROVIDERS)) or key.startswith("OAUTHKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("OAUTHKIT_STORE", f"sqlite:///{tmp_path / 'store' / 'tokens.db'}")
    yield


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / ('s-' + uuid.uuid4().hex[:8]) / 'tokens.db'}"


@pytest.fixture
def memory_store() -> str:
    return f"memory://{uuid.uuid4().hex}"


def connect(p: sb.Emulator, store: str, **extra: object) -> oauthkit.Connection:
    settings = {**p.settings, **extra}
    return oauthkit.connect(p.name, store=store, **settings)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port; its base URL (append /db)."""
    import shutil
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (Debian package redis-server; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


_redis_db = iter(range(1, 16))


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A fresh Redis database for one test."""
    import redis

    url = f"{redis_server}/{next(_redis_db, 15)}"
    redis.Redis.from_url(url).flushdb()
    return url
