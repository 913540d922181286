"""The as_of explorer in a real JupyterLab, in Chromium: JupyterLab starts without the news prompt (the page config
``make lab`` adds), notebook 05 runs top to bottom, and a day typed into the date picker redraws the map and the
list of places. Saves build/screenshots/lab_explorer.png."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.enable_socket,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found (apt-get install chromium)")]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / "05_control_over_time.ipynb", folder)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / ".jupyter-lab")}  # as `make lab`
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", f"--notebook-dir={folder}", "--no-browser",
                             f"--ServerApp.port={port}", "--ServerApp.token=kbtest", "--allow-root",
                             "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/lab/tree/05_control_over_time.ipynb?token=kbtest"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_explorer_redraws_for_a_typed_day_and_lab_asks_no_news(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(lab)
            page.wait_for_selector(".jp-Notebook", timeout=60000)
            # the kernel has started (the status bar says so): "Run All Cells" is not lost on a kernel still starting
            page.wait_for_function("() => /\\bIdle\\b/.test(document.querySelector('.jp-StatusBar-Widget')"
                                   "?.closest('#jp-main-statusbar')?.innerText || '')", timeout=60000)
            page.click("text=Run", timeout=10000)
            page.click("text=Run All Cells", timeout=10000)
            picker = page.wait_for_selector(".widget-datepicker input", timeout=240000)
            page.wait_for_function("() => document.querySelectorAll('.widget-output img').length > 0"
                                   " && document.querySelectorAll('.widget-output table').length > 0", timeout=60000)

            def shown():
                return (page.eval_on_selector_all(".widget-output img", "els => els.map(e => e.src)"),
                        page.eval_on_selector_all(".widget-output table", "els => els.map(e => e.innerText)"))

            before = shown()
            picker.scroll_into_view_if_needed()
            picker.fill("2023-10-01")
            picker.press("Enter")
            page.wait_for_function("() => Array.from(document.querySelectorAll('.widget-label'))"
                                   ".some(e => e.innerText === '1 Oct 2023')", timeout=60000)
            page.wait_for_function("([src, text]) => { const img = document.querySelector('.widget-output img');"
                                   " const table = document.querySelector('.widget-output table');"
                                   " return img && table && img.src !== src && table.innerText !== text; }",
                                   arg=[before[0][0], before[1][0]], timeout=60000)
            after = shown()
            # asked last, when the lab has been open for the whole run: no news prompt appeared meanwhile
            assert "Jupyter news" not in page.inner_text("body")
            out = ROOT / "build" / "screenshots"
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / "lab_explorer.png"))
        finally:
            browser.close()
    assert before[0] and after[0] and before[0] != after[0], "the map was not redrawn"
    assert before[1] != after[1] and "Unknown" in after[1][0], "the list of places did not change"
