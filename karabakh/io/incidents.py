"""Crisis Group's incidents, sectors and timeline: typed, validated loaders (their cross-column rules
are in :mod:`karabakh.io.rules`).

The three tables are derived from International Crisis Group's nk-data-repo (GPL-3.0, attribution to Crisis
Group's Europe and Central Asia program) by :mod:`karabakh.build.incidents`. They are Crisis Group's claims:
one claimant, data to 10 Sept 2023. Never add their counts to other claimants' counts.
"""
from __future__ import annotations

import os

import pandas as pd

from karabakh.io import tables

ATTRIBUTION = "International Crisis Group, Europe and Central Asia program (nk-data-repo, GPL-3.0)"


def load_incidents(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Crisis Group's incidents, 10 Nov 2020 - 10 Sept 2023: one row per incident of its casualties.csv.

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, date (datetime64), status (combatant | non_combatant), outcome (killed | wounded),
        people (Int64), incident_type and sector (the raw text), sector_id, source_id, raw_line.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules (file, line, column, why).

    Examples
    --------
    >>> inc = load_incidents()
    >>> int(inc["people"].min()) >= 1
    True
    """
    return tables.load_table("incidents", data_dir)


def load_sectors(data_dir: str | os.PathLike[str] | None = None):
    """Crisis Group's sectors with the places that name them, as a GeoDataFrame of points (EPSG:4326).

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per sector; ``geometry`` is the sector's point on its reference line, ``None`` where Crisis Group
        does not locate the sector.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> sectors = load_sectors()
    >>> sectors.crs.to_epsg()
    4326
    """
    import geopandas as gpd
    import shapely

    frame = tables.load_table("sectors", data_dir)
    points = [shapely.Point(x, y) if pd.notna(x) else None for x, y in zip(frame["lon"], frame["lat"])]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, index=frame.index, crs="EPSG:4326"))


def load_timeline(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Crisis Group's timeline of events, Jan 2015 - Sept 2023 (kept apart from our own ``events.csv``).

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, date, end_date (datetime64; NaT where not given), display_date, headline, text,
        event_id (the same event in events.csv, where there is one), source_id, raw_line, notes.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> tl = load_timeline()
    >>> int(tl["date"].dt.year.min()), int(tl["date"].dt.year.max())
    (2015, 2023)
    """
    return tables.load_table("timeline", data_dir)
