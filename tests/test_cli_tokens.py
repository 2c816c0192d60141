"""``oauthkit token``, ``status`` and ``authorize``, run as real processes against the sandbox.

``token`` is used the way a shell cell uses it: inside ``$(...)`` in a real curl command line.
curl is needed for that one test; without it the test is skipped on a developer machine and
fails with ``CI=true`` (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

import oauthkit
import oauthkit.sandbox as sb
from oauthkit.store import Key, open_store

pytestmark = pytest.mark.timeout(120)

PREFIXES = (*(p.upper() + "_" for p in sb.PROVIDERS), "OAUTHKIT_")


def _command() -> list[str]:
    """The console script pyproject declares, when installed next to this interpreter."""
    script = Path(sys.executable).with_name("oauthkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "oauthkit.cli"]


def env_for(p: sb.Emulator | None, tmp: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: nothing from the developer's shell but PATH and the like, the
    emulator's settings as ``{ADAPTER}_{SETTING}``, and a default store nobody else uses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    env["OAUTHKIT_STORE"] = f"sqlite:///{tmp / 'unused-default' / 'tokens.db'}"
    env["PYTHONUNBUFFERED"] = "1"
    if p is not None:
        values = p.settings if settings is None else settings
        env.update({f"{p.name.upper()}_{k.upper()}": v for k, v in values.items()})
    return env


def oauthkit_cli(
    *args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=90
    )


# ---- token ---------------------------------------------------------------------------------------
def test_token_prints_exactly_the_stored_fresh_token_and_a_newline(tmp_path: Path, store_url: str) -> None:
    with sb.serve("xerial") as p:
        conn = oauthkit.connect("xerial", store=store_url, **p.settings)
        token = conn.refresh()
        done = oauthkit_cli("token", "xerial", "--store", store_url, env=env_for(p, tmp_path), cwd=tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == (0, token.access_token + "\n", "")
        assert len(p.token_requests) == 1  # fresh in the store: the child sent nothing


def test_token_refreshes_an_expired_token_and_stores_the_rotation(tmp_path: Path, store_url: str) -> None:
    with sb.serve("auth0", access_lifetime=1.0) as p:
        conn = oauthkit.connect("auth0", store=store_url, name="lab", **p.settings)
        old = conn.refresh()
        time.sleep(1.1)
        env = env_for(p, tmp_path, {k: v for k, v in p.settings.items() if k != "refresh_token"})
        env.update({f"AUTH0_LAB_{k.upper()}": v for k, v in p.settings.items() if k != "refresh_token"})
        done = oauthkit_cli(
            "token", "auth0", "--connection", "lab", "--store", store_url, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        stored = open_store(store_url).load(Key("auth0", "lab"))
        assert stored is not None and stored.token is not None
        assert (
            done.stdout == stored.token.access_token + "\n" and stored.token.access_token != old.access_token
        )
        assert stored.refresh_token != old.refresh_token  # the rotated one, saved by the child
        assert [e.trigger for e in open_store(store_url).events(Key("auth0", "lab"))] == ["manual", "expired"]


def _curl() -> str:
    curl = shutil.which("curl")
    if curl is None:
        message = "curl is not installed (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return curl


def test_token_in_a_curl_command_line(tmp_path: Path, store_url: str) -> None:
    curl = _curl()
    with sb.serve("parqex") as p:  # nothing stored yet: the child refreshes from the seed
        token_cmd = " ".join(shlex.quote(a) for a in [*_command(), "token", "parqex", "--store", store_url])
        for url in (p.api_url, p.csv_url):
            line = f'{shlex.quote(curl)} -sf -H "Authorization: Bearer $({token_cmd})" {shlex.quote(url)}'
            done = subprocess.run(
                ["bash", "-c", line],
                env=env_for(p, tmp_path),
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=90,
            )
            assert done.returncode == 0, done.stderr
            if url == p.api_url:
                assert '"provider":"parqex"' in done.stdout
            else:
                assert done.stdout.splitlines()[0] == "day,station,temperature_c,rain_mm"
        stored = open_store(store_url).load(Key("parqex"))
        assert stored is not None and stored.token is not None
        api = [r for r in p.requests if r.kind == "api"]
        assert [r.status for r in api] == [200, 200]
        assert {r.bearer for r in api} == {stored.token.access_token}
        assert len(p.token_requests) == 1  # the second child found the first one's token


def test_token_errors_go_to_stderr_with_a_nonzero_exit_and_no_secret(tmp_path: Path, store_url: str) -> None:
    env = env_for(None, tmp_path)
    unknown = oauthkit_cli("token", "no-such-adapter", "--store", store_url, env=env, cwd=tmp_path)
    assert unknown.returncode != 0 and unknown.stdout == ""
    assert "unknown adapter 'no-such-adapter'" in unknown.stderr

    missing = oauthkit_cli("token", "xerial", "--store", store_url, env=env, cwd=tmp_path)
    assert missing.returncode != 0 and missing.stdout == ""
    assert "ConfigError: [xerial/default] missing setting 'base_url'" in missing.stderr
    assert "XERIAL_BASE_URL" in missing.stderr

    env_base = {**env, "XERIAL_BASE_URL": "http://127.0.0.1:9/v1"}  # never reached: no token to send
    unseeded = oauthkit_cli("token", "xerial", "--store", store_url, env=env_base, cwd=tmp_path)
    assert unseeded.returncode != 0 and unseeded.stdout == ""
    assert "ConfigError" in unseeded.stderr and "XERIAL_REFRESH_TOKEN" in unseeded.stderr

    usage = oauthkit_cli("token", env=env, cwd=tmp_path)
    assert usage.returncode == 2 and usage.stdout == "" and "ADAPTER" in usage.stderr

    with sb.serve("xerial") as p:
        secret = "refresh-9c1f-not-valid-anywhere"
        refused = oauthkit_cli(
            "token",
            "xerial",
            "--store",
            store_url,
            env=env_for(p, tmp_path, {**p.settings, "refresh_token": secret}),
            cwd=tmp_path,
        )
        assert refused.returncode != 0 and refused.stdout == ""
        assert "InvalidGrant" in refused.stderr and secret not in refused.stderr
        assert p.token_requests[0].param("refreshToken") == secret  # it really was sent, and refused


# ---- status --------------------------------------------------------------------------------------
def _table(text: str) -> dict[str, dict[str, str]]:
    header, *lines = text.splitlines()
    starts: list[int] = []
    for name in header.split():  # left to right: "refresh" is also the end of "last_refresh"
        starts.append(header.index(name, starts[-1] + 1 if starts else 0))
    rows = {}
    for line in lines:
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        rows[cells[0]] = dict(zip(header.split(), cells, strict=True))
    return rows


def test_status_lists_every_connection_with_fingerprints_only(tmp_path: Path, store_url: str) -> None:
    with sb.serve("xerial") as x, sb.serve("edgetag") as e:
        good = oauthkit.connect("xerial", store=store_url, **x.settings)
        token = good.refresh()
        bad = oauthkit.connect(
            "edgetag",
            name="ops",
            store=store_url,
            retry=oauthkit.Retry(attempts=1),
            min_interval=0,
            **e.settings,
        )
        e.fail(503, {"error": "temporarily_unavailable"}, times=2)
        for _ in range(2):
            with pytest.raises(oauthkit.ProviderError):
                bad.refresh()
        done = oauthkit_cli("status", "--store", store_url, env=env_for(None, tmp_path), cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    rows = _table(done.stdout)
    assert set(rows) == {"xerial/default", "edgetag/ops"}
    ok = rows["xerial/default"]
    assert ok["state"] == "valid" and ok["failures"] == "0"
    assert ok["access"] == token.fingerprint and ok["refresh"] == token.refresh_fingerprint
    assert ok["time_left"].endswith("left") and ok["last_refresh"].endswith("UTC")
    failing = rows["edgetag/ops"]
    assert failing["state"] == "failed" and failing["failures"] == "2" and failing["access"] == "-"
    assert failing["last_refresh"] == "-"
    for secret in (
        token.access_token,
        str(token.refresh_token),
        e.settings["refresh_token"],
        e.client_secret,
    ):
        assert secret not in done.stdout


def test_status_of_an_empty_store(tmp_path: Path, store_url: str) -> None:
    done = oauthkit_cli("status", "--store", store_url, env=env_for(None, tmp_path), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "") and done.stdout.startswith(
        "no connections in sqlite:///"
    )


# ---- authorize -----------------------------------------------------------------------------------
def test_authorize_with_the_device_flow_prints_the_code_and_stores_the_tokens(
    tmp_path: Path, store_url: str
) -> None:
    with sb.serve("auth0", device_interval=0.2) as p:
        env = env_for(p, tmp_path, p.client_settings)
        done = oauthkit_cli(
            "authorize", "auth0", "--flow", "device", "--store", store_url, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert "enter the code:" in done.stdout and f"{p.origin}" in done.stdout
        assert "authorized auth0/default: Token(access=" in done.stdout
        stored = open_store(store_url).load(Key("auth0"))
        assert stored is not None and stored.token is not None and stored.refresh_token
        for secret in (stored.token.access_token, stored.refresh_token, p.client_secret):
            assert secret not in done.stdout and secret not in done.stderr
        again = oauthkit_cli("token", "auth0", "--store", store_url, env=env, cwd=tmp_path)
        assert again.stdout == stored.token.access_token + "\n"


def _spawn(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*_command(), *args],
        env=env,
        cwd=cwd,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _link(proc: subprocess.Popen[str], origin: str) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip().startswith(origin):
            return line.strip()
    proc.kill()
    raise AssertionError(f"no authorization link printed; stderr: {proc.communicate()[1]}")


@pytest.mark.parametrize("flow", ["loopback", "paste"])
def test_authorize_from_a_terminal_with_the_browser_elsewhere(
    flow: str, tmp_path: Path, store_url: str
) -> None:
    with sb.serve("edgetag") as p:
        proc = _spawn(
            ["authorize", "edgetag", "--flow", flow, "--store", store_url],
            env_for(p, tmp_path, p.client_settings),
            tmp_path,
        )
        try:
            link = _link(proc, p.authorize_url)
            if flow == "loopback":
                p.browse(link)  # the test user's browser follows the redirect to the child's server
                out, err = proc.communicate(timeout=60)
            else:  # the browser ends on an address nothing serves; the user pastes it back
                answer = requests.get(link, allow_redirects=False, timeout=10)
                redirected: Any = answer.headers["Location"]
                out, err = proc.communicate(redirected + "\n", timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err
        assert "authorized edgetag/default: Token(access=" in out
        stored = open_store(store_url).load(Key("edgetag"))
        assert stored is not None and stored.token is not None
        assert [r.param("grant_type") for r in p.token_requests] == ["authorization_code"]
        assert stored.token.access_token not in out + err


# ---- python -m oauthkit --------------------------------------------------------------------------
def test_python_dash_m_oauthkit_is_the_same_command(tmp_path: Path) -> None:
    """For a kernel whose virtualenv's scripts are not on PATH: ``!python -m oauthkit token ...``."""
    store = f"sqlite:///{tmp_path / 'tokens.db'}"
    with sb.serve("auth0") as p:
        env = env_for(p, tmp_path)
        done = subprocess.run(
            [sys.executable, "-m", "oauthkit", "token", "auth0", "--store", store],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90, check=False,
        )
        assert done.returncode == 0, done.stderr
        token = done.stdout.strip()
        assert done.stdout == token + "\n"
        answer = requests.get(p.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.status_code == 200
        wrong = subprocess.run(
            [sys.executable, "-m", "oauthkit", "token", "no_such_adapter", "--store", store],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90, check=False,
        )
        assert wrong.returncode != 0 and wrong.stdout == "" and "no_such_adapter" in wrong.stderr
