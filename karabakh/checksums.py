"""A sha256 manifest of every file in the data folder (``data/SHA256SUMS``) and its check.

``python -m karabakh checksums --write`` regenerates the manifest after an intended change;
``python -m karabakh validate`` reports every file that differs from it, is missing, or is not listed.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from karabakh.errors import Problem

MANIFEST = "SHA256SUMS"
MAX_BYTES = 100 * 2**20  # larger files are refused without being read
HOW_TO_FIX = "if the change is intended, run `python -m karabakh checksums --write`"
_SKIP = {MANIFEST, "__init__.py"}


def files(folder: Path) -> list[Path]:
    """The data files a manifest covers: everything under the folder except the manifest and caches."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.name not in _SKIP and "__pycache__" not in p.parts)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_text(folder: Path) -> str:
    """The manifest's text: ``<sha256>  <path relative to the folder>`` per file, sorted by path."""
    return "".join(f"{digest(p)}  {p.relative_to(folder).as_posix()}\n" for p in files(folder))


def write(folder: Path) -> Path:
    """Write (or rewrite) the folder's manifest; return its path."""
    path = folder / MANIFEST
    path.write_text(manifest_text(folder), encoding="utf-8", newline="\n")
    return path


def verify(folder: Path) -> list[Problem]:
    """Every file that differs from the manifest, is missing, or is not listed (one problem each)."""
    path = folder / MANIFEST

    def label(name: str) -> str:
        return f"{folder.name}/{name}"

    if not path.is_file():
        return [Problem(label(MANIFEST), "", f"no checksum manifest in {folder}; run `python -m karabakh checksums --write`")]
    listed: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        parts = line.split("  ", 1)
        if len(parts) != 2 or len(parts[0]) != 64:
            return [Problem(label(MANIFEST), f"line {n}", f"not a '<sha256>  <path>' line; {HOW_TO_FIX}")]
        listed[parts[1]] = parts[0]
    problems = []
    present = {p.relative_to(folder).as_posix(): p for p in files(folder)}
    for name, expected in listed.items():
        if name not in present:
            problems.append(Problem(label(name), "", f"listed in {MANIFEST} but missing; {HOW_TO_FIX}"))
        elif present[name].stat().st_size > MAX_BYTES:
            problems.append(Problem(label(name), "", f"file is over {MAX_BYTES // 2**20} MiB; not read; {HOW_TO_FIX}"))
        elif digest(present[name]) != expected:
            problems.append(Problem(label(name), "", f"differs from its checksum in {MANIFEST}; {HOW_TO_FIX}"))
    for name in sorted(set(present) - set(listed)):
        problems.append(Problem(label(name), "", f"not listed in {MANIFEST}; {HOW_TO_FIX}"))
    return problems
