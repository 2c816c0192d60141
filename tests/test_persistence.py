"""The store: rotated tokens survive a new process; seeds; file permissions; the log's dtypes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.log import COLUMNS
from oauthkit.store import SQLiteStore

CHILD = """
import json, sys, oauthkit
conn = oauthkit.connect("xerial", store=sys.argv[1], base_url=sys.argv[2])  # no refresh_token at all
before = conn.token
token = conn.refresh()
print(json.dumps({"had_token": before is not None, "access_fp": token.fingerprint,
                  "refresh_fp": token.refresh_fingerprint, "rows": len(conn.history())}))
"""


def test_a_rotated_refresh_token_survives_into_a_new_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kernel' / 'tokens.db'}"
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=url, **p.settings)
        token = conn.refresh()
        assert token.refresh_token != p.settings["refresh_token"]  # rotated; the seed is dead now
        env = {k: v for k, v in os.environ.items() if not k.startswith("XERIAL_")}
        for _ in range(2):  # two kernel restarts in a row
            out = subprocess.run(
                [sys.executable, "-c", CHILD, url, p.settings["base_url"]],
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp_path,
                timeout=60,
            )
            assert out.returncode == 0, out.stderr
            result = json.loads(out.stdout)
            assert result["had_token"] is True
        assert len(p.token_requests) == 3
        assert all(r.status == 200 for r in p.token_requests)
        # the parent sees what the children stored
        assert oauthkit.history(url)["outcome"].tolist() == ["ok", "ok", "ok"]
        assert conn.refresh().access_token  # and can continue from there


def test_same_seed_resumes_a_different_seed_replaces(store_url: str) -> None:
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=store_url, **p.settings)
        rotated = conn.refresh()
        again = oauthkit.connect("auth0", store=store_url, **p.settings)  # same seed, e.g. from .env
        assert again.token == rotated
        fresh_grant = p.new_grant()
        reauthorized = oauthkit.connect(
            "auth0", store=store_url, **{**p.settings, "refresh_token": fresh_grant}
        )
        assert reauthorized.token is None  # a new authorization: start from the new seed
        assert reauthorized.refresh().access_token
        assert p.token_requests[-1].form["refresh_token"] == [fresh_grant]  # type: ignore[index]


def test_no_seed_and_empty_store_is_a_config_error(store_url: str) -> None:
    # Constructible, so that the user can call conn.authorize(); a refresh says what to do.
    conn = oauthkit.connect("edgetag", store=store_url, client_id="i", client_secret="s")
    assert conn.token is None
    with pytest.raises(oauthkit.ConfigError, match=r"EDGETAG_REFRESH_TOKEN.*conn\.authorize\(\)"):
        conn.refresh()
    with pytest.raises(oauthkit.ConfigError, match="EDGETAG_REFRESH_TOKEN"):
        conn.session.get("http://127.0.0.1:9/v1/me")  # nothing is sent without a token
    assert conn.history().empty


def test_sqlite_store_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private" / "nested" / "tokens.db"
    with sb.serve("edgetag") as p:
        oauthkit.connect("edgetag", store=f"sqlite:///{path}", **p.settings).refresh()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    files = sorted(path.parent.iterdir())
    assert len(files) >= 3  # the database, its WAL files and the refresh lock file
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name


def test_default_store_is_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("OAUTHKIT_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from oauthkit.store import default_store_url

    assert default_store_url() == f"sqlite:///{tmp_path / 'xdg' / 'oauthkit' / 'tokens.db'}"


def test_refresh_log_columns_and_dtypes(store_url: str) -> None:
    with sb.serve("xerial", access_lifetime=600) as p:
        conn = oauthkit.connect("xerial", store=store_url, retry=oauthkit.Retry(attempts=1), **p.settings)
        conn.refresh()
        p.fail(503, {"error": "x"})
        with pytest.raises(oauthkit.ProviderError):
            conn.refresh()
        frame = conn.history()
    assert list(frame.columns) == [
        "at",
        "connection",
        "adapter",
        "trigger",
        "outcome",
        "attempt",
        "http_status",
        "latency_ms",
        "expires_at",
        "lifetime_s",
        "rotated",
        "refresh_expires_at",
        "access_fp",
        "error",
        "detail",
    ]
    for column in ("at", "expires_at", "refresh_expires_at"):
        assert str(frame[column].dtype) == "datetime64[ns, UTC]"
    assert {c: str(frame[c].dtype) for c in frame.columns} == {
        c: ("datetime64[ns, UTC]" if d == "datetime64[ns, UTC]" else d) for c, d in COLUMNS.items()
    }
    ok, err = frame.iloc[0], frame.iloc[1]
    assert (ok["outcome"], ok["http_status"], ok["rotated"]) == ("ok", 200, True)
    assert 590 < ok["lifetime_s"] < 610 and ok["expires_at"] > ok["at"]
    assert ok["refresh_expires_at"] > ok["expires_at"]
    assert (err["outcome"], err["http_status"], err["error"]) == ("error", 503, "ProviderError")
    assert pd.isna(err["expires_at"]) and pd.isna(err["access_fp"])
    assert frame["at"].is_monotonic_increasing
    assert oauthkit.history(store_url).shape == frame.shape


def test_history_is_empty_but_typed_for_a_new_store(store_url: str) -> None:
    frame = oauthkit.history(store_url)
    assert frame.empty and list(frame.columns) == list(COLUMNS)
    assert str(frame["at"].dtype) == "datetime64[ns, UTC]"


def test_memory_store_is_shared_by_url() -> None:
    with sb.serve("edgetag") as p:
        a = oauthkit.connect("edgetag", store="memory://shared-test", **p.settings)
        a.refresh()
        b = oauthkit.connect("edgetag", store="memory://shared-test", **p.settings)
        assert b.token == a.token


def test_sqlite_store_roundtrip(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "rt.db")
    with sb.serve("auth0") as p:
        conn = oauthkit.connect("auth0", store=store, **p.settings)
        token = conn.refresh()
    other = SQLiteStore(tmp_path / "rt.db")  # a second handle, as another process would open
    record = other.load(conn.key)
    assert record is not None and record.token == token and record.rotations == 1
    assert [str(k) for k in other.keys()] == ["auth0/default"]  # noqa: SIM118 - a Store, not a dict
