"""Curated tables: CSV files in the data folder -> typed, validated pandas objects.

The one description of every table is ``datapackage.json`` (a Frictionless Table Schema) shipped with the
package. Every loader reads its CSV, checks it against that schema and returns typed columns:

- ``date`` fields -> ``datetime64``; ``integer`` -> nullable ``Int64``; ``number`` -> ``float64``;
  ``boolean`` -> nullable ``boolean``; fields with an ``enum`` constraint -> ``Categorical`` (categories in
  schema order); other text -> pandas strings (missing values are ``NA``).
- ids are unique, required cells are filled, patterns and ranges hold, and every reference to another table
  (``source_id``, ``claimant_actor_id``, ``place_id``, each id in ``events.actor_ids``...) resolves.

Anything wrong raises :class:`~karabakh.io.errors.DataValidationError` listing every problem with its file, line
and column. Loaders only read: nothing is ever written to the data folder.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from karabakh.io import checksums, csvfile, rules
from karabakh.io.errors import DataValidationError, Problem

TABLES = ("sources", "casualties", "actors", "events", "displacement", "places", "place_names_curated", "place_names",
          "article_figures",
          "raw_registry", "layer_references", "control", "incidents", "sectors", "timeline", "timeline_ru", "incidents_pre2020",
          "detentions", "excess_deaths_2020", "unhcr_displacement", "war_2020_tolls")
LIST_SEPARATOR = rules.LIST_SEPARATOR
MAX_TABLE_BYTES = csvfile.MAX_TABLE_BYTES


# ---------------------------------------------------------------------------------------------- locations

def data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to read: the argument, else ``$KARABAKH_DATA``, else the data shipped with the package.

    Parameters
    ----------
    data_dir : path-like, optional
        A data folder.

    Returns
    -------
    Path

    Examples
    --------
    >>> data_dir("my_data")
    PosixPath('my_data')
    """
    if data_dir is not None:
        return Path(data_dir)
    if os.environ.get("KARABAKH_DATA"):
        return Path(os.environ["KARABAKH_DATA"])
    return shipped_data_dir()


def shipped_data_dir() -> Path:
    """The package's own data: ``karabakh/data`` in an installed wheel, ``data/`` beside the package in the repo.

    Returns
    -------
    Path

    Examples
    --------
    >>> (shipped_data_dir() / "datapackage.json").is_file()
    True
    """
    package = Path(__file__).resolve().parents[1]
    inside = package / "data"
    return inside if (inside / "datapackage.json").is_file() else package.parent / "data"


@functools.cache
def schema() -> dict[str, Any]:
    """The data package descriptor (``datapackage.json``) shipped with the package, as a dict.

    It is always the shipped one, also when loading another data folder: a folder cannot redefine the rules
    it is checked against.

    Returns
    -------
    dict
        The parsed descriptor (cached).

    Examples
    --------
    >>> schema()["name"]
    'karabakh'
    """
    with open(shipped_data_dir() / "datapackage.json", encoding="utf-8") as fh:
        return json.load(fh)


def table_schema(name: str) -> dict[str, Any]:
    """The Table Schema of one table (``fields``, ``primaryKey``, ``foreignKeys``).

    Parameters
    ----------
    name : str
        A table of :data:`TABLES`.

    Returns
    -------
    dict

    Raises
    ------
    KeyError
        No such table.

    Examples
    --------
    >>> table_schema("places")["primaryKey"]
    ['id']
    """
    return _resource(name)["schema"]


# ---------------------------------------------------------------------------------------------- loaders

def load_table(name: str, data_dir: str | os.PathLike[str] | None = None, *, checksum: bool = True) -> pd.DataFrame:
    """Load one table by name, validated and typed (see the module docstring).

    Parameters
    ----------
    name : str
        A table of :data:`TABLES`.
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).
    checksum : bool, default True
        Also check the file against the folder's ``SHA256SUMS`` when the folder has one.

    Returns
    -------
    pandas.DataFrame
        A copy: change it freely.

    Raises
    ------
    DataValidationError
        The file is missing, unreadable, breaks the schema or differs from the manifest; the message lists every
        problem with file, line and column.

    Examples
    --------
    >>> len(load_table("sources")) > 10
    True
    """
    from karabakh.io import checksums
    path = _table_path(name, data_dir)
    root = _root(path, name)
    frame, problems = _cached(name, path)
    if checksum:
        problems = checksums.file_problems(root, path) + problems
    if problems:
        raise DataValidationError(problems)
    return frame.copy()


def load_sources(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every source once: publisher, title, original URL, publication date, language, copy read.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        The table or a table it refers to is broken (every problem listed).

    Examples
    --------
    >>> load_sources().set_index("id").loc["voa_2023_09_20", "publisher"]
    'Voice of America (VOA News)'
    """
    return load_table("sources", data_dir)


def load_casualties(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Casualty claims, one row per claim (claimant, date reported, source). Never sum across claimants.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        The table or a table it refers to is broken (every problem listed).

    Examples
    --------
    >>> (load_casualties()["value"].dropna() >= 0).all()
    np.True_
    """
    return load_table("casualties", data_dir)


def load_actors(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """States, bodies, people and organisations in the story.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        The table or a table it refers to is broken (every problem listed).

    Examples
    --------
    >>> load_actors()["id"].is_unique
    True
    """
    return load_table("actors", data_dir)


def load_events(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Dated events with place, actors and source.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        The table or a table it refers to is broken (every problem listed).

    Examples
    --------
    >>> str(load_events()["date"].dtype).startswith("datetime64")
    True
    """
    return load_table("events", data_dir)


def load_displacement(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Cumulative arrivals in Armenia as reported, one row per reported count.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        The table or a table it refers to is broken (every problem listed).

    Examples
    --------
    >>> str(load_displacement()["cumulative_arrivals"].dtype)
    'Int64'
    """
    return load_table("displacement", data_dir)


def load_article_figures(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every figure and dated claim in the seed article, with the row that records it.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        The table or a table it refers to is broken (every problem listed).

    Examples
    --------
    >>> set(load_article_figures()["table"]) <= {"casualties", "events"}
    True
    """
    return load_table("article_figures", data_dir)


def load_places(data_dir: str | os.PathLike[str] | None = None):
    """Named places as a GeoDataFrame of points in EPSG:4326 (both names where contested).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    geopandas.GeoDataFrame
        The places table with a Point geometry from ``lon`` / ``lat``.

    Raises
    ------
    DataValidationError
        The table is broken.

    Examples
    --------
    >>> load_places().crs.to_epsg()
    4326
    """
    import geopandas as gpd

    frame = load_table("places", data_dir)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def validate_tables(data_dir: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Check every table; return all problems found (an empty list when the tables are sound).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> validate_tables()
    []
    """
    problems: list[Problem] = []
    frames = {}
    for name in TABLES:
        path = _table_path(name, data_dir)
        frames[name], found = _cached(name, path)
        problems += found
    problems += _future_dates(frames, data_dir)
    return problems


def as_of(data_dir: str | os.PathLike[str] | None = None) -> pd.Timestamp | None:
    """The data's own as-of date: the latest ``published`` date in ``sources.csv``.

    No claim, event or count can be dated after the newest source that records it, so every date in the tables
    must be on or before this day (checked by :func:`validate_tables`; ``sources.published`` itself must not be
    later than today).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: ``$KARABAKH_DATA``, else the shipped data).

    Returns
    -------
    pandas.Timestamp or None
        None when ``sources.csv`` has no dated row.

    Examples
    --------
    >>> as_of() >= pd.Timestamp("2023-09-21")
    True
    """
    published = _cached("sources", _table_path("sources", data_dir))[0]["published"].dropna()
    return published.max() if len(published) else None


def _future_dates(frames: dict[str, pd.DataFrame], data_dir) -> list[Problem]:
    """Dates after the data's as-of date (:func:`as_of`), and sources published after today."""
    problems: list[Problem] = []
    today = pd.Timestamp.now().normalize()
    day = as_of(data_dir)
    for name, frame in frames.items():
        label = _root(_table_path(name, data_dir), name).name + "/" + _resource(name)["path"]
        for field in table_schema(name)["fields"]:
            if field.get("type") != "date" or field["name"] not in frame:
                continue
            if name == "sources":
                limit, why = today, "today"
            elif day is None or pd.isna(day):
                continue
            else:
                limit, why = day, f"the data's as-of date {day:%Y-%m-%d} (the latest sources.published)"
            for line, value in frame[field["name"]].dropna().items():
                if value > limit:
                    problems.append(Problem(label, f"line {line}, column '{field['name']}'",
                                            f"date {value:%Y-%m-%d} is later than {why}"))
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


def _cached(name: str, path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """One table read and checked, cached per version of its file and of every file its checks read."""
    root = _root(path, name)
    stamp = checksums.file_stamp
    deps = tuple(stamp(root / _resource(t)["path"]) for t in TABLES) + (stamp(root / rules.SEED_ARTICLE),)
    return _load_cached(name, str(path), *stamp(path), deps)


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, path: str, mtime: int, size: int, deps: tuple) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check one table; cached per file version (path, mtime, size) and its dependencies' versions."""
    return _read_and_check(name, Path(path))


def _read_and_check(name: str, path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    spec = table_schema(name)
    label = _root(path, name).name + "/" + _resource(name)["path"]
    frame, problems = csvfile.read_table(path, spec["fields"], label)
    if frame is None:  # not readable as a table: no row to check further
        return pd.DataFrame({f["name"]: pd.Series(dtype="object") for f in spec["fields"]}), problems
    folder = _root(path, name)
    problems += rules.check_keys(name, frame, spec, label, lambda table: table_ids(folder, table))
    problems += rules.check_rules(name, frame, label)
    if name == "article_figures":
        problems += rules.check_row_ids(frame, label, lambda table: table_ids(folder, table))
        problems += rules.check_quotes(frame, label, folder)
    return frame, problems


def table_ids(data_dir: Path, table: str) -> tuple[set[str] | None, str]:
    """The ids of a referenced table, or None and the reason when that table has problems of its own.

    Parameters
    ----------
    data_dir : Path
        The data folder.
    table : str
        A table of :data:`TABLES` with an ``id`` column.

    Returns
    -------
    tuple of (set of str or None, str)

    Examples
    --------
    >>> "voa_2023_09_20" in table_ids(shipped_data_dir(), "sources")[0]
    True
    """
    path = Path(data_dir) / _resource(table)["path"]
    frame, problems = _cached(table, path)
    if problems:
        return None, f"{table}.csv has problems of its own"
    return set(frame["id"].dropna()), ""


def data_dictionary() -> str:
    """The README's data dictionary (Markdown), generated from ``datapackage.json``: one table per file.

    Map layers are listed with their feature properties (``karabakh:properties``) like the tables' columns.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> data_dictionary().startswith("### `sources.csv`")
    True
    """
    out = []
    for resource in schema()["resources"]:
        spec = resource.get("schema") or resource.get("karabakh:properties")
        if spec is None:
            continue
        out.append(f"### `{resource['path']}` — {_md(resource['title'])}\n\n{_md(resource['description'])}\n")
        what = "column" if "schema" in resource else "property"
        out.append(f"| {what} | type | required | description |\n|---|---|---|---|")
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
            out.append(f"| `{field['name']}` | {kind} | {'yes' if cons.get('required') else ''} | "
                       f"{_md(field['description']).replace('|', chr(92) + '|')} |")
        in_words = rules.ROW_RULES.get(resource["name"], ())
        if in_words:
            out.append("\nRules across columns (checked on loading): " + "; ".join(in_words) + ".")
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Text of the descriptor as Markdown that shows it and runs nothing: no raw HTML (``<Script>`` stays text) and
    no MyST role or directive (``{`` is written as an entity)."""
    import html

    return html.escape(str(text), quote=False).replace("{", "&#123;")
