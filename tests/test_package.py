"""Packaging: cheap import, a wheel that works outside the repository, environment files that agree."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def test_import_is_cheap():
    code = ("import sys, karabakh, karabakh.build.site; heavy = [m for m in ('pandas', 'geopandas', 'matplotlib', 'shapely',"
            " 'pyproj', 'nbformat', 'nbclient', 'sphinx', 'jupyter_cache') if m in sys.modules];"
            " print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import karabakh (or its main job, karabakh.build.site) pulled in: {out}"


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_environment_yml_agrees_with_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    lock = _lock()
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                name, version = pip_dep.split("==")
                conda[name.lower()] = version
        elif "=" in dep:
            name, version = dep.split("=")
            conda[name.lower()] = version
    assert conda.pop("python") == "3.11"
    mismatched = {n: (v, lock[n]) for n, v in conda.items() if n in lock and lock[n] != v}
    assert not mismatched, f"environment.yml vs requirements.lock: {mismatched}"
    assert set(conda) <= set(lock), f"in environment.yml but not locked: {set(conda) - set(lock)}"


def test_pyproject_ranges_admit_the_locked_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = _lock()
    deps = project["dependencies"] + [d for ds in project["optional-dependencies"].values() for d in ds]
    for dep in deps:
        req = Requirement(dep)
        name = req.name.lower().replace("_", "-")
        assert name in lock, f"{name} is a dependency but not in requirements.lock"
        assert req.specifier.contains(lock[name]), f"{dep} does not admit the locked {name}=={lock[name]}"


def test_requirements_in_pins_match_the_lock():
    lock = _lock()
    for line in (ROOT / "requirements.in").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = re.split("==", line)
            assert lock[name.lower().replace("_", "-")] == version


def test_wheel_ships_the_data_and_works_outside_the_repo(tmp_path):
    source = tmp_path / "source"  # build from a copy: setuptools writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("karabakh", "data"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(source)], check=True, capture_output=True)
    (wheel,) = wheels.glob("karabakh-*.whl")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import karabakh as kb; from karabakh.io import tables; "
            "print(kb.__file__); print(tables.shipped_data_dir()); "
            "print(sum(len(tables.load_table(t)) for t in tables.TABLES)); "
            "print(len(kb.load_boundaries()), len(kb.load_front_lines()))")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    module_file, data, n_rows, n_layers = out.stdout.splitlines()
    assert module_file.startswith(str(site)) and data.startswith(str(site))
    assert int(n_rows) > 100
    assert all(int(n) > 0 for n in n_layers.split())
