"""One CSV file against its Table Schema: bytes -> text -> header -> records -> typed columns.

Each step returns what it could read and every problem it found, located by file, line and column, so that
:mod:`karabakh.io.tables` can list them all at once. Nothing here writes.
"""
from __future__ import annotations

import collections
import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from karabakh.io.errors import Problem

MAX_TABLE_BYTES = 10 * 1024 * 1024  # our tables are a few kB; anything this big is not one of them
_BOM = b"\xef\xbb\xbf"


def read_text(path: Path, label: str) -> tuple[str | None, list[Problem]]:
    """The file's text, refused early when it is missing, empty, too big, binary or not UTF-8.

    Parameters
    ----------
    path : Path
        The CSV file.
    label : str
        How problems name the file (``"data/events.csv"``).

    Returns
    -------
    tuple of (str or None, list of Problem)
        The text (None when it cannot be used) and the problems (a byte-order mark is reported, then removed).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"; _ = p.write_bytes(b"")
    >>> read_text(p, "t.csv")[1][0].message
    'file is empty (expected a header row and data rows)'
    """
    if not path.exists():
        return None, [Problem(label, "", "file not found")]
    if not path.is_file():
        return None, [Problem(label, "", "is not a regular file")]
    size = path.stat().st_size
    if size == 0:
        return None, [Problem(label, "", "file is empty (expected a header row and data rows)")]
    if size > MAX_TABLE_BYTES:
        return None, [Problem(label, "", f"file is {size / 2**20:.1f} MiB, over the {MAX_TABLE_BYTES // 2**20} MiB "
                                         "limit for a table; refused without reading it")]
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, [Problem(label, f"line {line}", "contains NUL bytes: this is not a text CSV file")]
    problems = []
    if data.startswith(_BOM):
        problems.append(Problem(label, "line 1", "starts with a UTF-8 byte-order mark (BOM); save as UTF-8 without BOM"))
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(label, f"line {line}", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                                                  "save the file as UTF-8")]
    return text, problems


def check_header(text: str, expected: list[str], label: str) -> tuple[list[str], list[Problem]]:
    """The header row against the schema's column names: missing, unknown, duplicate, out of order, wrong separator.

    Parameters
    ----------
    text : str
        The file's text.
    expected : list of str
        The schema's column names, in order.
    label : str
        How problems name the file (``"data/events.csv"``).

    Returns
    -------
    tuple of (list of str, list of Problem)
        The header as read, and its problems.

    Examples
    --------
    >>> check_header("a;b", ["a", "b"], "t.csv")[1][0].message
    'header is separated by semicolons; the tables use commas'
    """
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration) as exc:  # pragma: no cover - csv.reader rarely fails on one line
        return [], [Problem(label, "line 1", f"header cannot be read as CSV ({exc})")]
    header = [h.strip() for h in header]
    if len(header) == 1 and len(expected) > 1:
        for sep, sep_name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in first:
                return header, [Problem(label, "line 1", f"header is separated by {sep_name}; the tables use commas")]
    problems = []
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    dupes = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append(Problem(label, "line 1", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        shown = ", ".join(repr(c[:40]) for c in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        problems.append(Problem(label, "line 1", f"unknown column(s) not in the schema: {shown}"))
    if dupes:
        problems.append(Problem(label, "line 1", f"duplicate column(s): {', '.join(dupes)}"))
    if not problems and header != expected:
        problems.append(Problem(label, "line 1", f"columns are out of order; expected: {', '.join(expected)}"))
    return header, problems


def parse(text: str, header: list[str], label: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Split the text into records with the csv module, keeping each record's physical line number.

    Parameters
    ----------
    text : str
        The file's text.
    header : list of str
        The header as read.
    label : str
        How problems name the file (``"data/events.csv"``).

    Returns
    -------
    tuple of (pandas.DataFrame or None, list of Problem)
        The records as strings, indexed by line number (None when the text cannot be parsed), and the problems
        (empty rows, rows with too few or too many fields, line breaks inside fields).

    Examples
    --------
    >>> frame, problems = parse(chr(10).join(["a,b", "1,2", "3", ""]), ["a", "b"], "t.csv")
    >>> list(frame.index), problems[0].where
    ([2], 'line 3')
    """
    problems: list[Problem] = []
    records, lines = [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            if line == 1:
                continue  # the header, checked already
            if not record or record == [""] * len(record) and len(record) <= 1:
                problems.append(Problem(label, f"line {line}", "empty row"))
            elif len(record) != len(header):
                fewer = "fewer" if len(record) < len(header) else "more"
                problems.append(Problem(label, f"line {line}", f"row has {len(record)} fields, {fewer} than the "
                                                               f"{len(header)} of the header (a stray comma or quote?)"))
            else:
                if last != line:
                    problems.append(Problem(label, f"line {line}", "a field contains a line break; keep each row "
                                                                   "on one line"))
                records.append(record)
                lines.append(line)
    except csv.Error as exc:
        return None, [Problem(label, f"line {reader.line_num}", f"cannot be parsed as CSV: {exc}")]
    raw = pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype="str")
    return raw, problems


def read_table(path: Path, fields: list[dict[str, Any]], label: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Every step for one file: its text, header and records, and each column typed by its field.

    Parameters
    ----------
    path : Path
        The CSV file.
    fields : list of dict
        Its Table Schema fields, in order.
    label : str
        How problems name the file (``"data/events.csv"``).

    Returns
    -------
    tuple of (pandas.DataFrame or None, list of Problem)
        The typed table indexed by line number (None when the text, header or records cannot be read), and every
        problem found.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text(chr(10).join(["n", "3", "x", ""]), encoding="utf-8")
    >>> frame, problems = read_table(path, [{"name": "n", "type": "integer"}], "t.csv")
    >>> frame["n"].tolist(), [p.where for p in problems]
    ([3, <NA>], ["line 3, column 'n'"])
    """
    text, problems = read_text(path, label)
    if text is None:
        return None, problems
    header, found = check_header(text, [f["name"] for f in fields], label)
    if found:
        return None, problems + found
    raw, found = parse(text, header, label)
    problems += found
    if raw is None:
        return None, problems
    columns = {}
    for field in fields:
        columns[field["name"]], found = convert(raw[field["name"]], field, label)
        problems += found
    return pd.DataFrame(columns, index=raw.index), problems


# ASCII digits only: Python's \d and int() also take full-width or Arabic-Indic digits, which pandas then loads as
# missing; such a cell is "not a number", never a value lost.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Columns holding ids (compared exactly, so they may not carry surrounding spaces).
_ID_COLUMN = re.compile(r"(?:.*_)?ids?")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def convert(col: pd.Series, field: dict[str, Any], label: str) -> tuple[pd.Series, list[Problem]]:
    """Check one column's cells against its field definition and return it typed.

    Parameters
    ----------
    col : pandas.Series
        The column as strings, indexed by line number.
    field : dict
        Its Table Schema field (type, constraints).
    label : str
        How problems name the file (``"data/events.csv"``).

    Returns
    -------
    tuple of (pandas.Series, list of Problem)
        The typed column (see :mod:`karabakh.io.tables`) and one problem per bad cell.

    Examples
    --------
    >>> import pandas as pd
    >>> typed, problems = convert(pd.Series(["3", "x"], index=[2, 3]), {"name": "n", "type": "integer"}, "t.csv")
    >>> str(problems[0])
    "t.csv: line 3, column 'n': not a whole number (value 'x')"
    """
    # The checks run over plain lists (pandas costs ~50 us per operation, ~15 of them per column, ~140 columns);
    # pandas only builds the typed column, one conversion per column.
    name, ftype = field["name"], field.get("type", "string")
    cons = field.get("constraints", {})
    problems: list[Problem] = []
    col = col.str.strip() if ftype != "string" else col
    lines, values = col.index.tolist(), col.tolist()
    present = [v != "" for v in values]

    def bad(flags: list[bool], why: str) -> None:
        for line, value, flag in zip(lines, values, flags):
            if flag:
                shown = value if len(value) <= 60 else value[:57] + "..."
                problems.append(Problem(label, f"line {line}, column '{name}'", f"{why} (value {shown!r})"))

    if cons.get("required"):
        for line, here in zip(lines, present):
            if not here:
                problems.append(Problem(label, f"line {line}, column '{name}'", "required value is missing"))

    if "enum" in cons:
        allowed = cons["enum"]
        known = set(allowed)
        bad([here and v not in known for v, here in zip(values, present)],
            f"not one of the allowed values ({', '.join(allowed)})")
        typed = pd.Series(pd.Categorical([v if v in known else None for v in values], categories=allowed),
                          index=col.index)
    elif ftype == "date":
        keep = [here and _DATE.fullmatch(v) is not None for v, here in zip(values, present)]
        dates = pd.to_datetime(col.where(keep), format="%Y-%m-%d", errors="coerce")
        bad([here and missing for here, missing in zip(present, dates.isna().tolist())],
            "not a valid date in the form YYYY-MM-DD")
        typed = dates
    elif ftype == "integer":
        ok_shape = [_INT.fullmatch(v) is not None for v in values]
        foreign = [here and not ok and not v.isascii() for v, here, ok in zip(values, present, ok_shape)]
        bad(foreign, "not a number: only the ASCII digits 0-9 count")
        bad([here and not ok and not f for here, ok, f in zip(present, ok_shape, foreign)], "not a whole number")
        fits = [ok and _INT64_MIN <= int(v) <= _INT64_MAX for v, ok in zip(values, ok_shape)]
        bad([ok and not fit for ok, fit in zip(ok_shape, fits)], "a whole number too large for the table (64-bit)")
        keep = [here and fit for here, fit in zip(present, fits)]
        typed = pd.to_numeric(col.where(keep), errors="coerce").astype("Int64")
    elif ftype == "number":
        ok_shape = [here and _NUMBER.fullmatch(v) is not None for v, here in zip(values, present)]
        numbers = pd.to_numeric(col.where(ok_shape), errors="coerce")
        finite = numbers.abs() < float("inf")
        bad([here and not ok for here, ok in zip(present, ok_shape)],
            "not a number (ASCII digits 0-9, an optional sign, point and exponent; no inf or nan)")
        bad([ok and not f for ok, f in zip(ok_shape, finite.tolist())], "not a finite number (too large)")
        numbers = numbers.where(finite)
        typed = numbers.astype("float64")
    elif ftype == "boolean":
        true, false = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        bad([here and v not in true and v not in false for v, here in zip(values, present)],
            f"not a boolean ({'/'.join(true + false)})")
        typed = pd.Series([True if v in true else (False if v in false else pd.NA) for v in values],
                          index=col.index, dtype="boolean")
    else:
        typed = pd.Series([v if here else None for v, here in zip(values, present)], index=col.index, dtype="str")
        if _ID_COLUMN.fullmatch(name) or "karabakh:list_of" in field:
            parts = [v.split(";") if "karabakh:list_of" in field else [v] for v in values]
            bad([here and any(p != p.strip() for p in ps) for ps, here in zip(parts, present)],
                "an id with spaces around it (ids are compared exactly; remove the spaces)")

    if ftype in ("integer", "number") and ("minimum" in cons or "maximum" in cons):
        numbers = [None if pd.isna(v) else v for v in typed.tolist()]
        if "minimum" in cons:
            bad([v is not None and v < cons["minimum"] for v in numbers], f"below the minimum of {cons['minimum']}")
        if "maximum" in cons:
            bad([v is not None and v > cons["maximum"] for v in numbers], f"above the maximum of {cons['maximum']}")
    if "pattern" in cons:
        pattern = re.compile(cons["pattern"])
        bad([here and pattern.fullmatch(v) is None for v, here in zip(values, present)],
            f"does not match the pattern {cons['pattern']}")
    if cons.get("unique"):
        counts = collections.Counter(values)
        bad([here and counts[v] > 1 for v, here in zip(values, present)], "duplicate value; must be unique")
    return typed, problems
