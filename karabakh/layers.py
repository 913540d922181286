"""Map layers: load and validate the committed GeoJSON, and build it from the raw sources.

Two files in ``<data>/layers/`` (RFC 7946 GeoJSON: 2-D, WGS 84 lon/lat, coordinates rounded to
``PRECISION`` decimals, one feature per line):

- ``boundaries.geojson`` -- countries and the former NKAO; properties ``kind`` ("country" | "nkao"),
  ``name``, ``iso3`` (countries), ``source_id``.
- ``front_lines.geojson`` -- every dated control area, line of contact and corridor; properties ``key``,
  ``feature`` ("control_area" | "contact_line" | "corridor"), ``label``, ``valid_from``, ``valid_to``
  (ISO dates; ``valid_to`` empty = still valid; the interval is half-open: valid_from <= day < valid_to),
  ``source_id`` (where the geometry comes from), ``from_source_id`` / ``to_source_id`` (what dates it),
  ``note``.

``python -m karabakh.layers build --sources ../shared/sources`` rebuilds both files and ``manifest.csv``
(inputs + sha256, licence, attribution, dates, area/length per layer) byte-identically.
``python -m karabakh.layers validate`` checks them. The loaders validate before returning and raise
:class:`karabakh.errors.DataValidationError` naming file, feature and problem.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import re
import sys
from pathlib import Path

from karabakh import tables
from karabakh.errors import DataValidationError, Problem

BOUNDARIES = "boundaries.geojson"
CONTEXT = "context.geojson"  # coarse countries of a wider area, for locator insets
FRONT_LINES = "front_lines.geojson"
MANIFEST = "manifest.csv"
LAYER_FILES = (BOUNDARIES, FRONT_LINES, CONTEXT)

PRECISION = 5  # decimals of a degree: 1e-5 deg = 1.1 m north-south, 0.85 m east-west at 40 N
SIMPLIFY_TOLERANCE_DEG = 0.0002  # ~22 m N-S / ~17 m E-W; 0.2 mm at 1:100,000, invisible at the maps' scales
REGION_BBOX = (43.0, 37.0, 51.0, 43.0)  # lon_min, lat_min, lon_max, lat_max: the South Caucasus
CONTEXT_BBOX = (26.0, 30.0, 62.0, 50.0)  # Black Sea to beyond the Caspian: where the South Caucasus is
CONTEXT_PRECISION = 3  # 1e-3 deg ~ 100 m, far below what a locator inset shows
CONTEXT_TOLERANCE_DEG = 0.02  # ~2 km: a locator inset is ~2 inches for ~3,000 km
MAX_LAYER_BYTES = 2_000_000  # refuse bigger files before reading them

KINDS = ("country", "nkao")
FEATURE_TYPES = ("control_area", "contact_line", "corridor")
_POLYGONS = ("Polygon", "MultiPolygon")
_LINES = ("LineString", "MultiLineString")
_GEOMETRY_TYPES = {"control_area": _POLYGONS, "corridor": _POLYGONS, "contact_line": _LINES}
BOUNDARY_FIELDS = ("kind", "name", "iso3", "source_id")
FRONT_LINE_FIELDS = ("key", "feature", "label", "valid_from", "valid_to", "source_id",
                     "from_source_id", "to_source_id", "note")
_OPTIONAL = {"iso3", "to_source_id", "note"}  # may be absent; valid_to must be there ("" = still valid)
_NON_EMPTY = {"key", "feature", "label", "valid_from", "source_id", "from_source_id", "kind", "name"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SOURCE_ID = re.compile(r"^[a-z0-9_]+$")


# ----------------------------------------------------------------------------------------------- paths
def layers_dir(data_dir=None) -> Path:
    return tables.data_dir(data_dir) / "layers"


# ------------------------------------------------------------------------------------------ validation
def _read_features(path: Path) -> tuple[list[dict] | None, list[Problem]]:
    """Size check, then one json parse. Returns the features or the problems of the whole file."""
    file = _label(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(file, "", f"cannot read the layer file ({exc.strerror or exc})")]
    if size > MAX_LAYER_BYTES:
        return None, [Problem(file, "", f"file is {size:,} bytes, over the {MAX_LAYER_BYTES:,}-byte limit")]
    try:
        doc = json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        return None, [Problem(file, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return None, [Problem(file, "", f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return None, [Problem(file, "", "not a GeoJSON FeatureCollection")]
    problems = []
    crs = doc.get("crs")
    if crs is not None:  # RFC 7946 has no crs member; an old-style one must at least say WGS 84 lon/lat
        name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
        if not re.search(r"CRS84$|EPSG:{1,2}4326$", name):
            problems.append(Problem(file, "", f"CRS must be EPSG:4326 / OGC CRS84 (lon/lat), found {name!r}"))
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        problems.append(Problem(file, "", "no features"))
        return None, problems
    return features, problems


def _check(path: Path, fields: tuple[str, ...], known_sources: set[str] | None = None,
           bbox: tuple[float, float, float, float] = REGION_BBOX, precision: int = PRECISION):
    """Validate one layer file. Returns (problems, properties rows, shapely geometries)."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    file = _label(path)
    features, problems = _read_features(path)
    if features is None:
        return problems, None, None
    is_front = fields == FRONT_LINE_FIELDS
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
                elif name not in _OPTIONAL:
                    problems.append(Problem(file, w, f"property {name!r} is missing"))
                value = ""
            elif not value and name in _NON_EMPTY:
                problems.append(Problem(file, w, "undated feature: valid_from is empty" if name == "valid_from"
                                        else f"property {name!r} is empty"))
            row[name] = value
        rows.append(row)
        geom = feat.get("geometry")
        try:
            g = shape(geom) if geom else None
        except Exception as exc:  # shapely/GEOS refuse malformed coordinate arrays
            problems.append(Problem(file, w, f"malformed geometry: {exc}"))
            g = None
        if g is None and geom is None:
            problems.append(Problem(file, w, "geometry is missing"))
        geoms.append(g)

        # properties
        if is_front:
            ftype = row["feature"]
            if ftype not in FEATURE_TYPES:
                problems.append(Problem(file, w, f"unknown feature type {ftype!r} (expected one of {FEATURE_TYPES})"))
            elif g is not None and g.geom_type not in _GEOMETRY_TYPES[ftype]:
                problems.append(Problem(file, w, f"a {ftype} must be a {' or '.join(_GEOMETRY_TYPES[ftype])}, "
                                                 f"found {g.geom_type}"))
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
        else:
            if row["kind"] not in KINDS:
                problems.append(Problem(file, w, f"unknown kind {row['kind']!r} (expected one of {KINDS})"))
            if g is not None and g.geom_type not in _POLYGONS:
                problems.append(Problem(file, w, f"a boundary must be a Polygon or MultiPolygon, found {g.geom_type}"))
            if row["kind"] == "country" and not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
                problems.append(Problem(file, w, f"country without a valid iso3 code ({row['iso3']!r})"))
        for name in ("source_id", "from_source_id", "to_source_id"):
            sid = row.get(name)
            if not sid:
                continue
            if not _SOURCE_ID.match(sid):
                problems.append(Problem(file, w, f"{name} {sid!r} is not a snake_case source id"))
            elif known_sources is not None and sid not in known_sources:
                problems.append(Problem(file, w, f"{name} {sid!r} is not in sources.csv"))

    # geometry checks, vectorised
    arr = np.array(geoms, dtype=object)
    present = np.array([g is not None for g in geoms])
    if present.any():
        sub = arr[present]
        idx = np.flatnonzero(present)
        for j in idx[shapely.is_empty(sub)]:
            problems.append(Problem(file, where[j], "geometry is empty"))
        for j in idx[shapely.has_z(sub)]:
            problems.append(Problem(file, where[j], "geometry has Z coordinates; layers must be 2-D"))
        bad = ~shapely.is_valid(sub)
        for j, reason in zip(idx[bad], shapely.is_valid_reason(sub[bad])):
            problems.append(Problem(file, where[j], f"invalid geometry: {reason}"))
        coords, owner = shapely.get_coordinates(sub, return_index=True)
        if len(coords):
            x0, y0, x1, y1 = bbox
            outside = (coords[:, 0] < x0) | (coords[:, 0] > x1) | (coords[:, 1] < y0) | (coords[:, 1] > y1)
            for j in np.unique(owner[outside]):
                problems.append(Problem(file, where[idx[j]], f"coordinates outside the region {bbox} "
                                        "(lon/lat EPSG:4326 expected; another CRS?)"))
            scaled = coords * 10**precision
            loose = np.abs(scaled - np.round(scaled)).max(axis=1) > 1e-6
            for j in np.unique(owner[loose & ~outside]):
                problems.append(Problem(file, where[idx[j]], f"coordinates have more than {precision} decimals"))
    if is_front:
        keys = [r.get("key", "") for r in rows]
        for k in sorted({k for k in keys if k and keys.count(k) > 1}):
            problems.append(Problem(file, "", f"key {k!r} is used by more than one feature"))
    return problems, rows, geoms


def _label(path: Path) -> str:
    """How problems name a layer file: 'layers/front_lines.geojson' (as the tables do: 'data/places.csv')."""
    return f"{path.parent.name}/{path.name}"


def _parse_date(text: str):
    if not _DATE.match(text):
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None


def validate_layers(data_dir=None) -> list[Problem]:
    """Every problem in the committed layers (an empty list when they are fine)."""
    root = tables.data_dir(data_dir)
    known, _ = tables.table_ids(root, "sources")  # None when sources.csv has problems of its own
    problems = []
    for name, fields in ((BOUNDARIES, BOUNDARY_FIELDS), (FRONT_LINES, FRONT_LINE_FIELDS)):
        problems += _check(root / "layers" / name, fields, known)[0]
    problems += _check(root / "layers" / CONTEXT, BOUNDARY_FIELDS, known, CONTEXT_BBOX, CONTEXT_PRECISION)[0]
    return problems


# -------------------------------------------------------------------------------------------- loaders
def _frame(path: Path, fields: tuple[str, ...], **check):
    import geopandas as gpd

    problems, rows, geoms = _check(path, fields, **check)
    if problems:
        raise DataValidationError(problems)
    return gpd.GeoDataFrame(rows, columns=list(fields), geometry=geoms, crs="EPSG:4326")


def load_boundaries(data_dir=None, *, context: bool = False):
    """Countries and the former NKAO: GeoDataFrame with kind ("country" | "nkao"), name, iso3, source_id.

    ``iso3`` is empty for the NKAO. CRS EPSG:4326. Raises DataValidationError if the file is broken.
    ``context=True`` gives instead the countries of a wider area (CONTEXT_BBOX), coarsely simplified, for
    locator insets that show where the South Caucasus is.
    """
    if context:
        return _frame(layers_dir(data_dir) / CONTEXT, BOUNDARY_FIELDS, bbox=CONTEXT_BBOX, precision=CONTEXT_PRECISION)
    return _frame(layers_dir(data_dir) / BOUNDARIES, BOUNDARY_FIELDS)


def load_manifest(data_dir=None):
    """The layer manifest (one row per derived feature: inputs and sha256, licence, attribution, dates)."""
    import pandas as pd

    path = layers_dir(data_dir) / MANIFEST
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataValidationError(Problem(_label(path), "", f"cannot be read: {exc}")) from None


def load_front_lines(as_of=None, data_dir=None):
    """Dated control areas, lines of contact and corridors (GeoDataFrame, EPSG:4326).

    Columns: key, feature ("control_area" | "contact_line" | "corridor"), label, valid_from, valid_to
    (datetime64; valid_to NaT = still valid), source_id, from_source_id, to_source_id, note, geometry.
    ``as_of`` (str "YYYY-MM-DD", date, datetime or Timestamp) keeps only the features valid that day:
    valid_from <= as_of < valid_to. Raises DataValidationError if the file is broken.
    """
    import pandas as pd

    gdf = _frame(layers_dir(data_dir) / FRONT_LINES, FRONT_LINE_FIELDS)
    for col in ("valid_from", "valid_to"):
        gdf[col] = pd.to_datetime(gdf[col].replace("", None), format="%Y-%m-%d")
    if as_of is not None:
        try:
            day = pd.Timestamp(as_of)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"as_of must be a date like '2022-01-01', got {as_of!r}") from exc
        if day.tzinfo is not None:
            day = day.tz_convert(None)
        keep = (gdf["valid_from"] <= day) & (gdf["valid_to"].isna() | (day < gdf["valid_to"]))
        gdf = gdf[keep].reset_index(drop=True)
    return gdf


# --------------------------------------------------------------------------- published reference figures
_REALKARABAKH = ("realkarabakh.com (Armenian-side site)", "realkarabakh_occupation")
_TABAKIAN = ("G. Tabakian, cartographer, via Western Armenia TV", "westernarmeniatv_139489")
_LINE_OF_CONTACT = "wikipedia_line_of_contact"
REFERENCE_FIGURES = (  # (layer key, measure, published value, tolerance %, reference, source_id -> sources.csv)
    ("nkao", "area_km2", 4400.0, 5.0, "Britannica, 'Nagorno-Karabakh'", "britannica_nagorno_karabakh"),
    ("area_1994_2020", "area_km2", 11458.0, 6.0, *_REALKARABAKH),
    ("area_1994_2020", "area_km2", 11500.0, 6.0, *_TABAKIAN),
    ("line_1994_2020", "length_km", 180.0, 15.0, "Wikipedia, 'Line of Contact (Nagorno-Karabakh)'", _LINE_OF_CONTACT),
    ("line_1994_2020", "length_km", 200.0, 15.0, "T. de Waal via Wikipedia: 'more than 200 km long'", _LINE_OF_CONTACT),
    ("line_1994_2020", "length_km", 245.0, 20.0, *_TABAKIAN),
    ("area_2020_2023", "area_km2", 2900.0, 10.0, *_REALKARABAKH),
    ("area_2020_2023", "area_km2", 2800.0, 10.0, *_TABAKIAN),
    ("line_2020_2023", "length_km", 440.0, 15.0, *_TABAKIAN),
    ("corridor_2020_2022", "width_km", 5.0, 10.0, "Trilateral statement of 9/10 Nov 2020, point 6",
     "trilateral_statement_2020"),
    ("country_arm", "area_km2", 29743.0, 2.0, "CIA, The World Factbook, 'Armenia'", "cia_factbook_armenia"),
    ("country_aze", "area_km2", 86600.0, 2.0, "Azerbaijan's Mission to the UN (with Nakhchivan)",
     "azerbaijan_un_mission_general_info"),
)


def compare_with_references(data_dir=None):
    """The layers' areas, lengths and widths next to published figures (pandas DataFrame).

    Columns: key, measure, computed, published, diff_pct (computed vs published, %), tolerance_pct, reference,
    source_id (the published figure's source in sources.csv).
    Areas: equal-area projection (karabakh.geo.area_km2); lengths: geodesic (length_km); width: diameter of the
    largest circle inside the polygon, in the same equal-area projection.
    """
    import pandas as pd
    import shapely

    from karabakh.geo import EQUAL_AREA_CRS, area_km2, length_km

    b = load_boundaries(data_dir)
    b.index = ["nkao" if k == "nkao" else f"country_{iso.lower()}" for k, iso in zip(b["kind"], b["iso3"])]
    f = load_front_lines(data_dir=data_dir).set_index("key")
    geoms = pd.concat([b.geometry, f.geometry])
    measures = {
        "area_km2": area_km2(geoms), "length_km": length_km(geoms),
        "width_km": geoms.to_crs(EQUAL_AREA_CRS).apply(
            lambda g: 2 * shapely.maximum_inscribed_circle(g).length / 1000 if g.geom_type in _POLYGONS else 0.0),
    }
    rows = []
    for key, measure, published, tolerance, reference, source_id in REFERENCE_FIGURES:
        computed = float(measures[measure][key])
        rows.append({"key": key, "measure": measure, "computed": round(computed, 1), "published": published,
                     "diff_pct": round((computed - published) / published * 100, 1), "tolerance_pct": tolerance,
                     "reference": reference, "source_id": source_id})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- build
# Inputs, relative to the sources folder (../shared/sources); see its PROVENANCE.md.
NE_COUNTRIES_ZIP = "naturalearth_5.1.1_10m_admin0_countries_deu_pypi/ne_10m_admin_0_countries_deu.zip"
_NE4 = "naturalearth_4.0.0_geojson_martynafford/"
NE_DISPUTED_AREAS = _NE4 + "ne_10m_admin_0_disputed_areas.json"
NE_DISPUTED_LINES = _NE4 + "ne_10m_admin_0_boundary_lines_disputed_areas.json"
NE_LAND_LINES = _NE4 + "ne_10m_admin_0_boundary_lines_land.json"
CRISISGROUP = "crisisgroup_nk-data-repo_3d79388/geodata/nagorno-karabakh-borders.geojson"

_NE_PD = "Public domain (Natural Earth terms of use)"
LICENCES = {  # source_id -> (licence, attribution)
    "ne_countries_5_1_1": (_NE_PD, "Made with Natural Earth (naturalearthdata.com), admin-0 countries 1:10m, v5.1.1"),
    "ne_disputed_4_0_0": (_NE_PD, "Made with Natural Earth (naturalearthdata.com), disputed areas/lines 1:10m, v4.0.0"),
    "crisisgroup_nk_data": ("GPL-3.0", "International Crisis Group, Europe and Central Asia program "
                                       "(github.com/CrisisGroup/nk-data-repo @ 3d79388)"),
}

# Dates and the sources that date them.
CEASEFIRE_1994 = ("1994-05-12", "bishkek_protocol_1994")  # Bishkek Protocol (5 May), cease-fire in force 12 May
STATEMENT_2020 = ("2020-11-10", "trilateral_statement_2020")  # trilateral statement of 9/10 Nov 2020
LACHIN_2022 = ("2022-08-26", "lachin_corridor_2022")  # Lachin/Berdzor handed over, corridor rerouted
CEASEFIRE_2023 = ("2023-09-20", "ceasefire_2023_09_20")  # cease-fire of 20 Sept 2023


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _nkao_polygon(lines):
    """The former NKAO as one polygon from NE's 7 'Former USSR oblast in 1991' lines.

    The lines merge into 3 chains whose ends miss each other by 0.002, 0.0009 and 0.00003 degrees. Each gap is
    closed by one straight segment between the two nearest chain ends (no existing vertex is moved), chaining
    greedily from the first chain. Returns (polygon, [gap lengths in degrees]).
    """
    import numpy as np
    from shapely.geometry import Polygon
    from shapely.ops import linemerge

    merged = linemerge(list(lines))
    chains = [list(c.coords) for c in getattr(merged, "geoms", [merged])]
    ring, gaps = chains.pop(0), []
    while chains:
        end = np.asarray(ring[-1])
        best = min(((float(np.hypot(*(np.asarray(c[-1] if rev else c[0]) - end))), i, rev)
                    for i, c in enumerate(chains) for rev in (False, True)))
        gap, i, rev = best
        chain = chains.pop(i)
        ring += chain[::-1] if rev else chain
        gaps.append(gap)
    gaps.append(float(np.hypot(*(np.asarray(ring[-1]) - ring[0]))))
    ring.append(ring[0])
    return Polygon(ring), gaps


def _finish(geom, simplify: bool = True):
    """Region clip, 2-D, simplify (topology-preserving), snap to the PRECISION grid, RFC 7946 orientation."""
    import shapely
    from shapely.geometry import box

    g = shapely.force_2d(geom).intersection(box(*REGION_BBOX))
    if simplify:
        g = shapely.simplify(g, SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
    return _snap(g)


def _snap(g, precision: int = PRECISION):
    import numpy as np
    import shapely

    g = shapely.set_precision(g, 10.0**-precision)
    g = shapely.transform(g, lambda c: np.round(c, precision))
    if g.geom_type in _POLYGONS:
        g = shapely.orient_polygons(g, exterior_cw=False)
    if g.is_empty or not g.is_valid:
        raise RuntimeError(f"build produced an empty or invalid geometry: {shapely.is_valid_reason(g)}")
    return g


def _mean_distance_km(line, reference) -> float:
    """Mean distance (km) from points every ~200 m along `line` to `reference`, in UTM 38N."""
    import geopandas as gpd
    import shapely

    a, b = gpd.GeoSeries([line, reference], crs="EPSG:4326").to_crs("EPSG:32638")
    points = shapely.points(shapely.get_coordinates(shapely.segmentize(a, 200.0)))
    return float(shapely.distance(points, b).mean() / 1000.0)


def build(sources, out_dir=None) -> dict:
    """Derive boundaries.geojson, front_lines.geojson, context.geojson and manifest.csv from the raw sources.

    Returns a report (areas, lengths, gaps closed, simplification effect, front-line evidence).
    """
    import geopandas as gpd
    import pyogrio
    import shapely
    from shapely.ops import linemerge

    from karabakh.geo import area_km2, length_km

    sources = Path(sources)
    out = Path(out_dir) if out_dir is not None else layers_dir()
    inputs = (NE_COUNTRIES_ZIP, NE_DISPUTED_AREAS, NE_DISPUTED_LINES, NE_LAND_LINES, CRISISGROUP)
    missing = [Problem(str(sources / p), "", "source file not found") for p in inputs if not (sources / p).is_file()]
    if missing:
        raise DataValidationError(missing)
    sha = {p: _sha256(sources / p) for p in inputs}
    read = lambda p, **kw: pyogrio.read_dataframe(sources / p, **kw)  # noqa: E731

    # countries: NE 5.1.1, clipped to the region, simplified as a coverage so shared borders stay shared
    countries = pyogrio.read_dataframe(f"/vsizip/{sources / NE_COUNTRIES_ZIP}/ne_10m_admin_0_countries_deu.shp",
                                       columns=["ADMIN", "ADM0_A3", "ISO_A3"], bbox=REGION_BBOX)
    countries = countries.sort_values("ISO_A3").reset_index(drop=True)
    clipped = shapely.intersection(shapely.force_2d(countries.geometry.values), shapely.box(*REGION_BBOX))
    simplified = shapely.coverage_simplify(clipped, SIMPLIFY_TOLERANCE_DEG, simplify_boundary=True)

    # the former NKAO (NE 4.0.0 boundary lines), the 1994 line and the 1994-2020 area (NE 4.0.0)
    dlines = read(NE_DISPUTED_LINES)
    nk_lines = dlines[dlines["name"] == "Former USSR oblast in 1991"]
    parts = shapely.get_parts(shapely.force_2d(nk_lines.geometry.values))
    nkao_raw, gaps = _nkao_polygon(parts)
    line94_raw = linemerge(list(shapely.get_parts(
        shapely.force_2d(dlines.loc[dlines["name"] == "Ceasefire Line 1994"].geometry.values))))
    dareas = read(NE_DISPUTED_AREAS)
    area94_raw = shapely.force_2d(dareas.loc[dareas["BRK_A3"] == "B38"].geometry.iloc[0])

    # Crisis Group: peacekeepers' zone (id 11), Lachin corridor (id 13), undated "Front line"s (ids 4, 5)
    cg = read(CRISISGROUP)
    cg.index = cg["id"].astype(int)
    cg_geom = {i: shapely.force_2d(g) for i, g in cg.geometry.items()}
    zone_raw, corridor_raw = cg_geom[11], cg_geom[13]
    line20_raw = linemerge(list(shapely.get_parts(
        zone_raw.boundary.difference(corridor_raw.buffer(1e-4)))))  # the zone's edge minus the corridor mouth

    # which CG "Front line" is which? Compare with NE's Armenia-Azerbaijan border and the lines of contact.
    land = read(NE_LAND_LINES)
    arm_aze = land[land["adm0_a3_l"].isin(["ARM", "AZE"]) & land["adm0_a3_r"].isin(["ARM", "AZE"])
                   & (land["adm0_a3_l"] != land["adm0_a3_r"])].geometry.union_all()
    evidence = {}
    for i in (4, 5):
        evidence[f"crisisgroup_front_line_{i}"] = {
            "length_km": round(float(length_km(gpd.GeoSeries([cg_geom[i]], crs=4326)).iloc[0]), 1),
            "mean_km_to_ne_armenia_azerbaijan_border": round(_mean_distance_km(cg_geom[i], arm_aze), 2),
            "mean_km_to_ne_ceasefire_line_1994": round(_mean_distance_km(cg_geom[i], line94_raw), 2),
            "mean_km_to_peacekeepers_zone_edge": round(_mean_distance_km(cg_geom[i], zone_raw.boundary), 2),
        }
        e = evidence[f"crisisgroup_front_line_{i}"]
        if not (e["mean_km_to_ne_armenia_azerbaijan_border"] < 5 < e["mean_km_to_ne_ceasefire_line_1994"]
                and 5 < e["mean_km_to_peacekeepers_zone_edge"]):
            raise RuntimeError(f"Crisis Group front line {i} no longer follows the Armenia-Azerbaijan border; "
                               f"re-examine before building: {e}")

    # context for locator insets: the countries of a wider area, coarse (nothing here is measured)
    wide = pyogrio.read_dataframe(f"/vsizip/{sources / NE_COUNTRIES_ZIP}/ne_10m_admin_0_countries_deu.shp",
                                  columns=["ADMIN", "ISO_A3", "ADM0_A3"], bbox=CONTEXT_BBOX)
    wide["iso3"] = wide["ISO_A3"].where(wide["ISO_A3"].str.fullmatch("[A-Z]{3}"), wide["ADM0_A3"])
    wide = wide.sort_values("iso3").reset_index(drop=True)
    wide_geoms = shapely.coverage_simplify(
        shapely.intersection(shapely.force_2d(wide.geometry.values), shapely.box(*CONTEXT_BBOX)),
        CONTEXT_TOLERANCE_DEG, simplify_boundary=True)
    context = []
    for r, g in zip(wide.itertuples(), wide_geoms):
        g = shapely.make_valid(g, method="structure", keep_collapsed=False)
        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in _POLYGONS and p.area > 1e-4])
        if not g.is_empty:
            context.append(dict(kind="country", name=r.ADMIN, iso3=r.iso3, source_id="ne_countries_5_1_1",
                                geometry=_snap(g, CONTEXT_PRECISION)))
    context.sort(key=lambda f: f["name"])

    ne4 = [NE_DISPUTED_LINES]
    boundaries = [dict(key=f"country_{r.ISO_A3.lower()}", kind="country", name=r.ADMIN, iso3=r.ISO_A3,
                       source_id="ne_countries_5_1_1", inputs=[NE_COUNTRIES_ZIP], raw=clipped[k],
                       geometry=_snap(simplified[k]))
                  for k, r in enumerate(countries.itertuples())]
    nkao = _finish(nkao_raw)
    boundaries.append(dict(key="nkao", kind="nkao", name="Nagorno-Karabakh Autonomous Oblast (former, to 1991)",
                           iso3="", source_id="ne_disputed_4_0_0", inputs=ne4, raw=nkao_raw, geometry=nkao))

    def front(key, feature, label, start, end, source_id, inputs, raw, note, geometry=None):
        return dict(key=key, feature=feature, label=label, valid_from=start[0], valid_to=end[0] if end else "",
                    source_id=source_id, from_source_id=start[1], to_source_id=end[1] if end else "",
                    note=note, inputs=inputs, raw=raw, geometry=geometry or _finish(raw))

    fronts = [
        front("area_1994_2020", "control_area", "Area held by ethnic-Armenian forces, 1994-2020",
              CEASEFIRE_1994, STATEMENT_2020, "ne_disputed_4_0_0", [NE_DISPUTED_AREAS], area94_raw,
              "NE 'Nagorno-Karabakh' breakaway polygon (de facto control, generalised; includes all of the former "
              "NKAO). Lines moved in the war of 27 Sep-9 Nov 2020; Aghdam, Kalbajar and Lachin districts were "
              "handed over on 20 Nov, 25 Nov and 1 Dec 2020."),
        front("line_1994_2020", "contact_line", "Line of contact, 1994-2020", CEASEFIRE_1994, STATEMENT_2020,
              "ne_disputed_4_0_0", ne4, line94_raw,
              "NE 'Ceasefire Line 1994'. Lines moved in the war of 27 Sep-9 Nov 2020."),
        front("area_2020_2023", "control_area",
              "Area under ethnic-Armenian control with Russian peacekeepers, 2020-2023", STATEMENT_2020,
              CEASEFIRE_2023, "crisisgroup_nk_data", [CRISISGROUP], zone_raw,
              "Crisis Group 'former NKAO patrolled by Russian peacekeepers' (its last state, before Sept 2023; "
              "e.g. without Hin Tagher, taken 12-14 Dec 2020). Without the Lachin corridor."),
        front("line_2020_2023", "contact_line", "Line of contact, 2020-2023", STATEMENT_2020, CEASEFIRE_2023,
              "crisisgroup_nk_data", [CRISISGROUP, NE_LAND_LINES], line20_raw,
              "Derived: edge of the peacekeepers' zone without the Lachin corridor mouth. Crisis Group's own "
              "'Front line' features follow the Armenia-Azerbaijan border and are not used."),
        front("corridor_2020_2022", "corridor", "Lachin corridor (route through Lachin/Berdzor), 2020-2022",
              STATEMENT_2020, LACHIN_2022, "crisisgroup_nk_data", [CRISISGROUP], corridor_raw,
              "Crisis Group 'Lachin Corridor' (contains Lachin/Berdzor town: the original route). Rerouted on "
              "26 Aug 2022 (traffic on the bypass from 30 Aug); the new route is not in the sources."),
        front("nkao_azerbaijan_2023", "control_area", "Former NKAO under Azerbaijani control, from 20 Sept 2023",
              CEASEFIRE_2023, None, "ne_disputed_4_0_0", ne4, nkao_raw,
              "Geometry = the former NKAO (NE 4.0.0 lines, gaps closed).", geometry=nkao),
    ]
    boundaries.sort(key=lambda f: (KINDS.index(f["kind"]), f["name"]))
    fronts.sort(key=lambda f: (f["valid_from"], FEATURE_TYPES.index(f["feature"]), f["key"]))

    out.mkdir(parents=True, exist_ok=True)
    _write_geojson(out / BOUNDARIES, boundaries, BOUNDARY_FIELDS)
    _write_geojson(out / FRONT_LINES, fronts, FRONT_LINE_FIELDS)
    _write_geojson(out / CONTEXT, context, BOUNDARY_FIELDS)

    # manifest: one row per feature, with its inputs and their sha256, licence, dates, size
    rows = []
    for f, file in [(f, BOUNDARIES) for f in boundaries] + [(f, FRONT_LINES) for f in fronts]:
        final, raw = gpd.GeoSeries([f["geometry"], f["raw"]], crs=4326)
        polygonal = f["geometry"].geom_type in _POLYGONS
        measure = area_km2 if polygonal else length_km  # the change simplification + rounding caused
        size, raw_size = measure(gpd.GeoSeries([final, raw], crs=4326))
        licence, attribution = LICENCES[f["source_id"]]
        rows.append({
            "file": file, "key": f["key"], "type": f.get("feature") or f["kind"], "label": f.get("label") or f["name"],
            "valid_from": f.get("valid_from", ""), "valid_to": f.get("valid_to", ""),
            "source_id": f["source_id"], "dates_source_ids": ";".join(
                s for s in (f.get("from_source_id"), f.get("to_source_id")) if s),
            "licence": licence, "attribution": attribution,
            "area_km2": f"{size:.1f}" if polygonal else "", "length_km": "" if polygonal else f"{size:.1f}",
            "simplify_change_pct": f"{(size - raw_size) / raw_size * 100:+.4f}",
            "inputs": ";".join(f["inputs"]), "inputs_sha256": ";".join(sha[p] for p in f["inputs"]),
        })
    licence, attribution = LICENCES["ne_countries_5_1_1"]
    rows.append({"file": CONTEXT, "key": "context_countries", "type": "context",
                 "label": f"{len(context)} countries around the South Caucasus, for locator insets (coarse)",
                 "valid_from": "", "valid_to": "", "source_id": "ne_countries_5_1_1", "dates_source_ids": "",
                 "licence": licence, "attribution": attribution, "area_km2": "", "length_km": "",
                 "simplify_change_pct": "", "inputs": NE_COUNTRIES_ZIP, "inputs_sha256": sha[NE_COUNTRIES_ZIP]})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / MANIFEST).write_text(buf.getvalue(), encoding="utf-8")
    return {"nkao_gaps_closed_deg": [round(g, 6) for g in gaps], "front_line_evidence": evidence,
            "layers": rows, "bytes": {n: (out / n).stat().st_size for n in (*LAYER_FILES, MANIFEST)}}


def _write_geojson(path: Path, features: list[dict], fields: tuple[str, ...]) -> None:
    from shapely.geometry import mapping

    lines = []
    for f in features:
        props = {name: f.get(name, "") for name in fields}
        feature = {"type": "Feature", "properties": props, "geometry": mapping(f["geometry"])}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------------------------ CLI
def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m karabakh.layers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="derive data/layers/ from the raw sources")
    b.add_argument("--sources", default="../shared/sources", help="folder with the raw sources (PROVENANCE.md)")
    b.add_argument("--out", default=None, help="output folder (default: the package's data/layers)")
    v = sub.add_parser("validate", help="check the committed layers")
    v.add_argument("--data", default=None, help="data folder (default: the package's data/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            report = build(args.sources, args.out)
            json.dump({k: v for k, v in report.items() if k != "layers"}, sys.stdout, indent=1)
            print()
            for row in report["layers"]:
                print(f"{row['key']:<22} {row['area_km2'] or row['length_km']:>10} "
                      f"{'km2' if row['area_km2'] else 'km '} {row['valid_from']:>10} {row['valid_to']:>10}  "
                      f"{row['simplify_change_pct']}")
            return 0
        problems = validate_layers(args.data)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(problems)} problem(s) in the layers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
