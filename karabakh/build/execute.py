"""Executing the notebooks: fresh kernels, two at a time, results kept in a jupyter-cache store.

nbclient runs each notebook in a fresh ``python3`` kernel (shut down at once when done) with
``$KARABAKH_FIGURE_DIR`` pointing at a folder of its own, where ``show_figure`` writes the PNG and SVG of each
figure. jupyter-cache keeps each executed notebook with those files as its artifacts; its key is the notebook's
code cells, and the caller names the store after :func:`inputs_digest` (the data, the package's code, the lock
file), so a notebook is executed again when its code, the data or the code it calls changed.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from karabakh.plot.protocol import FIGURE_DIR_ENV, META_KEY, png_size

__all__ = ["NotebookFailed", "execute_notebook", "execute_all", "inputs_digest"]

ROOT = Path(__file__).resolve().parents[2]
DURATIONS = "durations.json"  # beside the execution cache: each notebook's last execution time
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _hash_files(h, base: Path, paths) -> None:
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def inputs_digest(data_folder: Path, *extra: Path) -> str:
    """A digest of what executed notebooks depend on besides their code cells.

    Parameters
    ----------
    data_folder : Path
        The data folder the notebooks read: every file in it counts.
    *extra : Path
        More files or folders to include (the main job adds the notebooks and ``docs/``).

    Returns
    -------
    str
        The sha256 (hex) of the data files, the package's Python code, ``requirements.lock`` and ``extra``: their
        paths and bytes.

    Examples
    --------
    >>> from karabakh.build import execute
    >>> from karabakh.io import tables
    >>> len(execute.inputs_digest(tables.data_dir()))
    64
    """
    h = hashlib.sha256()
    _hash_files(h, data_folder, data_folder.rglob("*"))
    package = Path(__file__).resolve().parents[1]
    _hash_files(h, package.parent, package.rglob("*.py"))
    for item in (ROOT / "requirements.lock", *extra):
        if item.is_dir():
            _hash_files(h, item, item.rglob("*"))
        elif item.is_file():
            _hash_files(h, item.parent, [item])
    return h.hexdigest()


class NotebookFailed(RuntimeError):
    """A cell raised or timed out, or the kernel died: the message names the notebook, the cell and the error."""

    def __init__(self, notebook: str, cell: int | None, source: str, error: str):
        self.notebook, self.cell, self.source, self.error = notebook, cell, source, error
        lines = [f"FAILED: {notebook}, cell {cell} (0-based index in the notebook):"]
        src = source.splitlines() or [""]
        lines += [f"    | {line}" for line in src[:8]]
        lines += [f"    | ... ({len(src) - 8} more lines)"] if len(src) > 8 else []
        lines.append(f"  error: {error}")
        super().__init__("\n".join(lines))


def execute_notebook(src: Path, figure_dir: Path, *, timeout: int = 120) -> Any:
    """Execute a notebook in a fresh ``python3`` kernel (working folder: the notebook's) and return it executed.

    Parameters
    ----------
    src : Path
        The notebook (not modified).
    figure_dir : Path
        Where its ``show_figure`` calls write PNG and SVG files (``$KARABAKH_FIGURE_DIR``); created.
    timeout : int
        Seconds a cell may run.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook. The kernel is shut down at once (no polite wait).

    Raises
    ------
    NotebookFailed
        A cell raised or ran too long, or the kernel died or would not start; names the notebook and the cell.
    """
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
        asyncio.run(client.async_execute(env=env))  # its own event loop, closed cleanly (the kernels run in threads)
    except Exception as exc:  # a cell error, a timeout, a dead kernel, a kernel that would not start
        index = current["index"]
        source = nb.cells[index].source if index is not None else ""
        if isinstance(exc, CellExecutionError):
            error = f"{exc.ename}: {_ANSI_RE.sub('', exc.evalue)}"
        else:
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        raise NotebookFailed(src.name, index, source, error) from exc
    return nb


def execute_all(sources: Sequence[Path], work: Path, cache_folder: Path | None, *, jobs: int = 2,
                timeout: int = 120, say: Callable[[str], None] = print,
                on_start: Callable[[], None] | None = None) -> list[tuple[Path, Any, Path]]:
    """Execute every notebook, or take it from the cache when its code cells are unchanged.

    Parameters
    ----------
    sources : sequence of Path
        The notebooks, in order.
    work : Path
        A scratch folder: each notebook's figures go to ``work/executed/<stem>/``.
    cache_folder : Path or None
        The jupyter-cache store (created when missing); ``None``: execute everything, cache nothing.
    jobs, timeout : int
        Kernels run at a time; seconds a cell may run.
    say : callable
        Receives one progress line per notebook.
    on_start : callable, optional
        Called once the kernels have been asked for (after the cache was read), for work to run beside them.

    Returns
    -------
    list of (Path, nbformat.NotebookNode, Path)
        Per notebook, in the order of ``sources``: the source, the executed notebook and its figure folder.

    Raises
    ------
    NotebookFailed
        For the first notebook (in order) that failed; no new kernel starts after a failure. The notebooks that
        ran through are cached all the same.

    Notes
    -----
    A store that cannot be read, or an entry that is damaged, truncated or foreign (its notebook unreadable or its
    figures missing or different from the pictures it shows), is discarded with one warning line and the notebooks
    run again; a write that fails half-way (a full disk, a kill) discards the store, so no half entry is kept.
    """
    import nbformat
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.main import NbArtifacts

    cache = _open_cache(cache_folder, say) if cache_folder is not None else None
    results: dict[Path, tuple[Any, Path]] = {}
    areas: dict[Path, int] = {}  # the pixels of each notebook's saved figures: its cost, when no duration is known
    todo = []
    for src in sources:
        figure_dir = work / "executed" / src.stem
        code = nbformat.read(src, as_version=4)
        areas[src] = _picture_area(code)
        if cache is not None:
            try:
                cache.match_cache_notebook(code)
            except KeyError:  # not cached
                todo.append((src, figure_dir))
                continue
            except Exception as exc:  # the database cannot be read
                cache = _discard(cache_folder, f"{src.name}: {_reason(exc)}", say)
                todo.append((src, figure_dir))
                continue
            try:  # the entry's files: a missing notebook file is a KeyError too, here a damage
                pk, nb = cache.merge_match_into_notebook(code)
                with cache.cache_artefacts_temppath(pk) as stored:
                    shutil.copytree(stored, figure_dir)
                _check_entry(nb, figure_dir)
            except Exception as exc:  # a damaged, truncated or foreign entry: the store goes, the notebook runs
                shutil.rmtree(figure_dir, ignore_errors=True)
                cache = _discard(cache_folder, f"{src.name}: {_reason(exc)}", say)
            else:
                results[src] = (nb, figure_dir)
                say(f"  {src.name}: unchanged (from the cache)")
                continue
        todo.append((src, figure_dir))

    # the longest first, so that the kernels finish closer together: by their last durations (kept beside the
    # cache) when every one is known, else by the pixels of the figures each notebook shows as saved
    durations = _durations(cache_folder)
    if all(src.name in durations for src, _ in todo):
        todo.sort(key=lambda item: -durations[item[0].name])
    else:
        todo.sort(key=lambda item: -areas[item[0]])
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
        took = time.perf_counter() - t0
        durations[src.name] = round(took, 2)
        say(f"  {src.name}: executed in {took:.1f} s")
        return nb

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running = pool.map(lambda item: (item, one(*item)), todo)
        if on_start is not None:
            on_start()
        done = list(running)
    for (src, figure_dir), nb in done:
        if nb is None:  # failed, or not started after a failure
            continue
        results[src] = (nb, figure_dir)
        if cache is not None:  # a notebook that ran through is cached, even when another one failed
            artifacts = NbArtifacts(sorted(p for p in figure_dir.rglob("*") if p.is_file()), in_folder=figure_dir)
            try:
                cache.cache_notebook_bundle(CacheBundleIn(nb, str(src), artifacts=artifacts), overwrite=True)
            except Exception as exc:  # a full disk, a killed write: no half entry is ever kept
                _discard(cache_folder, f"writing {src.name}: {_reason(exc)}", say, reopen=False)
                cache = None
    _keep_durations(cache_folder, durations)
    if failed:
        order = {src.name: i for i, src in enumerate(sources)}
        raise min(failed, key=lambda exc: order[exc.notebook])
    return [(src, *results[src]) for src in sources]


def _picture_area(nb: Any) -> int:
    """The pixels of the PNG figures a notebook shows as saved: roughly what drawing its figures costs."""
    area = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            try:
                width, height = png_size(base64.b64decode(output.get("data", {}).get("image/png", "")))
            except ValueError:  # no picture, or not a PNG
                continue
            area += width * height
    return area


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:120]}" if text else type(exc).__name__


def _open_cache(cache_folder: Path, say: Callable[[str], None]):
    """The jupyter-cache store, opened and read once; a store that cannot be read is discarded and made anew."""
    from jupyter_cache import get_cache

    cache_folder.mkdir(parents=True, exist_ok=True)
    try:
        cache = get_cache(cache_folder)
        cache.list_cache_records()  # reads the database: junk or a foreign format fails here
        return cache
    except Exception as exc:
        return _discard(cache_folder, _reason(exc), say)


def _discard(cache_folder: Path, why: str, say: Callable[[str], None], *, reopen: bool = True):
    """Remove a damaged store with one warning line; return a new empty one (or None)."""
    from jupyter_cache import get_cache

    say(f"report: warning: the execution cache {cache_folder} is damaged ({why}); discarded, its notebooks are"
        " executed again")
    shutil.rmtree(cache_folder, ignore_errors=True)
    if not reopen:
        return None
    cache_folder.mkdir(parents=True, exist_ok=True)
    return get_cache(cache_folder)


def _check_entry(nb: Any, figure_dir: Path) -> None:
    """A cached notebook and its figure files agree: every figure it shows was stored, with the picture shown.

    Raises
    ------
    ValueError
        Naming the first figure missing or different.
    """
    import nbformat

    nbformat.validate(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            record = output.get("metadata", {}).get(META_KEY)
            png = output.get("data", {}).get("image/png")
            if record and png:
                name = record["name"]
                stored = figure_dir / f"{name}.png"
                if not (stored.is_file() and (figure_dir / f"{name}.svg").is_file()):
                    raise ValueError(f"figure {name!r} is not in the cache")
                if stored.read_bytes() != base64.b64decode(png):
                    raise ValueError(f"figure {name!r} differs from the picture the cached notebook shows")


def _durations(cache_folder: Path | None) -> dict[str, float]:
    """Each notebook's last execution time in seconds (empty when unknown or unreadable: only an ordering hint)."""
    try:
        data = json.loads((cache_folder / DURATIONS).read_text(encoding="utf-8")) if cache_folder else {}
    except (OSError, ValueError):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, (int, float))} if isinstance(data, dict) else {}


def _keep_durations(cache_folder: Path | None, durations: dict[str, float]) -> None:
    """Write the execution times beside the cache (a temporary file renamed: never half-written)."""
    if cache_folder is None:
        return
    tmp = cache_folder / f".{DURATIONS}.{os.getpid()}"
    try:
        tmp.write_text(json.dumps(durations, sort_keys=True), encoding="utf-8")
        os.replace(tmp, cache_folder / DURATIONS)
    except OSError:  # a hint only: the job does not fail for it
        tmp.unlink(missing_ok=True)
