"""Curated tables: CSV files in the data folder -> typed, validated pandas objects.

The one description of every table is ``datapackage.json`` (a Frictionless Table Schema) shipped with the
package. Every loader reads its CSV, checks it against that schema and returns typed columns:

- ``date`` fields -> ``datetime64``; ``integer`` -> nullable ``Int64``; ``number`` -> ``float64``;
  ``boolean`` -> nullable ``boolean``; fields with an ``enum`` constraint -> ``Categorical`` (categories in
  schema order); other text -> pandas strings (missing values are ``NA``).
- ids are unique, required cells are filled, patterns and ranges hold, and every reference to another table
  (``source_id``, ``claimant_actor_id``, ``place_id``, each id in ``events.actor_ids``...) resolves.

Anything wrong raises :class:`~karabakh.errors.DataValidationError` listing every problem with its file, line
and column. Loaders only read: nothing is ever written to the data folder.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from karabakh.errors import DataValidationError, Problem

TABLES = ("sources", "casualties", "actors", "events", "displacement", "places", "article_figures",
          "raw_registry", "layer_references", "control")
MAX_TABLE_BYTES = 10 * 1024 * 1024  # our tables are a few kB; anything this big is not one of them
LIST_SEPARATOR = ";"
_BOM = b"\xef\xbb\xbf"


# ---------------------------------------------------------------------------------------------- locations

def data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to read: the argument, else ``$KARABAKH_DATA``, else the data shipped with the package."""
    if data_dir is not None:
        return Path(data_dir)
    if os.environ.get("KARABAKH_DATA"):
        return Path(os.environ["KARABAKH_DATA"])
    return shipped_data_dir()


def shipped_data_dir() -> Path:
    """The package's own data: ``karabakh/data`` in an installed wheel, ``data/`` beside the package in the repo."""
    here = Path(__file__).resolve().parent
    inside = here / "data"
    return inside if (inside / "datapackage.json").is_file() else here.parent / "data"


@functools.cache
def schema() -> dict[str, Any]:
    """The data package descriptor (``datapackage.json``) shipped with the package, as a dict.

    It is always the shipped one, also when loading another data folder: a folder cannot redefine the rules
    it is checked against.
    """
    with open(shipped_data_dir() / "datapackage.json", encoding="utf-8") as fh:
        return json.load(fh)


def table_schema(name: str) -> dict[str, Any]:
    """The Table Schema of one table (``fields``, ``primaryKey``, ``foreignKeys``)."""
    return _resource(name)["schema"]


# ---------------------------------------------------------------------------------------------- loaders

def load_table(name: str, data_dir: str | os.PathLike[str] | None = None, *, checksum: bool = True) -> pd.DataFrame:
    """Load one table by name, validated and typed (see the module docstring).

    Raises:
        DataValidationError: the file is missing, unreadable or breaks the schema; the message lists every
            problem with file, line and column.
    """
    from karabakh import checksums

    path = _table_path(name, data_dir)
    root = _root(path, name)
    frame, problems = _load_cached(name, str(path), *_stamp(path))
    if checksum:
        problems = checksums.file_problems(root, path) + problems
    if problems:
        raise DataValidationError(problems)
    return frame.copy()


def load_sources(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every source once: publisher, title, original URL, publication date, language, copy read."""
    return load_table("sources", data_dir)


def load_casualties(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Casualty claims, one row per claim (claimant, date reported, source). Never sum across claimants."""
    return load_table("casualties", data_dir)


def load_actors(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """States, bodies, people and organisations in the story."""
    return load_table("actors", data_dir)


def load_events(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Dated events with place, actors and source."""
    return load_table("events", data_dir)


def load_displacement(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Cumulative arrivals in Armenia as reported, one row per reported count."""
    return load_table("displacement", data_dir)


def load_article_figures(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every figure and dated claim in the seed article, with the row that records it."""
    return load_table("article_figures", data_dir)


def load_places(data_dir: str | os.PathLike[str] | None = None):
    """Named places as a GeoDataFrame of points in EPSG:4326 (both names where contested)."""
    import geopandas as gpd

    frame = load_table("places", data_dir)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def validate_tables(data_dir: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Check every table; return all problems found (an empty list when the tables are sound)."""
    problems: list[Problem] = []
    for name in TABLES:
        path = _table_path(name, data_dir)
        problems += _load_cached(name, str(path), *_stamp(path))[1]
    return problems


# ---------------------------------------------------------------------------------------------- internals

def _table_path(name: str, folder: str | os.PathLike[str] | None) -> Path:
    if name not in TABLES:
        raise KeyError(f"no table named {name!r}; tables are {', '.join(TABLES)}")
    return data_dir(folder) / _resource(name)["path"]


def _resource(name: str) -> dict[str, Any]:
    for resource in schema()["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"no table named {name!r}; tables are {', '.join(TABLES)}")


def _root(path: Path, name: str) -> Path:
    """The data folder a table's file sits in (``raw/registry.csv`` sits one level down)."""
    return path.parents[len(Path(_resource(name)["path"]).parts) - 1]


def _stamp(path: Path) -> tuple[int, int]:
    """(mtime, size) of a file, so that the cache notices edits; (-1, -1) when it does not exist."""
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, path: str, mtime: int, size: int) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check one table; cached per file version (path, mtime, size)."""
    return _read_and_check(name, Path(path))


def _read_and_check(name: str, path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    spec = table_schema(name)
    fields = spec["fields"]
    label = _root(path, name).name + "/" + _resource(name)["path"]
    empty = pd.DataFrame({f["name"]: pd.Series(dtype="object") for f in fields})

    text, problems = _read_text(path, label)
    if text is None:
        return empty, problems
    header, found = _check_header(text, [f["name"] for f in fields], label)
    if found:
        return empty, problems + found
    raw, found = _parse(text, header, label)
    problems += found
    if raw is None:
        return empty, problems

    frame = pd.DataFrame(index=raw.index)
    for field in fields:
        frame[field["name"]], found = _convert(raw[field["name"]], field, label)
        problems += found
    problems += _check_keys(name, frame, spec, label, _root(path, name))
    problems += _check_rules(name, frame, label)
    if name == "article_figures":
        problems += _check_row_ids(frame, label, _root(path, name))
    return frame, problems


def _read_text(path: Path, label: str) -> tuple[str | None, list[Problem]]:
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


def _check_header(text: str, expected: list[str], label: str) -> tuple[list[str], list[Problem]]:
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


def _parse(text: str, header: list[str], label: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Split the text into records with the csv module, keeping each record's physical line number."""
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


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?\d+")


def _convert(col: pd.Series, field: dict[str, Any], label: str) -> tuple[pd.Series, list[Problem]]:
    """Check one column's cells against its field definition and return it typed."""
    name, ftype = field["name"], field.get("type", "string")
    cons = field.get("constraints", {})
    problems: list[Problem] = []

    def bad(mask: pd.Series, why: str) -> None:
        for line, value in col[mask].items():
            shown = value if len(value) <= 60 else value[:57] + "..."
            problems.append(Problem(label, f"line {line}, column '{name}'", f"{why} (value {shown!r})"))

    col = col.str.strip() if ftype != "string" else col
    present = col != ""
    if cons.get("required"):
        for line in col.index[~present]:
            problems.append(Problem(label, f"line {line}, column '{name}'", "required value is missing"))

    if "enum" in cons:
        allowed = cons["enum"]
        bad(present & ~col.isin(allowed), f"not one of the allowed values ({', '.join(allowed)})")
        typed = pd.Series(pd.Categorical(col.where(col.isin(allowed)), categories=allowed), index=col.index)
    elif ftype == "date":
        ok_shape = col.str.fullmatch(_DATE.pattern)
        dates = pd.to_datetime(col.where(present & ok_shape), format="%Y-%m-%d", errors="coerce")
        bad(present & dates.isna(), "not a valid date in the form YYYY-MM-DD")
        typed = dates
    elif ftype == "integer":
        ok_shape = col.str.fullmatch(_INT.pattern)
        bad(present & ~ok_shape, "not a whole number")
        typed = pd.to_numeric(col.where(present & ok_shape), errors="coerce").astype("Int64")
    elif ftype == "number":
        numbers = pd.to_numeric(col.where(present), errors="coerce")
        bad(present & numbers.isna(), "not a number")
        typed = numbers.astype("float64")
    elif ftype == "boolean":
        true, false = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        known = col.isin(true + false)
        bad(present & ~known, f"not a boolean ({'/'.join(true + false)})")
        typed = col.map(lambda v: True if v in true else (False if v in false else pd.NA)).astype("boolean")
    else:
        typed = col.where(present).astype("str")

    if ftype in ("integer", "number"):
        if "minimum" in cons:
            bad(typed.notna() & (typed < cons["minimum"]).fillna(False), f"below the minimum of {cons['minimum']}")
        if "maximum" in cons:
            bad(typed.notna() & (typed > cons["maximum"]).fillna(False), f"above the maximum of {cons['maximum']}")
    if "pattern" in cons:
        bad(present & ~col.str.fullmatch(cons["pattern"]), f"does not match the pattern {cons['pattern']}")
    if cons.get("unique"):
        dup = present & col.duplicated(keep=False)
        bad(dup, "duplicate value; must be unique")
    return typed, problems


def table_ids(data_dir: Path, table: str) -> tuple[set[str] | None, str]:
    """The ids of a referenced table, or None when that table has problems of its own."""
    path = Path(data_dir) / _resource(table)["path"]
    frame, problems = _load_cached(table, str(path), *_stamp(path))
    if problems:
        return None, f"{table}.csv has problems of its own"
    return set(frame["id"].dropna()), ""


def _check_keys(name: str, frame: pd.DataFrame, spec: dict[str, Any], label: str, folder: Path) -> list[Problem]:
    problems: list[Problem] = []
    refs = [(fk["fields"], fk["reference"]["resource"] or name, False) for fk in spec.get("foreignKeys", [])]
    refs += [(f["name"], f["karabakh:list_of"], True) for f in spec["fields"] if "karabakh:list_of" in f]
    for column, target, is_list in refs:
        values = frame[column].dropna()
        if values.empty:
            continue
        known, why = (set(frame["id"].dropna()), "") if target == name else table_ids(folder, target)
        if known is None:
            problems.append(Problem(label, f"column '{column}'", f"cannot check references to {target}.id: {why}"))
            continue
        for line, value in values.items():
            parts = value.split(LIST_SEPARATOR) if is_list else [value]
            missing = [p for p in parts if p not in known]
            if missing:
                problems.append(Problem(label, f"line {line}, column '{column}'",
                                        f"unknown {target} id(s): {', '.join(missing)} (not in {target}.csv)"))
    return problems


def _check_row_ids(frame: pd.DataFrame, label: str, folder: Path) -> list[Problem]:
    """Each ``row_id`` of article_figures names a row of the table in its ``table`` column."""
    problems: list[Problem] = []
    for table in frame["table"].dropna().unique():
        known, why = table_ids(folder, str(table))
        rows = frame[(frame["table"] == table) & frame["row_id"].notna()]
        for line, row_id in rows["row_id"].items():
            if known is None:
                problems.append(Problem(label, f"line {line}, column 'row_id'", f"cannot check it: {why}"))
            elif row_id not in known:
                problems.append(Problem(label, f"line {line}, column 'row_id'",
                                        f"{row_id!r} is not an id in {table}.csv"))
    return problems


def _check_rules(name: str, frame: pd.DataFrame, label: str) -> list[Problem]:
    """Rules that relate columns of one row to each other (beyond what a Table Schema can say)."""
    problems: list[Problem] = []

    def bad(mask: pd.Series, where: str, why: str) -> None:
        for line in frame.index[mask.fillna(False).astype(bool)]:
            problems.append(Problem(label, f"line {line}, {where}", why))

    if name == "casualties":
        unspecified = frame["value_qualifier"] == "unspecified"
        bad(frame["value"].isna() & ~unspecified, "column 'value'",
            "value is missing; leave it empty only when value_qualifier is 'unspecified'")
        bad(frame["value"].notna() & unspecified, "column 'value_qualifier'",
            "is 'unspecified' but a value is given")
        bad(frame["period_start"] > frame["period_end"], "column 'period_end'", "period ends before it starts")
        bad(frame["reported_on"] < frame["period_start"], "column 'reported_on'",
            "reported before the period it counts began")
    if name == "article_figures":
        bad(frame["value"].isna() & frame["date"].isna(), "column 'value'",
            "a figure needs a value (a count) or a date (a dated claim)")
        bad(frame["value"].notna() & frame["value_qualifier"].isna(), "column 'value_qualifier'",
            "a count needs its qualifier")
    return problems


def data_dictionary() -> str:
    """The README's data dictionary (Markdown), generated from ``datapackage.json``: one table per file."""
    out = []
    for resource in schema()["resources"]:
        if "schema" not in resource:
            continue
        spec = resource["schema"]
        out.append(f"### `{resource['path']}` — {resource['title']}\n\n{resource['description']}\n")
        out.append("| column | type | required | description |\n|---|---|---|---|")
        for field in spec["fields"]:
            cons = field.get("constraints", {})
            kind = field["type"]
            if "enum" in cons:
                kind = "one of: " + ", ".join(f"`{v}`" for v in cons["enum"])
            elif "karabakh:list_of" in field:
                kind = f"list of {field['karabakh:list_of']}.id, `;`-separated"
            extra = [f"unique" if cons.get("unique") else "", f"≥ {cons['minimum']}" if "minimum" in cons else "",
                     f"≤ {cons['maximum']}" if "maximum" in cons else "",
                     # a | inside a table cell ends it: escape it
                     f"pattern `{cons['pattern']}`".replace("|", "\\|") if "pattern" in cons else ""]
            refs = [fk["reference"]["resource"] or resource["name"] for fk in spec.get("foreignKeys", [])
                    if fk["fields"] == field["name"]]
            extra.append(f"→ {refs[0]}.id" if refs else "")
            kind = "; ".join([kind] + [e for e in extra if e])
            out.append(f"| `{field['name']}` | {kind} | {'yes' if cons.get('required') else ''} | {field['description']} |")
        rules = _ROW_RULES.get(resource["name"], ())
        if rules:
            out.append("\nRules across columns (checked on loading): " + "; ".join(rules) + ".")
        out.append("")
    return "\n".join(out)


# What _check_rules enforces, in words, for the data dictionary (keep the two in step).
_ROW_RULES = {
    "casualties": ("`value` is empty exactly when `value_qualifier` is `unspecified`",
                   "`period_start` ≤ `period_end`", "`reported_on` ≥ `period_start`"),
    "article_figures": ("a figure has a `value` or a `date` (or both)", "a `value` has a `value_qualifier`"),
}
