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
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

# show_figure writes <name>.png / .svg into $KARABAKH_FIGURE_DIR and records each figure under this metadata key.
from karabakh.figures import FIGURE_DIR_ENV, META_KEY

__all__ = ["run", "SiteError", "INDEX_COLUMNS", "remote_references", "inputs_digest"]

INDEX_COLUMNS = ("name", "notebook", "title", "alt", "source_ids", "png", "svg")
#: The README shows this figure; the main job copies it to ``docs/``.
DOCS_FIGURE = "region_map"
#: The outputs the job replaces, inside the build folder; nothing else there is ever deleted.
OUTPUTS = ("site", "figures")
MARKER = ".karabakh-build"
#: In build/site: the digest of everything the site was built from (see :func:`site_digest`).
STAMP = ".karabakh-inputs"
ROOT = Path(__file__).resolve().parent.parent


class SiteError(RuntimeError):
    """The main job cannot go on: a notebook failed, a figure is broken or named twice, a page is not offline."""


# --------------------------------------------------------------------------------------------------------------------
# What the results depend on
# --------------------------------------------------------------------------------------------------------------------


def _hash_files(h, base: Path, paths) -> None:
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def inputs_digest(data_folder: Path, *extra: Path) -> str:
    """A digest of what executed notebooks depend on besides their code cells: every file of the data folder,
    the package's Python code and the lock file; plus any ``extra`` files or folders."""
    h = hashlib.sha256()
    _hash_files(h, data_folder, data_folder.rglob("*"))
    package = Path(__file__).resolve().parent
    _hash_files(h, package.parent, package.glob("*.py"))
    for item in (ROOT / "requirements.lock", *extra):
        if item.is_dir():
            _hash_files(h, item, item.rglob("*"))
        elif item.is_file():
            _hash_files(h, item.parent, [item])
    return h.hexdigest()


def site_digest(data_folder: Path, notebooks: Path, docs: Path) -> str:
    """What the whole output depends on: :func:`inputs_digest` plus the notebooks, ``docs/`` (but the region map
    the job itself copies there) and ``CITATION.cff``. Equal digests: nothing to do."""
    paths = [*sorted(notebooks.glob("*.ipynb")), ROOT / "CITATION.cff",
             *(p for p in sorted(docs.rglob("*")) if p.name != f"{DOCS_FIGURE}.png" and "_build" not in p.parts)]
    return inputs_digest(data_folder, *paths)


# --------------------------------------------------------------------------------------------------------------------
# Executing the notebooks (nbclient), cached with jupyter-cache
# --------------------------------------------------------------------------------------------------------------------


class NotebookFailed(SiteError):
    """A cell raised, timed out, or the kernel died; names the notebook and the cell."""

    def __init__(self, notebook: str, cell: int | None, source: str, error: str):
        self.notebook, self.cell, self.source, self.error = notebook, cell, source, error
        lines = [f"FAILED: {notebook}, cell {cell} (0-based index in the notebook):"]
        src = source.splitlines() or [""]
        lines += [f"    | {line}" for line in src[:8]] + ([f"    | ... ({len(src) - 8} more lines)"] if len(src) > 8 else [])
        lines.append(f"  error: {error}")
        super().__init__("\n".join(lines))


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def execute_notebook(src: Path, figure_dir: Path, *, timeout: int = 120):
    """Execute ``src`` in a fresh ``python3`` kernel (working folder: the notebook's) and return it executed.

    The kernel writes its figures into ``figure_dir`` and is shut down at once when done. Raises
    :class:`NotebookFailed` naming the cell for an error, a timeout or a dead kernel."""
    import nbformat
    import zmq
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    nb = nbformat.read(src, as_version=4)
    current = {"index": None}
    env = dict(os.environ)
    env[FIGURE_DIR_ENV] = str(figure_dir.resolve())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    config = Config()
    if zmq.has("curve"):  # encrypt the kernel's local TCP traffic (ipykernel warns on stderr otherwise)
        config.KernelManager.transport_encryption = "auto"
    client = NotebookClient(nb, config=config, kernel_name="python3", timeout=timeout, startup_timeout=60,
                            shutdown_kernel="immediate", record_timing=False,
                            resources={"metadata": {"path": str(src.parent.resolve())}},
                            on_cell_start=lambda cell, cell_index: current.update(index=cell_index))
    figure_dir.mkdir(parents=True, exist_ok=True)
    try:
        client.execute(env=env)
    except Exception as exc:  # a cell error, a timeout, a dead kernel, a kernel that would not start
        index = current["index"]
        source = nb.cells[index].source if index is not None else ""
        if isinstance(exc, CellExecutionError):
            error = f"{exc.ename}: {_ANSI_RE.sub('', exc.evalue)}"
        else:
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        raise NotebookFailed(src.name, index, source, error) from exc
    return nb


def _cache(folder: Path):
    from jupyter_cache import get_cache

    folder.mkdir(parents=True, exist_ok=True)
    return get_cache(folder)


def _prune_caches(cache_root: Path, keep: Path) -> None:
    """Remove the stores of other data or code versions (only folders this job made: they hold its marker)."""
    for other in cache_root.glob("*"):
        if other != keep and other.is_dir() and (other / MARKER).is_file():
            shutil.rmtree(other)


def execute_all(sources: Sequence[Path], work: Path, cache_folder: Path | None, *, jobs: int = 2,
                timeout: int = 120, say: Callable[[str], None] = print) -> list[tuple[Path, Any, Path]]:
    """Every notebook executed (or taken from the cache): ``[(source, executed notebook, its figure folder)]``.

    Runs ``jobs`` kernels at a time; stops starting new ones after the first failure and raises
    :class:`NotebookFailed` for the first notebook (in order) that failed."""
    import nbformat
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.main import NbArtifacts

    cache = _cache(cache_folder) if cache_folder is not None else None
    results: dict[Path, tuple[Any, Path]] = {}
    todo = []
    for src in sources:
        figure_dir = work / "executed" / src.stem
        if cache is not None:
            try:
                pk, nb = cache.merge_match_into_notebook(nbformat.read(src, as_version=4))
            except KeyError:
                pass
            else:
                with cache.cache_artefacts_temppath(pk) as stored:
                    shutil.copytree(stored, figure_dir)
                results[src] = (nb, figure_dir)
                say(f"  {src.name}: unchanged (from the cache)")
                continue
        todo.append((src, figure_dir))

    failed: list[NotebookFailed] = []

    def one(src: Path, figure_dir: Path):
        if failed:
            return None
        t0 = time.perf_counter()
        try:
            nb = execute_notebook(src, figure_dir, timeout=timeout)
        except NotebookFailed as exc:
            failed.append(exc)
            say(f"  {src.name}: FAILED after {time.perf_counter() - t0:.1f} s")
            return None
        say(f"  {src.name}: executed in {time.perf_counter() - t0:.1f} s")
        return nb

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = list(pool.map(lambda item: (item, one(*item)), todo))
    if failed:
        order = {src.name: i for i, src in enumerate(sources)}
        raise min(failed, key=lambda exc: order[exc.notebook])
    for (src, figure_dir), nb in done:
        results[src] = (nb, figure_dir)
        if cache is not None:
            artifacts = NbArtifacts(sorted(p for p in figure_dir.rglob("*") if p.is_file()), in_folder=figure_dir)
            cache.cache_notebook_bundle(CacheBundleIn(nb, str(src), artifacts=artifacts), overwrite=True)
    return [(src, *results[src]) for src in sources]


# --------------------------------------------------------------------------------------------------------------------
# Figures: PNG, SVG and index.csv
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    notebook: str
    cell: int
    title: str
    alt: str
    source_ids: list[str]
    png: bytes = field(repr=False)


def collect_figures(nb, notebook: str) -> list[Figure]:
    """Every figure a notebook shows, in order; an image shown without ``show_figure`` is an error."""
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
    """Copy each figure's PNG and SVG (as the notebook wrote them) into ``out`` and write ``out/index.csv``."""
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
    """URLs in HTML or CSS that a browser would request from another host when the page loads."""
    found = [m.group("url") for m in _REMOTE_ATTR_RE.finditer(text)]
    found += [m.group("url") for m in _REMOTE_CSS_RE.finditer(text)]
    return [u for u in found if not u.lower().startswith("file://")]


def stage_sources(docs: Path, executed: Sequence[tuple[Path, Any, Path]], data_folder: Path, src: Path) -> None:
    """The Sphinx source folder: the pages of ``docs/``, the executed notebooks in ``notebooks/``, and in
    ``_generated/`` what the pages include from elsewhere (data dictionary, provenance, changes, citation, API)."""
    import nbformat

    from karabakh import tables

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
    modules = sorted(p.stem for p in (ROOT / "karabakh").glob("*.py") if not p.stem.startswith("_"))
    api = ["# API reference", "", "Generated from the docstrings (numpydoc style) of every module of `karabakh`.", ""]
    for mod in modules:
        api += [f"## `karabakh.{mod}`", "", "```{eval-rst}", f".. automodule:: karabakh.{mod}", "   :members:", "```", ""]
    (gen / "api.md").write_text("\n".join(api), encoding="utf-8")


def build_html(src: Path, out: Path, doctrees: Path, docs: Path, *, jobs: int = 2) -> str:
    """Build the HTML site with Sphinx (configuration: ``docs/conf.py``); return Sphinx's warnings."""
    from sphinx.application import Sphinx

    status, warnings = io.StringIO(), io.StringIO()
    app = Sphinx(str(src), str(docs), str(out), str(doctrees), "html", status=status, warning=warnings,
                 freshenv=True, parallel=jobs, keep_going=True)
    app.build()
    if app.statuscode:
        raise SiteError("Sphinx failed:\n" + warnings.getvalue())
    return warnings.getvalue()


def build_site(executed: Sequence[tuple[Path, Any, Path]], out: Path, *, docs: Path, data_folder: Path,
               work: Path, jobs: int = 2) -> str:
    """Stage the sources, build the site into ``out`` and check it is offline; return Sphinx's warnings."""
    stage_sources(docs, executed, data_folder, work / "src")
    warnings = build_html(work / "src", out, work / "doctrees", docs, jobs=jobs)
    check_offline(out)
    return warnings


def check_offline(site: Path) -> None:
    """Raise :class:`SiteError` listing every page or style sheet that would fetch from another host."""
    problems = [f"{p.relative_to(site)}: {url}" for p in sorted(site.rglob("*")) if p.suffix in (".html", ".css")
                for url in remote_references(p.read_text(encoding="utf-8", errors="replace"))]
    if problems:
        raise SiteError("the site would fetch from other hosts:\n  " + "\n  ".join(sorted(set(problems))))


# --------------------------------------------------------------------------------------------------------------------
# The main job
# --------------------------------------------------------------------------------------------------------------------


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
        Kernels run at a time; seconds a cell may take.
    out
        Where progress goes (default: standard output).

    Returns
    -------
    int
        0 on success; 1 when the data is invalid, a notebook fails or the site cannot be built (the previous
        ``build/site`` and ``build/figures`` are then left exactly as they were).

    Examples
    --------
    >>> from karabakh import site
    >>> site.run("notebooks", "build")  # doctest: +SKIP
    0
    """
    out = out or sys.stdout
    start = time.perf_counter()

    def say(msg: str = "") -> None:
        print(msg, file=out, flush=True)

    from karabakh import tables
    from karabakh.__main__ import validate

    notebooks, build, docs = Path(notebooks_dir), Path(build_dir), Path(docs_dir)
    folder = tables.data_dir(data_dir)
    problems = validate(Path(data_dir) if data_dir is not None else None)
    if problems:
        say(f"report: {len(problems)} problem(s) in {folder}; no notebook was run, nothing was written:")
        for problem in problems:
            say(f"  - {problem}")
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

    stamp = site_digest(folder, notebooks, docs)
    previous = build / "site" / STAMP
    if use_cache and previous.is_file() and previous.read_text(encoding="utf-8").strip() == stamp \
            and (build / "figures" / "index.csv").is_file():
        say(f"report: up to date (neither the notebooks, the data, the code nor docs/ changed);"
            f" open {build / 'site' / 'index.html'}")
        return 0
    key = inputs_digest(folder)[:16]
    cache_folder = build / ".cache" / key if use_cache else None
    if cache_folder is not None:
        _prune_caches(build / ".cache", keep=cache_folder)
        cache_folder.mkdir(parents=True, exist_ok=True)
        (cache_folder / MARKER).write_text("execution cache of `python -m karabakh report`\n", encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix=".new-", dir=build))
    try:
        t0 = time.perf_counter()
        say(f"report: {len(sources)} notebook(s), {jobs} at a time:")
        executed = execute_all(sources, work, cache_folder / "jupyter" if cache_folder else None, jobs=jobs,
                               timeout=timeout, say=say)
        say(f"report: notebooks ready in {time.perf_counter() - t0:.1f} s")
        figures = export_figures(executed, work / "figures")
        t0 = time.perf_counter()
        warnings = build_site(executed, work / "site", docs=docs, data_folder=folder, work=work, jobs=jobs)
        (work / "site" / STAMP).write_text(stamp + "\n", encoding="utf-8")
        say(f"report: site built in {time.perf_counter() - t0:.1f} s"
            + (f" ({warnings.count('WARNING')} Sphinx warning(s); see below)" if warnings.strip() else ""))
        if warnings.strip():
            say(_ANSI_RE.sub("", warnings).rstrip())
        _swap_in(work, build)
    except SiteError as exc:
        say(f"report: {exc}")
        say(f"report: stopped; {build / 'site'} and {build / 'figures'} are as they were.")
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
