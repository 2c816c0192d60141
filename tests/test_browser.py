"""The real thing: JupyterLab on 127.0.0.1, 02_dashboard.ipynb opened in headless Chromium (Debian's
``chromium`` driven by Playwright, no browser download), all cells run, the dashboard checked in
the rendered page. Screenshots go to test-output/browser/.

Skipped on a developer machine without Chromium or JupyterLab; with ``CI=true`` it fails instead,
so CI can never pass without having run it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_notebooks import NOTEBOOKS, jupyter_env

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


def _missing_prerequisites() -> list[str]:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    for module in ("playwright", "jupyterlab", "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"python package {module}")
    return missing


@pytest.fixture(scope="module")
def prerequisites() -> None:
    missing = _missing_prerequisites()
    if missing:
        message = "browser test needs: " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Lab:
    url: str
    token: str
    log: Path

    def open(self, notebook: str) -> str:
        """The address that opens ``notebook`` alone: a workspace of its own, reset, so the lab
        does not restore the tabs an earlier test left open (a hidden second notebook panel
        would hold the selectors below)."""
        workspace = Path(notebook).stem.replace("_", "-")
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=5) as resp:
            return json.load(resp)


@pytest.fixture(scope="module")
def lab(prerequisites: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    env = {**os.environ, **jupyter_env(root / "jupyter")}
    env.pop("JUPYTER_TOKEN", None)
    for name, value in LAB_SETTINGS.items():
        target = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    token = secrets.token_hex(16)
    port = _free_port()
    log = OUTPUT / "jupyterlab.log"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",  # ServerApp.token's replacement since jupyter_server 2
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--ServerApp.root_dir={notebooks}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        lab = Lab(f"http://127.0.0.1:{port}", token, log)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    lab.get("/api/status")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(
                            f"JupyterLab did not start:\n{log.read_text()[-3000:]}"
                        ) from None
                    time.sleep(0.3)
            yield lab
        finally:
            _stop(server, lab)


def _stop(server: subprocess.Popen[bytes], lab: Lab) -> None:
    """Ask the server to shut down (it stops its kernels too), then insist."""
    try:
        request = urllib.request.Request(f"{lab.url}/api/shutdown?token={lab.token}", method="POST")
        urllib.request.urlopen(request, timeout=5).close()
        server.wait(timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _history_total(text: str) -> int:
    match = re.search(r"of (\d+)", text)
    assert match, f"unexpected history count text {text!r}"
    return int(match.group(1))


IDLE = ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']"


PROMPTS = "[...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]"
# Every code cell queued ([*]) or run ([n]); then: all run, or the run was lost (a [ ] is back).
ALL_QUEUED = (
    f"() => {{ const ps = {PROMPTS};"
    " return ps.length > 0 && ps.every(p => /\\[[0-9*]+\\]/.test(p.textContent)); }"
)
SETTLED = (
    f"() => {{ const ps = {PROMPTS}; return ps.every(p => /\\[[0-9]+\\]/.test(p.textContent))"
    " || ps.some(p => /\\[\\s*\\]/.test(p.textContent)); }"
)
ALL_RAN = f"() => {PROMPTS}.every(p => /\\[[0-9]+\\]/.test(p.textContent))"


def _run_all_cells(page: Any, attempts: int = 3) -> None:
    """Run > Run All Cells, once the kernel is idle, until every code cell has run. JupyterLab
    drops the queue when a late kernel dialog replaces the kernel under it (seen in CI: the first
    cell ran, the rest stayed unrun), so a run that loses cells is started again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        try:
            page.wait_for_function(ALL_QUEUED, timeout=15_000)
            page.wait_for_function(SETTLED, timeout=120_000)
        except PlaywrightTimeout:
            continue
        if page.evaluate(ALL_RAN):
            return
    raise AssertionError("Run All Cells never ran the whole notebook")


def test_dashboard_runs_live_in_jupyterlab(lab: Lab) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        try:
            page.set_default_timeout(30_000)
            # JupyterLab sometimes asks for a kernel when the notebook opens before the kernel specs
            # have loaded; the one it preselects is the notebook's python3: accept it. The accept
            # button reads "Select" in JupyterLab 4.x and "Select Kernel" in older ones.
            kernel_dialog = page.get_by_role("dialog").filter(has_text="Select Kernel")
            page.add_locator_handler(
                kernel_dialog,
                lambda dialog: dialog.get_by_role("button", name=re.compile(r"^Select( Kernel)?$")).click(),
            )
            page.goto(lab.open("02_dashboard.ipynb"))
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
            _run_all_cells(page)

            dashboard = page.locator(".oauthkit-dashboard")
            expect(dashboard).to_be_visible(timeout=90_000)
            cards = dashboard.locator(".oauthkit-card")
            expect(cards).to_have_count(3)
            expect(cards.first).to_contain_text("Auth0")

            # The countdown ticks in the page: its text changes within 3 seconds.
            countdown = cards.first.locator(".oauthkit-countdown")
            expect(countdown).to_contain_text("left")
            shown = countdown.inner_text()
            expect(countdown).not_to_have_text(shown, timeout=3_000)

            # Wait for the last cell to finish, so its refreshes are in the history before counting.
            page.wait_for_selector(IDLE)
            count = dashboard.locator(".oauthkit-history-count")
            history = dashboard.locator(".oauthkit-history-table tbody tr")
            expect(count).to_contain_text("of ")
            before = count.inner_text()
            total = _history_total(before)
            # Auto-refresh may add rows meanwhile; the click's row is Auth0's next *manual* one.
            auth0_manual = history.filter(has_text="auth0/default").filter(has_text="manual")
            manual = auth0_manual.count()
            assert total >= 4 and manual >= 2, "the first refreshes and the notebook's own Auth0 refresh"

            dashboard.scroll_into_view_if_needed()
            cards.first.locator("button.oauthkit-refresh").first.click()
            expect(count).not_to_have_text(before, timeout=10_000)
            assert _history_total(count.inner_text()) > total
            expect(auth0_manual).to_have_count(manual + 1, timeout=5_000)

            # What a person would see: the dashboard widget, and the whole JupyterLab window.
            time.sleep(1.2)  # one more tick, so the screenshot shows the reset countdown
            dashboard.screenshot(path=str(OUTPUT / "02_dashboard-widget.png"))
            page.screenshot(path=str(OUTPUT / "02_dashboard-lab.png"))

            # The timeline is drawn in the browser (an SVG), one lane per connection.
            dashboard.get_by_role("tab", name="Timeline").click()
            timeline = dashboard.locator("svg.oauthkit-timeline, .oauthkit-timeline svg").first
            expect(timeline).to_be_visible()
            expect(timeline).to_contain_text("edgetag/default")
            dashboard.screenshot(path=str(OUTPUT / "02_dashboard-timeline.png"))
            text = dashboard.inner_text()
            assert "Traceback" not in text
        except Exception:
            page.screenshot(path=str(OUTPUT / "02_dashboard-failure.png"))
            raise
        finally:
            browser.close()


def test_the_device_panel_counts_down_and_turns_approved_in_jupyterlab(lab: Lab) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        try:
            page.set_default_timeout(30_000)
            kernel_dialog = page.get_by_role("dialog").filter(has_text="Select Kernel")
            page.add_locator_handler(
                kernel_dialog,
                lambda dialog: dialog.get_by_role("button", name=re.compile(r"^Select( Kernel)?$")).click(),
            )
            page.goto(lab.open("05_remote_kernel.ipynb"))
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
            _run_all_cells(page)
            panel = page.locator(".oauthkit-device").first
            expect(panel).to_be_visible(timeout=90_000)
            expect(panel.locator(".oauthkit-user-code")).to_have_text(re.compile(r"[0-9A-F]{4}-[0-9A-F]{4}"))
            expect(panel.locator("svg")).to_be_visible()  # the QR code
            expect(panel.locator("a")).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/device"))
            expect(panel.locator(".oauthkit-device-state")).to_contain_text("approved", timeout=60_000)
            panel.screenshot(path=str(OUTPUT / "05_device-panel.png"))
            page.screenshot(path=str(OUTPUT / "05_device-lab.png"))
        except Exception:
            page.screenshot(path=str(OUTPUT / "05_device-failure.png"))
            raise
        finally:
            browser.close()
