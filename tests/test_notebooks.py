"""Every notebook in notebooks/ runs top to bottom in a real kernel (nbclient), leaks no secret
into its outputs, and is stored without outputs.

The kernel is this interpreter (the project venv), through a ``python3`` kernel spec written to a
temporary JUPYTER_PATH, so a fresh CI venv works and no other kernel on the machine can be
picked up. ``jupyter_env`` is shared with the browser test.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_quickstart", "02_dashboard", "03_providers", "04_write_an_adapter", "05_remote_kernel"]

# Runs first in the kernel: remembers every secret the notebook's emulators and connections hand
# out, so the test can look for them in the outputs afterwards.
COLLECT_SECRETS = """
import oauthkit as _ok
import oauthkit.sandbox as _sb
_SECRETS = set()
def _collect(conn, event):
    token = conn.token
    if token is not None:
        _SECRETS.update(s for s in (token.access_token, token.refresh_token, token.id_token) if s)
_ok.subscribe(_collect)
_start = _sb.start
def _recording_start(name, **options):
    emulator = _start(name, **options)
    _SECRETS.update(v for k, v in emulator.settings.items() if k in ("client_secret", "refresh_token"))
    _SECRETS.add(emulator.client_secret)
    return emulator
_sb.start = _recording_start
"""
REPORT_SECRETS = "import json as _json; print(_json.dumps(sorted(_SECRETS)))"
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "application/json")


def jupyter_env(root: Path) -> dict[str, str]:
    """Environment variables that give Jupyter folders of its own under ``root``, with a
    ``python3`` kernel spec running this interpreter; nothing from ~/.jupyter or the system."""
    kernel = root / "data" / "kernels" / "python3"
    kernel.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (oauthkit)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    folders = {
        # Searched before the user's and the system's data folders, so this python3 wins.
        "JUPYTER_PATH": root / "data",
        "JUPYTER_DATA_DIR": root / "user-data",
        "JUPYTER_CONFIG_DIR": root / "config",
        "JUPYTER_RUNTIME_DIR": root / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": root / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": root / "lab-workspaces",
        "IPYTHONDIR": root / "ipython",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {name: str(path) for name, path in folders.items()}


def _texts(cell: dict[str, Any]) -> list[str]:
    """The human-readable outputs of a cell (images and widget ids left out)."""
    texts: list[str] = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            texts.append(output["text"])
        elif output["output_type"] == "error":
            texts.append("\n".join(output["traceback"]))
        for mime in TEXT_TYPES:
            value = output.get("data", {}).get(mime)
            if value is not None:
                texts.append(value if isinstance(value, str) else json.dumps(value))
    return texts


def execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    """Run a copy of the notebook (plus the two secret-collecting cells) in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    for key, value in jupyter_env(tmp_path / "jupyter").items():
        monkeypatch.setenv(key, value)
    book = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    book.cells.insert(0, nbformat.v4.new_code_cell(COLLECT_SECRETS))
    book.cells.append(nbformat.v4.new_code_cell(REPORT_SECRETS))
    workdir = tmp_path / "work"
    workdir.mkdir()
    client = NotebookClient(
        book,
        kernel_name="python3",
        timeout=120,
        startup_timeout=60,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    secrets: list[str] = json.loads("".join(_texts(book.cells[-1])))
    book.cells = book.cells[1:-1]
    return book, secrets


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_without_leaking_secrets(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, secrets = execute(name, tmp_path, monkeypatch)
    assert len(secrets) >= 2, "the collector saw no emulator or token: the check below would be empty"
    outputs = [text for cell in book.cells if cell.cell_type == "code" for text in _texts(cell)]
    assert outputs, "the notebook produced no output at all"
    everything = "\n".join(outputs)
    for secret in secrets:
        assert secret not in everything
    assert "Traceback" not in everything


def test_notebooks_show_what_they_promise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book, _ = execute("03_providers", tmp_path, monkeypatch)
    text = "\n".join(t for cell in book.cells for t in _texts(cell))
    # The requests as the emulators saw them: parqex's query string, EdgeTag's Basic auth, Xerial's JSON.
    assert "/oauth/v2/endpoints/token/" in text and "Basic &lt;" in text and "refreshToken" in text
    assert re.search(r"&lt;[0-9a-f]{8}&gt;", text), "secrets are shown as fingerprints"
    assert "access.expires" in text  # Xerial's nested ISO-8601 expiry, mapped onto the Token


def test_stored_notebooks_have_no_outputs_and_use_python3() -> None:
    import nbformat

    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
    for name in NAMES:
        book = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        nbformat.validate(book)
        assert book.metadata["kernelspec"]["name"] == "python3"
        for cell in book.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: stored with outputs"
            assert "client_secret=" not in cell.source and "eyJ" not in cell.source


def test_the_remote_kernel_notebook_shows_the_device_panel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, _ = execute("05_remote_kernel", tmp_path, monkeypatch)
    text = "\n".join(t for cell in book.cells for t in _texts(cell))
    assert "oauthkit-device" in text and "oauthkit-user-code" in text  # the panel, drawn in place
    assert "<svg" in text  # the QR code for a phone
    assert re.search(r"[0-9A-F]{4}-[0-9A-F]{4}", text)  # the user code in large type
    assert "approved: tokens stored" in text  # the panel's last state, updated by the polling thread
    assert "'device'" in text and "'revoke'" in text  # the log rows
