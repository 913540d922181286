"""The main job: validate the data, execute the notebooks, export their figures and build the documentation site.

``python -m karabakh report`` (alias ``site``) runs :func:`run`, in this order:

1. validate every table and layer of the data folder in use (``$KARABAKH_DATA`` or the shipped data) and stop,
   with the full problem list, before any notebook runs;
2. execute every ``notebooks/*.ipynb`` in a fresh kernel, two at a time, into a temporary folder. Executed
   notebooks are kept in a jupyter-cache store under ``build/.cache/``, in a folder named after a digest of the
   data, the package's code and the lock file: a notebook is executed again only when its code cells, the data or
   the code changed. The figures each notebook writes (``$KARABAKH_FIGURE_DIR``) are cached with it;
3. export the figures (PNG, SVG and ``index.csv``) and build the site with Sphinx, MyST-NB and sphinx-book-theme
   from ``docs/`` (configuration and pages) and the executed notebooks;
4. check that no page asks another host for anything, and only then replace ``build/site/`` and
   ``build/figures/``. A failed run leaves the previous output exactly as it was.

What a library does is left to it (nbclient runs kernels, jupyter-cache stores results, Sphinx builds the site);
this module keeps the order, the figure export and the offline check.
"""
from __future__ import annotations

import base64
import csv
import io
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from karabakh.build import execute
from karabakh.build.api_pages import TASKS, api_pages
# show_figure records each figure under this metadata key (and writes <name>.png / .svg; see karabakh.build.execute).
from karabakh.plot.protocol import META_KEY

__all__ = ["run", "build_site", "export_figures", "collect_figures", "check_offline", "remote_references",
           "SiteError", "INDEX_COLUMNS"]

INDEX_COLUMNS = ("name", "notebook", "title", "alt", "source_ids", "png", "svg")
#: The README shows this figure; the main job copies it to ``docs/``.
DOCS_FIGURE = "region_map"
#: The outputs the job replaces inside the build folder (which holds its MARKER); nothing else there is deleted.
OUTPUTS, MARKER = ("site", "figures"), ".karabakh-build"
#: In build/site: the digest of everything the site was built from (see :func:`_site_digest`).
STAMP = ".karabakh-inputs"
ROOT = Path(__file__).resolve().parents[2]


class SiteError(RuntimeError):
    """The main job cannot go on: a notebook failed, a figure is broken or named twice, a page is not offline."""


# --------------------------------------------------------------------------------------------------------------------
# Figures: PNG, SVG and index.csv
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One figure a notebook showed with ``show_figure``: its record, where it was shown, and its PNG."""

    name: str
    notebook: str
    cell: int
    title: str
    alt: str
    source_ids: list[str]
    png: bytes = field(repr=False)


def collect_figures(nb: Any, notebook: str) -> list[Figure]:
    """Every figure an executed notebook shows, in order.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    notebook : str
        Its file name, for the records and messages.

    Returns
    -------
    list of Figure
        One per output that ``show_figure`` made (metadata ``karabakh`` and a PNG).

    Raises
    ------
    SiteError
        An image was shown some other way (it would have no name, title, alt text or sources).
    """
    figures = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data, meta = output.get("data", {}), output.get("metadata", {})
            if META_KEY in meta and "image/png" in data:
                record = meta[META_KEY]
                figures.append(Figure(record["name"], notebook, index, record["title"],
                                      (meta.get("image/png") or {}).get("alt", ""), list(record["source_ids"]),
                                      base64.b64decode(data["image/png"])))
            elif any(k.startswith("image/") for k in data):
                raise SiteError(f"{notebook}: cell {index} shows an image without kb.show_figure(fig, name, title=...,"
                                " alt=..., source_ids=...); every figure needs a name, a title, alt text and sources")
    return figures


def export_figures(executed: Sequence[tuple[Path, Any, Path]], out: Path) -> list[Figure]:
    """Copy each figure's PNG and SVG, as its notebook wrote them, into ``out`` and write ``out/index.csv``.

    Parameters
    ----------
    executed : sequence of (Path, nbformat.NotebookNode, Path)
        Per notebook: its source, the executed notebook and the folder its figures were written to.
    out : Path
        The figure folder to fill (created).

    Returns
    -------
    list of Figure
        Every figure, in notebook order; ``index.csv`` lists them with :data:`INDEX_COLUMNS`.

    Raises
    ------
    SiteError
        Listing every figure named twice, not written, or written with another picture than the one shown.
    """
    out.mkdir(parents=True, exist_ok=True)
    figures, problems, seen = [], [], {}
    for src, nb, figure_dir in executed:
        for fig in collect_figures(nb, src.name):
            if fig.name in seen:
                first = seen[fig.name]
                problems.append(f"duplicate figure name {fig.name!r}: {first.notebook} cell {first.cell} and"
                                f" {fig.notebook} cell {fig.cell}")
                continue
            seen[fig.name] = fig
            png, svg = figure_dir / f"{fig.name}.png", figure_dir / f"{fig.name}.svg"
            if not (png.is_file() and svg.is_file()):
                problems.append(f"{src.name}: figure {fig.name!r} was shown but {png.name} / {svg.name} not written")
            elif png.read_bytes() != fig.png:
                problems.append(f"{src.name}: figure {fig.name!r} was written with a different picture than shown")
            else:
                shutil.copyfile(png, out / png.name)
                shutil.copyfile(svg, out / svg.name)
            figures.append(fig)
    if problems:
        raise SiteError("\n".join(problems))
    with open(out / "index.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(INDEX_COLUMNS)
        for f in figures:
            writer.writerow([f.name, f.notebook, f.title, f.alt, ";".join(f.source_ids), f"{f.name}.png",
                             f"{f.name}.svg"])
    return figures


# --------------------------------------------------------------------------------------------------------------------
# The site: Sphinx + MyST-NB, and the offline check
# --------------------------------------------------------------------------------------------------------------------

# Anything a browser fetches by itself when a page loads: src/href/... on elements that load, CSS url() and @import.
# Plain <a href="https://..."> links are fine (nothing is fetched until clicked).
_REMOTE_ATTR_RE = re.compile(
    r"<(?P<tag>script|img|link|iframe|source|video|audio|embed|object|track|input|image|use)\b[^>]*?"
    r"\b(?:src|href|poster|data|srcset|xlink:href)\s*=\s*[\"']?\s*(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\"'\s>]*)",
    re.I,
)
_REMOTE_CSS_RE = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\"')\s]*)", re.I)


def remote_references(text: str) -> list[str]:
    """The URLs in HTML or CSS that a browser would request from another host when the page loads.

    Parameters
    ----------
    text : str
        An HTML page or a style sheet.

    Returns
    -------
    list of str
        Addresses in ``src``/``href``/... attributes of elements that load (scripts, images, style sheets, frames,
        media) and in CSS ``url()`` and ``@import``, in order. Links a reader clicks (``<a href>``) are not listed.

    Examples
    --------
    >>> remote_references('<script src="https://cdn.example.org/x.js"></script><a href="https://un.org">UN</a>')
    ['https://cdn.example.org/x.js']
    """
    found = [m.group("url") for m in _REMOTE_ATTR_RE.finditer(text)]
    found += [m.group("url") for m in _REMOTE_CSS_RE.finditer(text)]
    return [u for u in found if not u.lower().startswith("file://")]


def _stage_sources(docs: Path, executed: Sequence[tuple[Path, Any, Path]], data_folder: Path, src: Path) -> None:
    """The Sphinx source folder: the pages of ``docs/``, the executed notebooks in ``notebooks/``, and in
    ``_generated/`` what the pages include from elsewhere (data dictionary, provenance, changes, citation); the API
    reference by task (``api.md``, ``api/*.md``, :mod:`karabakh.build.api_pages`)."""
    import nbformat

    from karabakh.io import tables
    shutil.copytree(docs, src, ignore=shutil.ignore_patterns("conf.py", "__pycache__", "_build"))
    (src / "notebooks").mkdir()
    for path, nb, _ in executed:
        nbformat.write(nb, src / "notebooks" / path.name)
        for fig in collect_figures(nb, path.name):  # the front page shows the region map just made
            if fig.name == DOCS_FIGURE:
                (src / f"{DOCS_FIGURE}.png").write_bytes(fig.png)
    gen = src / "_generated"
    gen.mkdir()
    (gen / "data_dictionary.md").write_text(tables.data_dictionary() + "\n", encoding="utf-8")
    for name, path in (("CHANGES.md", data_folder / "CHANGES.md"), ("layers_README.md", data_folder / "layers" /
                       "README.md"), ("raw_README.md", data_folder / "raw" / "README.md"),
                       ("CITATION.cff", ROOT / "CITATION.cff")):
        text = path.read_text(encoding="utf-8") if path.is_file() else f"*({path.name} is not in this checkout.)*\n"
        (gen / name).write_text(text, encoding="utf-8")
    pages = api_pages()  # the API reference by task: api.md (the index of kb.*) and api/<task>.md
    toctree = ["", "```{toctree}", ":hidden:", "", *(f"api/{task}" for task, _, _ in TASKS), "```", ""]
    (src / "api.md").write_text(pages.pop("index") + "\n".join(toctree), encoding="utf-8")
    (src / "api").mkdir()
    for task, text in pages.items():
        (src / "api" / f"{task}.md").write_text(text, encoding="utf-8")


def _build_html(src: Path, out: Path, doctrees: Path, docs: Path, *, jobs: int = 1) -> str:
    """Build the HTML site with Sphinx (configuration: ``docs/conf.py``); return Sphinx's warnings."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    status, warnings = io.StringIO(), io.StringIO()
    with patch_docutils(docs), docutils_namespace():  # as sphinx-build: docutils' registries restored afterwards
        app = Sphinx(str(src), str(docs), str(out), str(doctrees), "html", status=status, warning=warnings,
                     freshenv=True, parallel=jobs, keep_going=True)
        app.build()
    text = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())  # no colour codes
    if app.statuscode:
        raise SiteError("Sphinx failed:\n" + text)
    return text


def build_site(executed: Sequence[tuple[Path, Any, Path]], out: Path, *, docs: Path, data_folder: Path,
               work: Path, jobs: int = 1) -> str:
    """Build the documentation site with Sphinx and MyST-NB and check that it is offline.

    Parameters
    ----------
    executed : sequence of (Path, nbformat.NotebookNode, Path)
        Per notebook: its source, the executed notebook (rendered as it is; MyST-NB never executes) and its
        figure folder (not read here).
    out : Path
        The site folder to write.
    docs : Path
        ``conf.py`` and the pages (``index.md`` and the pages it lists).
    data_folder : Path
        Where ``CHANGES.md``, ``layers/README.md`` and ``raw/README.md`` are read from.
    work : Path
        A scratch folder for the staged sources and Sphinx's doctrees.
    jobs : int
        Processes Sphinx may use (1: on 2 cores, forking for a dozen pages costs more than it saves).

    Returns
    -------
    str
        Sphinx's warnings (empty when there were none).

    Raises
    ------
    SiteError
        Sphinx failed, or a page or style sheet would fetch from another host (:func:`check_offline`).
    """
    _stage_sources(docs, executed, data_folder, work / "src")
    warnings = _build_html(work / "src", out, work / "doctrees", docs, jobs=jobs)
    check_offline(out)
    return warnings


def check_offline(site: Path) -> None:
    """Check that no page or style sheet of a site would fetch anything from another host when it loads.

    Parameters
    ----------
    site : Path
        The site folder (every ``.html`` and ``.css`` file under it is read).

    Raises
    ------
    SiteError
        Listing every file and address found by :func:`remote_references`.
    """
    problems = [f"{p.relative_to(site)}: {url}" for p in sorted(site.rglob("*")) if p.suffix in (".html", ".css")
                for url in remote_references(p.read_text(encoding="utf-8", errors="replace"))]
    if problems:
        raise SiteError("the site would fetch from other hosts:\n  " + "\n  ".join(sorted(set(problems))))


# --------------------------------------------------------------------------------------------------------------------
# The main job
# --------------------------------------------------------------------------------------------------------------------


def _site_digest(data_folder: Path, notebooks: Path, docs: Path) -> str:
    """What the whole output depends on: :func:`karabakh.build.execute.inputs_digest` plus the notebooks, ``docs/``
    (but the region map the job itself copies there) and ``CITATION.cff``. Equal digests: nothing to do."""
    paths = [*sorted(notebooks.glob("*.ipynb")), ROOT / "CITATION.cff",
             *(p for p in sorted(docs.rglob("*")) if p.name != f"{DOCS_FIGURE}.png" and "_build" not in p.parts)]
    return execute.inputs_digest(data_folder, *paths)


def _prune_caches(cache_root: Path, keep: Path) -> None:
    """Remove the stores of other data or code versions (only folders this job made: they hold its marker)."""
    for other in cache_root.glob("*"):
        if other != keep and other.is_dir() and (other / MARKER).is_file():
            shutil.rmtree(other)


def _claim_build(build: Path, notebooks: Path) -> None:
    """Make sure ``build`` is a folder this job may write into: its own (marker) or a new or empty one."""
    sources = notebooks.resolve()
    for name in OUTPUTS:
        out = (build / name).resolve()
        if out == sources or out in sources.parents:
            raise SiteError(f"{build / name} would replace the notebooks in {notebooks}; choose another build folder")
    marker = build / MARKER
    if not marker.is_file() and any((build / name).exists() for name in (*OUTPUTS, ".cache")):
        raise SiteError(f"{build} holds site/, figures/ or .cache/ that this job did not write (no {marker});"
                        " choose another build folder or remove them yourself")
    build.mkdir(parents=True, exist_ok=True)
    marker.write_text("Written by `python -m karabakh report`: site/, figures/ and .cache/ are replaced by it.\n",
                      encoding="utf-8")
    for leftover in [*build.glob(".new-*"), *build.glob(".old-*")]:  # of a run that was killed
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(new: Path, build: Path) -> None:
    """Replace ``build/site`` and ``build/figures`` with the new ones (renames within the build folder)."""
    old = Path(tempfile.mkdtemp(prefix=".old-", dir=build))
    try:
        for name in OUTPUTS:
            if (build / name).exists():
                (build / name).rename(old / name)
            (new / name).rename(build / name)
    finally:
        shutil.rmtree(old, ignore_errors=True)


def run(notebooks_dir: str | os.PathLike = "notebooks", build_dir: str | os.PathLike = "build", *,
        docs_dir: str | os.PathLike = ROOT / "docs", data_dir: str | os.PathLike | None = None,
        readme_figure: bool = True, use_cache: bool = True, jobs: int = 2, timeout: int = 120, out=None) -> int:
    """Validate the data, execute the notebooks, export the figures and build the site; return the exit status.

    Parameters
    ----------
    notebooks_dir, build_dir
        Where the notebooks are, and the build folder (``site/``, ``figures/`` and ``.cache/`` inside it).
    docs_dir
        The Sphinx configuration (``conf.py``) and pages.
    data_dir
        The data folder to validate and hash (default: ``$KARABAKH_DATA`` or the shipped data).
    readme_figure
        Copy the ``region_map`` figure to ``docs/region_map.png`` for the README when it changed.
    use_cache
        Take unchanged notebooks from the execution cache (``False``: execute every notebook).
    jobs, timeout
        Kernels run at a time; seconds a cell may take. (Sphinx builds in one process.)
    out
        Where progress goes (default: standard output).

    Returns
    -------
    int
        0 on success; 1 when the data is invalid, a notebook fails or the site cannot be built (the previous
        ``build/site`` and ``build/figures`` are then left exactly as they were).
    """
    out = out or sys.stdout
    start = time.perf_counter()

    def say(msg: str = "") -> None:
        print(msg, file=out, flush=True)

    from karabakh.io import tables
    from karabakh.io.validate import validate

    notebooks, build, docs = Path(notebooks_dir), Path(build_dir), Path(docs_dir)
    folder = tables.data_dir(data_dir)
    problems = validate(Path(data_dir) if data_dir is not None else None)
    if problems:
        say(f"report: {len(problems)} problem(s) in {folder}; no notebook was run, nothing was written:\n"
            + "\n".join(f"  - {problem}" for problem in problems))
        return 1
    say(f"report: the data in {folder} is valid ({time.perf_counter() - start:.1f} s)")
    sources = sorted(p for p in notebooks.glob("*.ipynb") if not p.name.startswith("."))
    if not sources:
        say(f"report: no notebooks in {notebooks}/")
        return 1
    try:
        _claim_build(build, notebooks)
    except SiteError as exc:
        say(f"report: {exc}")
        return 1

    stamp = _site_digest(folder, notebooks, docs)
    previous = build / "site" / STAMP
    if use_cache and previous.is_file() and previous.read_text(encoding="utf-8").strip() == stamp \
            and (build / "figures" / "index.csv").is_file():
        say(f"report: up to date (neither the notebooks, the data, the code nor docs/ changed);"
            f" open {build / 'site' / 'index.html'}")
        return 0
    key = execute.inputs_digest(folder)[:16]
    cache_folder = build / ".cache" / key if use_cache else None
    if cache_folder is not None:
        _prune_caches(build / ".cache", keep=cache_folder)
        cache_folder.mkdir(parents=True, exist_ok=True)
        (cache_folder / MARKER).write_text("execution cache of `python -m karabakh report`\n", encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix=".new-", dir=build))
    try:
        t0 = time.perf_counter()
        say(f"report: {len(sources)} notebook(s), {jobs} at a time:")
        executed = execute.execute_all(sources, work, cache_folder / "jupyter" if cache_folder else None, jobs=jobs,
                               timeout=timeout, say=say)
        say(f"report: notebooks ready in {time.perf_counter() - t0:.1f} s")
        figures = export_figures(executed, work / "figures")
        t0 = time.perf_counter()
        warnings = build_site(executed, work / "site", docs=docs, data_folder=folder, work=work)
        (work / "site" / STAMP).write_text(stamp + "\n", encoding="utf-8")
        say(f"report: site built in {time.perf_counter() - t0:.1f} s"
            + (f" ({warnings.count('WARNING')} Sphinx warning(s); see below)" if warnings.strip() else ""))
        if warnings.strip():
            say(warnings.rstrip())
        _swap_in(work, build)
    except (SiteError, execute.NotebookFailed) as exc:
        say(f"report: {exc}\nreport: stopped; {build / 'site'} and {build / 'figures'} are as they were.")
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if readme_figure:
        doc_fig = next((f for f in figures if f.name == DOCS_FIGURE), None)
        target = docs / f"{DOCS_FIGURE}.png"
        if doc_fig is not None and (not target.is_file() or target.read_bytes() != doc_fig.png):
            target.write_bytes(doc_fig.png)
            say(f"updated {target}")
    say(f"report: {len(sources)} notebook(s), {len(figures)} figure(s) in {time.perf_counter() - start:.1f} s;"
        f" open {build / 'site' / 'index.html'}")
    return 0
