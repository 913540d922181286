"""Shared fixtures: a private copy of the shipped data that a test may break."""
from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"


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
