"""Shared fixtures: a private copy of the shipped data that a test may break; the outputs of each notebook's one
fresh run (nbval's), shared with the determinism check and the site tests.

Each notebook is executed once per test run: nbval executes it cell by cell and compares the text outputs with the
committed ones; ``_KeepNbvalOutputs`` keeps what nbval's kernel produced, ``fresh_outputs`` hands it to
``test_determinism.py`` (which compares images and figure metadata too), and ``notebook_site`` builds the site the
site tests open from it.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"



def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path: compare before and after to prove nothing wrote."""
    from karabakh.io.checksums import digest

    return {p.relative_to(folder).as_posix(): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data folder in tmp_path (tables, datapackage.json and layers)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def table_reads(monkeypatch) -> list[str]:
    """The names of the files the table reader (:mod:`karabakh.io.csvfile`) reads in this test; the checksum check,
    which hashes every file, is not counted (that is its job)."""
    read: list[str] = []
    real = Path.read_bytes

    def spy(self):
        if sys._getframe(1).f_globals.get("__name__") == "karabakh.io.csvfile":
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    return read


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# ---- one execution per notebook, shared ------------------------------------------------------------------------------
# nbval runs a notebook's cells in one worker (pytest-xdist's loadscope keeps a file together); the plugin below
# writes that run's outputs to a folder every worker sees (created by the first process, inherited by the workers
# through the environment). The determinism tests are collected last, so a worker reaches them only after its own
# nbval files; it waits for a notebook that the other worker is still running.

FRESH_ENV = "KARABAKH_TEST_FRESH_OUTPUTS"


def _is_nbval(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


class _KeepNbvalOutputs:
    """A plugin, not a conftest hook: conftest hooks only see items under tests/, nbval's are in notebooks/."""

    def __init__(self, folder: Path):
        self.folder, self.cells = folder, {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        yield
        if not _is_nbval(item):
            return
        name = Path(str(item.fspath)).name
        cells = self.cells.setdefault(name, {})
        cells[item.cell_num] = item.test_outputs  # nbval keeps the outputs of its run on the item (None if none)
        n_code = sum(c.cell_type == "code" for c in item.parent.nb.cells)
        if item.cell_num == n_code - 1:  # the notebook's last cell: publish the whole run
            tmp = self.folder / f".{name}.json"
            tmp.write_text(json.dumps([cells.get(i) for i in range(n_code)]), encoding="utf-8")
            tmp.rename(self.folder / f"{name}.json")


def pytest_configure(config):
    if FRESH_ENV not in os.environ:  # the first process (xdist's controller, or the only one)
        os.environ[FRESH_ENV] = tempfile.mkdtemp(prefix="karabakh-fresh-outputs-")
        config._karabakh_fresh_owner = True
    config.pluginmanager.register(_KeepNbvalOutputs(Path(os.environ[FRESH_ENV])), "karabakh-keep-nbval-outputs")


def pytest_unconfigure(config):
    if getattr(config, "_karabakh_fresh_owner", False):
        shutil.rmtree(os.environ.pop(FRESH_ENV), ignore_errors=True)


# The order in which xdist hands out whole files (``--no-loadscope-reorder``): the notebooks first, shared by both
# workers, as the site needs all of them; then the site's own tests, those on the built site first (one worker
# builds the site while the other runs the bad-input corpus), the browser tests that open the site, everything
# else, and last the determinism tests that read nbval's outputs.
_FIRST = ("test_site.py", "test_bad_inputs.py", "test_site_browser.py")
_LAST = ("test_determinism.py",)


def _rank(item) -> int:
    name = Path(str(item.fspath)).name
    if _is_nbval(item):
        return 0
    if name in _FIRST:
        return 1 + _FIRST.index(name)
    return 9 if name in _LAST else 5


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: (_rank(item), _rank(item) == 1 and "notebook_site" not in item.fixturenames))


def _execute(path: Path) -> list[list]:
    """Outputs per code cell of one fresh run (when nbval does not run the notebook in this test run)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]


def _nbval_outputs(session, path: Path, wait: float = 600.0) -> list[list] | None:
    """Outputs per code cell of nbval's run of the notebook in this test run (waiting for it if another worker is
    at it), or None when nbval does not run it to its last cell here."""
    if not any(_is_nbval(i) and Path(str(i.fspath)) == path
               and i.cell_num == sum(c.cell_type == "code" for c in i.parent.nb.cells) - 1 for i in session.items):
        return None
    published = Path(os.environ[FRESH_ENV]) / f"{path.name}.json"
    deadline = time.monotonic() + wait
    while not published.exists():
        assert time.monotonic() < deadline, f"nbval's run of {path.name} did not finish in {wait:.0f} s"
        time.sleep(0.2)
    return [cell or [] for cell in json.loads(published.read_text(encoding="utf-8"))]


@pytest.fixture(scope="session")
def fresh_outputs(request):
    """``fresh_outputs(path)``: outputs per code cell of the notebook's fresh run in this test run: nbval's when
    nbval runs it here, else one execution of our own."""
    executed: dict[str, list[list]] = {}

    def get(path: Path) -> list[list]:
        outputs = _nbval_outputs(request.session, path)
        if outputs is not None:
            return outputs
        if path.name not in executed:
            executed[path.name] = _execute(path)
        return executed[path.name]

    return get


# ---- the site of this run's notebooks -------------------------------------------------------------------------------


def _this_runs_notebook(session, path: Path):
    """The notebook with the outputs of nbval's run in this test run; as committed when nbval does not run it."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    outputs = _nbval_outputs(session, path)
    if outputs is not None:
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        for cell, fresh in zip(code, outputs, strict=True):
            cell.outputs = [nbformat.from_dict(out) for out in fresh]
    return nb


@pytest.fixture(scope="session")
def notebook_site(request) -> Path:
    """The documentation site (Sphinx + MyST-NB, ``docs/``) of the notebooks as nbval ran them in this test run
    (as committed where nbval does not run them). Built once per test run, by the first worker that needs it, in
    the folder every worker sees; Sphinx's warnings are in ``notebook-site.warnings`` beside it."""
    from karabakh.build import site
    from karabakh.io import tables
    shared = Path(os.environ[FRESH_ENV])
    built, failed = shared / "notebook-site", shared / "notebook-site.failed"
    try:
        (shared / "notebook-site.lock").mkdir()
    except FileExistsError:  # another worker builds it: wait
        deadline = time.monotonic() + 600
        while not built.exists():
            assert not failed.exists(), "building the site failed in another worker: " + failed.read_text()
            assert time.monotonic() < deadline, "the site was not built within 600 s"
            time.sleep(0.2)
        return built
    work = Path(tempfile.mkdtemp(prefix="site-", dir=shared))
    try:
        executed = [(p, _this_runs_notebook(request.session, p), work / "no-figures")
                    for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
        warnings = site.build_site(executed, work / "site", docs=ROOT / "docs", data_folder=tables.data_dir(),
                                   work=work)
        (shared / "notebook-site.warnings").write_text(warnings, encoding="utf-8")
    except BaseException as exc:
        failed.write_text(repr(exc), encoding="utf-8")
        raise
    (work / "site").rename(built)
    return built
