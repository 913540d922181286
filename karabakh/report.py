"""Figures out of the notebooks, and the main job that turns the notebooks into an offline HTML report.

The figures come from :func:`karabakh.figures.show_figure` (the one way a notebook shows a figure): each is a
``display_data`` output with the alt text in ``metadata["image/png"]["alt"]`` and the record in
``metadata["karabakh"]``; here they are collected.

* :func:`run` is the main job: execute every ``notebooks/*.ipynb`` fresh into ``build/notebooks/`` with nbclient,
  collect the figures into ``build/figures/`` (+ ``index.csv``), and render ``build/report/`` with nbconvert's
  ``HTMLExporter`` through a small template that extends the JupyterLab one: alt text on every image, no script,
  style or font from any host (the report works from ``file://`` with the network off).
"""
from __future__ import annotations

import base64
import csv
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from karabakh.figures import FIGURE_DIR_ENV, META_KEY as _META_KEY

__all__ = ["run", "INDEX_COLUMNS", "ReportError"]

INDEX_COLUMNS = ("name", "notebook", "title", "alt", "source_ids", "png", "svg")
#: The README shows this figure; the main job copies it to ``docs/``.
DOCS_FIGURE = "region_map"


class ReportError(RuntimeError):
    """The main job cannot go on: a notebook failed, a figure is broken or named twice, the HTML is not offline."""


# --------------------------------------------------------------------------------------------------------------------
# Collecting figures from notebooks
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    notebook: str  # file name, e.g. "01_where_it_happened.ipynb"
    cell: int  # index of the cell that showed it
    title: str
    alt: str
    source_ids: list[str]
    png: bytes = field(repr=False)


@dataclass
class Notebook:
    path: Path  # the executed (or committed) notebook
    title: str
    nb: Any = field(repr=False)
    figures: list[Figure] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def html_name(self) -> str:
        return f"{self.path.stem}.html"


def notebook_title(nb, fallback: str) -> str:
    """The first Markdown heading of the notebook, without the ``#``."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
            if m:
                return m.group(1).strip()
    return fallback


def collect_figures(nb, notebook: str) -> list[Figure]:
    """Every figure a notebook shows, in order. Raises :class:`ReportError` for an image not shown by show_figure."""
    figures = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            meta = output.get("metadata", {})
            if _META_KEY in meta and "image/png" in data:
                record = meta[_META_KEY]
                alt = (meta.get("image/png") or {}).get("alt", "")
                figures.append(
                    Figure(
                        name=record["name"],
                        notebook=notebook,
                        cell=index,
                        title=record["title"],
                        alt=alt,
                        source_ids=list(record["source_ids"]),
                        png=base64.b64decode(data["image/png"]),
                    )
                )
            elif any(k.startswith("image/") for k in data):
                raise ReportError(
                    f"{notebook}: cell {index} shows an image without kb.show_figure(fig, name, title=..., alt=...,"
                    " source_ids=...); every figure needs a name, a title, alt text and its sources. (A figure"
                    " made in one cell and shown in a later one is also drawn by the inline backend at the end of"
                    " the first: make and show it in the same cell.)"
                )
    return figures


def check_unique(notebooks: Iterable[Notebook]) -> None:
    seen: dict[str, Figure] = {}
    problems = []
    for nb in notebooks:
        for fig in nb.figures:
            if fig.name in seen:
                first = seen[fig.name]
                problems.append(
                    f"duplicate figure name {fig.name!r}: {first.notebook} cell {first.cell} and"
                    f" {fig.notebook} cell {fig.cell}"
                )
            else:
                seen[fig.name] = fig
    if problems:
        raise ReportError("\n".join(problems) + "\nfigure names must be unique across the notebooks")


def write_index(figures: Sequence[Figure], path: Path, *, with_svg: bool) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(INDEX_COLUMNS)
        for fig in figures:
            writer.writerow(
                [
                    fig.name,
                    fig.notebook,
                    fig.title,
                    fig.alt,
                    ";".join(fig.source_ids),
                    f"{fig.name}.png",
                    f"{fig.name}.svg" if with_svg else "",
                ]
            )


# --------------------------------------------------------------------------------------------------------------------
# Executing notebooks
# --------------------------------------------------------------------------------------------------------------------

_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookFailed(ReportError):
    def __init__(self, notebook: str, cell_index: int | None, source: str, error: str, traceback: str):
        self.notebook, self.cell_index, self.source = notebook, cell_index, source
        self.error, self.traceback = error, traceback
        super().__init__(f"{notebook}: cell {cell_index}: {error}")

    def describe(self, saved: Path | None = None) -> str:
        lines = [f"FAILED: {self.notebook}, cell {self.cell_index} (0-based index in the notebook):"]
        src = self.source.splitlines() or [""]
        lines += [f"    | {line}" for line in src[:8]]
        if len(src) > 8:
            lines.append(f"    | ... ({len(src) - 8} more lines)")
        if self.traceback:
            lines.append("  traceback:")
            lines += [f"    {line}" for line in self.traceback.splitlines()]
        lines.append(f"  error: {self.error}")
        if saved is not None:
            lines.append(f"  the partly executed notebook is in {saved}")
        return "\n".join(lines)


def _short_traceback(chunks: Sequence[str], context: int = 3) -> str:
    """IPython's traceback cut to what locates the error: the frame in the cell itself and the innermost frame."""
    frames = [_ANSI_RE.sub("", c).strip("\n") for c in chunks]
    frames = [f for f in frames if f.strip() and not set(f.strip()) <= {"-"}]
    if len(frames) <= 1:
        return ""
    body = frames[:-1]  # the last chunk repeats "ename: evalue"
    keep = [f for f in body if f.lstrip().startswith("Cell In[")][:1]
    if body[-1] not in keep:
        keep += ["...", body[-1]] if keep else [body[-1]]
    out = []
    for frame in keep:
        lines = frame.splitlines()
        arrow = next((i for i, line in enumerate(lines) if line.lstrip().startswith("->") or "---->" in line), None)
        if arrow is not None and len(lines) > 2 * context + 2:
            lines = lines[:1] + lines[max(1, arrow - context) : arrow + context + 1]
        out += lines
    return "\n".join(out)


def execute_notebook(src: Path, dest: Path, *, figure_dir: Path, timeout: int = 120):
    """Execute ``src`` in a fresh ``python3`` kernel (cwd = its folder) and write the result to ``dest``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config
    import zmq

    nb = nbformat.read(src, as_version=4)
    current = {"index": None}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    env = dict(os.environ)
    env[FIGURE_DIR_ENV] = str(figure_dir.resolve())
    # The kernel imports the same karabakh package as this process, installed or not.
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    config = Config()
    if zmq.has("curve"):
        # Encrypt the kernel's local TCP traffic (ipykernel warns on stderr otherwise).
        config.KernelManager.transport_encryption = "auto"
    client = NotebookClient(
        nb,
        config=config,
        kernel_name="python3",
        timeout=timeout,
        startup_timeout=60,
        resources={"metadata": {"path": str(src.parent.resolve())}},
        on_cell_start=on_cell_start,
    )
    try:
        client.execute(env=env)
    except Exception as exc:
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
        index = current["index"]
        source = nb.cells[index].source if index is not None else ""
        if isinstance(exc, CellExecutionError):
            error = f"{exc.ename}: {exc.evalue}"
            tb = ""
            for output in nb.cells[index].get("outputs", []) if index is not None else []:
                if output.get("output_type") == "error":
                    tb = _short_traceback(output.get("traceback", []))
        else:  # a timeout, a dead kernel, a kernel that would not start
            error = f"{type(exc).__name__}: {exc}"
            tb = ""
        raise NotebookFailed(src.name, index, source, error, tb) from exc
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return nb


# --------------------------------------------------------------------------------------------------------------------
# Rendering the report with nbconvert
# --------------------------------------------------------------------------------------------------------------------

_PAGE_TEMPLATE = r"""
{%- extends 'index.html.j2' -%}

{#- Offline: nothing from a CDN. The lab template would load require.js, MathJax, mermaid and the widget manager. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}

{#- One shared, local copy of the JupyterLab styles instead of 250 kB inlined into every page. -#}
{%- block notebook_css -%}
<link rel="stylesheet" href="_static/jupyterlab.css">
<link rel="stylesheet" href="_static/karabakh.css">
{%- endblock notebook_css -%}

{%- block body_header -%}
{{ super() }}
{{ nav(resources.karabakh_nav) }}
{%- endblock body_header -%}

{%- block body_footer -%}
{{ nav(resources.karabakh_nav) }}
{{ super() }}
{%- endblock body_footer -%}

{#- The lab template has no alt text for images; this one reads it where IPython's Image(alt=...) puts it. -#}
{% block data_png scoped %}
{%- set kb = output.metadata.get('karabakh', {}) -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}"
{%- if kb.name %} id="fig-{{ kb.name | escape_html }}"{% endif %}>
{%- if 'image/png' in output.metadata.get('filenames', {}) %}
<img src="{{ output.metadata.filenames['image/png'] | posix_path | escape_html }}"
{%- else %}
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- endif %}
{%- set alttext = (output | get_metadata('alt', 'image/png')) or (cell | get_metadata('alt')) -%}
{%- if alttext %}
alt="{{ alttext | escape_html }}"
{%- endif %}
{%- if kb.title %}
title="{{ kb.title | escape_html }}"
{%- endif %}
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %}
width="{{ width | escape_html }}"
{%- endif %}
{%- set height = output | get_metadata('height', 'image/png') -%}
{%- if height is not none %}
height="{{ height | escape_html }}"
{%- endif %}
>
{%- if kb.title %}
<p class="kb-caption">{{ kb.title | escape_html }}{% if kb.source_ids %} <span class="kb-sources">{{ cite(kb.source_ids) }}</span>{% endif %}</p>
{%- endif %}
</div>
{%- endblock data_png %}

{%- macro cite(ids) -%}
{%- set known = resources.karabakh_sources or {} -%}
Sources: {% for sid in ids %}{% if sid in known %}<a href="{{ known[sid].url | escape_html }}">{{ known[sid].text | escape_html }}</a>{% else %}{{ sid | escape_html }}{% endif %}{% if not loop.last %}; {% endif %}{% endfor %}
{%- endmacro -%}

{%- macro nav(links) -%}
{%- if links -%}
<nav class="kb-nav" aria-label="Report pages">
<a href="index.html">Contents</a>
{%- if links.prev %} <a rel="prev" href="{{ links.prev.href | escape_html }}">&larr; {{ links.prev.title | escape_html }}</a>{% endif %}
{%- if links.next %} <a rel="next" href="{{ links.next.href | escape_html }}">{{ links.next.title | escape_html }} &rarr;</a>{% endif %}
</nav>
{%- endif -%}
{%- endmacro -%}
"""

_INDEX_TEMPLATE = r"""
{%- extends 'karabakh_page.html.j2' -%}
{%- block body_loop -%}
{%- set kb = resources.karabakh -%}
<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell">
<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">
<h1>{{ kb.title | escape_html }}</h1>
<p>{{ kb.intro | escape_html }}</p>
{%- for page in kb.pages %}
<section class="kb-toc-entry">
<h2><a href="{{ page.href | escape_html }}">{{ page.title | escape_html }}</a></h2>
<p class="kb-file">{{ page.notebook | escape_html }} &middot; {{ page.figures | length }} figure{{ '' if page.figures | length == 1 else 's' }}</p>
{%- if page.figures %}
<ul class="kb-thumbs">
{%- for fig in page.figures %}
<li><figure>
<a href="{{ page.href | escape_html }}#fig-{{ fig.name | escape_html }}"><img src="{{ fig.src | escape_html }}" alt="{{ fig.alt | escape_html }}"></a>
<figcaption>{{ fig.title | escape_html }}<br><span class="kb-sources">{{ cite(fig.source_ids) }}</span></figcaption>
</figure></li>
{%- endfor %}
</ul>
{%- endif %}
</section>
{%- endfor %}
<p class="kb-file">{{ kb.figures_note | escape_html }}</p>
</div>
</div>
{%- endblock body_loop -%}
"""

# The few rules the lab template inlines next to its styles, plus the report's own.
_KARABAKH_CSS = """\
* { -webkit-print-color-adjust: exact; }
a.anchor-link { display: none; }
.jp-InputArea { overflow: hidden; }
.jp-InputArea-editor { overflow: hidden; }
.cm-editor.cm-s-jupyter .highlight pre {
  padding: var(--jp-code-padding) 4px; margin: 0;
  font-family: inherit; font-size: inherit; line-height: inherit; color: inherit;
}
.jp-OutputArea-output pre { line-height: inherit; font-family: inherit; }
.jp-RenderedText pre { color: var(--jp-content-font-color1); font-size: var(--jp-code-font-size); }
.jp-Collapser { display: none; }
@page { margin: 0.5in; }
@media print { .jp-Cell-inputWrapper, .jp-Cell-outputWrapper { display: block; } }

main { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
.kb-nav { display: flex; gap: 1.5em; padding: 12px 0; font-family: var(--jp-ui-font-family); font-size: 14px; }
.kb-nav a { color: var(--jp-content-link-color); text-decoration: none; }
.kb-nav a:hover { text-decoration: underline; }
.jp-RenderedImage img { max-width: 100%; height: auto; }
.kb-caption { font-family: var(--jp-ui-font-family); font-size: 13px; color: var(--jp-ui-font-color1); margin: 4px 0 0; }
.kb-sources { color: var(--jp-ui-font-color2); }
.kb-file { color: var(--jp-ui-font-color2); font-size: 13px; }
.jp-RenderedHTMLCommon ul.kb-thumbs { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 20px; }
.jp-RenderedHTMLCommon ul.kb-thumbs li { width: 320px; margin: 0; }
.jp-RenderedHTMLCommon .kb-thumbs figure { margin: 0; }
.jp-RenderedHTMLCommon .kb-thumbs img { display: block; width: 100%; height: auto; margin: 0;
  border: 1px solid var(--jp-border-color2); }
.jp-RenderedHTMLCommon .kb-thumbs figcaption { font-size: 13px; margin-top: 6px; }
"""

REPORT_TITLE = "Nagorno-Karabakh, September 2023: the notebooks"
REPORT_INTRO = (
    "The project's notebooks, executed from top to bottom, with every figure they show. "
    "Every figure names its sources; the source table in the data package gives their URLs and quotes."
)

# Anything the browser would fetch by itself from another host: src/href/poster/data attributes on elements that
# load, CSS url(...) and @import. Plain <a href="https://..."> links are fine (nothing is fetched until clicked).
_REMOTE_ATTR_RE = re.compile(
    r"<(?P<tag>script|img|link|iframe|source|video|audio|embed|object|track|input|image|use)\b[^>]*?"
    r"\b(?:src|href|poster|data|srcset|xlink:href)\s*=\s*[\"']?\s*(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\"'\s>]*)",
    re.I,
)
_REMOTE_CSS_RE = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\"')\s]*)", re.I)


def remote_references(text: str) -> list[str]:
    """URLs in HTML or CSS that a browser would request from another host when the page loads."""
    found = [m.group("url") for m in _REMOTE_ATTR_RE.finditer(text)]
    found += [m.group("url") for m in _REMOTE_CSS_RE.finditer(text)]
    return [u for u in found if not u.lower().startswith("file://")]


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    loader = DictLoader({"karabakh_page.html.j2": _PAGE_TEMPLATE, "karabakh_index.html.j2": _INDEX_TEMPLATE})
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[loader],
        template_file="karabakh_page.html.j2",
        theme="light",
        embed_images=True,  # images referenced from Markdown cells are inlined as data: URIs
        sanitize_html=False,
    )
    return exporter


def _lab_css(exporter) -> str:
    env = exporter.environment
    return "\n".join(env.loader.get_source(env, f"static/{name}")[0] for name in ("index.css", "theme-light.css"))


def _link_notebooks(html: str, stems: set[str]) -> str:
    """Links between notebooks (``02_front_lines.ipynb#x``) point at their pages (``02_front_lines.html#x``)."""

    def repl(m):
        return f'href="{m.group(1)}.html{m.group(2) or ""}"' if m.group(1) in stems else m.group(0)

    return re.sub(r'href="(?:\./)?([^"#/?]+)\.ipynb(#[^"]*)?"', repl, html)


def render_report(notebooks: Sequence[Notebook], report_dir: Path, *, with_svg: bool = True) -> list[Path]:
    """Write ``index.html`` and one page per notebook into ``report_dir``; return the pages written."""
    import copy

    import nbformat

    exporter = _exporter()
    (report_dir / "_static").mkdir(parents=True, exist_ok=True)
    (report_dir / "figures").mkdir(parents=True, exist_ok=True)
    (report_dir / "_static" / "jupyterlab.css").write_text(_lab_css(exporter), encoding="utf-8")
    (report_dir / "_static" / "karabakh.css").write_text(_KARABAKH_CSS, encoding="utf-8")
    stems = {nb.stem for nb in notebooks}
    cited = _cited_sources(notebooks)
    pages = []
    for i, item in enumerate(notebooks):
        nb = copy.deepcopy(item.nb)
        nb.metadata["title"] = item.title
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                record = output.get("metadata", {}).get(_META_KEY)
                if record and "image/png" in output.get("data", {}):
                    output.metadata["filenames"] = {"image/png": f"figures/{record['name']}.png"}
        for fig in item.figures:
            (report_dir / "figures" / f"{fig.name}.png").write_bytes(fig.png)
        nav = {
            "prev": {"href": notebooks[i - 1].html_name, "title": notebooks[i - 1].title} if i > 0 else None,
            "next": (
                {"href": notebooks[i + 1].html_name, "title": notebooks[i + 1].title}
                if i + 1 < len(notebooks)
                else None
            ),
        }
        resources = {
            "metadata": {"name": item.stem, "path": str(item.path.parent.resolve())},
            "karabakh_nav": nav,
            "karabakh_sources": cited,
        }
        html, _ = exporter.from_notebook_node(nb, resources=resources)
        page = report_dir / item.html_name
        page.write_text(_link_notebooks(html, stems), encoding="utf-8")
        pages.append(page)

    toc = {
        "title": REPORT_TITLE,
        "intro": REPORT_INTRO,
        "figures_note": (
            f"Every figure as PNG{' and SVG' if with_svg else ''}, with its title, alt text and sources in"
            f" index.csv: the figures/ folder next to this report's folder."
        ),
        "pages": [
            {
                "href": item.html_name,
                "title": item.title,
                "notebook": item.path.name,
                "figures": [
                    {
                        "name": f.name,
                        "title": f.title,
                        "alt": f.alt,
                        "source_ids": f.source_ids,
                        "src": f"figures/{f.name}.png",
                    }
                    for f in item.figures
                ],
            }
            for item in notebooks
        ],
    }
    index_nb = nbformat.v4.new_notebook(metadata={"title": REPORT_TITLE})
    html, _ = _export_index(exporter, index_nb, toc, cited)
    index = report_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    pages.insert(0, index)

    problems = []
    for path in [*pages, *(report_dir / "_static").glob("*.css")]:
        for url in remote_references(path.read_text(encoding="utf-8")):
            problems.append(f"{path.name}: {url}")
    if problems:
        raise ReportError("the report would fetch from other hosts:\n  " + "\n  ".join(sorted(set(problems))))
    return pages


def _cited_sources(notebooks: Sequence[Notebook]) -> dict[str, dict[str, str]]:
    """{source id: {"text": "Publisher (date)", "url": ...}} for the sources the figures cite (from the sources
    table); ids it does not know are shown as they are."""
    import pandas as pd

    from karabakh import tables

    ids = {sid for item in notebooks for fig in item.figures for sid in fig.source_ids}
    sources = tables.load_sources().set_index("id")
    cited = {}
    for sid in sorted(ids & set(sources.index)):
        row = sources.loc[sid]
        date = "undated" if pd.isna(row["published"]) else f"{row['published']:%Y-%m-%d}"
        cited[sid] = {"text": f"{row['publisher']} ({date})", "url": row["url"]}
    return cited


def _export_index(exporter, index_nb, toc, cited) -> tuple[str, dict]:
    previous = exporter.template_file
    exporter.template_file = "karabakh_index.html.j2"
    try:
        return exporter.from_notebook_node(
            index_nb,
            resources={"metadata": {"name": "index"}, "karabakh": toc, "karabakh_nav": {}, "karabakh_sources": cited},
        )
    finally:
        exporter.template_file = previous


# --------------------------------------------------------------------------------------------------------------------
# The main job
# --------------------------------------------------------------------------------------------------------------------


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _human(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


BUILD_MARKER = ".karabakh-build"


def _prepare_build(build: Path, notebooks_dir: Path) -> tuple[Path, Path, Path]:
    """Empty (or create) build/notebooks, build/figures and build/report, refusing to delete anything else."""
    outs = (build / "notebooks", build / "figures", build / "report")
    sources = notebooks_dir.resolve()
    for out in outs:
        if out.resolve() == sources or out.resolve() in sources.parents:
            raise ReportError(f"{out} would replace the notebooks in {notebooks_dir}; choose another build folder")
    marker = build / BUILD_MARKER
    if not marker.exists() and any(out.is_dir() and any(out.iterdir()) for out in outs):
        raise ReportError(
            f"{build} already holds notebooks/, figures/ or report/ that the main job did not write (no {marker});"
            " choose another build folder or remove them yourself"
        )
    build.mkdir(parents=True, exist_ok=True)
    marker.write_text("Written by `python -m karabakh report`; its notebooks/, figures/ and report/ are replaced"
                      " on every run.\n", encoding="utf-8")
    for out in outs:
        if out.is_dir():
            shutil.rmtree(out)
        out.mkdir()
    return outs


def run(
    notebooks_dir: str | os.PathLike = "notebooks",
    build_dir: str | os.PathLike = "build",
    execute: bool = True,
    *,
    docs_dir: str | os.PathLike | None = "docs",
    timeout: int = 120,
    out=None,
) -> int:
    """Execute every notebook, publish its figures and render the offline HTML report. Returns the exit status.

    ``execute=False`` renders the committed notebooks as they are (their figures have no SVG then).
    ``docs_dir`` receives a copy of the ``region_map`` figure for the README (``None``: no copy).
    """
    out = out or sys.stdout
    start = time.perf_counter()

    def say(msg="", end="\n"):
        print(msg, end=end, file=out, flush=True)

    import nbformat

    notebooks_dir, build = Path(notebooks_dir), Path(build_dir)
    sources = sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not sources:
        say(f"report: no notebooks in {notebooks_dir}/")
        return 1
    try:
        executed_dir, figures_dir, report_dir = _prepare_build(build, notebooks_dir)
    except ReportError as exc:
        say(f"report: {exc}")
        return 1

    notebooks: list[Notebook] = []
    mode = "executing" if execute else "rendering the committed outputs of"
    say(f"report: {mode} {len(sources)} notebook(s) from {notebooks_dir}/ into {build}/")
    for i, src in enumerate(sources, 1):
        t0 = time.perf_counter()
        say(f"[{i}/{len(sources)}] {src.name} ... ", end="")
        dest = executed_dir / src.name
        try:
            if execute:
                nb = execute_notebook(src, dest, figure_dir=figures_dir, timeout=timeout)
            else:
                nb = nbformat.read(src, as_version=4)
                shutil.copyfile(src, dest)
            item = Notebook(dest, notebook_title(nb, src.stem), nb)
            item.figures = collect_figures(nb, src.name)
        except NotebookFailed as exc:
            say(f"FAILED after {time.perf_counter() - t0:.1f} s")
            say(exc.describe(dest))
            say(f"report: stopped at {src.name}; nothing was rendered.")
            return 1
        except ReportError as exc:
            say("FAILED")
            say(f"report: {exc}")
            return 1
        notebooks.append(item)
        say(f"{time.perf_counter() - t0:.1f} s ({len(item.figures)} figure{'' if len(item.figures) == 1 else 's'})")

    try:
        check_unique(notebooks)
        figures = [f for item in notebooks for f in item.figures]
        for fig in figures:
            png = figures_dir / f"{fig.name}.png"
            if execute:
                svg = figures_dir / f"{fig.name}.svg"
                if not (png.is_file() and svg.is_file()):
                    raise ReportError(f"{fig.notebook}: figure {fig.name!r} was shown but {png} / {svg} not written")
                if png.read_bytes() != fig.png:
                    raise ReportError(f"{fig.notebook}: figure {fig.name!r} shown twice with different pictures")
            else:
                png.write_bytes(fig.png)
        write_index(figures, figures_dir / "index.csv", with_svg=execute)
        t0 = time.perf_counter()
        pages = render_report(notebooks, report_dir, with_svg=execute)
    except ReportError as exc:
        say(f"report: FAILED: {exc}")
        return 1
    say(f"rendered {len(pages)} page(s) in {time.perf_counter() - t0:.1f} s")

    if docs_dir is not None:
        doc_fig = next((f for f in figures if f.name == DOCS_FIGURE), None)
        if doc_fig is None:
            say(f"note: no figure named {DOCS_FIGURE!r}; {docs_dir}/{DOCS_FIGURE}.png not updated")
        else:
            target = Path(docs_dir) / f"{DOCS_FIGURE}.png"
            if not target.is_file() or target.read_bytes() != doc_fig.png:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(doc_fig.png)
                say(f"updated {target}")
    if not execute:
        say("note: --no-execute renders the committed outputs; figures have PNG only (no SVG)")
    total = time.perf_counter() - start
    say(
        f"report: {len(notebooks)} notebook(s), {len(figures)} figure(s) in {total:.1f} s;"
        f" {report_dir}/ is {_human(_size(report_dir))}; open {report_dir / 'index.html'}"
    )
    return 0
