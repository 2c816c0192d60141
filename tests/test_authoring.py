"""Writing adapters: ``new-adapter`` scaffolds one, ``check`` explains it, its generated contract
test passes once the documented example is filled in, and the result connects."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit import authoring
from oauthkit.registry import shipped_folder


def _run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAUTHKIT_")}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


# The EdgeTag page's example, as a new user would paste it into the generated test.
FILLED_EXAMPLE = """EXAMPLE: dict[str, Any] = {
    "source": "https://docs.edgetag.io/api/getting-started/oauth-2.0/implementation/refreshing-access-token",
    "request": {
        "method": "POST",
        "path": "/v1/oauth-app/client/token",
        "headers": {
            "Authorization": "Basic ZDAyNzJjNDItN2VjYy00ODk5LWExYTctMDgwMWE4YTlkYTJmOm"
            "QwMjcyYzQyLTdlY2MtNDg5OS1hMWE3LTA4MDFhOGE5ZGEyZg=="
        },
        "form": {
            "refresh_token": "PGFanyIh-GUKReZ5P1LlAsUJzBR76BQI5SJlIX4-aHQ",
            "grant_type": "refresh_token",
        },
    },
    "response": {"body": {"access_token": "aYsxMIy3XguB9YORh2GzAL8E60MsVvXbG8IHxNFooSo", "expires_in": 7200}},
    "expect": {"lifetime": 7200, "refresh_token": "PGFanyIh-GUKReZ5P1LlAsUJzBR76BQI5SJlIX4-aHQ"},
}
"""


def _fill(test_file: Path) -> None:
    text = test_file.read_text()
    filled, count = re.subn(r"(?s)^EXAMPLE: dict\[str, Any\] = \{.*?^\}\n", FILLED_EXAMPLE, text, flags=re.M)
    assert count == 1
    test_file.write_text(filled)


def _edit_for_edgetag(adapter_file: Path) -> None:
    """What the user changes in the scaffold after reading EdgeTag's page."""
    text = adapter_file.read_text()
    for old, new in [
        (
            '"docs": "TODO: the URL of the documentation page this adapter follows"',
            '"docs": "https://docs.edgetag.io"',
        ),
        ('"url": "{base_url}/oauth/token"', '"url": "{base_url}/v1/oauth-app/client/token"'),
        ('"refresh_token": "refresh_token",\n', '"refresh_token": None,\n'),
        ('"default_lifetime": 3600', '"default_lifetime": 7200'),
        ('"rotation": "if_present"', '"rotation": "never"'),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    adapter_file.write_text(text)


def test_scaffold_check_verify_and_connect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my_adapters"
    made = _run("-m", "oauthkit.authoring", "new-adapter", "edge_copy", "--dir", str(folder), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (folder / "edge_copy.py").is_file() and (folder / "test_edge_copy.py").is_file()
    assert "oauthkit check" in made.stdout  # it says what to do next
    untouched = authoring.new_adapter("pristine", folder)  # a second one, left as generated

    # As generated: valid, explained, one warning (the docs URL is still a TODO).
    report = authoring.check(folder / "pristine.py")
    assert report.ok and len(report.warnings) == 1 and "docs" in report.warnings[0]

    _edit_for_edgetag(folder / "edge_copy.py")
    _fill(folder / "test_edge_copy.py")
    assert authoring.main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "edge_copy (Edge Copy)" in out and "HTTP Basic header" in out and "rotation  never" in out

    # The generated tests, run by pytest as the user would: the filled one passes, the untouched
    # one fails and says which value to copy from the page.
    result = _run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder), cwd=tmp_path)
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-3000:]
    assert "not filled in yet: request.form.refresh_token" in result.stdout
    assert untouched[1].name in result.stdout

    # ... and the adapter connects: here to the EdgeTag emulator, which follows the same page.
    [adapter, _] = oauthkit.load_adapters(folder)  # the test files in the folder are skipped
    assert adapter.name == "edge_copy"
    with sb.serve("edgetag", access_lifetime=60) as p:
        conn = oauthkit.connect("edge_copy", store="memory://", **p.settings)
        assert conn.session.get(p.api_url, timeout=10).status_code == 200
        assert conn.token is not None and conn.token.lifetime == pytest.approx(60, abs=1)
        conn.close()


def test_new_adapter_refuses_bad_names_and_overwrites(tmp_path: Path) -> None:
    with pytest.raises(oauthkit.ConfigError, match="bad adapter name"):
        authoring.new_adapter("Acme Corp", tmp_path)
    authoring.new_adapter("acme", tmp_path)
    before = (tmp_path / "acme.py").read_text()
    assert authoring.main(["new-adapter", "acme", "--dir", str(tmp_path)]) == 1
    assert (tmp_path / "acme.py").read_text() == before


BROKEN = """
ADAPTER = {
    "name": "typo",
    "settings": {"base_url": {"default": "https://api.typo.example"}},
    "request": {"url": "{base_url}/token", "encodng": "json", "client_auth": "none"},
    "rotation": "never",
}
"""

RISKY = """
ADAPTER = {
    "name": "risky",
    "docs": "https://risky.example/docs",
    "settings": {"base_url": {"default": "http://api.risky.example"}, "client_id": {},
                 "client_secret": {"secret": True}},
    "request": {"url": "{base_url}/token", "method": "GET", "encoding": "query", "client_auth": "body"},
    "response": {"expires": None},
}
"""

ALWAYS_WITHOUT_PATH = """
ADAPTER = {
    "name": "always",
    "docs": "https://always.example/docs",
    "settings": {"base_url": {"default": "https://api.always.example"}},
    "request": {"url": "{base_url}/token", "client_auth": "none"},
    "response": {"refresh_token": None},
    "rotation": "always",
}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    return path


def test_check_names_the_file_the_field_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "typo", BROKEN)
    assert authoring.main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert str(path) in out and "'request.encodng'" in out and "did you mean 'encoding'" in out
    assert "1 error(s)" in out

    _write(tmp_path / "always", "always", ALWAYS_WITHOUT_PATH)
    report = authoring.check(tmp_path / "always")
    assert not report.ok
    [error] = report.errors
    assert "always.py" in error and "'rotation'" in error and "fix:" in error


def test_check_warns_about_risky_choices(tmp_path: Path) -> None:
    report = authoring.check(_write(tmp_path, "risky", RISKY))
    assert report.ok  # warnings only
    text = "\n".join(report.warnings)
    assert "refresh token and the client secret travel in the URL query string" in text
    assert "plain http: http://api.risky.example/token" in text
    assert "no expiry and no default_lifetime" in text
    assert "rotation is not declared" in text
    # The authorization page gets the user's browser and the code: the same rule applies there.
    login_page = RISKY.replace('"name": "risky"', '"name": "risky_login"').replace(
        "http://api.risky.example", "https://api.risky.example"
    )
    login_page = login_page.replace(
        '"response":', '"authorize": {"url": "http://login.risky.example/authorize"},\n    "response":'
    )
    warned = "\n".join(authoring.check(_write(tmp_path, "risky_login", login_page)).warnings)
    assert "plain http: http://login.risky.example/authorize" in warned
    [entry] = report.entries
    assert any(line.startswith("sends     GET http://api.risky.example/token") for line in entry.description)


def test_check_explains_the_shipped_adapters_in_plain_words() -> None:
    report = authoring.check(shipped_folder())
    assert report.ok, report.text()
    by_name = {e.adapter.name: "\n".join(e.description) for e in report.entries if e.adapter}
    assert {"auth0", "edgetag", "ellipsis_drive", "parqex", "xerial", "oauth2", "oidc"} <= set(by_name)
    xerial = by_name["xerial"]
    assert 'in a JSON body: "refreshToken": <refresh token>' in xerial
    assert "'access.expires' is an ISO-8601 instant" in xerial and "rotation  always" in xerial
    assert "no client authentication" in xerial and "HTTP 401" in xerial
    assert "in the URL query string" in by_name["parqex"]
    assert "chosen by the setting auth_method (default client_secret_basic)" in by_name["oauth2"]
    assert "/.well-known/openid-configuration" in by_name["oidc"]
    # How the first tokens come: a login for Xerial, the code grant with PKCE for EdgeTag.
    assert "first     conn.login(email=..., password=...): POST {base_url}/auth/login" in xerial
    assert "conn.authorize(): the user approves at {app_url}/oauth/authorize" in by_name["edgetag"]
    assert "PKCE S256" in by_name["edgetag"] and "no PKCE" in by_name["parqex"]
    # Only parqex is risky among them: secrets in the URL, as its provider documents.
    assert [e.adapter.name for e in report.entries if e.warnings and e.adapter] == ["parqex"]


def test_check_a_folder_finds_name_clashes(tmp_path: Path) -> None:
    _write(tmp_path, "one", ALWAYS_WITHOUT_PATH.replace('"rotation": "always"', '"rotation": "never"'))
    _write(tmp_path, "two", ALWAYS_WITHOUT_PATH.replace('"rotation": "always"', '"rotation": "never"'))
    _write(tmp_path, "xerial", BROKEN.replace('"typo"', '"xerial"').replace('"encodng"', '"encoding"'))
    report = authoring.check(tmp_path)
    assert any("one.py" in e and "two.py" in e for e in report.errors)
    assert any("name 'xerial' is a shipped adapter" in w and "replace=True" in w for w in report.warnings)


def test_check_a_missing_path(tmp_path: Path) -> None:
    report = authoring.check(tmp_path / "nothing.py")
    assert not report.ok and "no adapter file or folder" in report.errors[0]


# ---- the README's "Write an adapter" section, followed to the letter ----------------------------
README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_blocks() -> list[tuple[str, str]]:
    text = README.read_text()
    section = text[text.index("## Write an adapter\n") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)


def test_readme_write_an_adapter_section_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_registry: None
) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = _readme_blocks()

    def block(start: str) -> str:
        found = [body for _, body in blocks if body.lstrip().startswith(start)]
        assert len(found) == 1, f"README section has no single block starting {start!r}"
        return found[0]

    # 1. scaffold
    command = block("oauthkit new-adapter").splitlines()[0].split()
    assert authoring.main(command[1:]) == 0
    # 2. the adapter, as the README shows it
    Path("my_adapters/acme.py").write_text(block("# my_adapters/acme.py"))
    capsys.readouterr()
    # 3. check: the README shows the real output
    shown = block("$ oauthkit check").splitlines()
    assert authoring.main(shown[0].split()[2:]) == 0
    assert capsys.readouterr().out.splitlines() == shown[1:]
    # 4. verify: the README's EXAMPLE in the generated test, run by pytest
    test_file = Path("my_adapters/test_acme.py")
    example = block("EXAMPLE: dict")
    test_file.write_text(
        re.sub(r"(?s)^EXAMPLE: dict\[str, Any\] = \{.*?^\}\n", example, test_file.read_text(), flags=re.M)
    )
    result = _run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file), cwd=tmp_path)
    assert "1 passed" in result.stdout, result.stdout[-3000:]
    # ... and the mismatch it shows is what verify says when the encoding is wrong
    from oauthkit.testing import ContractMismatch, verify

    namespace: dict[str, object] = {}
    exec(compile("from typing import Any\n" + example, "README", "exec"), namespace)
    wrong = Path("wrong/acme.py")
    wrong.parent.mkdir()
    wrong.write_text(block("# my_adapters/acme.py").replace('"encoding": "json"', '"encoding": "form"'))
    with pytest.raises(ContractMismatch) as info:
        verify(wrong, namespace["EXAMPLE"])  # type: ignore[arg-type]
    diff = [line for line in block("ContractMismatch").splitlines() if line[:2] in ("  ", "- ", "+ ")]
    assert str(info.value).splitlines()[1:] == diff
    # 5. connect: the folder loads (its test file skipped) and the adapter is there
    [adapter] = oauthkit.load_adapters("my_adapters/")
    assert oauthkit.get_adapter("acme") is adapter


def test_a_client_auth_or_discovery_template_must_name_a_declared_setting() -> None:
    base = {"name": "tmpl", "settings": {"client_id": {}, "auth_method": {"default": "none"}}}
    ok = oauthkit.Adapter.from_dict(
        {**base, "request": {"url": "https://x/t", "client_auth": "{auth_method}"}}
    )
    assert ok.request.client_auth_setting == "auth_method"
    with pytest.raises(
        oauthkit.AdapterError, match=r"'request.client_auth' refers to undeclared setting \{how\}"
    ):
        oauthkit.Adapter.from_dict({**base, "request": {"url": "https://x/t", "client_auth": "{how}"}})
    with pytest.raises(oauthkit.AdapterError, match=r"'discovery' refers to undeclared setting \{issuer\}"):
        oauthkit.Adapter.from_dict(
            {
                **base,
                "discovery": "{issuer}/.well-known/openid-configuration",
                "request": {"url": "https://x/t"},
            }
        )
