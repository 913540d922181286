"""Shared fixtures: a private copy of the shipped data that a test may break; the outputs of each notebook's one
fresh run (nbval's), shared with the determinism check; the site built from the committed notebooks.

Each notebook is executed once per test run: nbval executes it cell by cell and compares the text outputs with the
committed ones; ``_KeepNbvalOutputs`` keeps what nbval's kernel produced, and ``fresh_outputs`` hands it to
``test_determinism.py`` (which compares images and figure metadata too). The items are grouped for pytest-xdist
(``--dist loadgroup``): one group per test module as ``loadscope`` would, except that a notebook's nbval cells and
its determinism test share a group (in that order), and the two site modules share one (one site build).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
NOTEBOOKS = ROOT / "notebooks"
#: Test modules that read the site built from the committed notebooks (the ``committed_site`` fixture).
SITE_MODULES = {"test_site.py", "test_site_browser.py"}

#: {notebook file name: {code cell number: outputs of nbval's fresh run}}
_FRESH: dict[str, dict[int, list]] = {}


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path: compare before and after to prove nothing wrote."""
    from karabakh.checksums import digest

    return {p.relative_to(folder).as_posix(): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data folder in tmp_path (tables, datapackage.json and layers)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# ---- one execution per notebook, shared ------------------------------------------------------------------------------


def _is_nbval(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


class _KeepNbvalOutputs:
    """A plugin, not a conftest hook: conftest hooks only see items under tests/, nbval's are in notebooks/."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        yield
        if _is_nbval(item) and item.test_outputs is not None:  # nbval keeps the outputs of its run on the item
            _FRESH.setdefault(Path(str(item.fspath)).name, {})[item.cell_num] = list(item.test_outputs)


def pytest_configure(config):
    config.pluginmanager.register(_KeepNbvalOutputs(), "karabakh-keep-nbval-outputs")


def _group(item) -> str:
    path = Path(str(item.fspath))
    if _is_nbval(item):
        return f"notebook-{path.stem}"
    if path.name == "test_determinism.py" and hasattr(item, "callspec") and "path" in item.callspec.params:
        return f"notebook-{Path(item.callspec.params['path']).stem}"
    if path.name in SITE_MODULES:
        return "site"
    return path.name


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    # The determinism tests read nbval's outputs: they run after every nbval cell of their group.
    items.sort(key=lambda item: Path(str(item.fspath)).name == "test_determinism.py")


def _execute(path: Path) -> list[list]:
    """Outputs per code cell of one fresh run (when nbval did not run the notebook in this process)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]


@pytest.fixture(scope="session")
def fresh_outputs():
    """``fresh_outputs(path)``: outputs per code cell of the notebook's fresh run in this test run: nbval's when
    it ran the notebook here, else one execution of our own (e.g. ``pytest tests/test_determinism.py``)."""
    executed: dict[str, list[list]] = {}

    def get(path: Path) -> list[list]:
        import nbformat

        n_code = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
        cells = _FRESH.get(path.name, {})
        if len(cells) == n_code:
            return [cells[i] for i in range(n_code)]
        if path.name not in executed:
            executed[path.name] = _execute(path)
        return executed[path.name]

    return get


# ---- the site of the committed notebooks ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def committed_site(tmp_path_factory) -> Path:
    """The documentation site built (Sphinx + MyST-NB, ``docs/``) from the committed notebooks' outputs."""
    import nbformat

    from karabakh import site, tables

    tmp = tmp_path_factory.mktemp("site")
    executed = [(p, nbformat.read(p, as_version=4), tmp / "no-figures") for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    site.build_site(executed, tmp / "site", docs=ROOT / "docs", data_folder=tables.data_dir(), work=tmp / "work")
    return tmp / "site"
