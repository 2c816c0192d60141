"""The wheel, as a user installs it: built once, installed WITHOUT extras into a fresh virtualenv.

There it carries the adapters, and the base install does what it promises (pyproject.toml):
connect, refresh, the sessions and the dashboard's HTML snapshot, with redis-py and matplotlib
neither imported nor installed; a Redis store and the lifetime plot / HTML report then fail with a
ConfigError naming the `pip install "oauthkit[...]"` that brings them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = {"redis": "redis", "matplotlib": "plot"}  # module -> the extra that installs it


class Lean:
    def __init__(self, wheel: Path, env_dir: Path, outside: Path, build_output: str) -> None:
        self.wheel, self.env_dir, self.outside, self.build_output = wheel, env_dir, outside, build_output
        self.python = env_dir / "bin" / "python"

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), capture_output=True, text=True, cwd=self.outside, timeout=timeout
        )


@pytest.fixture(scope="module")
def lean(tmp_path_factory: pytest.TempPathFactory) -> Lean:
    tmp_path = tmp_path_factory.mktemp("wheel")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    [wheel] = list(dist.glob("oauthkit-*.whl"))
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],  # no extras
        check=True,
        timeout=600,
        capture_output=True,
    )
    outside = tmp_path / "elsewhere"  # not the source tree: only the wheel can provide oauthkit
    outside.mkdir()
    return Lean(wheel, env_dir, outside, built.stdout + built.stderr)


@pytest.mark.slow
def test_wheel_installs_and_lists_the_shipped_adapters(lean: Lean) -> None:
    names = zipfile.ZipFile(lean.wheel).namelist()
    shipped = sorted(p.stem for p in (ROOT / "adapters").glob("*.py") if not p.name.startswith("_"))
    assert len(shipped) >= 37
    for adapter in shipped:
        assert f"oauthkit/shipped_adapters/{adapter}.py" in names
    for template in ("adapter.py.template", "test_adapter.py.template"):  # new-adapter's package data
        assert f"oauthkit/authoring/templates/{template}" in names

    listed = lean.run(
        str(lean.python), "-c", "import oauthkit; print(' '.join(oauthkit.list_adapters()['name']))"
    )
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.stdout.split()) == shipped
    cli = lean.run(str(lean.env_dir / "bin" / "oauthkit"), "adapters")
    assert cli.returncode == 0, cli.stderr
    assert "xerial" in cli.stdout and "parqex" in cli.stdout
    scaffold = lean.run(str(lean.env_dir / "bin" / "oauthkit"), "new-adapter", "acme", "--dir", "mine")
    assert scaffold.returncode == 0, scaffold.stderr
    assert '"name": "acme"' in (lean.outside / "mine" / "acme.py").read_text()


@pytest.mark.slow
def test_the_wheel_declares_an_spdx_licence_and_the_extras(lean: Lean) -> None:
    [metadata] = [n for n in zipfile.ZipFile(lean.wheel).namelist() if n.endswith(".dist-info/METADATA")]
    text = zipfile.ZipFile(lean.wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text.splitlines()
    for extra in ("redis", "plot", "all", "dev"):
        assert f"Provides-Extra: {extra}" in text.splitlines()
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    base = [line for line in requires if "extra ==" not in line]
    assert not [line for line in base if "redis" in line or "matplotlib" in line], base
    # setuptools >= 77 takes the SPDX string without a word: no deprecation, no licence warning.
    # Only the licence's lines are judged: a future setuptools may deprecate something else.
    about_licence = [line for line in lean.build_output.lower().splitlines() if "licen" in line]
    assert not [line for line in about_licence if "deprecat" in line or "warn" in line], lean.build_output


# Run in the lean venv: what the base install promises, then what each missing extra says.
LEAN_SCRIPT = r"""
import importlib.util, json, sys
import oauthkit, oauthkit.sandbox as sandbox

EXTRAS = ("redis", "matplotlib")
def loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] in EXTRAS)

out = {}
with sandbox.serve("xerial") as p:
    conn = oauthkit.connect("xerial", store="memory://", **p.settings)
    first = conn.refresh()
    second = conn.refresh()
    out["rotated"] = second.access_token != first.access_token
    out["api"] = conn.session.get(p.api_url).status_code
    out["auth"] = __import__("requests").get(p.api_url, auth=conn.auth).status_code
    out["history"] = len(conn.history())
    dash = oauthkit.dashboard(conn)
    bundle, _ = dash._repr_mimebundle_()
    html = bundle["text/html"]
    out["snapshot"] = "oauthkit-snapshot" in html and second.fingerprint in html
    out["widget"] = "application/vnd.jupyter.widget-view+json" in bundle
    dash.close()
    conn.close()
out["loaded"] = loaded()
out["installed"] = [m for m in EXTRAS if importlib.util.find_spec(m) is not None]

def error_of(call):
    try:
        call()
    except oauthkit.ConfigError as exc:
        return str(exc)
    except Exception as exc:
        return f"wrong type {type(exc).__name__}: {exc}"
    return "no error"

out["errors"] = {
    "open_store": error_of(lambda: oauthkit.open_store("redis://127.0.0.1:6379/0")),
    "connect": error_of(lambda: oauthkit.connect("xerial", store="redis://127.0.0.1:6379/0",
                                                 base_url="http://127.0.0.1:9", refresh_token="x")),
    "plot_lifetimes": error_of(lambda: oauthkit.plot_lifetimes(conn.history())),
    "render_report": error_of(lambda: __import__("oauthkit.notebook").notebook.render_report(conn.history())),
}
out["loaded_after"] = loaded()
print(json.dumps(out))
"""


@pytest.mark.slow
def test_the_base_install_connects_refreshes_and_renders_without_redis_or_matplotlib(lean: Lean) -> None:
    ran = lean.run(str(lean.python), "-c", LEAN_SCRIPT)
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout.strip().splitlines()[-1])
    assert out["rotated"] and out["api"] == 200 and out["auth"] == 200 and out["history"] == 2
    assert out["snapshot"] and out["widget"]
    assert out["loaded"] == [] and out["installed"] == [], out  # never imported, not even there
    assert out["loaded_after"] == []
    errors = out["errors"]
    for case in ("open_store", "connect"):
        assert 'pip install "oauthkit[redis]"' in errors[case], errors[case]
        assert "'redis' package" in errors[case], errors[case]
    for case in ("plot_lifetimes", "render_report"):
        assert 'pip install "oauthkit[plot]"' in errors[case], errors[case]
        assert "'matplotlib' package" in errors[case], errors[case]


@pytest.mark.slow
def test_the_commands_name_the_missing_extra(lean: Lean) -> None:
    oauthkit_cli = str(lean.env_dir / "bin" / "oauthkit")
    store = f"sqlite:///{lean.outside / 'tokens.db'}"
    report = lean.run(oauthkit_cli, "report", "--html", "report.html", "--store", store)
    assert report.returncode == 1
    assert report.stderr.startswith("MissingExtra: ") and 'pip install "oauthkit[plot]"' in report.stderr
    assert "Traceback" not in report.stderr and not (lean.outside / "report.html").exists()
    status = lean.run(oauthkit_cli, "status", "--store", "redis://127.0.0.1:6379/0")
    assert status.returncode == 1
    assert 'pip install "oauthkit[redis]"' in status.stderr and "Traceback" not in status.stderr
    demo = lean.run(oauthkit_cli, "demo", "--seconds", "1", timeout=120)  # what `make demo` runs
    assert demo.returncode == 0, demo.stderr
    assert "Refresh log (oauthkit.history)" in demo.stdout
