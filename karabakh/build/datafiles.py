"""What every data build shares: writing a derived CSV (whole or not at all) and its command line.

The builds (:mod:`karabakh.build.incidents`, :mod:`karabakh.build.record`, :mod:`karabakh.build.place_names`) check
everything first and write only when nothing is wrong; each writes its files through :func:`write_csv` (``\\n`` line
ends, UTF-8, :func:`karabakh.io.checksums.write_atomic`) and runs from the shell through :func:`build_command`.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Callable, Iterable, Mapping

from karabakh.io import checksums
from karabakh.io.errors import DataValidationError

__all__ = ["csv_text", "write_csv", "build_command"]


def csv_text(rows: Iterable[dict], columns: tuple[str, ...]) -> str:
    """The rows as CSV text with a header, ``\\n`` line ends, columns in the given order.

    Examples
    --------
    >>> csv_text([{"id": "a", "n": 1}], ("id", "n"))
    'id,n\\na,1\\n'
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: Iterable[dict], columns: tuple[str, ...]) -> Path:
    """Write :func:`csv_text` of the rows to ``path`` as a whole or not at all; return ``path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> write_csv(pathlib.Path(tempfile.mkdtemp()) / "x.csv", [{"id": "a"}], ("id",)).read_text()
    'id\\na\\n'
    """
    return checksums.write_atomic(path, csv_text(rows, columns).encode("utf-8"))


def build_command(prog: str, description: str, build: Callable[[Path | None], Path | Mapping[str, Path]],
                  argv: list[str] | None = None) -> int:
    """The command line of a data build: ``PROG [--data DIR]``; 0 when written, 1 on problems (printed on stderr,
    nothing written).

    Parameters
    ----------
    prog, description : str
        The program name and the one-line description ``--help`` shows.
    build : callable
        Takes the data folder (None: the shipped data) and returns the path written, or a mapping of paths; raises
        :class:`~karabakh.io.errors.DataValidationError` when a problem is found.
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Examples
    --------
    >>> build_command("demo", "A demo build.", lambda folder: Path("out.csv"), [])
    wrote out.csv
    0
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data)")
    args = parser.parse_args(argv)
    try:
        written = build(args.data)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    for path in written.values() if isinstance(written, Mapping) else [written]:
        print(f"wrote {path}")
    return 0
