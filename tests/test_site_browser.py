"""The site in a real browser, opened from the file system, at a laptop's and a phone's width: every page loads, every
image renders with alt text, nothing is requested from any host, nothing scrolls sideways or is cut off, search
finds pages, figures open at full size.

Uses Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it with apt-get when missing) through playwright's
sync API, on the site of the notebooks as nbval ran them in this test run (``notebook_site`` in conftest.py). Each
width is one pass over the pages, with every check made on the page as loaded; the screenshots of each page and
figure are saved under build/screenshots/<width>/.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
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


def _context(browser, width: int = 1280):
    """A browser context ``width`` px wide that refuses every request to another host, and the list of every URL
    its pages requested (including the refused ones)."""
    requests: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    context.on("request", lambda r: requests.append(r.url))
    # Belt and braces: whatever a page tries to fetch from a host is refused (and recorded above).
    context.route(lambda url: not url.startswith(LOCAL_SCHEMES), lambda route: route.abort())
    return context, requests


def _remote(requests: list[str]) -> list[str]:
    return [f"request to another host: {url}" for url in requests if not url.startswith(LOCAL_SCHEMES)]


def _page_problems(page, name: str) -> list[str]:
    """A loaded page without a <title>, with an image not rendered or without alt text, or with a broken link."""
    problems = [] if page.title().strip() else [f"{name}: no <title>"]
    images = page.evaluate(
        """() => Array.from(document.images).map(img => ({
            src: (img.getAttribute('src') || '').slice(-70), alt: img.getAttribute('alt'),
            complete: img.complete, width: img.naturalWidth}))"""
    )
    for img in images:
        if not (img["complete"] and img["width"] > 0):
            problems.append(f"{name}: image not rendered: {img['src']}")
        if not (img["alt"] or "").strip():
            problems.append(f"{name}: image without alt text: {img['src']}")
    for link in page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"):
        parsed = urlparse(link)
        if parsed.scheme == "file" and not Path(unquote(parsed.path)).exists():
            problems.append(f"{name}: broken link {link}")
    if name == "index.html" and not images:
        problems.append("index.html shows no figure")
    return problems


def check_pages(browser, pages: list[Path]) -> list[str]:
    """Open every page; return the problems found (empty when all is well)."""
    context, requests = _context(browser)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("websocket", lambda ws: requests.append(ws.url))
    try:
        for path in pages:
            response = page.goto(path.as_uri(), wait_until="load")
            if response is not None and not response.ok:
                problems.append(f"{path.name}: status {response.status}")
            problems += _page_problems(page, path.name)
    finally:
        context.close()
    return problems + _remote(requests)


def _notebook_problems(context, page, name: str) -> list[str]:
    """A notebook's page: a code cell cut off at the right edge, no figure, a figure without its sources or not
    linked to its full-size file."""
    clipped = page.evaluate("""() => Array.from(document.querySelectorAll(
            'div.cell_input pre, div.cell_output pre')).filter(pre => pre.scrollWidth > pre.clientWidth + 1)
            .map(pre => pre.textContent.slice(0, 60))""")
    problems = [f"{name}: code cut off at the right edge: {text!r}" for text in clipped]
    figures = page.evaluate("""() => Array.from(document.querySelectorAll('figure.kb-figure')).map(f => ({
            href: f.querySelector('a.image-reference').href, shown: f.querySelector('img').clientWidth,
            caption: f.querySelector('figcaption').textContent}))""")
    problems += [] if figures else [f"{name}: no figure"]
    for fig in figures:
        if "Sources:" not in fig["caption"]:
            problems.append(f"{name}: a caption without its sources: {fig['caption'][:60]!r}")
        full = context.new_page()
        full.goto(fig["href"], wait_until="load")
        width = full.evaluate("() => document.images[0].naturalWidth")
        full.close()
        if not width >= fig["shown"] > 0:
            problems.append(f"{name}: {fig['href']} is not the full-size figure")
    return problems


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
    context, _ = _context(browser)
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
    """One pass over every page (search with a query included) at 1280 and 390 px. Each page loads from the file
    system with a <title>, every image rendered with alt text, no broken link and nothing asked of another host; it
    does not scroll sideways, no table cell is cut off, and not one console message is of level warning or error.
    At laptop width, each notebook's code cells are not cut off and each figure is captioned with its sources and
    linked to its full-size file. A screenshot of each page and of each figure goes to build/screenshots/<width>/."""
    site = notebook_site
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    out = SCREENSHOTS / str(width)
    shutil.rmtree(out, ignore_errors=True)  # only this run's pictures: none left from a page that no longer exists
    out.mkdir(parents=True)
    context, requests = _context(browser, width)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text[:200]}") if m.type in ("warning", "error")
            else None)
    page.on("pageerror", lambda e: messages.append(f"script error: {e}"))
    page.on("websocket", lambda ws: requests.append(ws.url))
    problems: list[str] = []
    notebooks = 0
    try:
        for path in pages:
            rel = path.relative_to(site).as_posix()
            uri = path.as_uri() + ("?q=Stepanakert" if rel == "search.html" else "")
            messages.clear()
            response = page.goto(uri, wait_until="load")
            if response is not None and not response.ok:
                problems.append(f"{width} px {rel}: status {response.status}")
            if rel == "search.html":  # wait for the hits and their excerpts
                page.wait_for_function("() => (document.querySelector('#search-results p.search-summary')"
                                       "?.innerText || '').includes('found')", timeout=15000)
                page.wait_for_timeout(500)
                excerpts = page.eval_on_selector_all("#search-results ul.search li p.context", "els => els.length")
                if not excerpts:
                    problems.append(f"{width} px {rel}: search shows no excerpt")
            found = _page_problems(page, rel) + _layout_problems(page)
            if width == WIDTHS[0] and rel.startswith("notebooks/"):
                notebooks += 1
                found += _notebook_problems(context, page, rel)
            problems += [f"{width} px {rel}: {p}" for p in found + messages]
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
    assert problems + _remote(requests) == []
    assert "index.html" in {p.name for p in pages} and len(pages) >= 10
    if width == WIDTHS[0]:
        assert notebooks == len(list(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb")))
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


def test_the_notebook_check_sees_cut_code_a_caption_without_sources_and_a_small_full_size_file(browser, tmp_path):
    """A negative control: a notebook page whose code is cut off, and whose figure has no sources in its caption and
    links to a file smaller than the picture shown, is reported on each count."""
    from PIL import Image

    Image.new("RGB", (4, 3), "white").save(tmp_path / "tiny.png")
    bad = tmp_path / "nb.html"
    bad.write_text('<!DOCTYPE html><html><head><title>nb</title></head><body>'
                   '<div class="cell_input"><pre style="width:60px;overflow:auto">print("a line far too long")</pre>'
                   '</div><figure class="kb-figure"><a class="reference internal image-reference" href="tiny.png">'
                   '<img src="tiny.png" alt="tiny" style="width:200px"></a><figcaption>A caption</figcaption>'
                   '</figure></body></html>', encoding="utf-8")
    context, page = _page(browser)
    try:
        page.goto(bad.as_uri(), wait_until="load")
        problems = _notebook_problems(context, page, "nb.html")
    finally:
        context.close()
    assert any("code cut off" in p for p in problems), problems
    assert any("without its sources" in p for p in problems), problems
    assert any("is not the full-size figure" in p for p in problems), problems
