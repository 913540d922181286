"""The raw third-party inputs: region-clipped extracts in ``data/raw/`` and their registry.

``data/raw/registry.csv`` (a table of ``datapackage.json``, validated like the others) gives for each extract the
publisher's download address, the sha256 of the upstream file (and of the member used when the download is an
archive, e.g. a PyPI wheel), the sha256 of the extract, its licence and attribution, and the clip step that made
it. The clip steps are the functions of :data:`karabakh.build.fetch.CLIP_STEPS`:

- ``verbatim``: the upstream file as it is (already region-specific);
- ``select_features``: the GeoJSON features whose geometry meets the bbox, geometry and properties unchanged;
- ``clip_geometries``: every feature cut at the bbox (shapely intersection), 2-D, properties kept;
- ``select_records``: the records of a JSON object of points (GeoNames) that fall in the bbox, unchanged;
- ``select_countries``: the rows of an R data file (UNHCR) between Armenia and Azerbaijan, as CSV (no bbox).

``python -m karabakh sources`` checks the extracts against the registry (offline);
``python -m karabakh sources --fetch`` (:mod:`karabakh.build.fetch`, where the clip steps live) downloads the
upstream files with pooch into the user cache, verifies their sha256 and re-derives every extract, byte for byte.
"""
from __future__ import annotations

import os
from pathlib import Path

from karabakh.io import checksums, tables
from karabakh.io.errors import DataValidationError, Problem

RAW = "raw"
REGISTRY = "registry.csv"
NOT_EXTRACTS = {REGISTRY, "README.md"}  # files of data/raw/ that are not extracts


# ---------------------------------------------------------------------------------------------- registry
def raw_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the raw extracts.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder (default: the shipped data, or ``$KARABAKH_DATA``).

    Returns
    -------
    Path
        ``<data>/raw``.

    Examples
    --------
    >>> raw_dir().name
    'raw'
    """
    return tables.data_dir(data_dir) / RAW


def load_registry(data_dir: str | os.PathLike[str] | None = None, *, checksum: bool = True):
    """The registry of raw extracts, validated like every table (one row per extract).

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder.
    checksum : bool, default True
        Also check the registry against the folder's ``SHA256SUMS`` (when it has one).

    Returns
    -------
    pandas.DataFrame
        Columns: file, source_id, upstream_url, upstream_sha256, member, member_sha256, clip, bbox,
        extract_sha256, licence, attribution.

    Raises
    ------
    DataValidationError
        The registry is missing or breaks its schema.

    Examples
    --------
    >>> "crisisgroup_nk_borders.geojson" in set(load_registry()["file"])
    True
    """
    return tables.load_table("raw_registry", data_dir, checksum=checksum)


def verify(data_dir: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Every extract against the registry: present, same sha256; and no unregistered file in ``raw/``.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder.

    Returns
    -------
    list of Problem
        Empty when every extract matches its registry row.

    Examples
    --------
    >>> verify()
    []
    """
    folder = raw_dir(data_dir)
    path = tables.data_dir(data_dir) / RAW / REGISTRY
    if not path.is_file():
        return [Problem(f"{RAW}/{REGISTRY}", "", "file not found (the registry of the raw extracts)")]
    try:
        registry = load_registry(data_dir, checksum=False)
    except DataValidationError as exc:
        return [p for p in exc.problems if p.file.endswith(f"{RAW}/{REGISTRY}")]
    problems = []
    for line, row in registry.iterrows():
        label = f"{RAW}/{row['file']}"
        extract = folder / row["file"]
        if not extract.is_file():
            problems.append(Problem(label, "", f"extract listed on line {line} of {RAW}/{REGISTRY} is missing; "
                                               "run `python -m karabakh sources --fetch` to re-derive it"))
        elif checksums.digest(extract) != row["extract_sha256"]:
            problems.append(Problem(label, "", f"differs from extract_sha256 on line {line} of {RAW}/{REGISTRY}; "
                                               "re-derive it with `python -m karabakh sources --fetch`"))
    listed = set(registry["file"])
    for extra in sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []:
        if extra not in listed and extra not in NOT_EXTRACTS:
            problems.append(Problem(f"{RAW}/{extra}", "", f"not in {RAW}/{REGISTRY}: every raw input needs its "
                                                          "upstream address, sha256, licence and clip step"))
    return problems
