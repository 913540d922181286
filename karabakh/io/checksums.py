"""A sha256 manifest of every file in the data folder (``data/SHA256SUMS``) and its check.

``python -m karabakh checksums --write`` regenerates the manifest after an intended change (it refuses invalid
data); ``python -m karabakh validate`` reports every file that differs from it, is missing, or is not listed.
The loaders check each file they read against the manifest of its folder when the folder carries one
(:func:`file_problems`, cached per file version, so once per process); a folder without a manifest loads as is.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from karabakh.io.errors import Problem

MANIFEST = "SHA256SUMS"
MAX_BYTES = 100 * 2**20  # larger files are refused without being read
HOW_TO_FIX = "if the change is intended, run `python -m karabakh checksums --write`"
_SKIP = {MANIFEST, "__init__.py"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: What a file whose line endings git converted gets told (one sentence for all of them).
CRLF_FIX = ("line endings were changed to CRLF (git's core.autocrlf?); the data must keep its exact bytes: keep"
            " `data/** -text` in .gitattributes, then check the files out again (delete them and"
            " `git checkout -- data/`)")


def files(folder: Path) -> list[Path]:
    """The data files a manifest covers: everything under the folder except the manifest and caches.

    Parameters
    ----------
    folder : Path
        A data folder.

    Returns
    -------
    list of Path
        Sorted paths.

    Examples
    --------
    >>> from karabakh.io.tables import shipped_data_dir
    >>> any(p.name == "casualties.csv" for p in files(shipped_data_dir()))
    True
    """
    return sorted(p for p in Path(folder).rglob("*")
                  if p.is_file() and not p.is_symlink() and p.name not in _SKIP and "__pycache__" not in p.parts
                  and not p.name.endswith(".tmp"))


def digest(path: Path) -> str:
    """The sha256 of a file, as 64 hex digits.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        Lower-case hex digest.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"")
    >>> digest(p)[:16]
    'e3b0c44298fc1c14'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_text(folder: Path) -> str:
    """The manifest's text: ``<sha256>  <path relative to the folder>`` per file, sorted by path.

    Parameters
    ----------
    folder : Path
        A data folder.

    Returns
    -------
    str
        One line per file.

    Examples
    --------
    >>> from karabakh.io.tables import shipped_data_dir
    >>> "  casualties.csv" in manifest_text(shipped_data_dir())
    True
    """
    return "".join(f"{digest(p)}  {p.relative_to(folder).as_posix()}\n" for p in files(folder))


def write(folder: Path) -> Path:
    """Write (or rewrite) the folder's manifest, without checking the data (see ``checksums --write``).

    Parameters
    ----------
    folder : Path
        A data folder.

    Returns
    -------
    Path
        The manifest written (a temporary file renamed over it).

    Raises
    ------
    DataValidationError
        The folder holds a symbolic link or something else than plain files (see :func:`unsafe`).
    """
    folder = Path(folder)
    refused = unsafe(folder)
    if refused:
        from karabakh.io.errors import DataValidationError
        raise DataValidationError([Problem(f"{folder.name}/{name}", "", why) for name, why in refused])
    return write_atomic(folder / MANIFEST, manifest_text(folder).encode("utf-8"))  # never half-written


def write_atomic(path: Path, data: bytes) -> Path:
    """Write a file as a whole or not at all: a temporary file beside it, then renamed over it.

    A full disk or a killed process leaves the previous file (or none) and no half-written one.

    Parameters
    ----------
    path : Path
        The file to write.
    data : bytes
        Its new content.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> write_atomic(p, b"whole").read_bytes()
    b'whole'
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def file_stamp(path: Path) -> tuple[int, int]:
    """(mtime in ns, size) of a file, so that a cache notices edits; (-1, -1) when it does not exist.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> file_stamp(Path("no/such/file"))
    (-1, -1)
    """
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _listed(manifest: str, mtime: int, size: int) -> tuple[dict[str, str] | None, str]:
    """The manifest's {relative path: sha256}, or None and the reason it cannot be read."""
    listed: dict[str, str] = {}
    text = Path(manifest).read_text(encoding="utf-8", errors="replace")
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.split("  ", 1)
        if len(parts) != 2 or not _SHA256.fullmatch(parts[0]):
            return None, f"line {n}: not a '<sha256>  <path>' line"
        name = parts[1]
        if name.startswith("/") or ".." in name.split("/") or name != name.strip():
            return None, f"line {n}: {name!r} is not a path inside the data folder"
        if name in listed:
            return None, (f"line {n}: {name} is listed twice" + (" with another checksum" if listed[name] != parts[0]
                                                                   else ""))
        listed[name] = parts[0]
    return listed, ""


@functools.lru_cache(maxsize=256)
def _digest_cached(path: str, mtime: int, size: int) -> str:
    return digest(Path(path))


def file_problems(folder: Path, path: Path) -> list[Problem]:
    """Whether one file of a data folder matches the folder's manifest (no manifest: nothing to check).

    Cached per version (mtime, size) of the manifest and of the file, so a loader pays for the hash once per
    process. A file the loader will report as missing is left to the loader.

    Parameters
    ----------
    folder : Path
        The data folder (holding ``SHA256SUMS`` or not).
    path : Path
        A file inside it.

    Returns
    -------
    list of Problem
        Empty when the file matches, or when the folder carries no manifest.

    Examples
    --------
    >>> from karabakh.io.tables import shipped_data_dir
    >>> file_problems(shipped_data_dir(), shipped_data_dir() / "casualties.csv")
    []
    """
    folder, path = Path(folder), Path(path)
    manifest = folder / MANIFEST
    m_stamp = file_stamp(manifest)
    if m_stamp == (-1, -1) or not path.is_file():
        return []
    listed, bad_line = _listed(str(manifest), *m_stamp)
    name = path.relative_to(folder).as_posix()
    label = f"{folder.name}/{name}"
    if listed is None:
        where, why = bad_line.split(": ", 1)
        return [Problem(f"{folder.name}/{MANIFEST}", where, f"{why}; {HOW_TO_FIX}")]
    if name not in listed:
        return [Problem(label, "", f"not listed in {folder.name}/{MANIFEST}; {HOW_TO_FIX}")]
    stamp = file_stamp(path)
    if stamp[1] > MAX_BYTES:
        return [Problem(label, "", f"file is over {MAX_BYTES // 2**20} MiB; not read; {HOW_TO_FIX}")]
    if _digest_cached(str(path), *stamp) != listed[name]:
        if _crlf_only(path, listed[name]):
            return [Problem(label, "", CRLF_FIX)]
        return [Problem(label, "", f"differs from its checksum in {folder.name}/{MANIFEST} (edited or cut "
                                   f"short?); {HOW_TO_FIX}")]
    return []


def verify(folder: Path) -> list[Problem]:
    """Every file that differs from the manifest, is missing, or is not listed (one problem each).

    Parameters
    ----------
    folder : Path
        A data folder.

    Returns
    -------
    list of Problem
        Empty when every file matches; one problem when the manifest itself is missing.

    Examples
    --------
    >>> from karabakh.io.tables import shipped_data_dir
    >>> verify(shipped_data_dir())
    []
    """
    folder = Path(folder)
    path = folder / MANIFEST

    def label(name: str) -> str:
        return f"{folder.name}/{name}"

    if not path.is_file():
        return [Problem(label(MANIFEST), "", f"no checksum manifest in {folder}; run `python -m karabakh checksums --write`")]
    listed, bad_line = _listed(str(path), *file_stamp(path))
    if listed is None:
        where, why = bad_line.split(": ", 1)
        return [Problem(label(MANIFEST), where, f"{why}; {HOW_TO_FIX}")]
    problems = [Problem(label(name), "", why) for name, why in unsafe(folder)]
    present = {p.relative_to(folder).as_posix(): p for p in files(folder)}
    crlf = []
    for name, expected in listed.items():
        if name not in present:
            problems.append(Problem(label(name), "", f"listed in {MANIFEST} but missing; {HOW_TO_FIX}"))
        elif present[name].stat().st_size > MAX_BYTES:
            problems.append(Problem(label(name), "", f"file is over {MAX_BYTES // 2**20} MiB; not read; {HOW_TO_FIX}"))
        elif _digest_cached(str(present[name]), *file_stamp(present[name])) != expected:
            if _crlf_only(present[name], expected):
                crlf.append(name)
            else:
                problems.append(Problem(label(name), "", f"differs from its checksum in {MANIFEST}; {HOW_TO_FIX}"))
    if crlf:  # one sentence for the cause, not one line per file
        problems.insert(0, Problem(label(crlf[0]), "", f"{len(crlf)} file(s) (this one first): {CRLF_FIX}"))
    for name in sorted(set(present) - set(listed)):
        problems.append(Problem(label(name), "", f"not listed in {MANIFEST}; {HOW_TO_FIX}"))
    return problems


def _crlf_only(path: Path, expected: str) -> bool:
    """Whether the file matches its checksum once CRLF line endings are turned back into LF."""
    with open(path, "rb") as fh:
        if b"\r\n" not in fh.read(1 << 16) or path.stat().st_size > MAX_BYTES:  # no CRLF in its head: another change
            return False
        fh.seek(0)
        data = fh.read()
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest() == expected


def unsafe(folder: Path) -> list[tuple[str, str]]:
    """Entries of a data folder that a manifest must not record: symbolic links and anything not a plain file.

    Parameters
    ----------
    folder : Path
        A data folder.

    Returns
    -------
    list of (str, str)
        (path relative to the folder, why), sorted.

    Examples
    --------
    >>> from karabakh.io.tables import shipped_data_dir
    >>> unsafe(shipped_data_dir())
    []
    """
    found = []
    for root, dirs, names in os.walk(folder):  # os.walk does not follow links to folders
        for name in [*dirs, *names]:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found.append((rel, f"is a symbolic link (to {os.readlink(path)}); a data folder holds its own files"
                                   " only: replace it with the file itself"))
            elif name in names and not path.is_file():
                found.append((rel, "is not a regular file"))
    return sorted(found)
