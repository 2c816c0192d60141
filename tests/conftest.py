"""Shared fixtures: every test gets its own SQLite store and a working directory without .env."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

import oauthkit
import oauthkit.sandbox as sb
from oauthkit import registry

PROVIDERS = sb.PROVIDERS
_SHIPPED = sorted({*PROVIDERS, *(p.stem for p in registry.shipped_folder().glob("*.py") if p.stem[0] != "_")})


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)  # no stray .env from the repository
    # Every shipped adapter's variables (oauth2 and oidc too), so a developer's own never leak in.
    prefixes = (*(f"{name.upper()}_" for name in _SHIPPED), "OAUTHKIT_")
    for key in list(os.environ):
        if key.startswith(prefixes):
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


# ---- standard authorization servers (tests/servers/), one process per test module ---------------
SERVERS = Path(__file__).parent / "servers"
STANDARD_LIFETIME = 2  # seconds: short enough to watch a token expire


@dataclass
class Server:
    url: str
    token_url: str
    issuer: str
    api_url: str
    clients: dict[str, tuple[str, str | None]]  # auth method -> (client id, secret)
    authorize: Callable[[str, str | None, str], str]  # (client id, secret, method) -> a refresh token
    authorize_url: str  # the authorization endpoint (authorization code grant)
    code_clients: dict[str, tuple[str, str | None]]  # auth method -> client for the code grant
    api_scope: str  # what api_url requires
    # auth method -> client for the device authorization grant (RFC 8628)
    device_clients: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def _start(script: str, *args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OAUTHKIT_", "DJANGO_"))}
    proc = subprocess.Popen(
        [sys.executable, str(SERVERS / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the server prints its port once it listens
    if not line:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"{script} did not start:\n{err[-3000:]}")
    return proc, json.loads(line)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def _post(
    url: str, data: dict[str, str], client_id: str, secret: str | None, method: str
) -> requests.Response:
    """A token request with the client authenticated as ``method`` says (not through oauthkit)."""
    auth = (client_id, secret) if method == "client_secret_basic" and secret else None
    if method != "client_secret_basic":
        data["client_id"] = client_id
    if method == "client_secret_post" and secret:
        data["client_secret"] = secret
    return requests.post(url, data=data, auth=auth, timeout=10)


def _password_grant(
    token_url: str, user: dict[str, Any], scope: str
) -> Callable[[str, str | None, str], str]:
    def authorize(client_id: str, secret: str | None, method: str) -> str:
        data = {"grant_type": "password", "username": user["username"], "password": user["password"]}
        data["scope"] = scope
        answer = _post(token_url, data, client_id, secret, method)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["refresh_token"])

    return authorize


@pytest.fixture(scope="module")
def authlib_server() -> Iterator[Server]:
    proc, info = _start("authlib_server.py", str(STANDARD_LIFETIME))
    url = f"http://127.0.0.1:{info['port']}"
    clients = {c["auth_method"]: (cid, c["secret"]) for cid, c in info["clients"].items()}
    try:
        yield Server(
            url=url,
            token_url=url + "/oauth/token",
            issuer=url,
            api_url=url + "/api/me",
            clients=clients,
            authorize=_password_grant(url + "/oauth/token", info["user"], "profile"),
            authorize_url=url + "/oauth/authorize",
            code_clients=clients,  # Authlib's clients take every grant
            api_scope="profile",
            device_clients=clients,
        )
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def dot_server() -> Iterator[Server]:
    proc, info = _start("dot_server.py", str(STANDARD_LIFETIME))
    url = f"http://127.0.0.1:{info['port']}"
    conf = info["confidential"]
    clients = {
        "client_secret_basic": (conf["client_id"], conf["secret"]),
        "client_secret_post": (conf["client_id"], conf["secret"]),
        "none": (info["public"]["client_id"], None),
    }
    code = info["code_confidential"]  # django-oauth-toolkit: one grant type per application
    code_clients = {
        "client_secret_basic": (code["client_id"], code["secret"]),
        "client_secret_post": (code["client_id"], code["secret"]),
        "none": (info["code_public"]["client_id"], None),
    }
    device = info["device_confidential"]  # and one for the device authorization grant
    device_clients = {
        "client_secret_basic": (device["client_id"], device["secret"]),
        "client_secret_post": (device["client_id"], device["secret"]),
        "none": (info["device_public"]["client_id"], None),
    }
    try:
        yield Server(
            url=url,
            token_url=url + "/o/token/",
            issuer=url + "/o",
            api_url=url + "/api/me",
            clients=clients,
            authorize=_password_grant(url + "/o/token/", info["user"], "openid read"),
            authorize_url=url + "/o/authorize/",
            code_clients=code_clients,
            api_scope="read",
            device_clients=device_clients,
        )
    finally:
        _stop(proc)


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    """The adapter registry as a new process sees it (it reads OAUTHKIT_ADAPTERS once, on first
    use), and as a new process again afterwards: what the test registered does not leak."""
    from oauthkit import registry

    registry.reset()
    yield
    registry.reset()


# The npm oidc-provider (device flow, revocation) for any test that names these fixtures.
from oidc_provider_fixture import oidc_provider, oidc_provider_factory  # noqa: E402, F401

