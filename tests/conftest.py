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
