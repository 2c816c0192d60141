"""The catalogue one can browse: the README's table is the adapters' own, the CLI lists and
searches them, each adapter file is named after its adapter and loads alone, and the HTML repr
links the docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import oauthkit
from oauthkit import registry
from oauthkit.authoring import catalogue_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_table_is_generated_from_the_adapters() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- adapters:begin[^\n]*-->\n(.*?)<!-- adapters:end -->", text, re.S)
    assert block, "README.md lost its adapters markers"
    assert block.group(1) == catalogue_markdown(registry.adapters()), (
        "the adapters changed: paste the output of `oauthkit adapters --markdown` between the markers"
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oauthkit.cli", *args], capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def test_oauthkit_adapters_lists_all_and_searches() -> None:
    everything = _cli("adapters")
    assert everything.returncode == 0, everything.stderr
    header, *rows = everything.stdout.splitlines()
    assert header.split()[:5] == ["name", "title", "first_tokens", "rotates", "refresh_expiry"]
    assert {row.split()[0] for row in rows} == {a.name for a in registry.adapters()}
    found = _cli("adapters", "Strava")  # case-insensitive, in names, titles and docs URLs
    assert [row.split()[0] for row in found.stdout.splitlines()[1:]] == ["strava"]
    github = _cli("adapters", "github").stdout.splitlines()[1:]
    assert "github" in {row.split()[0] for row in github}
    assert all("github" in row.lower() for row in github)
    nothing = _cli("adapters", "no-such-provider")
    assert nothing.returncode == 1 and "no adapter matches" in nothing.stderr


def test_every_shipped_file_is_named_after_its_adapter() -> None:
    for path in registry.module_files(registry.shipped_folder()):
        assert registry.load_file(path).name == path.stem, path


def test_an_adapter_loads_alone_and_a_clash_with_a_shipped_name_is_still_seen(
    monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    loaded: list[str] = []
    real = registry.load_file

    def counting(path: Path) -> oauthkit.Adapter:
        loaded.append(path.stem)
        return real(path)

    monkeypatch.setattr(registry, "load_file", counting)
    assert oauthkit.get_adapter("github").name == "github"
    assert loaded == ["github"]
    # A user adapter taking a shipped name it has not loaded yet: the clash is raised, as before.
    mine = {
        "name": "spotify",
        "title": "Mine",
        "request": {"url": "https://example.com/token", "client_auth": "none"},
    }
    with pytest.raises(oauthkit.AdapterError, match="'spotify' is taken"):
        oauthkit.register(mine)
    assert loaded == ["github", "spotify"]
    assert len(registry.adapters()) >= 37  # the full listing loads every file


def test_the_adapter_repr_links_its_docs_and_says_how_first_tokens_come() -> None:
    html = oauthkit.get_adapter("withings")._repr_html_()
    assert re.search(r"href=['\"]https://developer\.withings\.com", html)
    assert "first tokens" in html and "code" in html
