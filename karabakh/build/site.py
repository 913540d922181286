"""The main job: validate the data, execute the notebooks, export their figures and build the documentation site.

``python -m karabakh report`` (alias ``site``) runs :func:`run`, in this order:

1. validate every table and layer of the data folder in use (``$KARABAKH_DATA`` or the shipped data) and stop,
   with the full problem list, before any notebook runs;
2. execute every ``notebooks/*.ipynb`` in a fresh kernel, two at a time, into a temporary folder. Executed
   notebooks are kept in a jupyter-cache store under ``build/.cache/``, in a folder named after a digest of the
   data, the package's code and the lock file: a notebook is executed again only when its code cells, the data or
   the code changed. The figures each notebook writes (``$KARABAKH_FIGURE_DIR``) are cached with it;
3. export the figures (PNG, SVG and ``index.csv``) and build the site with Sphinx, MyST-NB and sphinx-book-theme
   from ``docs/`` (configuration and pages) and the executed notebooks. The site is built while the kernels run,
   from the notebooks as saved, and kept when the run reproduced every one of them (:class:`_Prebuild`);
4. check that no page asks another host for anything, and only then publish the new ``build/site/`` and
   ``build/figures/``. A failed or killed run leaves the previous output exactly as it was.

Publishing is crash-safe: ``build/site`` and ``build/figures`` are symbolic links to ``build/.current/site`` and
``build/.current/figures``; ``build/.current`` links to one complete version in ``build/.versions/``, and a new build
is published by replacing that one link (``os.replace``), so both outputs switch at once. The next start finishes
or cleans up whatever a killed run left (:func:`_recover`). One run at a time holds ``build/.lock`` (filelock); a
second one says who holds it. The build folder may not be the data folder, inside it or around it.

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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from karabakh.build import execute
from karabakh.build.api_pages import TASKS, api_pages
from karabakh.io.errors import os_error_sentence
from karabakh.io.texts import PUBLISHED, markdown_problems
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

    from karabakh.build.docs import generated_sections
    shutil.copytree(docs, src, ignore=shutil.ignore_patterns("conf.py", "__pycache__", "_build"))
    (src / "notebooks").mkdir()
    for path, nb, _ in executed:
        nbformat.write(nb, src / "notebooks" / path.name)
        for fig in collect_figures(nb, path.name):  # the front page shows the region map just made
            if fig.name == DOCS_FIGURE:
                (src / f"{DOCS_FIGURE}.png").write_bytes(fig.png)
    gen = src / "_generated"
    gen.mkdir()
    for name, text in generated_sections().items():  # data_dictionary.md, references.md
        (gen / f"{name.replace('-', '_')}.md").write_text(text + "\n", encoding="utf-8")
    staged = [(rel.replace("/", "_"), data_folder / rel) for rel in PUBLISHED] + [("CITATION.cff", ROOT / "CITATION.cff")]
    for name, path in staged:
        text = path.read_text(encoding="utf-8") if path.is_file() else f"*({path.name} is not in this checkout.)*\n"
        if path.suffix == ".md":  # validate() refused these already; checked again right where they are published
            unsafe = markdown_problems(text, str(path))
            if unsafe:
                raise SiteError("not published (unsafe Markdown):\n" + "\n".join(f"  - {p}" for p in unsafe))
        (gen / name).write_text(text, encoding="utf-8")
    pages = api_pages()  # the API reference by task: api.md (the index of kb.*) and api/<task>.md
    toctree = ["", "```{toctree}", ":hidden:", "", *(f"api/{task}" for task, _, _ in TASKS), "```", ""]
    (src / "api.md").write_text(pages.pop("index") + "\n".join(toctree), encoding="utf-8")
    (src / "api").mkdir()
    for task, text in pages.items():
        (src / "api" / f"{task}.md").write_text(text, encoding="utf-8")


class _Cancelled(Exception):
    """Raised inside a Sphinx build whose result is no longer wanted (see :class:`_Prebuild`)."""


def _build_html(src: Path, out: Path, doctrees: Path, docs: Path, *, jobs: int = 1,
                cancel: threading.Event | None = None) -> str:
    """Build the HTML site with Sphinx (configuration: ``docs/conf.py``); return Sphinx's warnings. When ``cancel``
    is set, the build stops at the next page it reads or writes."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    def stop_if_cancelled(*_args) -> None:
        if cancel is not None and cancel.is_set():
            raise _Cancelled("the site is no longer wanted")

    status, warnings = io.StringIO(), io.StringIO()
    with patch_docutils(docs), docutils_namespace():  # as sphinx-build: docutils' registries restored afterwards
        app = Sphinx(str(src), str(docs), str(out), str(doctrees), "html", status=status, warning=warnings,
                     freshenv=True, parallel=jobs, keep_going=True)
        if cancel is not None:
            app.connect("source-read", stop_if_cancelled)
            app.connect("html-page-context", stop_if_cancelled)
        app.build()
    text = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())  # no colour codes
    if app.statuscode:
        raise SiteError("Sphinx failed:\n" + text)
    return text


def build_site(executed: Sequence[tuple[Path, Any, Path]], out: Path, *, docs: Path, data_folder: Path,
               work: Path, jobs: int = 1, cancel: threading.Event | None = None) -> str:
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
    cancel : threading.Event, optional
        Set from another thread to stop the build at the next page (it then raises).

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
    warnings = _build_html(work / "src", out, work / "doctrees", docs, jobs=jobs, cancel=cancel)
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


class _Prebuild:
    """The site built, in a thread, from the notebooks as they are saved, while the kernels run them again.

    The notebooks are committed executed, and a run that reproduces them gives the very same files: then the staged
    Sphinx sources, and so the site, are the same as a build after the run would make, and that build is saved.
    Sphinx works in this process while the notebooks work in their kernels, so the two share the machine's cores.
    Where any executed notebook differs from its saved file, the prebuilt site is dropped (its build stopped) and the
    site is built from the executed notebooks as before. Nothing is prebuilt when a notebook was saved with a code
    cell never run: no run reproduces that file.
    """

    def __init__(self, sources: Sequence[Path], work: Path, *, docs: Path, data_folder: Path):
        import nbformat

        self.out, self.cancel = work / "site", threading.Event()
        self.warnings: str | None = None
        try:
            self.saved = {src: nbformat.read(src, as_version=4) for src in sources}
        except Exception:  # noqa: BLE001 - an unreadable notebook: no prebuild; the run reports it
            self.saved, self.thread = {}, None
            return
        if any(cell.cell_type == "code" and cell.source.strip() and cell.get("execution_count") is None
               for nb in self.saved.values() for cell in nb.cells):
            self.thread = None  # a notebook saved unexecuted: no run reproduces it, so no prebuild
            return
        executed = [(src, nb, work / "no-figures") for src, nb in self.saved.items()]  # figures are not read

        def build() -> None:
            try:
                self.warnings = build_site(executed, self.out, docs=docs, data_folder=data_folder, work=work,
                                           cancel=self.cancel)
            except Exception:  # noqa: BLE001 - a prebuild that fails is dropped; the build after the run reports
                self.warnings = None

        self.thread = threading.Thread(target=build, name="karabakh-prebuild", daemon=True)

    def start(self) -> None:
        """Start the prebuild (once the kernels are asked for: its imports do not delay theirs)."""
        if self.thread is not None and self.thread.ident is None:
            self.thread.start()

    def stop(self) -> None:
        """Stop the prebuild at its next page and wait for it."""
        self.cancel.set()
        if self.thread is not None and self.thread.ident is not None:
            self.thread.join()

    def take(self, executed: Sequence[tuple[Path, Any, Path]], out: Path) -> str | None:
        """Move the prebuilt site to ``out`` and return its Sphinx warnings when every executed notebook is the
        notebook it was built from (the same file when written); else stop the prebuild and return None."""
        import nbformat

        started = self.thread is not None and self.thread.ident is not None
        same = started and len(executed) == len(self.saved) and all(
            src in self.saved and nbformat.writes(nb) == nbformat.writes(self.saved[src]) for src, nb, _ in executed)
        if not same:
            self.stop()
            return None
        self.thread.join()
        if self.warnings is None or not self.out.is_dir():
            return None
        os.replace(self.out, out)
        return self.warnings


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


def _claim_build(build: Path, notebooks: Path, data_folder: Path) -> None:
    """Make sure ``build`` is a folder this job may write into: its own (marker) or a new or empty one, and neither
    the notebooks' nor the data folder (nor inside or around it)."""
    sources, data, where = notebooks.resolve(), data_folder.resolve(), build.resolve()
    if where == data or data in where.parents or where in data.parents:
        raise SiteError(f"the build folder {build} is the data folder {data_folder}, inside it or around it; the"
                        " job writes there: choose another --build-dir")
    for name in OUTPUTS:
        out = (build / name).resolve()
        if out == sources or out in sources.parents:
            raise SiteError(f"{build / name} would replace the notebooks in {notebooks}; choose another build folder")
    marker = build / MARKER
    if not marker.is_file() and any((build / name).exists() for name in (*OUTPUTS, ".cache")):
        raise SiteError(f"{build} holds site/, figures/ or .cache/ that this job did not write (no {marker});"
                        " choose another build folder or remove them yourself")
    build.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------------------------------------------------
# Publishing: versioned outputs and one atomic switch
# --------------------------------------------------------------------------------------------------------------------
#
# build/site and build/figures are fixed symbolic links into build/.current, itself a symbolic link to one complete
# version in build/.versions/. A new build is written into a version of its own; publishing it is one os.replace of
# the .current link, so at every instant site/ and figures/ are both the old or both the new. A killed run leaves
# at most an unused version (removed at the next start) or links still to be made (made at the next start).

VERSIONS, CURRENT, LOCK = ".versions", ".current", ".lock"


def _link(path: Path, target: str, *, before=None) -> None:
    """Point the symbolic link ``path`` at ``target`` atomically: a new link renamed over the old one (``before``
    runs between making the new link and the rename)."""
    tmp = path.with_name(f".{path.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if before is not None:
        before()
    os.replace(tmp, path)


def _recover(build: Path, *, clean: bool = True) -> None:
    """Finish what a killed run left half-done and remove what no link points at.

    Adopts ``site/`` and ``figures/`` folders of the layout before versions as the current version (moved into
    ``.versions/``, then linked: the only moment a path is missing, once, and the next start finishes it), makes the
    links that are missing, and (``clean``) removes versions other than the current one and scratch folders of
    killed runs.
    """
    versions, current = build / VERSIONS, build / CURRENT
    versions.mkdir(exist_ok=True)
    if not current.is_symlink() and any((build / n).is_dir() and not (build / n).is_symlink() for n in OUTPUTS):
        (versions / "v-adopted").mkdir(exist_ok=True)
        _link(current, f"{VERSIONS}/v-adopted")
    target = os.readlink(current) if current.is_symlink() else None
    for name in OUTPUTS:
        path = build / name
        if path.is_symlink():
            if os.readlink(path) != f"{CURRENT}/{name}":
                _link(path, f"{CURRENT}/{name}")
            continue
        if target is None:
            continue
        dest = build / target / name
        if path.is_dir():  # a folder of the old layout: it becomes part of the current version
            aside = dest if not dest.exists() else Path(tempfile.mkdtemp(prefix=".old-", dir=build)) / name
            _link(path, f"{CURRENT}/{name}", before=lambda: path.rename(aside))  # gap: one rename to the next
        elif dest.exists():
            _link(path, f"{CURRENT}/{name}")
    if not clean:
        return
    keep = Path(target).name if target else None
    for version in versions.iterdir():
        if version.name != keep:
            shutil.rmtree(version, ignore_errors=True)
    for leftover in [*build.glob(".new-*"), *build.glob(".old-*"), *build.glob(".*.link-*")]:
        if leftover.is_symlink() or not leftover.is_dir():
            leftover.unlink(missing_ok=True)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _new_version(build: Path) -> Path:
    """An empty folder in ``build/.versions/`` for a new site/ and figures/ (unused until :func:`_swap_in`)."""
    (build / VERSIONS).mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="v-", dir=build / VERSIONS))


def _swap_in(version: Path, build: Path) -> None:
    """Publish a complete version (``site/`` and ``figures/`` inside it): one atomic switch of ``build/.current``,
    then the links made if missing and the previous version removed."""
    current = build / CURRENT
    _recover(build, clean=False)  # folders of the old layout adopted first: site and figures then switch together
    old = os.readlink(current) if current.is_symlink() else None
    _link(current, f"{VERSIONS}/{version.name}")  # the switch
    _recover(build)  # links; the previous version (and any scratch) removed
    if old and (build / old).exists() and Path(old).name != version.name:  # pragma: no cover - _recover did it
        shutil.rmtree(build / old, ignore_errors=True)


def _lock(build: Path, wait: float):
    """Hold ``build/.lock`` (filelock) for one run; the holder's pid and start time go to ``.lock.owner``.

    Returns the acquired lock, or the message naming who holds it after ``wait`` seconds.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(build / LOCK, timeout=wait, thread_local=False)
    owner = build / f"{LOCK}.owner"
    try:
        lock.acquire()
    except Timeout:
        try:
            holder = owner.read_text(encoding="utf-8").strip()
        except OSError:
            holder = "holder unknown"
        return None, (f"another run holds {build / LOCK} ({holder}); wait for it to finish or stop it, then run"
                      " again")
    tmp = owner.with_name(f"{owner.name}.{os.getpid()}")
    tmp.write_text(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}\n",
                   encoding="utf-8")
    os.replace(tmp, owner)
    return lock, ""


def run(notebooks_dir: str | os.PathLike = "notebooks", build_dir: str | os.PathLike = "build", *,
        docs_dir: str | os.PathLike = ROOT / "docs", data_dir: str | os.PathLike | None = None,
        readme_figure: bool = True, use_cache: bool = True, prebuild_site: bool = True, jobs: int = 2,
        timeout: int = 120, wait: float = 0, out=None) -> int:
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
    prebuild_site
        Build the site from the notebooks as saved while they run, and keep it when the run reproduces them
        (:class:`_Prebuild`); ``False``: build it after the run only.
    jobs, timeout
        Kernels run at a time; seconds a cell may take. (Sphinx builds in one process.)
    wait
        Seconds to wait for another run on the same build folder (``build/.lock``) to finish; then say who holds it.
    out
        Where progress goes (default: standard output).

    Returns
    -------
    int
        0 on success; 1 when the data is invalid, a notebook fails or the site cannot be built (the previous
        ``build/site`` and ``build/figures`` are then left exactly as they were), when another run holds the
        build folder, or when the disk is full or a folder read-only (one sentence, no traceback).
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
        _claim_build(build, notebooks, folder)
        lock, held = _lock(build, wait)
    except SiteError as exc:
        say(f"report: {exc}")
        return 1
    except OSError as exc:  # a read-only or full build folder
        say(f"report: {os_error_sentence(exc)}")
        return 1
    if lock is None:
        say(f"report: {held}")
        return 1
    try:
        return _run_locked(sources, build, notebooks, docs, folder, readme_figure=readme_figure,
                           use_cache=use_cache, prebuild_site=prebuild_site, jobs=jobs, timeout=timeout, say=say,
                           start=start)
    except OSError as exc:  # a full disk, a read-only folder: one sentence, and the outputs as they were
        say(f"report: {os_error_sentence(exc)}\nreport: stopped; {build / 'site'} and {build / 'figures'} are as"
            " they were.")
        return 1
    finally:
        (build / f"{LOCK}.owner").unlink(missing_ok=True)
        lock.release()


def _run_locked(sources: list[Path], build: Path, notebooks: Path, docs: Path, folder: Path, *, readme_figure: bool,
                use_cache: bool, prebuild_site: bool, jobs: int, timeout: int, say, start: float) -> int:
    """The main job once the lock is held (see :func:`run`)."""
    (build / MARKER).write_text("Written by `python -m karabakh report`: site/, figures/ and .cache/ are replaced"
                                " by it.\n", encoding="utf-8")
    _recover(build)
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
    version = _new_version(build)
    prebuild = None
    try:
        t0 = time.perf_counter()
        prebuild = _Prebuild(sources, work / "prebuild", docs=docs, data_folder=folder) if prebuild_site else None
        alongside = prebuild is not None and prebuild.thread is not None
        say(f"report: {len(sources)} notebook(s), {jobs} at a time" + (", the site alongside" if alongside else "")
            + ":")
        executed = execute.execute_all(sources, work, cache_folder / "jupyter" if cache_folder else None, jobs=jobs,
                                       timeout=timeout, say=say, on_start=prebuild.start if prebuild else None)
        say(f"report: notebooks ready in {time.perf_counter() - t0:.1f} s")
        figures = export_figures(executed, version / "figures")
        t0 = time.perf_counter()
        warnings = prebuild.take(executed, version / "site") if prebuild else None
        how = "the notebooks as saved, which the run reproduced" if warnings is not None else "the executed notebooks"
        if warnings is None:
            warnings = build_site(executed, version / "site", docs=docs, data_folder=folder, work=work)
        (version / "site" / STAMP).write_text(stamp + "\n", encoding="utf-8")
        say(f"report: site built from {how} ({time.perf_counter() - t0:.1f} s more)"
            + (f" ({warnings.count('WARNING')} Sphinx warning(s); see below)" if warnings.strip() else ""))
        if warnings.strip():
            say(warnings.rstrip())
        _swap_in(version, build)
    except (SiteError, execute.NotebookFailed) as exc:
        say(f"report: {exc}\nreport: stopped; {build / 'site'} and {build / 'figures'} are as they were.")
        return 1
    finally:
        if prebuild is not None:  # a failed run: stop the prebuild before its folder goes
            prebuild.stop()
        shutil.rmtree(work, ignore_errors=True)
        current = build / CURRENT
        if not (current.is_symlink() and Path(os.readlink(current)).name == version.name):  # not published
            shutil.rmtree(version, ignore_errors=True)

    if readme_figure:
        doc_fig = next((f for f in figures if f.name == DOCS_FIGURE), None)
        target = docs / f"{DOCS_FIGURE}.png"
        if doc_fig is not None and (not target.is_file() or target.read_bytes() != doc_fig.png):
            target.write_bytes(doc_fig.png)
            say(f"updated {target}")
    say(f"report: {len(sources)} notebook(s), {len(figures)} figure(s) in {time.perf_counter() - start:.1f} s;"
        f" open {build / 'site' / 'index.html'}")
    return 0
