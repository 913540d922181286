"""Derive the map layers (``data/layers/``) from the raw extracts in ``data/raw/`` alone, offline.

``python -m karabakh build-layers`` (``make layers``) writes ``boundaries.geojson``, ``front_lines.geojson``,
``context.geojson`` and ``manifest.csv``; building twice, or on any clone, gives byte-identical files. The
extracts are first checked against their registry (``data/raw/registry.csv``, see :mod:`karabakh.io.raw`).
How each layer is derived, and the evidence, is in ``data/layers/README.md``.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from karabakh.io import checksums, layers, raw
from karabakh.io.errors import DataValidationError

SIMPLIFY_TOLERANCE_DEG = 0.0002  # ~22 m N-S / ~17 m E-W; 0.2 mm at 1:100,000, invisible at the maps' scales
CONTEXT_TOLERANCE_DEG = 0.02  # ~2 km: a locator inset is ~2 inches for ~3,000 km

# The extracts read, in data/raw/ (registry.csv gives each one's upstream file, licence and clip step).
NE_COUNTRIES = "naturalearth_countries_region.geojson"  # NE 5.1.1 countries cut at the region bbox
NE_CONTEXT = "naturalearth_countries_context.geojson"  # the same, cut at the context bbox
NE_DISPUTED_AREAS = "naturalearth_disputed_areas.geojson"
NE_DISPUTED_LINES = "naturalearth_boundary_lines_disputed_areas.geojson"
NE_LAND_LINES = "naturalearth_boundary_lines_land.geojson"
CRISISGROUP = "crisisgroup_nk_borders.geojson"
GEOBOUNDARIES = "geoboundaries_aze_adm2.geojson"  # Azerbaijan's districts (CC BY-SA 3.0, coarse)
INPUTS = (NE_COUNTRIES, NE_CONTEXT, NE_DISPUTED_AREAS, NE_DISPUTED_LINES, NE_LAND_LINES, CRISISGROUP, GEOBOUNDARIES)

# Dates and the sources that date them.
CEASEFIRE_1994 = ("1994-05-12", "bishkek_protocol_1994")  # Bishkek Protocol (5 May), cease-fire in force 12 May
STATEMENT_2020 = ("2020-11-10", "trilateral_statement_2020")  # trilateral statement of 9/10 Nov 2020
LACHIN_2022 = ("2022-08-26", "lachin_corridor_2022")  # Berdzor / Lachin handed over, corridor rerouted
CEASEFIRE_2023 = ("2023-09-20", "ceasefire_2023_09_20")  # cease-fire of 20 Sept 2023
#: The districts handed over under the statement of 9/10 Nov 2020: (geoBoundaries shapeName, name on the maps,
#: (day of the hand-over, source that dates it)). The 15 Nov date for Kalbajar was postponed to 25 Nov.
HANDOVERS_2020 = (
    ("Agdam District", "Aghdam (part)", ("2020-11-20", "alarabiya_aghdam_2020_11_20")),
    ("Kalbajar District", "Kalbajar", ("2020-11-25", "jamnews_kalbajar_2020_11_25")),
    ("Lachin District", "Lachin", ("2020-12-01", "jamnews_lachin_2020_12_01")),
)


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

    g = shapely.force_2d(geom).intersection(box(*layers.REGION_BBOX))
    if simplify:
        g = shapely.simplify(g, SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
    return _snap(g)


def _snap(g, precision: int = layers.PRECISION):
    import numpy as np
    import shapely

    g = shapely.set_precision(g, 10.0**-precision)
    g = shapely.transform(g, lambda c: np.round(c, precision))
    if g.geom_type in ("Polygon", "MultiPolygon"):
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


def _read(path: Path):
    """A GeoJSON extract as a GeoDataFrame (the json module reads every coordinate back exactly)."""
    import geopandas as gpd
    from shapely.geometry import shape

    doc = json.loads(path.read_bytes())
    feats = doc["features"]
    return gpd.GeoDataFrame([f["properties"] for f in feats], geometry=[shape(f["geometry"]) for f in feats],
                            crs="EPSG:4326")


def build(data_dir: str | os.PathLike[str] | None = None, out_dir: str | os.PathLike[str] | None = None) -> dict:
    """Derive boundaries.geojson, front_lines.geojson, context.geojson and manifest.csv from ``data/raw/``.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder whose ``raw/`` extracts to read (default: the shipped data).
    out_dir : path-like, optional
        Where to write (default: the data folder's ``layers/``).

    Returns
    -------
    dict
        A report: NKAO gaps closed, the evidence on Crisis Group's front lines, the manifest rows, file sizes.

    Raises
    ------
    DataValidationError
        An extract is missing or differs from its registry row (nothing written).
    RuntimeError
        The evidence no longer supports how the layers are derived.
    """
    import geopandas as gpd
    import shapely
    from shapely.ops import linemerge

    from karabakh.analysis.geo import area_km2, length_km

    problems = raw.verify(data_dir)
    if problems:
        raise DataValidationError(problems)
    registry = raw.load_registry(data_dir, checksum=False).set_index("file")
    folder = raw.raw_dir(data_dir)
    out = Path(out_dir) if out_dir is not None else layers.layers_dir(data_dir)
    read = lambda name: _read(folder / name)  # noqa: E731

    # countries: NE 5.1.1 cut at the region (the extract), simplified as a coverage so shared borders stay shared
    countries = read(NE_COUNTRIES).sort_values("ISO_A3").reset_index(drop=True)
    clipped = shapely.force_2d(countries.geometry.values)
    simplified = shapely.coverage_simplify(clipped, SIMPLIFY_TOLERANCE_DEG, simplify_boundary=True)

    # the former NKAO (NE 4.0.0 boundary lines), the 1994 line and the 1994-2020 area (NE 4.0.0)
    dlines = read(NE_DISPUTED_LINES)
    nk_lines = dlines[dlines["name"] == "Former USSR oblast in 1991"]
    nkao_raw, gaps = _nkao_polygon(shapely.get_parts(shapely.force_2d(nk_lines.geometry.values)))
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
        e = evidence[f"crisisgroup_front_line_{i}"] = {
            "length_km": round(float(length_km(gpd.GeoSeries([cg_geom[i]], crs=4326)).iloc[0]), 1),
            "mean_km_to_ne_armenia_azerbaijan_border": round(_mean_distance_km(cg_geom[i], arm_aze), 2),
            "mean_km_to_ne_ceasefire_line_1994": round(_mean_distance_km(cg_geom[i], line94_raw), 2),
            "mean_km_to_peacekeepers_zone_edge": round(_mean_distance_km(cg_geom[i], zone_raw.boundary), 2),
        }
        if not (e["mean_km_to_ne_armenia_azerbaijan_border"] < 5 < e["mean_km_to_ne_ceasefire_line_1994"]
                and 5 < e["mean_km_to_peacekeepers_zone_edge"]):
            raise RuntimeError(f"Crisis Group front line {i} no longer follows the Armenia-Azerbaijan border; "
                               f"re-examine before building: {e}")

    # context for locator insets: the countries of a wider area, coarse (nothing here is measured)
    wide = read(NE_CONTEXT)
    wide["iso3"] = wide["ISO_A3"].where(wide["ISO_A3"].str.fullmatch("[A-Z]{3}"), wide["ADM0_A3"])
    wide = wide.sort_values("iso3").reset_index(drop=True)
    wide_geoms = shapely.coverage_simplify(shapely.force_2d(wide.geometry.values), CONTEXT_TOLERANCE_DEG,
                                           simplify_boundary=True)
    context = []
    for r, g in zip(wide.itertuples(), wide_geoms):
        g = shapely.make_valid(g, method="structure", keep_collapsed=False)
        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in layers.POLYGONS and p.area > 1e-4])
        if not g.is_empty:
            context.append(dict(kind="country", name=r.ADMIN, iso3=r.iso3, source_id="ne_countries_5_1_1",
                                geometry=_snap(g, layers.CONTEXT_PRECISION)))
    context.sort(key=lambda f: f["name"])

    boundaries = [dict(key=f"country_{r.ISO_A3.lower()}", kind="country", name=r.ADMIN, iso3=r.ISO_A3,
                       source_id="ne_countries_5_1_1", inputs=[NE_COUNTRIES], raw=clipped[k],
                       geometry=_snap(simplified[k]))
                  for k, r in enumerate(countries.itertuples())]
    nkao = _finish(nkao_raw)
    boundaries.append(dict(key="nkao", kind="nkao", name="Nagorno-Karabakh Autonomous Oblast (former, to 1991)",
                           iso3="", source_id="ne_disputed_4_0_0", inputs=[NE_DISPUTED_LINES], raw=nkao_raw,
                           geometry=nkao))
    adm2 = read(GEOBOUNDARIES).set_index("shapeName")
    districts = {name: shapely.force_2d(adm2.geometry[name]).intersection(area94_raw).difference(zone_raw)
                 for name, _, _ in HANDOVERS_2020}
    fronts = _fronts(area94_raw, line94_raw, zone_raw, line20_raw, corridor_raw, nkao_raw, nkao)
    fronts += _districts_held_2020(districts)
    boundaries.sort(key=lambda f: (layers.KINDS.index(f["kind"]), f["name"]))
    fronts.sort(key=lambda f: (f["valid_from"], layers.FEATURE_TYPES.index(f["feature"]), f["key"]))

    out.mkdir(parents=True, exist_ok=True)
    _write_geojson(out / layers.BOUNDARIES, boundaries, layers.BOUNDARY_FIELDS)
    _write_geojson(out / layers.FRONT_LINES, fronts, layers.FRONT_LINE_FIELDS)
    _write_geojson(out / layers.CONTEXT, context, layers.BOUNDARY_FIELDS)

    # manifest: one row per feature, with its inputs and their sha256, licence, dates, size
    rows = []
    for f, file in [(f, layers.BOUNDARIES) for f in boundaries] + [(f, layers.FRONT_LINES) for f in fronts]:
        polygonal = f["geometry"].geom_type in layers.POLYGONS
        measure = area_km2 if polygonal else length_km  # the change simplification + rounding caused
        size, raw_size = measure(gpd.GeoSeries([f["geometry"], f["raw"]], crs=4326))
        rows.append(_manifest_row(registry, f, file, size, raw_size, polygonal))
    rows.append(_manifest_row(registry, dict(key="context_countries", kind="context", source_id="ne_countries_5_1_1",
                                             inputs=[NE_CONTEXT], name=f"{len(context)} countries around the South "
                                             "Caucasus, for locator insets (coarse)"), layers.CONTEXT))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    checksums.write_atomic(out / layers.MANIFEST, buf.getvalue().encode("utf-8"))
    return {"nkao_gaps_closed_deg": [round(g, 6) for g in gaps], "front_line_evidence": evidence,
            "layers": rows, "bytes": {n: (out / n).stat().st_size for n in (*layers.LAYER_FILES, layers.MANIFEST)}}


#: Who held each control area and whether Russian peacekeepers were deployed there (layer properties).
HELD = {
    "area_1994_2020": {"held_by": "ethnic_armenian_forces", "peacekeepers": "false"},
    "line_1994_2020": {"held_by": "", "peacekeepers": ""},
    "area_2020_2023": {"held_by": "ethnic_armenian_forces", "peacekeepers": "true"},
    "line_2020_2023": {"held_by": "", "peacekeepers": ""},
    "corridor_2020_2022": {"held_by": "", "peacekeepers": "true"},
    # who held it is not given by any source for the whole area (the cease-fire text is silent); peacekeepers were
    # there on 20-22 Sept 2023 (ev019, ev024)
    "nkao_2023": {"held_by": "unknown", "peacekeepers": "true"},
}


def _districts_held_2020(districts: dict) -> list[dict]:
    """Control areas for 10 Nov - 1 Dec 2020: the districts not yet handed over, shrinking at each hand-over.

    Each district is its geoBoundaries ADM2 polygon cut to Natural Earth's 1994-2020 area and without Crisis
    Group's peacekeepers' zone (which is its own control area from 10 Nov 2020). Held on a day: the zone plus the
    feature of that day.
    """
    import shapely

    out = []
    start = STATEMENT_2020
    for i, (_, _, end) in enumerate(HANDOVERS_2020):
        left = HANDOVERS_2020[i:]
        names = ", ".join(shown for _, shown, _ in left)
        last = (_ordinal(end[0]) - 1)
        raw = shapely.union_all([districts[name] for name, _, _ in left])
        out.append(dict(
            key=f"districts_{start[0].replace('-', '_')}", feature="control_area",
            label=f"Districts still held: {names}, {_span(start[0], last)}",
            valid_from=start[0], valid_to=end[0], source_id="geoboundaries_aze_adm2", from_source_id=start[1],
            to_source_id=end[1], held_by="ethnic_armenian_forces", peacekeepers="false",
            note=("geoBoundaries AZE ADM2 district polygons (CC BY-SA 3.0; traced from a Wikipedia map, coarse) cut to "
                  "Natural Earth's 1994-2020 area, without Crisis Group's peacekeepers' zone (its own control area). "
                  "Parts taken during the war inside these districts are not mapped. Next hand-over: "
                  f"{HANDOVERS_2020[i][1]} on {end[0]}."),
            inputs=[GEOBOUNDARIES, NE_DISPUTED_AREAS, CRISISGROUP], raw=raw, geometry=_finish(raw)))
        start = end
    return out


def _ordinal(text: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(text).toordinal()


def _span(first: str, last_ordinal: int) -> str:
    """'10-19 Nov 2020' for a first day and a last day (ordinal)."""
    import datetime as dt

    a, b = dt.date.fromisoformat(first), dt.date.fromordinal(last_ordinal)
    if a.month == b.month:
        return f"{a.day}-{b.day} {b:%b %Y}"
    return f"{a.day} {a:%b}-{b.day} {b:%b %Y}"


def _fronts(area94_raw, line94_raw, zone_raw, line20_raw, corridor_raw, nkao_raw, nkao) -> list[dict]:
    """The dated features, with their labels, dates, sources and notes."""
    def front(key, feature, label, start, end, source_id, inputs, raw, note, geometry=None):
        return dict(key=key, feature=feature, label=label, valid_from=start[0], valid_to=end[0] if end else "",
                    source_id=source_id, from_source_id=start[1], to_source_id=end[1] if end else "",
                    note=note, inputs=inputs, raw=raw, geometry=geometry or _finish(raw), **HELD[key])

    ne4 = [NE_DISPUTED_LINES]
    return [
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
        front("corridor_2020_2022", "corridor", "Lachin corridor (route through Berdzor / Lachin), 2020-2022",
              STATEMENT_2020, LACHIN_2022, "crisisgroup_nk_data", [CRISISGROUP], corridor_raw,
              "Crisis Group 'Lachin Corridor' (contains Berdzor / Lachin town: the original route). Rerouted on "
              "26 Aug 2022 (traffic on the bypass from 30 Aug); the new route is not in the sources."),
        front("nkao_2023", "control_area",
              "Former NKAO from the cease-fire of 20 Sept 2023: holder unknown (no source gives a day for the "
              "whole area)", CEASEFIRE_2023, None, "ne_disputed_4_0_0", ne4, nkao_raw,
              "Geometry = the former NKAO (NE 4.0.0 lines, gaps closed). The cease-fire of 20 Sept 2023 (the "
              "ethnic-Armenian forces to disarm and withdraw, relayed by Russian peacekeepers) says nothing of who "
              "holds what, and no source read gives a day on which Azerbaijan held the whole area: held_by unknown. "
              "Places are dated in control.csv (Aliyev raised Azerbaijan's flag in five towns on 15 Oct 2023; "
              "Lisagor, Taghavard and Parukh unknown).", geometry=nkao),
    ]


def _manifest_row(registry, f: dict, file: str, size: float | None = None, raw_size: float | None = None,
                  polygonal: bool = True) -> dict:
    """One manifest row; licence and attribution come from the registry row of the geometry's first input."""
    first = registry.loc[f["inputs"][0]]
    measured = size is not None
    return {
        "file": file, "key": f["key"], "type": f.get("feature") or f["kind"], "label": f.get("label") or f["name"],
        "valid_from": f.get("valid_from", ""), "valid_to": f.get("valid_to", ""),
        "source_id": f["source_id"], "dates_source_ids": ";".join(
            s for s in (f.get("from_source_id"), f.get("to_source_id")) if s),
        "licence": first["licence"], "attribution": first["attribution"],
        "area_km2": f"{size:.1f}" if measured and polygonal else "",
        "length_km": f"{size:.1f}" if measured and not polygonal else "",
        "simplify_change_pct": f"{(size - raw_size) / raw_size * 100:+.4f}" if measured else "",
        "inputs": ";".join(f"{raw.RAW}/{p}" for p in f["inputs"]),
        "inputs_sha256": ";".join(registry.loc[p, "extract_sha256"] for p in f["inputs"]),
    }


def _write_geojson(path: Path, features: list[dict], fields: tuple[str, ...]) -> None:
    from shapely.geometry import mapping

    lines = []
    for f in features:
        props = {name: f.get(name, "") for name in fields}
        feature = {"type": "Feature", "properties": props, "geometry": mapping(f["geometry"])}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    checksums.write_atomic(path, text.encode("utf-8"))


def print_report(report: dict) -> None:
    """Print a build report: the evidence as JSON, then one line per layer (measure, dates, simplification).

    Parameters
    ----------
    report : dict
        What :func:`build` returned.
    """
    print(json.dumps({k: v for k, v in report.items() if k != "layers"}, indent=1))
    for row in report["layers"]:
        unit = "km2" if row["area_km2"] else "km " if row["length_km"] else "   "
        print(f"{row['key']:<22} {row['area_km2'] or row['length_km']:>10} {unit} {row['valid_from']:>10} "
              f"{row['valid_to']:>10}  {row['simplify_change_pct']}")

