"""Crisis Group's incidents, sectors and timeline: typed, validated loaders and their cross-column rules.

The three tables are derived from International Crisis Group's nk-data-repo (GPL-3.0, attribution to Crisis
Group's Europe and Central Asia program) by :mod:`karabakh.build_incidents`. They are Crisis Group's claims:
one claimant, data to 10 Sept 2023. Never add their counts to other claimants' counts.
"""
from __future__ import annotations

import os

import pandas as pd

from karabakh import tables
from karabakh.errors import Problem

DATA_ENDS = pd.Timestamp("2023-09-10")  # the last incident in Crisis Group's casualties.csv
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


def monthly_people(incidents: pd.DataFrame, start: str = "2020-11", end: str = "2023-09") -> pd.DataFrame:
    """People killed and wounded per calendar month, by status: Crisis Group's counts summed within its own data.

    Parameters
    ----------
    incidents : pandas.DataFrame
        As returned by :func:`load_incidents`.
    start, end : str
        First and last month ("YYYY-MM"); months without incidents are 0.

    Returns
    -------
    pandas.DataFrame
        Index: month (Period[M]); columns: a MultiIndex (outcome, status) of people.

    Examples
    --------
    >>> table = monthly_people(load_incidents())
    >>> table.index[0], table.index[-1]
    (Period('2020-11', 'M'), Period('2023-09', 'M'))
    """
    months = pd.period_range(start, end, freq="M")
    counts = (incidents.assign(month=incidents["date"].dt.to_period("M"))
              .groupby(["month", "outcome", "status"], observed=False)["people"].sum().astype("int64")
              .unstack(["outcome", "status"]))
    return counts.reindex(months, fill_value=0).rename_axis("month")


def people_by_sector(incidents: pd.DataFrame, sectors) -> "pd.DataFrame":
    """Incidents and people killed and wounded per sector, with the sector's point (a GeoDataFrame).

    Parameters
    ----------
    incidents : pandas.DataFrame
        As returned by :func:`load_incidents`.
    sectors : geopandas.GeoDataFrame
        As returned by :func:`load_sectors`.

    Returns
    -------
    geopandas.GeoDataFrame
        The sectors with columns incidents, killed, wounded, people (killed + wounded, Crisis Group's counts).

    Examples
    --------
    >>> inc = load_incidents()
    >>> per = people_by_sector(inc, load_sectors())
    >>> int(per["incidents"].sum()) == len(inc), int(per["people"].sum()) == int(inc["people"].sum())
    (True, True)
    """
    counts = incidents.pivot_table(index="sector_id", columns="outcome", values="people", aggfunc="sum",
                                   observed=False, fill_value=0).astype("int64")
    out = sectors.set_index("id").join(counts).join(incidents.groupby("sector_id").size().rename("incidents"))
    out[["killed", "wounded", "incidents"]] = out[["killed", "wounded", "incidents"]].fillna(0).astype("int64")
    out["people"] = out["killed"] + out["wounded"]
    return out.reset_index()


def check_rules(name: str, frame: pd.DataFrame, label: str) -> list[Problem]:
    """Rules across the columns of one row of ``incidents``, ``sectors`` or ``timeline`` (beyond the schema).

    Parameters
    ----------
    name : str
        The table's name.
    frame : pandas.DataFrame
        The typed table, indexed by line number.
    label : str
        The file's label for messages.

    Returns
    -------
    list of Problem
        Empty when every rule holds.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2023-01-05"]), "end_date": pd.to_datetime(["2023-01-01"])},
    ...                      index=[7])
    >>> [str(p) for p in check_rules("timeline", frame, "data/timeline.csv")]
    ["data/timeline.csv: line 7, column 'end_date': ends before it starts"]
    """
    problems: list[Problem] = []

    def bad(mask: pd.Series, where: str, why: str) -> None:
        for line in frame.index[mask.fillna(False).astype(bool)]:
            problems.append(Problem(label, f"line {line}, {where}", why))

    if name == "incidents":
        expected = (frame["status"].astype("string").map({"combatant": "Combatant",
                                                          "non_combatant": "Non-combatant"})
                    + "/" + frame["outcome"].astype("string").str.capitalize())
        bad(frame["incident_type"].astype("string") != expected, "column 'incident_type'",
            "disagrees with status and outcome")
        bad(frame["date"] > DATA_ENDS, "column 'date'", "after 10 Sept 2023, where Crisis Group's data ends")
    elif name == "sectors":
        bad(frame["lat"].isna() != frame["lon"].isna(), "column 'lat'", "lat and lon must both be given or both empty")
        bad(frame["lat"].notna() != frame["reference_line"].notna(), "column 'reference_line'",
            "a point needs its reference line, and a reference line its point")
        bad(frame["lat"].isna() & frame["notes"].isna(), "column 'notes'", "say why the sector has no point")
    elif name == "timeline":
        bad(frame["end_date"] < frame["date"], "column 'end_date'", "ends before it starts")
    return problems


def summary_sentences(incidents: pd.DataFrame, per_sector, *, closure_start: str = "2022-12-12") -> list[str]:
    """The notebook's summary of Crisis Group's counts, each sentence computed from the data and attributed.

    Parameters
    ----------
    incidents : pandas.DataFrame
        As returned by :func:`load_incidents`.
    per_sector : pandas.DataFrame
        :func:`people_by_sector`.
    closure_start : str
        First day of the Lachin corridor's closure.

    Returns
    -------
    list of str
        Sentences: the totals, the deadliest month, the totals during the closure, the sector with most people
        killed and wounded.

    Examples
    --------
    >>> inc = load_incidents()
    >>> first = summary_sentences(inc, people_by_sector(inc, load_sectors()))[0]
    >>> f"in {len(inc)} incidents between 10 Nov 2020 and 10 Sept 2023" in first
    True
    """
    def totals(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
        sums = frame.groupby(["outcome", "status"], observed=False)["people"].sum()
        return {k: int(v) for k, v in sums.items()}

    first, last = incidents["date"].min(), incidents["date"].max()
    t = totals(incidents)
    killed = t[("killed", "combatant")] + t[("killed", "non_combatant")]
    wounded = t[("wounded", "combatant")] + t[("wounded", "non_combatant")]
    out = [f"Crisis Group counted {killed:,} people killed ({t[('killed', 'combatant')]:,} combatants, "
           f"{t[('killed', 'non_combatant')]:,} non-combatants) and {wounded:,} wounded "
           f"({t[('wounded', 'combatant')]:,} combatants, {t[('wounded', 'non_combatant')]:,} non-combatants) in "
           f"{len(incidents)} incidents between {_day(first)} and {_day(last)}, where its data stop."]
    month = incidents.groupby(incidents["date"].dt.to_period("M"))["people"].sum()
    peak = month.idxmax()
    in_peak = incidents[incidents["date"].dt.to_period("M") == peak]
    top = in_peak.groupby("sector")["people"].sum().sort_values(ascending=False)
    out.append(f"Its worst month was {peak.strftime('%B %Y')}: {int(month.max()):,} people killed or wounded, "
               f"{int(top.iloc[0]):,} of them in the sector '{top.index[0]}'.")
    during = incidents[incidents["date"] >= pd.Timestamp(closure_start)]
    d = totals(during)
    out.append(f"From the Lachin corridor's closure ({_day(closure_start)}) to {_day(last)}, Crisis Group counted "
               f"{d[('killed', 'combatant')] + d[('killed', 'non_combatant')]:,} people killed and "
               f"{d[('wounded', 'combatant')] + d[('wounded', 'non_combatant')]:,} wounded in "
               f"{len(during)} incidents.")
    located = per_sector[per_sector["lat"].notna()].sort_values(["people", "id"], ascending=[False, True])
    best = located.iloc[0]
    out.append(f"Of the sectors on the map, '{best['sector']}' ({best['label']}) had the most people killed and "
               f"wounded: {best['killed']:,} killed, {best['wounded']:,} wounded in {best['incidents']} incidents.")
    return out


def _day(value) -> str:
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts.strftime('%b').replace('Sep', 'Sept')} {ts.year}"


_SIDE_WORDS = {"ethnic_armenian": "the ethnic Armenian side", "azerbaijani": "the Azerbaijani side (military)"}
_QUALIFIER_WORDS = {"at_least": "at least ", "more_than": "more than ", "approx": "about "}


def latest_claim_sentences(claims: pd.DataFrame, category: str = "killed") -> list[str]:
    """For each side, every claim of the latest report date about the offensive, each with its claimant.

    Parameters
    ----------
    claims : pandas.DataFrame
        :func:`karabakh.incident_plots.offensive_claims` (columns side, category, reported_on, value,
        value_qualifier, who).
    category : str
        "killed" or "wounded".

    Returns
    -------
    list of str
        One sentence per claim (a claim recorded from two outlets once); claims are never combined.

    Examples
    --------
    >>> claims = pd.DataFrame({"id": ["c1", "c2"], "side": ["azerbaijani"] * 2, "category": ["killed"] * 2,
    ...     "reported_on": pd.to_datetime(["2023-09-21", "2023-09-27"]), "value": [100, 192],
    ...     "value_qualifier": ["exact", "exact"], "who": ["Ministry A", "Ministry A"]})
    >>> sentences = latest_claim_sentences(claims)  # only the latest report date counts
    >>> len(sentences), sentences[0].split(": ")[1]
    (1, '192, claimed by Ministry A on 27 Sept 2023.')
    """
    out = []
    rows = claims[claims["category"].astype(str) == category]
    for side, group in rows.groupby(rows["side"].astype(str), sort=True):
        latest = group[group["reported_on"] == group["reported_on"].max()].sort_values("id")
        latest = latest.drop_duplicates(["who", "value", "value_qualifier"])  # one claim relayed twice is one claim
        for r in latest.itertuples():
            number = f"{_QUALIFIER_WORDS.get(str(r.value_qualifier), '')}{int(r.value):,}"
            out.append(f"Latest claim of people {category} in the offensive on {_SIDE_WORDS.get(side, side)}: "
                       f"{number}, claimed by {r.who} on {_day(r.reported_on)}.")
    return out
