"""Finding adapters: installed plug-ins (entry-point group ``oauthkit.adapters``), the
``OAUTHKIT_ADAPTERS`` folders and ``load_adapters``; clashes name both sources, a shipped
adapter is replaced only on request, and nothing is imported from the working directory."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

import oauthkit
import oauthkit.sandbox as sb
from oauthkit import registry

ACME = """
ADAPTER = {
    "name": "acme_plugin",
    "title": "ACME (plug-in)",
    "docs": "https://acme.example/docs/refresh",
    "settings": {
        "base_url": {"default": "https://acme.example"},
        "client_id": {},
        "client_secret": {"secret": True},
    },
    "request": {"url": "{base_url}/oauth/token", "encoding": "form", "client_auth": "body"},
    "rotation": "if_present",
}
"""

PLUGIN_FILES = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "acme-oauthkit-plugin"
        version = "0.1.0"

        [project.entry-points."oauthkit.adapters"]
        acme_plugin = "acme_oauthkit.acme"
        auth0 = "acme_oauthkit:AUTH0_COPY"
        broken = "acme_oauthkit.missing_module"

        [tool.setuptools]
        packages = ["acme_oauthkit"]
    """,
    "acme_oauthkit/__init__.py": """
        AUTH0_COPY = {"name": "auth0", "title": "Auth0 (the plug-in's)",
                      "settings": {"base_url": {}, "client_id": {}},
                      "request": {"url": "{base_url}/oauth/token"}, "rotation": "never"}
    """,
    "acme_oauthkit/acme.py": ACME,
}

# Runs inside the plug-in's virtualenv: connect through the plug-in, then look at the clash.
SCRIPT = """
import json, sys, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import oauthkit
    adapter = oauthkit.get_adapter("acme_plugin")
settings, api_url = json.loads(sys.argv[1]), sys.argv[2]
conn = oauthkit.connect("acme_plugin", store="memory://", **settings)
out = {"source": adapter.source, "status": conn.session.get(api_url, timeout=10).status_code,
       "lifetime": conn.token.lifetime, "warnings": [str(w.message) for w in caught]}
try:
    oauthkit.get_adapter("auth0")
    out["clash"] = None
except oauthkit.AdapterError as exc:
    out["clash"] = str(exc)
from acme_oauthkit import AUTH0_COPY
oauthkit.register(AUTH0_COPY, replace=True)  # the user asks for the plug-in's auth0
out["replaced"] = oauthkit.get_adapter("auth0").title
print(json.dumps(out))
"""


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _plugin_env(tmp_path: Path) -> Path:
    """A fresh virtualenv that sees the development environment (oauthkit, its dependencies)
    the way --system-site-packages would, with the plug-in pip-installed into it."""
    env_dir = tmp_path / "plugin-env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # addsitedir, not a plain path line: the dev venv's own .pth files (the editable oauthkit)
    # must be processed too.
    dev_sites = [p for p in site.getsitepackages() if p.startswith(sys.prefix)]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in dev_sites)
    Path(target, "oauthkit_dev.pth").write_text(lines)
    _write_tree(tmp_path / "plugin", PLUGIN_FILES)
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            str(tmp_path / "plugin"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "PIP_REQUIRE_VIRTUALENV"},
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return python


@pytest.mark.timeout(300)
def test_a_plugin_package_is_found_and_connects(tmp_path: Path) -> None:
    python = _plugin_env(tmp_path)
    with sb.serve("auth0") as p:
        settings = {k: v for k, v in p.settings.items() if k in ("base_url", "client_id", "client_secret")}
        settings["refresh_token"] = p.settings["refresh_token"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OAUTHKIT_", "AUTH0_", "ACME_"))}
        run = subprocess.run(
            [str(python), "-c", SCRIPT, json.dumps(settings), p.api_url],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        assert len(p.token_requests) == 1  # the plug-in's adapter really refreshed
    out = json.loads(run.stdout)
    assert out["status"] == 200 and out["lifetime"] > 0
    assert out["source"] == "plug-in acme-oauthkit-plugin (entry point acme_plugin = acme_oauthkit.acme)"
    # The clash names both sources and how to choose; the shipped auth0 was not replaced silently.
    clash = out["clash"]
    assert "adapter name 'auth0' is taken" in clash
    assert str(registry.shipped_folder() / "auth0.py") in clash
    assert "entry point auth0 = acme_oauthkit:AUTH0_COPY" in clash and "replace=True" in clash
    assert out["replaced"] == "Auth0 (the plug-in's)"
    # A broken plug-in is a warning naming it, not the end of every other adapter.
    assert any("entry point broken = acme_oauthkit.missing_module" in w for w in out["warnings"])


# ---- in this process: folders and the environment variable -------------------------------------
def _adapter_file(folder: Path, name: str, title: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    text = ACME.replace('"acme_plugin"', repr(name)).replace('"ACME (plug-in)"', repr(title or name))
    path.write_text(text)
    return path


def test_oauthkit_adapters_reads_every_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    _adapter_file(tmp_path / "a", "env_one")
    _adapter_file(tmp_path / "b", "env_two")
    (tmp_path / "b" / "test_env_two.py").write_text("def test_x() -> None: ...\n")  # tests are skipped
    monkeypatch.setenv("OAUTHKIT_ADAPTERS", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")]))
    assert oauthkit.get_adapter("env_one").source == str(tmp_path / "a" / "env_one.py")
    assert oauthkit.get_adapter("env_two").name == "env_two"
    assert {"auth0", "xerial"} <= {a.name for a in registry.adapters()}


def test_a_broken_file_in_the_environment_is_a_warning_not_a_half_loaded_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "aaa_broken.py").write_text("ADAPTER = {'name': 'broken'}\n")  # no request
    _adapter_file(tmp_path / "a", "zzz_after_broken")
    missing = tmp_path / "not-there"
    monkeypatch.setenv("OAUTHKIT_ADAPTERS", os.pathsep.join([str(tmp_path / "a"), str(missing)]))
    with pytest.warns(RuntimeWarning) as caught:
        names = {a.name for a in registry.adapters()}
    text = "\n".join(str(w.message) for w in caught)
    assert "aaa_broken.py" in text and "not-there" in text
    assert {"auth0", "zzz_after_broken"} <= names  # the files after the broken one still load
    assert oauthkit.get_adapter("zzz_after_broken").name == "zzz_after_broken"


def test_an_environment_folder_never_replaces_a_shipped_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    mine = _adapter_file(tmp_path, "xerial", "my xerial")
    monkeypatch.setenv("OAUTHKIT_ADAPTERS", str(tmp_path))
    with pytest.raises(oauthkit.AdapterError) as info:
        oauthkit.get_adapter("xerial")
    text = str(info.value)
    assert str(registry.shipped_folder() / "xerial.py") in text and str(mine) in text
    assert f"oauthkit.load_adapters({str(mine)!r}, replace=True)" in text
    assert oauthkit.get_adapter("auth0").name == "auth0"  # the other adapters are unaffected
    oauthkit.load_adapters(mine, replace=True)  # the user chooses
    assert oauthkit.get_adapter("xerial").title == "my xerial"


def test_load_adapters_clash_names_both_files(tmp_path: Path, fresh_registry: None) -> None:
    first = _adapter_file(tmp_path / "one", "clash_demo")
    second = _adapter_file(tmp_path / "two", "clash_demo")
    oauthkit.load_adapters(first)
    with pytest.raises(oauthkit.AdapterError) as info:
        oauthkit.load_adapters(second)
    assert str(first) in str(info.value) and str(second) in str(info.value)
    with pytest.raises(oauthkit.AdapterError, match="replace=True"):
        oauthkit.load_adapters(_adapter_file(tmp_path / "three", "auth0"))
    oauthkit.load_adapters(second, replace=True)
    assert oauthkit.get_adapter("clash_demo").source == str(second)


def test_nothing_is_imported_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    monkeypatch.chdir(tmp_path)
    _adapter_file(tmp_path, "cwd_adapter")
    _adapter_file(tmp_path / "adapters", "cwd_adapter")
    with pytest.raises(oauthkit.ConfigError, match="unknown adapter 'cwd_adapter'"):
        oauthkit.get_adapter("cwd_adapter")
