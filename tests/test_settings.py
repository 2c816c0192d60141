"""Settings: adapter defaults < .env < environment < keyword arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.settings import resolve


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = oauthkit.get_adapter("edgetag")
    (tmp_path / ".env").write_text(
        "EDGETAG_CLIENT_ID=from-dotenv\nEDGETAG_CLIENT_SECRET=dotenv-secret\nEDGETAG_BASE_URL=https://dotenv.example\n"
    )
    values = resolve(adapter, "default", {})
    assert values["client_id"] == "from-dotenv" and values["base_url"] == "https://dotenv.example"
    monkeypatch.setenv("EDGETAG_CLIENT_ID", "from-env")
    assert resolve(adapter, "default", {})["client_id"] == "from-env"
    assert resolve(adapter, "default", {"client_id": "from-kwarg"})["client_id"] == "from-kwarg"
    (tmp_path / ".env").unlink()
    monkeypatch.delenv("EDGETAG_CLIENT_ID")
    values = resolve(adapter, "default", {"client_id": "i", "client_secret": "s"})
    assert values["base_url"] == "https://api.edgetag.io"  # the adapter default


def test_dotenv_is_found_from_a_subfolder_and_env_file_can_be_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sb.serve("xerial") as p:
        (tmp_path / ".env").write_text(
            f"XERIAL_BASE_URL={p.settings['base_url']}\nXERIAL_REFRESH_TOKEN={p.settings['refresh_token']}\n"
        )
        sub = tmp_path / "notebooks" / "deep"
        sub.mkdir(parents=True)
        monkeypatch.chdir(sub)
        conn = oauthkit.connect("xerial")
        assert conn.refresh().access_token
        other = tmp_path / "elsewhere.env"
        other.write_text(
            f"XERIAL_LAB_BASE_URL={p.settings['base_url']}\nXERIAL_LAB_REFRESH_TOKEN={p.new_grant()}\n"
        )
        lab = oauthkit.connect("xerial", name="lab", env_file=str(other))
        assert lab.refresh().access_token
    import os

    assert "XERIAL_BASE_URL" not in os.environ  # .env is read, not exported


def test_named_connections_read_their_own_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = oauthkit.get_adapter("ellipsis_drive")
    monkeypatch.setenv("ELLIPSIS_DRIVE_CLIENT_ID", "default-id")
    monkeypatch.setenv("ELLIPSIS_DRIVE_WORK_CLIENT_ID", "work-id")
    monkeypatch.setenv("ELLIPSIS_DRIVE_WORK_CLIENT_SECRET", "work-secret")
    assert resolve(adapter, "work", {})["client_id"] == "work-id"


def test_missing_env_file_is_a_config_error() -> None:
    with pytest.raises(oauthkit.ConfigError, match="does not exist"):
        oauthkit.connect("xerial", env_file="/nonexistent/.env")
