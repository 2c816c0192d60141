"""The wheel carries the adapters: build it, install it into a fresh virtualenv, list them there."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_lists_the_shipped_adapters(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = list(dist.glob("oauthkit-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.stem for p in (ROOT / "adapters").glob("*.py") if not p.name.startswith("_"))
    assert len(shipped) >= 37
    for adapter in shipped:
        assert f"oauthkit/shipped_adapters/{adapter}.py" in names
    for template in ("adapter.py.template", "test_adapter.py.template"):  # new-adapter's package data
        assert f"oauthkit/authoring/templates/{template}" in names

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    outside = tmp_path / "elsewhere"  # not the source tree: only the wheel can provide adapters
    outside.mkdir()
    listed = subprocess.run(
        [str(python), "-c", "import oauthkit; print(' '.join(oauthkit.list_adapters()['name']))"],
        check=True,
        capture_output=True,
        text=True,
        cwd=outside,
        timeout=120,
    ).stdout.split()
    assert sorted(listed) == shipped
    cli = subprocess.run(
        [str(env_dir / "bin" / "oauthkit"), "adapters"],
        capture_output=True,
        text=True,
        cwd=outside,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert "xerial" in cli.stdout and "parqex" in cli.stdout
    scaffold = subprocess.run(
        [str(env_dir / "bin" / "oauthkit"), "new-adapter", "acme", "--dir", "mine"],
        capture_output=True,
        text=True,
        cwd=outside,
        timeout=120,
    )
    assert scaffold.returncode == 0, scaffold.stderr
    assert '"name": "acme"' in (outside / "mine" / "acme.py").read_text()
