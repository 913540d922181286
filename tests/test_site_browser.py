"""The HTML report in a real browser: every page loads, every image renders, nothing is requested from any host.

Uses Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it with apt-get when missing) through playwright's
sync API. Builds the report from the committed notebooks in notebooks/ (execute=False, fast) into a tmp folder, or
from a small fixture notebook when the real notebooks do not exist yet. Saves build/report-screenshot.png.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from karabakh import report

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "build" / "report-screenshot.png"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} not found and it could not be installed here (.ci/run installs Debian's `chromium` "
        "package with apt-get when missing; run `apt-get install -y chromium` to test the report in a browser)",
    ),
    pytest.mark.enable_socket,  # if pytest-socket is on: playwright talks to its driver and browser over pipes only
]


def _fixture_notebooks(folder: Path) -> Path:
    """Two already-executed notebooks with one figure each, made in-process (no kernel)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    folder.mkdir()
    for i, name in enumerate(["region_map", "casualties"], 1):
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.bar(["a", "b", "c"], [3, 1, 2])
        data, metadata, _ = report.figure_output(fig, name, title=f"Figure {i}", alt=f"Bars for figure {i}",
                                                 source_ids=["src-a"])
        plt.close(fig)
        nb = new_notebook(
            cells=[
                new_markdown_cell(f"# Fixture notebook {i}\n\nA [link to the other](0{3 - i}_fixture.ipynb)."),
                new_code_cell("show_figure(fig, ...)", execution_count=1,
                              outputs=[new_output("display_data", data=data, metadata=metadata)]),
                new_code_cell("print('hello')", execution_count=2,
                              outputs=[new_output("stream", name="stdout", text="hello\n")]),
            ],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
        nbformat.write(nb, folder / f"0{i}_fixture.ipynb")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    real = ROOT / "notebooks"
    notebooks = real if any(real.glob("*.ipynb")) else _fixture_notebooks(tmp / "notebooks")
    assert report.run(notebooks, tmp / "build", execute=False, docs_dir=None) == 0
    return tmp / "build" / "report"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def check_pages(browser, pages: list[Path], screenshot: Path | None = None) -> list[str]:
    """Open every page; return the problems found (empty when all is well)."""
    problems: list[str] = []
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.on("request", lambda r: requests.append(r.url))
    # Belt and braces: whatever a page tries to fetch from a host is refused (and recorded above).
    context.route(lambda url: not url.startswith(LOCAL_SCHEMES), lambda route: route.abort())
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("websocket", lambda ws: requests.append(ws.url))
    try:
        for path in pages:
            response = page.goto(path.as_uri(), wait_until="load")
            if response is not None and not response.ok:
                problems.append(f"{path.name}: status {response.status}")
            if not page.title().strip():
                problems.append(f"{path.name}: no <title>")
            images = page.evaluate(
                """() => Array.from(document.images).map(img => ({
                    src: (img.getAttribute('src') || '').slice(-70), alt: img.getAttribute('alt'),
                    complete: img.complete, width: img.naturalWidth}))"""
            )
            for img in images:
                if not (img["complete"] and img["width"] > 0):
                    problems.append(f"{path.name}: image not rendered: {img['src']}")
                if not (img["alt"] or "").strip():
                    problems.append(f"{path.name}: image without alt text: {img['src']}")
            for link in page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"):
                parsed = urlparse(link)
                if parsed.scheme == "file" and not Path(unquote(parsed.path)).exists():
                    problems.append(f"{path.name}: broken link {link}")
            if path.name == "index.html":
                if not images:
                    problems.append("index.html shows no figure thumbnails")
                if screenshot is not None:
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    problems += [f"request to another host: {url}" for url in requests if not url.startswith(LOCAL_SCHEMES)]
    return problems


def test_every_page_loads_offline_with_every_image_rendered(site, browser):
    pages = [site / "index.html", *sorted(p for p in site.glob("*.html") if p.name != "index.html")]
    assert pages[0].exists() and len(pages) >= 2
    assert check_pages(browser, pages, screenshot=SCREENSHOT) == []
    assert SCREENSHOT.stat().st_size > 0


def test_the_check_sees_remote_requests_broken_images_and_missing_alt(site, browser, tmp_path):
    """A negative control: the same check on a page that breaks every rule reports each break."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title>"
        '<script src="https://cdn.example.org/lib.js"></script></head><body>'
        f'<img src="{(site / "figures").as_uri()}/missing.png" alt="gone">'
        f'<img src="{next((site / "figures").glob("*.png")).as_uri()}">'
        '<a href="nowhere.html">x</a></body></html>',
        encoding="utf-8",
    )
    problems = check_pages(browser, [bad])
    assert any("image not rendered" in p and "missing.png" in p for p in problems), problems
    assert any("image without alt text" in p for p in problems), problems
    assert any("broken link" in p for p in problems), problems
    assert "request to another host: https://cdn.example.org/lib.js" in problems, problems
