"""The real thing: JupyterLab on 127.0.0.1, 02_dashboard.ipynb opened in headless Chromium (Debian's
``chromium`` driven by Playwright, no browser download), all cells run, the dashboard checked in
the rendered page. Screenshots go to test-output/browser/.

Skipped on a developer machine without Chromium or JupyterLab; with ``CI=true`` it fails instead,
so CI can never pass without having run it.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OUTPUT,
    Console,
    Server,
    accept_kernel_dialog,
    open_notebook,
    require,
    serve,
)
from test_notebooks import NOTEBOOKS


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require("lab")
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    with serve("lab", root, notebooks) as server:
        yield server


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


MODEL_LOST = "Error displaying widget: model not found"


def _rerun_if_model_lost(page: Any, widget: Any) -> None:
    """JupyterLab sometimes renders a widget's output before its widget manager has the model the
    kernel just opened (upstream: jupyter-widgets/ipywidgets#3823, random, still reported for
    JupyterLab 4; seen here on the loaded 2-core machine, in 2 runs of 7, never in the page's
    console; CI met it once in a run of 985 tests). Any widget does it, not only the dashboard; the
    run is started again, up to twice: by then the manager is registered."""
    from playwright.sync_api import expect

    lost = page.get_by_text(MODEL_LOST)
    for _ in range(2):
        expect(widget.or_(lost).first).to_be_visible(timeout=90_000)
        if not lost.count():
            return
        print("widget model lost (ipywidgets#3823): running the notebook again")
        _run_all_cells(page)


def test_dashboard_runs_live_in_jupyterlab(lab: Server) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        console = Console()
        console.attach(page)
        try:
            page.set_default_timeout(30_000)
            accept_kernel_dialog(page)
            open_notebook(page, lab.open("02_dashboard.ipynb"), ".jp-NotebookPanel .jp-Cell")
            _run_all_cells(page)

            dashboard = page.locator(".oauthkit-dashboard")
            _rerun_if_model_lost(page, dashboard)
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
            print("browser console errors:", *console.errors, sep="\n")
            raise
        finally:
            browser.close()


def test_the_device_panel_counts_down_and_turns_approved_in_jupyterlab(lab: Server) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        try:
            page.set_default_timeout(30_000)
            accept_kernel_dialog(page)
            open_notebook(page, lab.open("05_remote_kernel.ipynb"), ".jp-NotebookPanel .jp-Cell")
            _run_all_cells(page)
            panel = page.locator(".oauthkit-device").first
            _rerun_if_model_lost(page, panel)
            expect(panel).to_be_visible(timeout=90_000)
            expect(panel.locator(".oauthkit-user-code")).to_have_text(re.compile(r"[0-9A-F]{4}-[0-9A-F]{4}"))
            expect(panel.locator("svg")).to_be_visible()  # the QR code
            expect(panel.locator("a")).to_have_attribute(
                "href", re.compile(r"^http://127\.0\.0\.1:\d+/device")
            )
            expect(panel.locator(".oauthkit-device-state")).to_contain_text("approved", timeout=60_000)
            panel.screenshot(path=str(OUTPUT / "05_device-panel.png"))
            page.screenshot(path=str(OUTPUT / "05_device-lab.png"))
        except Exception:
            page.screenshot(path=str(OUTPUT / "05_device-failure.png"))
            raise
        finally:
            browser.close()
