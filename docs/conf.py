"""Sphinx configuration of the project's site: the notebooks as pages (MyST-NB), the data dictionary, the API
reference, the provenance of the layers, the changes to the data and how to cite; sphinx-book-theme.

The site is built by the main job (``python -m karabakh report``, see ``karabakh/build/site.py``), which stages this
folder's pages, the executed notebooks and the generated pages into a temporary source folder. Nothing on the
site asks another host for anything (no CDN scripts, fonts, MathJax or widget managers; links out are fine).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

project = "karabakh"
author = "karabakh contributors"
copyright = "karabakh contributors; data: see the sources of each row"  # noqa: A001 - Sphinx's name
html_title = "Nagorno-Karabakh, September 2023: notebooks and data"

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_build", "_generated", "**.ipynb_checkpoints", "jupyter_execute"]
# myst.header: the included READMEs start below the page's level; myst.xref_missing: their links to files of the
# repository.
suppress_warnings = ["myst.header", "myst.xref_missing", "misc.highlighting_failure"]

# MyST-NB renders the notebooks the main job executed; it never runs them itself.
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget manager from a CDN
nb_merge_streams = True
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# API reference: numpydoc docstrings through napoleon; signatures with their type hints.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"

html_theme = "sphinx_book_theme"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}
# pydata-sphinx-theme reads the mode from the page context; without it the page reads an empty mode and logs
# "Got invalid theme mode".
html_context = {"default_mode": "light"}
html_static_path = ["_static"]
html_css_files = ["karabakh.css"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
# No maths on the pages: a page with maths would load MathJax from a CDN, and the offline check would name it.


# ---- alt text and a caption with sources for every figure -----------------------------------------------------------
# MyST-NB names an output image after the sha256 of its bytes and reads its width and height from the output's
# metadata (so Sphinx links it to the full-size file), but not its alt text. show_figure puts the alt text where
# IPython does (metadata["image/png"]["alt"]) and the figure's title and sources in metadata["karabakh"]: this
# handler copies them onto the image and adds a caption that links each source to the publisher's page.


def _figure_records(path: Path) -> dict[str, dict]:
    """{sha256 of the PNG: {"alt": ..., "name": ..., "title": ..., "source_ids": [...]}} for a notebook's figures."""
    import nbformat

    records = {}
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                meta = output.get("metadata", {})
                digest = hashlib.sha256(base64.b64decode(png)).hexdigest()
                records[digest] = {"alt": (meta.get("image/png") or {}).get("alt", ""), **meta.get("karabakh", {})}
    return records


def _source_links(ids: list[str]) -> list:
    """"Sources: Publisher (date); ..." with each publisher linked to its page (karabakh.plot.captions formats them)."""
    from docutils import nodes

    from karabakh.plot import captions
    from karabakh.io import tables
    cited = captions.cited_sources(ids, tables.load_sources())
    parts: list = [nodes.Text("Sources: ")]
    for i, sid in enumerate(ids):
        parts += [nodes.Text("; ")] if i else []
        parts.append(nodes.reference("", cited[sid]["text"], refuri=cited[sid]["url"]) if sid in cited
                     else nodes.Text(sid))
    return parts


def add_alt_text_and_captions(app, doctree) -> None:
    """Sphinx ``doctree-read`` handler: alt text, an anchor ``fig-<name>`` and a sourced caption on every figure."""
    from docutils import nodes

    path = Path(app.env.doc2path(app.env.docname))
    if path.suffix != ".ipynb":
        return
    records = _figure_records(path)
    for image in list(doctree.findall(nodes.image)):
        record = records.get(Path(image["uri"]).stem)
        if record is None:
            continue
        image["alt"] = record["alt"]
        if record.get("title") and not isinstance(image.parent, nodes.figure):
            figure = nodes.figure("", classes=["kb-figure"], ids=[f"fig-{record.get('name', '')}"])
            image.replace_self(figure)
            caption = nodes.caption("", "", nodes.Text(record["title"] + ". "))
            caption += nodes.inline("", "", *_source_links(record.get("source_ids", [])), classes=["kb-sources"])
            figure += [image, caption]


# ---- search excerpts from the file system ------------------------------------------------------------------------
# Sphinx's search fetches each hit's page to show an excerpt; a page opened from file:// may not fetch another file
# (Chromium logs a CORS error and an uncaught "Failed to fetch" per hit). The search page therefore loads the text
# of every page's article (_static/kb_page_texts.js, written when the build has finished) and kb_search.js answers
# those fetches from it when the site is read from the file system.

_ARTICLE_RE = re.compile(r'<article class="bd-article"[^>]*>(?P<body>.*?)</article>', re.S)
_DROP_RE = re.compile(r"<(script|style|svg)\b.*?</\1>|<a class=\"headerlink\".*?</a>", re.S | re.I)


def page_text(html_text: str) -> str:
    """The readable text of a built page's article, HTML-escaped (what the search excerpt is cut from)."""
    found = _ARTICLE_RE.search(html_text)
    body = _DROP_RE.sub(" ", found.group("body") if found else "")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
    return html.escape(text, quote=False)


def add_search_scripts(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: the search page loads the page texts and the fetch shim."""
    if pagename == "search":
        app.add_js_file("kb_page_texts.js")
        app.add_js_file("kb_search.js")


def write_page_texts(app, exception) -> None:
    """``build-finished``: ``_static/kb_page_texts.js``, {page path: its article's text}."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    texts = {p.relative_to(out).as_posix(): page_text(p.read_text(encoding="utf-8"))
             for p in sorted(out.rglob("*.html")) if "_static" not in p.parts and p.name not in ("search.html",
                                                                                             "genindex.html")}
    (out / "_static" / "kb_page_texts.js").write_text(
        "window.KB_PAGE_TEXTS = " + json.dumps(texts, ensure_ascii=False, sort_keys=True) + ";\n", encoding="utf-8")


# ---- tables as a reader reads them ---------------------------------------------------------------------------------
# pandas writes a missing value as NaN, <NA>, NaT or None; on the site a missing value is an empty cell.
_MISSING_CELL_RE = re.compile(r"<td>(?:NaN|&lt;NA&gt;|NaT|None)</td>")


def blank_missing_values(app, doctree) -> None:
    """``doctree-read``: in the notebooks' HTML tables, cells holding pandas' missing-value markers print empty."""
    from docutils import nodes

    if Path(app.env.doc2path(app.env.docname)).suffix != ".ipynb":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "") and "<table" in raw.astext():
            text = _MISSING_CELL_RE.sub("<td></td>", raw.astext())
            raw.replace_self(nodes.raw("", text, format=raw["format"]))


def setup(app):
    app.connect("doctree-read", add_alt_text_and_captions)
    app.connect("doctree-read", blank_missing_values)
    app.connect("html-page-context", add_search_scripts)
    app.connect("build-finished", write_page_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
