"""Map layers: load and validate the committed GeoJSON in ``<data>/layers/``.

Three files (RFC 7946 GeoJSON: 2-D, WGS 84 lon/lat, coordinates rounded, one feature per line), each described
in ``datapackage.json`` (``karabakh:properties``: fields, geometry types, bbox, decimals):

- ``boundaries.geojson`` -- countries and the former NKAO; properties ``kind`` ("country" | "nkao"),
  ``name``, ``iso3`` (countries), ``source_id``.
- ``front_lines.geojson`` -- every dated control area, line of contact and corridor; properties ``key``,
  ``feature`` ("control_area" | "contact_line" | "corridor"), ``label``, ``valid_from``, ``valid_to``
  (ISO dates; ``valid_to`` empty = still valid; the interval is half-open: valid_from <= day < valid_to),
  ``source_id`` (where the geometry comes from), ``from_source_id`` / ``to_source_id`` (what dates it),
  ``note``.
- ``context.geojson`` -- coarse countries of a wider area, for locator insets.

Each file is parsed and checked once per process (cached per file version, like the tables); the loaders
return copies and raise :class:`karabakh.io.errors.DataValidationError` naming file, feature and problem. The
layers are derived from ``data/raw/`` by :mod:`karabakh.build.layers`; published figures to compare them with
are the table ``layers/reference_figures.csv``.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from karabakh.io import checksums, tables
from karabakh.io.days import to_day
from karabakh.io.errors import CoverageWarning, DataValidationError, Problem

BOUNDARIES = "boundaries.geojson"
CONTEXT = "context.geojson"  # coarse countries of a wider area, for locator insets
FRONT_LINES = "front_lines.geojson"
MANIFEST = "manifest.csv"
LAYER_FILES = (BOUNDARIES, FRONT_LINES, CONTEXT)
_RESOURCES = {BOUNDARIES: "boundaries", FRONT_LINES: "front_lines", CONTEXT: "context"}


def layer_schema(file: str) -> dict[str, Any]:
    """The description of one layer file in ``datapackage.json`` (fields, geometryTypes, bbox, decimals).

    Parameters
    ----------
    file : str
        ``"boundaries.geojson"``, ``"front_lines.geojson"`` or ``"context.geojson"``.

    Returns
    -------
    dict
        The resource's ``karabakh:properties``.

    Raises
    ------
    KeyError
        ``datapackage.json`` describes no layer of that file name.

    Examples
    --------
    >>> layer_schema("front_lines.geojson")["decimals"]
    5
    """
    for resource in tables.schema()["resources"]:
        if resource["name"] == _RESOURCES[file]:
            return resource["karabakh:properties"]
    raise KeyError(file)  # pragma: no cover - the shipped descriptor lists every layer


def _fields(file: str) -> tuple[str, ...]:
    return tuple(f["name"] for f in layer_schema(file)["fields"])


def _enum(file: str, name: str) -> tuple[str, ...]:
    return tuple(next(f for f in layer_schema(file)["fields"] if f["name"] == name)["constraints"]["enum"])


BOUNDARY_FIELDS = _fields(BOUNDARIES)
FRONT_LINE_FIELDS = _fields(FRONT_LINES)
KINDS = _enum(BOUNDARIES, "kind")
FEATURE_TYPES = _enum(FRONT_LINES, "feature")
REGION_BBOX = tuple(layer_schema(BOUNDARIES)["bbox"])  # lon_min, lat_min, lon_max, lat_max: the South Caucasus
CONTEXT_BBOX = tuple(layer_schema(CONTEXT)["bbox"])  # Black Sea to beyond the Caspian: where the region is
PRECISION = layer_schema(BOUNDARIES)["decimals"]  # 1e-5 deg = 1.1 m north-south, 0.85 m east-west at 40 N
CONTEXT_PRECISION = layer_schema(CONTEXT)["decimals"]  # 1e-3 deg ~ 100 m, far below what a locator inset shows
MAX_LAYER_BYTES = layer_schema(FRONT_LINES)["maxBytes"]  # refuse bigger files before reading them
POLYGONS = ("Polygon", "MultiPolygon")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def layers_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The layers folder of a data folder.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: the shipped data, or ``$KARABAKH_DATA``).

    Returns
    -------
    Path
        ``<data>/layers``.

    Examples
    --------
    >>> layers_dir().name
    'layers'
    """
    return tables.data_dir(data_dir) / "layers"


# ------------------------------------------------------------------------------------------ validation
def _label(path: Path) -> str:
    """How problems name a layer file: 'layers/front_lines.geojson' (as the tables do: 'data/places.csv')."""
    return f"{path.parent.name}/{path.name}"


def _read_features(path: Path) -> tuple[list[dict] | None, list[Problem]]:
    """Size check, then one json parse. Returns the features or the problems of the whole file."""
    file = _label(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(file, "", f"cannot read the layer file ({exc.strerror or exc})")]
    if size > MAX_LAYER_BYTES:
        return None, [Problem(file, "", f"file is {size:,} bytes, over the {MAX_LAYER_BYTES:,}-byte limit")]
    data = path.read_bytes()
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(file, f"line {line}", f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the"
                                                    " file as UTF-8")]
    except json.JSONDecodeError as exc:
        return None, [Problem(file, "", f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return None, [Problem(file, "", "not a GeoJSON FeatureCollection")]
    problems = []
    crs = doc.get("crs")
    if crs is not None:  # RFC 7946 has no crs member; an old-style one must at least say WGS 84 lon/lat
        props = crs.get("properties") if isinstance(crs, dict) else None
        name = str(props.get("name", "")) if isinstance(props, dict) else ""
        if not isinstance(props, dict):
            problems.append(Problem(file, "", f"malformed crs member {crs!r}: expected "
                                    '{"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}'))
        elif not re.search(r"CRS84$|EPSG:{1,2}4326$", name):
            problems.append(Problem(file, "", f"CRS must be EPSG:4326 / OGC CRS84 (lon/lat), found {name!r}"))
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        problems.append(Problem(file, "", "no features"))
        return None, problems
    return features, problems


def _parse_date(text: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(text) if _DATE.match(text) else None
    except ValueError:
        return None


def _check_properties(file: str, w: str, row: dict, spec: dict, g) -> list[Problem]:
    """The properties of one feature against the layer's schema, and its geometry type."""
    problems = []
    by_name = {f["name"]: f for f in spec["fields"]}
    for name, value in row.items():
        cons = by_name[name].get("constraints", {})
        if value and "enum" in cons and value not in cons["enum"]:
            what = "feature type" if name == "feature" else name
            problems.append(Problem(file, w, f"unknown {what} {value!r} (expected one of {tuple(cons['enum'])})"))
        elif value and "pattern" in cons and not re.fullmatch(cons["pattern"], value):
            why = {"iso3": f"country without a valid iso3 code ({value!r})"}.get(name, f"{name} {value!r} is not a "
                  "snake_case source id" if name.endswith("source_id") else f"{name} {value!r} does not match "
                  f"the pattern {cons['pattern']}")
            problems.append(Problem(file, w, why))
    allowed = spec["geometryTypes"]
    if "feature" in row:
        allowed = allowed.get(row["feature"], ())
    if allowed and g is not None and g.geom_type not in allowed:
        what = f"a {row['feature']}" if "feature" in row else "a boundary"
        problems.append(Problem(file, w, f"{what} must be a {' or '.join(allowed)}, found {g.geom_type}"))
    if row.get("feature") == "control_area" and not row.get("held_by"):
        problems.append(Problem(file, w, "a control area needs held_by (who held it)"))
    if row.get("feature") in ("control_area", "corridor") and not row.get("peacekeepers"):
        problems.append(Problem(file, w, f"a {row['feature']} needs peacekeepers ('true' or 'false')"))
    if "kind" in row and row["kind"] == "country" and not row["iso3"]:
        problems.append(Problem(file, w, "country without a valid iso3 code ('')"))
    if "valid_from" in row:
        start, end = row["valid_from"], row["valid_to"]
        d0 = _parse_date(start) if start else None
        if start and d0 is None:
            problems.append(Problem(file, w, f"valid_from {start!r} is not a date YYYY-MM-DD"))
        if end:
            d1 = _parse_date(end)
            if d1 is None:
                problems.append(Problem(file, w, f"valid_to {end!r} is not a date YYYY-MM-DD"))
            elif d0 is not None and d1 <= d0:
                problems.append(Problem(file, w, f"valid_to {end} is not after valid_from {start}"))
            if not row["to_source_id"]:
                problems.append(Problem(file, w, "valid_to has no to_source_id"))
    return problems


def _check_geometries(file: str, geoms: list, where: list[str], spec: dict) -> list[Problem]:
    """Empty, 3-D, invalid, out-of-region and over-precise geometries (vectorised)."""
    import numpy as np
    import shapely

    problems: list[Problem] = []
    present = np.array([g is not None for g in geoms])
    if not present.any():
        return problems
    sub, idx = np.array(geoms, dtype=object)[present], np.flatnonzero(present)
    for j in idx[shapely.is_empty(sub)]:
        problems.append(Problem(file, where[j], "geometry is empty"))
    for j in idx[shapely.has_z(sub)]:
        problems.append(Problem(file, where[j], "geometry has Z coordinates; layers must be 2-D"))
    bad = ~shapely.is_valid(sub)
    for j, reason in zip(idx[bad], shapely.is_valid_reason(sub[bad])):
        problems.append(Problem(file, where[j], f"invalid geometry: {reason}"))
    coords, owner = shapely.get_coordinates(sub, return_index=True)
    if len(coords):
        bbox, precision = tuple(spec["bbox"]), spec["decimals"]
        x0, y0, x1, y1 = bbox
        outside = (coords[:, 0] < x0) | (coords[:, 0] > x1) | (coords[:, 1] < y0) | (coords[:, 1] > y1)
        for j in np.unique(owner[outside]):
            problems.append(Problem(file, where[idx[j]], f"coordinates outside the region {bbox} "
                                    "(lon/lat EPSG:4326 expected; another CRS?)"))
        scaled = coords * 10**precision
        loose = np.abs(scaled - np.round(scaled)).max(axis=1) > 1e-6
        for j in np.unique(owner[loose & ~outside]):
            problems.append(Problem(file, where[idx[j]], f"coordinates have more than {precision} decimals"))
    return problems


def _check(path: Path, known_sources: set[str] | None) -> tuple[list[Problem], list[dict] | None, list | None]:
    """Validate one layer file against its schema. Returns (problems, properties rows, shapely geometries)."""
    from shapely.geometry import shape

    spec = layer_schema(path.name)
    file = _label(path)
    features, problems = _read_features(path)
    if features is None:
        return problems, None, None
    fields = [f["name"] for f in spec["fields"]]
    required = {f["name"] for f in spec["fields"] if f.get("constraints", {}).get("required")}
    rows, geoms, where = [], [], []
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(feat, dict) or feat.get("type") != "Feature" or not isinstance(props, dict):
            problems.append(Problem(file, f"feature {i}", "not a GeoJSON Feature with properties"))
            rows.append({}), geoms.append(None), where.append(f"feature {i}")
            continue
        w = f"feature {i} ({props['key']})" if isinstance(props.get("key"), str) else f"feature {i}"
        where.append(w)
        row = {}
        for name in fields:
            value = props.get(name)
            if not isinstance(value, str):
                if value is not None:
                    problems.append(Problem(file, w, f"property {name!r} must be a string, found {value!r}"))
                elif name == "valid_from":
                    problems.append(Problem(file, w, "undated feature: valid_from is missing"))
                elif name in required or name == "valid_to":
                    problems.append(Problem(file, w, f"property {name!r} is missing"))
                value = ""
            elif not value and name in required:
                problems.append(Problem(file, w, "undated feature: valid_from is empty" if name == "valid_from"
                                        else f"property {name!r} is empty"))
            row[name] = value
        rows.append(row)
        geom, g = feat.get("geometry"), None
        if geom is None:
            problems.append(Problem(file, w, "geometry is missing"))
        elif not isinstance(geom, dict) or not geom.get("type") or "coordinates" not in geom and \
                "geometries" not in geom:
            problems.append(Problem(file, w, f"malformed geometry: expected an object with type and coordinates, "
                                    f"found {str(geom)[:60]!r}"))
        else:
            try:
                g = shape(geom)
            except Exception as exc:  # shapely/GEOS refuse malformed coordinate arrays
                problems.append(Problem(file, w, f"malformed geometry: {exc}"))
        geoms.append(g)
        problems += _check_properties(file, w, row, spec, g)
        for name in ("source_id", "from_source_id", "to_source_id"):
            sid = row.get(name)
            if sid and known_sources is not None and re.fullmatch(r"[a-z0-9_]+", sid) and sid not in known_sources:
                problems.append(Problem(file, w, f"{name} {sid!r} is not in sources.csv"))
    problems += _check_geometries(file, geoms, where, spec)
    if "key" in fields:
        keys = [r.get("key", "") for r in rows]
        for k in sorted({k for k in keys if k and keys.count(k) > 1}):
            problems.append(Problem(file, "", f"key {k!r} is used by more than one feature"))
    return problems, rows, geoms


@functools.lru_cache(maxsize=32)
def _checked(path: str, mtime: int, size: int, sources_stamp: tuple[int, int]):
    """One layer file parsed and checked, cached per version of the file and of sources.csv."""
    path_ = Path(path)
    known, _ = tables.table_ids(path_.parent.parent, "sources")  # None when sources.csv has problems of its own
    return _check(path_, known)


def _validated(file: str, data_dir: str | os.PathLike[str] | None):
    root = tables.data_dir(data_dir)
    path = root / "layers" / file
    stamp = checksums.file_stamp
    problems, rows, geoms = _checked(str(path), *stamp(path), stamp(root / "sources.csv"))
    return checksums.file_problems(root, path) + problems, rows, geoms


def validate_layers(data_dir: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Every problem in the committed layers and in their reference figures (empty when they are fine).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder.

    Returns
    -------
    list of Problem
        One per problem, with file, feature and reason.

    Examples
    --------
    >>> validate_layers()
    []
    """
    root = tables.data_dir(data_dir)
    problems: list[Problem] = []
    keys: set[str] = set()
    complete = True  # the reference figures' keys are checked only when both layers could be read
    for file in LAYER_FILES:
        path = root / "layers" / file
        stamp = checksums.file_stamp
        found, rows, _ = _checked(str(path), *stamp(path), stamp(root / "sources.csv"))
        problems += found
        complete = complete and (rows is not None or file == CONTEXT)
        if file == FRONT_LINES and rows:
            keys |= {r["key"] for r in rows if r.get("key")}
        if file == BOUNDARIES and rows:
            keys |= {"nkao" if r.get("kind") == "nkao" else f"country_{r.get('iso3', '').lower()}" for r in rows}
    return problems + (_check_reference_keys(root, keys) if complete else [])


def _check_reference_keys(root: Path, keys: set[str]) -> list[Problem]:
    """Every published figure names a layer that exists."""
    try:
        refs = tables.load_table("layer_references", root, checksum=False)
    except DataValidationError:
        return []  # the tables' own validation lists those problems
    label = f"{root.name}/layers/reference_figures.csv"
    return [Problem(label, f"line {line}, column 'key'", f"{key!r} is not a layer key (boundaries or front lines)")
            for line, key in refs["key"].items() if keys and key not in keys]


# -------------------------------------------------------------------------------------------- loaders
def _frame(file: str, data_dir: str | os.PathLike[str] | None):
    import geopandas as gpd

    problems, rows, geoms = _validated(file, data_dir)
    if problems:
        raise DataValidationError(problems)
    return gpd.GeoDataFrame(rows, columns=list(_fields(file)), geometry=list(geoms), crs="EPSG:4326")


def load_boundaries(data_dir: str | os.PathLike[str] | None = None, *, context: bool = False):
    """Countries and the former NKAO (GeoDataFrame, EPSG:4326).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder.
    context : bool, default False
        Give instead the countries of a wider area (CONTEXT_BBOX), coarsely simplified, for locator insets.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns kind ("country" | "nkao"), name, iso3 (empty for the NKAO), source_id, geometry.

    Raises
    ------
    DataValidationError
        The file is missing, broken, or differs from the folder's checksum manifest.

    Examples
    --------
    >>> sorted(load_boundaries()["kind"].unique())
    ['country', 'nkao']
    """
    return _frame(CONTEXT if context else BOUNDARIES, data_dir)


def load_manifest(data_dir: str | os.PathLike[str] | None = None):
    """The layer manifest: one row per derived feature (inputs and sha256, licence, attribution, dates).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder.

    Returns
    -------
    pandas.DataFrame
        All columns as strings.

    Raises
    ------
    DataValidationError
        The manifest cannot be read, or differs from the folder's ``SHA256SUMS``.

    Examples
    --------
    >>> "licence" in load_manifest().columns
    True
    """
    import pandas as pd

    path = layers_dir(data_dir) / MANIFEST
    if problems := checksums.file_problems(tables.data_dir(data_dir), path):
        raise DataValidationError(problems)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataValidationError(Problem(_label(path), "", f"cannot be read: {exc}")) from None


def load_front_lines(as_of: Any = None, data_dir: str | os.PathLike[str] | None = None):
    """Dated control areas, lines of contact and corridors (GeoDataFrame, EPSG:4326).

    Parameters
    ----------
    as_of : str, date, datetime or Timestamp, optional
        Keep only the features valid that day: valid_from <= as_of < valid_to.
    data_dir : path-like, optional
        The data folder.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns key, feature ("control_area" | "contact_line" | "corridor"), label, valid_from, valid_to
        (datetime64; NaT = still valid), source_id, from_source_id, to_source_id, held_by (control areas),
        peacekeepers (boolean; NA for lines), note, geometry.

    Warns
    -----
    CoverageWarning
        ``as_of`` is a day with no mapped line (the 2020 war): no control area or line is returned.

    Raises
    ------
    DataValidationError
        The file is broken.
    ValueError
        ``as_of`` is not a date.

    Examples
    --------
    >>> sorted(load_front_lines(as_of="2022-01-01")["key"])
    ['area_2020_2023', 'corridor_2020_2022', 'line_2020_2023']
    """
    import pandas as pd

    gdf = _frame(FRONT_LINES, data_dir)
    for col in ("valid_from", "valid_to"):
        gdf[col] = pd.to_datetime(gdf[col].replace("", None), format="%Y-%m-%d")
    gdf["held_by"] = gdf["held_by"].replace("", None)
    gdf["peacekeepers"] = gdf["peacekeepers"].map({"true": True, "false": False}).astype("boolean")
    if as_of is not None:
        day = to_day(as_of, name="as_of")
        gdf = features_valid_on(gdf, day)
        gdf.attrs["as_of"] = day  # the day asked about, for whatever draws this selection
    return gdf


#: Days for which no front line is mapped: (first day, first day after, why). ``kb.load_front_lines(as_of=...)``
#: returns no control area or line of contact for them and warns (:class:`~karabakh.io.errors.CoverageWarning`).
COVERAGE_GAPS = (
    ("2020-09-27", "2020-11-10", "the 2020 war (27 Sept - 9 Nov 2020) moved the front every day and no dated line of "
                                 "it is in the sources"),
)

_GAPS = tuple((to_day(start), to_day(end), why) for start, end, why in COVERAGE_GAPS)

def coverage_gap(day) -> str | None:
    """Why no front line is mapped for ``day``, or None when one is (``COVERAGE_GAPS``).

    Parameters
    ----------
    day : str, date, datetime or Timestamp

    Returns
    -------
    str or None

    Examples
    --------
    >>> coverage_gap("2020-11-01") is not None, coverage_gap("2020-11-10")
    (True, None)
    """
    return _gap(to_day(day))


def _gap(day: pd.Timestamp) -> str | None:
    """:func:`coverage_gap` for a day read already."""
    for start, end, why in _GAPS:
        if start <= day < end:
            return why
    return None


def features_valid_on(front_lines, day: pd.Timestamp):
    """The dated features valid on ``day`` (valid_from <= day < valid_to), minus control areas and lines of contact
    on a day of a coverage gap, with a :class:`~karabakh.io.errors.CoverageWarning` naming the gap.

    Parameters
    ----------
    front_lines : GeoDataFrame
        As read by ``karabakh.io.layers.load_front_lines`` (``valid_from``/``valid_to`` as datetime64).
    day : pandas.Timestamp
        The day asked about.

    Returns
    -------
    GeoDataFrame
        The rows of ``front_lines`` valid on ``day`` (a new index).

    Warns
    -----
    CoverageWarning
        ``day`` lies in ``COVERAGE_GAPS``; the message points to ``kb.control_on``.

    Examples
    --------
    >>> from karabakh.io import layers
    >>> fl = layers.load_front_lines()
    >>> sorted(features_valid_on(fl, pd.Timestamp("2022-01-01"))["feature"])
    ['contact_line', 'control_area', 'corridor']
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     during_war = features_valid_on(fl, pd.Timestamp("2020-10-15"))
    >>> "control_area" in set(during_war["feature"]), caught[0].category.__name__
    (False, 'CoverageWarning')
    """
    keep = (front_lines["valid_from"] <= day) & (front_lines["valid_to"].isna() | (day < front_lines["valid_to"]))
    gap = _gap(day)
    if gap is not None:
        keep &= ~front_lines["feature"].isin(["control_area", "contact_line"])
        warnings.warn(f"no front line is mapped for {day.date()}: {gap}. No control area or line of contact is "
                      "returned; kb.control_on(date) gives who held each place that day, claim by claim.",
                      CoverageWarning, stacklevel=3)
    return front_lines[keep].reset_index(drop=True)
