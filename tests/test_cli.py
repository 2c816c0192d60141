"""The ``oauthkit`` command, run as a real process against the sandbox emulators."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import oauthkit.sandbox as sb
from oauthkit.store import Event, Key, SQLiteStore

PROVIDERS = sb.PROVIDERS


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    # Nothing from the developer's shell: no provider settings, no personal token store.
    prefixes = (*(p.upper() + "_" for p in PROVIDERS), "OAUTHKIT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["OAUTHKIT_STORE"] = f"sqlite:///{tmp / 'default-store' / 'tokens.db'}"
    env.update(extra)
    return env


def run_cli(
    *args: str, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oauthkit.cli", *args],
        cwd=cwd,
        env=_env(cwd, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def section(text: str, title: str) -> list[str]:
    """The non-blank lines of one titled block of the demo's output."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + 1
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return block


@dataclass
class DemoRun:
    result: subprocess.CompletedProcess[str]
    store_dir: Path

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr

    def events(self) -> list[Event]:
        return SQLiteStore(self.db).events()

    @property
    def db(self) -> Path:
        return self.store_dir / "tokens.db"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    folder = tmp_path_factory.mktemp("demo")
    result = run_cli(
        "demo",
        "--seconds",
        "6",
        "--access-lifetime",
        "1.5",
        "--store-dir",
        str(folder),
        cwd=folder,
        timeout=90,
    )
    return DemoRun(result, folder)


def test_adapters_lists_all_five(tmp_path: Path) -> None:
    result = run_cli("adapters", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = {line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()}
    assert names >= set(PROVIDERS)


def test_demo_exits_0_and_summarizes_every_provider(demo: DemoRun) -> None:
    assert demo.result.returncode == 0, demo.output
    assert "Traceback" not in demo.output
    summary = section(demo.result.stdout, "Per provider")
    rows = {line.split()[0]: line.split()[1:] for line in summary[2:]}  # header, index name
    assert set(rows) == set(PROVIDERS), summary
    assert all(int(values[0]) >= 1 for values in rows.values()), summary  # refreshes


def test_demo_shows_invalid_grant_and_the_503_retry(demo: DemoRun) -> None:
    outage, revoked_name = PROVIDERS[0], PROVIDERS[-1]  # the demo's two scenarios, by position
    out = demo.result.stdout
    assert f"InvalidGrant: [{revoked_name}/default] the refresh token is expired, revoked" in out
    log = [line.split() for line in section(out, "Refresh log")]
    header, rows = log[0], log[1:]
    col = {name: i for i, name in enumerate(header)}
    outage_rows = [r for r in rows if r[col["adapter"]] == outage]
    retried = [
        (a, b)
        for a, b in itertools.pairwise(outage_rows)
        if (a[col["outcome"]], a[col["attempt"]], a[col["http_status"]]) == ("error", "1", "503")
        and (b[col["outcome"]], b[col["attempt"]], b[col["http_status"]]) == ("ok", "2", "200")
    ]
    assert len(retried) == 1, "\n".join(" ".join(r) for r in outage_rows)
    revoked = [r for r in rows if r[col["adapter"]] == revoked_name and r[col["outcome"]] == "error"]
    assert [r[col["error"]] for r in revoked] == ["InvalidGrant"]


def test_demo_prints_no_token_and_refreshed_every_provider(demo: DemoRun) -> None:
    assert demo.db.is_file(), demo.output
    store = SQLiteStore(demo.db)
    secrets: set[str] = set()
    keys = store.keys()  # a Store, not a dict
    assert {k.adapter for k in keys} == set(PROVIDERS)
    for key in keys:
        record = store.load(key)
        assert record is not None and record.token is not None
        secrets |= {
            s for s in (record.token.access_token, record.token.refresh_token, record.refresh_token) if s
        }
    assert len(secrets) >= 2 * len(PROVIDERS)  # an access and a refresh token each
    leaked = [s[:4] + "..." for s in secrets if s in demo.output]
    assert not leaked
    refreshed = {e.adapter for e in demo.events() if e.outcome == "ok"}
    assert refreshed == set(PROVIDERS)


def test_history_prints_the_demo_log(demo: DemoRun) -> None:
    result = run_cli("history", "--store", f"sqlite:///{demo.db}", cwd=demo.store_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["at", "connection", "adapter"]
    assert len(lines) == 1 + len(demo.events())
    assert {line.split()[3] for line in lines[1:]} == set(PROVIDERS)  # date, time, connection


def test_refresh_prints_token_then_a_clean_invalid_grant(tmp_path: Path) -> None:
    with sb.serve("xerial") as p:
        env = {
            "XERIAL_BASE_URL": p.base_url,
            "XERIAL_REFRESH_TOKEN": p.settings["refresh_token"],
            "OAUTHKIT_STORE": f"sqlite:///{tmp_path / 't.db'}",
        }
        ok = run_cli("refresh", "xerial", cwd=tmp_path, env=env)
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.startswith("Token(access=")
        assert len(p.token_requests) == 1
        record = SQLiteStore(tmp_path / "t.db").load(Key("xerial"))
        assert record is not None and record.token is not None
        assert record.token.access_token not in ok.stdout + ok.stderr

        p.revoke_all()
        failed = run_cli("refresh", "xerial", cwd=tmp_path, env=env)
        assert failed.returncode == 1
        assert failed.stderr.startswith("InvalidGrant: [xerial/default]")
        assert "revoked" in failed.stderr and "XERIAL_REFRESH_TOKEN" in failed.stderr
        assert "Traceback" not in failed.stdout + failed.stderr
        assert record.refresh_token is not None
        assert record.refresh_token not in failed.stdout + failed.stderr


def test_refresh_unknown_adapter_is_a_message(tmp_path: Path) -> None:
    result = run_cli("refresh", "nope", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("ConfigError: unknown adapter 'nope'")
    assert "Traceback" not in result.stderr
