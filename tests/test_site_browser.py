"""The site in a real browser, opened from the file system: every page loads, every image renders with alt text,
nothing is requested from any host, search finds pages, code cells are not clipped, figures open at full size.

Uses Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it with apt-get when missing) through playwright's
sync API, on the site of the notebooks as nbval ran them in this test run (``notebook_site`` in conftest.py).
Saves build/site-screenshot.png.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "build" / "site-screenshot.png"
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
        "package with apt-get when missing; run `apt-get install -y chromium` to test the site in a browser)",
    ),
    pytest.mark.enable_socket,  # if pytest-socket is on: playwright talks to its driver and browser over pipes only
]


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
                    problems.append("index.html shows no figure")
                if screenshot is not None:
                    screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    problems += [f"request to another host: {url}" for url in requests if not url.startswith(LOCAL_SCHEMES)]
    return problems


def test_every_page_loads_offline_with_every_image_rendered(notebook_site, browser):
    site = notebook_site
    pages = [site / "index.html", *sorted(p for p in site.rglob("*.html")
                                          if p.name != "index.html" and "_static" not in p.parts)]
    assert pages[0].exists() and len(pages) >= 2
    assert check_pages(browser, pages, screenshot=SCREENSHOT) == []
    assert SCREENSHOT.stat().st_size > 0


def test_the_check_sees_remote_requests_broken_images_and_missing_alt(notebook_site, browser, tmp_path):
    """A negative control: the same check on a page that breaks every rule reports each break."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title>"
        '<script src="https://cdn.example.org/lib.js"></script></head><body>'
        f'<img src="{(notebook_site / "_images").as_uri()}/missing.png" alt="gone">'
        f'<img src="{next((notebook_site / "_images").glob("*.png")).as_uri()}">'
        '<a href="nowhere.html">x</a></body></html>',
        encoding="utf-8",
    )
    problems = check_pages(browser, [bad])
    assert any("image not rendered" in p and "missing.png" in p for p in problems), problems
    assert any("image without alt text" in p for p in problems), problems
    assert any("broken link" in p for p in problems), problems
    assert "request to another host: https://cdn.example.org/lib.js" in problems, problems


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.route(lambda url: not url.startswith(LOCAL_SCHEMES), lambda route: route.abort())
    return context, context.new_page()


def test_search_works_from_the_file_system(notebook_site, browser):
    context, page = _page(browser)
    try:
        page.goto((notebook_site / "search.html").as_uri() + "?q=Stepanakert", wait_until="load")
        # Sphinx adds the hits one by one, then says "Search finished, found N pages ...": wait for that line.
        page.wait_for_function("() => (document.querySelector('#search-results p.search-summary')?.innerText || '')"
                               ".includes('found')", timeout=15000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
    finally:
        context.close()
    assert any("notebooks/01_where_it_happened.html" in h for h in hits), hits


def test_code_cells_are_not_clipped_and_figures_open_at_full_size(notebook_site, browser):
    context, page = _page(browser)
    try:
        for path in sorted((notebook_site / "notebooks").glob("*.html")):
            page.goto(path.as_uri(), wait_until="load")
            clipped = page.evaluate("""() => Array.from(document.querySelectorAll(
                    'div.cell_input pre, div.cell_output pre')).filter(pre => pre.scrollWidth > pre.clientWidth + 1)
                    .map(pre => pre.textContent.slice(0, 60))""")
            assert clipped == [], f"{path.name}: code cut off at the right edge: {clipped}"
            figures = page.evaluate("""() => Array.from(document.querySelectorAll('figure.kb-figure')).map(f => ({
                    href: f.querySelector('a.image-reference').href, shown: f.querySelector('img').clientWidth,
                    caption: f.querySelector('figcaption').textContent}))""")
            assert figures, f"{path.name}: no figure"
            for fig in figures:
                assert "Sources:" in fig["caption"]
                full = context.new_page()
                full.goto(fig["href"], wait_until="load")
                width = full.evaluate("() => document.images[0].naturalWidth")
                full.close()
                assert width >= fig["shown"] > 0, f"{path.name}: {fig['href']} is not the full-size figure"
    finally:
        context.close()


SCREENSHOTS = ROOT / "build" / "screenshots"
WIDTHS = (1280, 390)  # a laptop and a phone
SHOT_HEIGHT = 12_000  # px of each page kept as a screenshot


def _layout_problems(page) -> list[str]:
    """Sideways scrolling of the document, and table cells whose text is cut off (wider than the cell)."""
    problems = []
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        problems.append(f"the page scrolls sideways ({width[0]} px of content in {width[1]} px)")
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('td, th'))
        .filter(c => c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflowX !== 'visible')
        .map(c => c.innerText.slice(0, 40))""")
    problems += [f"table cell cut off: {text!r}" for text in cut]
    missing = page.evaluate("""() => Array.from(document.querySelectorAll('td'))
        .filter(c => ['NaN', '<NA>', 'NaT', 'None'].includes(c.innerText.trim())).length""")
    if missing:
        problems.append(f"{missing} table cells print a missing value as NaN, <NA>, NaT or None")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_reads_at_laptop_and_phone_width(notebook_site, browser, width):
    """Every page (search with a query included) at 1280 and 390 px: no sideways scrolling, no cut-off table cell,
    not one console message of level warning or error; a screenshot of each page and of each figure under
    build/screenshots/<width>/."""
    site = notebook_site
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    out = SCREENSHOTS / str(width)
    shutil.rmtree(out, ignore_errors=True)  # only this run's pictures: none left from a page that no longer exists
    out.mkdir(parents=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    context.route(lambda url: not url.startswith(LOCAL_SCHEMES), lambda route: route.abort())
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text[:200]}") if m.type in ("warning", "error")
            else None)
    page.on("pageerror", lambda e: messages.append(f"script error: {e}"))
    problems: list[str] = []
    try:
        for path in pages:
            rel = path.relative_to(site).as_posix()
            uri = path.as_uri() + ("?q=Stepanakert" if rel == "search.html" else "")
            messages.clear()
            page.goto(uri, wait_until="load")
            if rel == "search.html":  # wait for the hits and their excerpts
                page.wait_for_function("() => (document.querySelector('#search-results p.search-summary')"
                                       "?.innerText || '').includes('found')", timeout=15000)
                page.wait_for_timeout(500)
                excerpts = page.eval_on_selector_all("#search-results ul.search li p.context", "els => els.length")
                if not excerpts:
                    problems.append(f"{width} px {rel}: search shows no excerpt")
            problems += [f"{width} px {rel}: {p}" for p in _layout_problems(page) + messages]
            stem = rel.replace("/", "__").removesuffix(".html")
            # JPEG, and at most SHOT_HEIGHT px from the top: the change log and the data dictionary are 60,000-85,000 px
            # tall, and Chromium writes those in tiles, slowly. The layout checks above read the whole page.
            height = min(page.evaluate("() => document.documentElement.scrollHeight"), SHOT_HEIGHT)
            page.screenshot(path=str(out / f"{stem}.jpg"), full_page=True, type="jpeg", quality=80,
                            clip={"x": 0, "y": 0, "width": width, "height": height})
            for figure in page.query_selector_all("figure.kb-figure"):
                name = (figure.get_attribute("id") or "").removeprefix("fig-") or "figure"
                figure.scroll_into_view_if_needed()
                figure.screenshot(path=str(out / f"figure-{name}.png"))
    finally:
        context.close()
    assert problems == []
    assert len(list(out.glob("figure-*.png"))) >= 10


def test_the_layout_check_sees_sideways_pages_cut_cells_and_console_errors(browser, tmp_path):
    """A negative control: a page too wide for a phone, with a clipped cell, is reported."""
    bad = tmp_path / "wide.html"
    bad.write_text('<!DOCTYPE html><html><head><title>wide</title></head><body><div style="width:900px">x</div>'
                   '<table><tr><td style="max-width:40px;overflow:hidden;white-space:nowrap">a long text that is cut'
                   "</td><td>NaN</td></tr></table></body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(bad.as_uri(), wait_until="load")
        problems = _layout_problems(page)
    finally:
        context.close()
    assert any("scrolls sideways" in p for p in problems), problems
    assert any("cut off" in p for p in problems), problems
    assert any("1 table cells print a missing value" in p for p in problems), problems
