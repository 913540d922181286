"""The whole record's tables (issue 20): typed, validated loaders.

- ``incidents_pre2020``: Crisis Group's incidents before the 2020 war (Jan 2015 - Sept 2020; GPL-3.0). Crisis
  Group states that **the April 2016 escalation is not in these counts**.
- ``detentions``: Crisis Group's detentions after the 2020 war (Nov 2020 - Aug 2023; GPL-3.0).
- ``timeline_ru``: Crisis Group's Russian timeline, joined to the English events it translates.
- ``excess_deaths_2020``: Karlinsky & Torrisi's (2023) excess deaths in 2020 with their intervals (MIT).
- ``unhcr_displacement``: UNHCR's refugee, IDP and return figures between Armenia and Azerbaijan (CC BY 4.0).
- ``war_2020_tolls``: the 2020 war's tolls, claim by claim (official claims and the paper's own totals).

Each table is one claimant's (or one source's) figures: never add them to another's.
"""
from __future__ import annotations

import os

import pandas as pd

from karabakh.io import tables

#: What every figure or sum over Crisis Group's 2015-2020 counts must say (Crisis Group's own caveat).
APRIL_2016_GAP = "Crisis Group's counts leave out the April 2016 escalation (1-5 April 2016)"


def load_incidents_pre2020(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Crisis Group's incidents before the 2020 war, Jan 2015 - Sept 2020, by breakdown.

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, date (datetime64), period, breakdown (all | armenian | azerbaijani | weapon), category (raw),
        status, outcome, weapon, people (Int64), category_ru, cg_id, source_id, raw_file, raw_line, notes.
        The breakdowns count the same incidents differently: select one, never add two. The April 2016
        escalation is not in these counts (:data:`APRIL_2016_GAP`).

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules (file, line, column, why).

    Examples
    --------
    >>> pre = load_incidents_pre2020()
    >>> sorted(pre["breakdown"].unique())
    ['all', 'armenian', 'azerbaijani', 'weapon']
    >>> bool(pre["date"].max() < pd.Timestamp("2020-09-27"))
    True
    """
    return tables.load_table("incidents_pre2020", data_dir)


def load_detentions(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Crisis Group's detentions after the 2020 war, one row per row of its detentions.csv.

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, date, detained (raw), side, status, people, sector (raw), sector_id, detained_ru, source_id,
        raw_line, notes.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> det = load_detentions()
    >>> sorted(det["side"].unique())
    ['armenian', 'azerbaijani']
    """
    return tables.load_table("detentions", data_dir)


def load_timeline_ru(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Crisis Group's Russian timeline: each dated event joined to the English event it translates (``timeline_id``).

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, timeline_id (timeline.id), date, display_date_ru, headline_ru, text_ru, source_id, raw_line, notes.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> from karabakh.io.incidents import load_timeline
    >>> ru = load_timeline_ru().merge(load_timeline(), left_on="timeline_id", right_on="id")
    >>> bool((ru["date_x"] == ru["date_y"]).all())
    True
    """
    return tables.load_table("timeline_ru", data_dir)


def load_excess_deaths(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Karlinsky & Torrisi's 2020 excess deaths by territory, sex and age group, with their intervals.

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, territory, group, sex, age_group, age_low, deaths_2020, expected, expected_low, expected_high,
        value (excess deaths), value_low, value_high, source_id, raw_line, notes. An age group's interval is its
        own: intervals do not add up across age groups.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> ex = load_excess_deaths()
    >>> bool(((ex["value_low"] <= ex["value"]) & (ex["value"] <= ex["value_high"])).all())
    True
    >>> "May-14" in set(ex["age_group"])  # repaired to "5 - 14" in the build
    False
    """
    return tables.load_table("excess_deaths_2020", data_dir)


def load_unhcr(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """UNHCR's figures between Armenia and Azerbaijan: one row per count, labelled stock or flow.

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, year, table, measure, kind (stock | flow), origin_iso, asylum_iso, value, source_id, raw_file,
        raw_line.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> un = load_unhcr()
    >>> sorted(un["kind"].unique())
    ['flow', 'stock']
    """
    return tables.load_table("unhcr_displacement", data_dir)


def load_war_tolls(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The 2020 war's tolls, claim by claim (official claims over time, and the excess-mortality paper's totals).

    Parameters
    ----------
    data_dir : path-like, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        Columns id, reported_on, period_start, period_end, side, scope, category, subgroup, value, value_low,
        value_high, value_qualifier, kind, claimant, claimant_actor_id, source_id, relayed_by, quote, notes.

    Raises
    ------
    DataValidationError
        The file is missing or breaks the schema or the rules.

    Examples
    --------
    >>> tolls = load_war_tolls()
    >>> sorted(tolls["kind"].unique())
    ['estimate', 'media_count', 'official_claim']
    """
    return tables.load_table("war_2020_tolls", data_dir)
