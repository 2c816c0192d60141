"""What the browser tests share: Debian's chromium through Playwright (never a browser download),
JupyterLab or Notebook 7 on a free loopback port with folders of its own, running notebook cells
from the page, the console's errors, and the WCAG contrast of the dashboard's text.

Not a test module (no ``test_`` prefix): ``tests/test_browser.py`` and
``tests/test_browser_dashboard.py`` import it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_notebooks import jupyter_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "browser"
# JupyterLab settings for a quiet, deterministic session: every cell in the DOM (no windowing,
# so a widget scrolled out of view can still be read), no news or update checks over the network.
# Notebook 7 reads the same settings folder.
LAB_SETTINGS = {
    # autoStartDefaultKernel: no "Select Kernel" dialog racing the test for the notebook's python3.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}
APPS = {"lab": "jupyterlab", "notebook7": "notebook"}


def missing_prerequisites(app: str = "lab") -> list[str]:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    for module in ("playwright", APPS[app], "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"python package {module}")
    return missing


def require(app: str = "lab") -> None:
    """Skip without chromium or the app; with ``CI=true`` fail instead, so CI cannot pass without
    having run the browser tests."""
    missing = missing_prerequisites(app)
    if missing:
        message = "browser test needs: " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    app: str  # "lab" or "notebook7"
    url: str
    token: str
    log: Path
    root: Path

    def open(self, notebook: str) -> str:
        """The address that opens ``notebook`` alone. In JupyterLab: a workspace of its own, reset,
        so the lab does not restore the tabs an earlier test left open (a hidden second notebook
        panel would hold the selectors)."""
        if self.app == "notebook7":
            return f"{self.url}/notebooks/{notebook}?token={self.token}"
        workspace = Path(notebook).stem.replace("_", "-")
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=5) as resp:
            return json.load(resp)


@contextlib.contextmanager
def serve(app: str, root: Path, notebooks: Path, log_name: str | None = None) -> Iterator[Server]:
    """JupyterLab (``app="lab"``) or Notebook 7 (``"notebook7"``) on 127.0.0.1 serving
    ``notebooks``, with Jupyter folders of its own under ``root``; shut down (kernels too) after."""
    env = {**os.environ, **jupyter_env(root / "jupyter")}
    env.pop("JUPYTER_TOKEN", None)
    for name, value in LAB_SETTINGS.items():
        target = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    token = secrets.token_hex(16)
    port = free_port()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / (log_name or ("jupyterlab.log" if app == "lab" else f"{app}.log"))
    command = [
        sys.executable,
        "-m",
        APPS[app],
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",  # ServerApp.token's replacement since jupyter_server 2
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--ServerApp.root_dir={notebooks}",
    ]
    if app == "lab":
        command += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        found = Server(app, f"http://127.0.0.1:{port}", token, log, notebooks)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    found.get("/api/status")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"{app} did not start:\n{log.read_text()[-3000:]}") from None
                    time.sleep(0.3)
            yield found
        finally:
            _stop(server, found)


def _stop(server: subprocess.Popen[bytes], found: Server) -> None:
    """Ask the server to shut down (it stops its kernels too), then insist."""
    try:
        request = urllib.request.Request(f"{found.url}/api/shutdown?token={found.token}", method="POST")
        urllib.request.urlopen(request, timeout=5).close()
        server.wait(timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def accept_kernel_dialog(page: Any) -> None:
    """JupyterLab sometimes asks for a kernel when the notebook opens before the kernel specs have
    loaded; the one it preselects is the notebook's python3: accept it. The accept button reads
    "Select" in JupyterLab 4.x and "Select Kernel" in older ones."""
    dialog = page.get_by_role("dialog").filter(has_text="Select Kernel")
    page.add_locator_handler(
        dialog, lambda d: d.get_by_role("button", name=re.compile(r"^Select( Kernel)?$")).click()
    )


IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"  # in both apps' notebook toolbar


def open_notebook(page: Any, url: str, cells: str, attempts: int = 3) -> None:
    """Open a notebook and wait until its kernel is idle. Now and then the kernel the page starts
    is shut down again within a second, during its own start (CI, JupyterLab 4.6: "Kernel
    started" then "Kernel shutdown", and a websocket 500 for it), and the notebook is left with no
    kernel at all: the page is loaded again, which starts a new one."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        if attempt == 0:
            page.goto(url)
        else:
            print(f"no idle kernel after opening {url.split('?')[0]}: loading the page again")
            page.reload()
        page.wait_for_selector(cells, timeout=60_000)
        try:
            page.wait_for_selector(IDLE, timeout=60_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the notebook at {url.split('?')[0]} never had an idle kernel")


# ---- the console ------------------------------------------------------------------------------
# Known noise that is not the dashboard's, each with its reason. Matched against the message text.
CONSOLE_NOISE = {
    # A kernel restart closes the widget comms under live views; @jupyter-widgets logs the
    # messages it can no longer send. The restart test causes it on purpose.
    "restart": re.compile(r"Comm not found|comm .* (closed|not open)|Kernel (is )?(dead|restarting)", re.I),
    # Notebook 7.x's bundled keyboard-shortcuts plugin reads the schema of every plugin whose
    # settings change, including ones it has no schema for; it throws on page load, before any
    # cell has run (seen with notebook 7.6 and a notebook holding nothing of oauthkit's).
    "notebook7-shortcuts": re.compile(r"reading 'schema'\)[\s\S]*notebook_core\."),
    # A browser asks a page's origin for /favicon.ico unless the page names an icon. The
    # first-token callback page (first_tokens/loopback.py) now names an empty one; the emulators'
    # authorization pages do not, and a one-shot server may be gone by the time the browser asks:
    # "Failed to load resource: net::ERR_CONNECTION_REFUSED (http://127.0.0.1:N/favicon.ico)".
    "favicon": re.compile(r"^console\.error: Failed to load resource: .*/favicon\.ico\)$"),
}


@dataclass
class Console:
    """Every console error and uncaught page error, in order."""

    errors: list[str] = field(default_factory=list)
    # The names in CONSOLE_NOISE accepted right now ("restart" only while a test restarts the kernel).
    allowed: set[str] = field(default_factory=lambda: {"notebook7-shortcuts", "favicon"})

    def attach(self, page: Any) -> None:
        page.on(
            "console",
            lambda msg: (
                self._seen(f"console.{msg.type}: {msg.text} ({msg.location.get('url')})")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: self._seen(f"pageerror: {exc}\n{exc.stack}"))

    def _seen(self, text: str) -> None:
        if any(CONSOLE_NOISE[name].search(text) for name in self.allowed):
            return
        self.errors.append(text)

    def mark(self) -> int:
        return len(self.errors)

    def since(self, mark: int) -> list[str]:
        return self.errors[mark:]


# ---- contrast ---------------------------------------------------------------------------------
# Every visible element of the dashboard with text of its own: WCAG 2 contrast of its colour
# against the background actually behind it (its own or the first ancestor's that is not
# transparent; translucent layers composed over what is below them, the page's white at last).
# Disabled controls are left out, as WCAG 1.4.3 exempts inactive components.
CONTRAST_JS = r"""
(root) => {
  const parse = (s) => {
    let m = /^rgba?\(([^)]*)\)$/.exec(s);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    }
    m = /^color\(srgb ([^)]*)\)$/.exec(s);
    if (m) {
      const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return { r: p[0] * 255, g: p[1] * 255, b: p[2] * 255, a: p.length > 3 ? p[3] : 1 };
    }
    return null;
  };
  const over = (top, below) => {
    const a = top.a + below.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (k) => (top[k] * top.a + below[k] * below.a * (1 - top.a)) / a;
    return { r: mix("r"), g: mix("g"), b: mix("b"), a };
  };
  const background = (el) => {
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const lum = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const found = [];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    if (el.closest("svg") || el.closest("button:disabled, input:disabled, select:disabled")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible") continue;
    const bg = background(el);
    const fg = over(parse(style.color) || { r: 0, g: 0, b: 0, a: 1 }, bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    found.push({
      ratio: (hi + 0.05) / (lo + 0.05),
      text: el.textContent.trim().slice(0, 40),
      cls: el.className && el.className.baseVal === undefined ? String(el.className) : el.tagName,
      fg: style.color,
      bg: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`,
    });
  }
  return found;
}
"""


def contrast(dashboard: Any) -> list[dict[str, Any]]:
    """The contrast of each visible text element of ``dashboard`` (a locator), lowest first."""
    found: list[dict[str, Any]] = dashboard.evaluate(CONTRAST_JS)
    return sorted(found, key=lambda f: float(f["ratio"]))
