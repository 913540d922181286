"""The package's layers: io <- analysis <- plot <- build <- __main__, imports pointing down only (import-linter)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "NO_COLOR": "1"}
    return subprocess.run(LINT + ["--config", str(cwd / "pyproject.toml"), "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120)


def test_the_package_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    # a copy of the package in which the io layer imports from the plot layer
    shutil.copytree(ROOT / "karabakh", tmp_path / "karabakh", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    days = tmp_path / "karabakh" / "io" / "days.py"
    days.write_text(days.read_text(encoding="utf-8") + "\nfrom karabakh.plot import style  # noqa: E402\n",
                    encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "karabakh.io.days -> karabakh.plot.style" in result.stdout
