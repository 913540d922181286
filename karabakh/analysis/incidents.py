"""Crisis Group's incidents read for the text: counts per month and sector, and sentences computed from them.

The tables and their loaders are in :mod:`karabakh.io.incidents`. They are Crisis Group's claims: one claimant, data
to 10 Sept 2023. Never add their counts to other claimants' counts.
"""
from __future__ import annotations

import pandas as pd

from karabakh.analysis import story
from karabakh.analysis.wording import day, qualified
from karabakh.io.days import to_day


def monthly_people(incidents: pd.DataFrame, start: str = "2020-11", end: str = "2023-09") -> pd.DataFrame:
    """People killed and wounded per calendar month, by status: Crisis Group's counts summed within its own data.

    Parameters
    ----------
    incidents : pandas.DataFrame
        As returned by :func:`karabakh.io.incidents.load_incidents`.
    start, end : str
        First and last month ("YYYY-MM"); months without incidents are 0.

    Returns
    -------
    pandas.DataFrame
        Index: month (Period[M]); columns: a MultiIndex (outcome, status) of people.

    Examples
    --------
    >>> import karabakh as kb
    >>> table = monthly_people(kb.load_incidents())
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
        As returned by :func:`karabakh.io.incidents.load_incidents`.
    sectors : geopandas.GeoDataFrame
        As returned by :func:`karabakh.io.incidents.load_sectors`.

    Returns
    -------
    geopandas.GeoDataFrame
        The sectors with columns incidents, killed, wounded, people (killed + wounded, Crisis Group's counts).

    Examples
    --------
    >>> import karabakh as kb
    >>> inc = kb.load_incidents()
    >>> per = people_by_sector(inc, kb.load_sectors())
    >>> int(per["incidents"].sum()) == len(inc), int(per["people"].sum()) == int(inc["people"].sum())
    (True, True)
    """
    counts = incidents.pivot_table(index="sector_id", columns="outcome", values="people", aggfunc="sum",
                                   observed=False, fill_value=0).astype("int64")
    out = sectors.set_index("id").join(counts).join(incidents.groupby("sector_id").size().rename("incidents"))
    out[["killed", "wounded", "incidents"]] = out[["killed", "wounded", "incidents"]].fillna(0).astype("int64")
    out["people"] = out["killed"] + out["wounded"]
    return out.reset_index()


def summary_sentences(incidents: pd.DataFrame, per_sector, *,
                      road_blocked_from: str = story.LACHIN_ROAD_RESTRICTED_FROM) -> list[str]:
    """The notebook's summary of Crisis Group's counts, each sentence computed from the data and attributed.

    Parameters
    ----------
    incidents : pandas.DataFrame
        As returned by :func:`karabakh.io.incidents.load_incidents`.
    per_sector : pandas.DataFrame
        :func:`people_by_sector`.
    road_blocked_from : str
        First day the Lachin corridor road was blocked (events.csv ev003, which attributes the word "blockade").

    Returns
    -------
    list of str
        Sentences: the totals, the deadliest month, the totals from the blocking of the road, the sector with most people
        killed and wounded.

    Examples
    --------
    >>> import karabakh as kb
    >>> inc = kb.load_incidents()
    >>> first = summary_sentences(inc, people_by_sector(inc, kb.load_sectors()))[0]
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
           f"{len(incidents)} incidents between {day(first)} and {day(last)}, where its data stop."]
    month = incidents.groupby(incidents["date"].dt.to_period("M"))["people"].sum()
    peak = month.idxmax()
    in_peak = incidents[incidents["date"].dt.to_period("M") == peak]
    top = in_peak.groupby("sector")["people"].sum().sort_values(ascending=False)
    out.append(f"Its worst month was {peak.strftime('%B %Y')}: {int(month.max()):,} people killed or wounded, "
               f"{int(top.iloc[0]):,} of them in the sector '{top.index[0]}'.")
    during = incidents[incidents["date"] >= to_day(road_blocked_from)]
    d = totals(during)
    out.append(f"From the blocking of the Lachin corridor road ({day(road_blocked_from)}) to {day(last)}, Crisis Group counted "
               f"{d[('killed', 'combatant')] + d[('killed', 'non_combatant')]:,} people killed and "
               f"{d[('wounded', 'combatant')] + d[('wounded', 'non_combatant')]:,} wounded in "
               f"{len(during)} incidents.")
    located = per_sector[per_sector["lat"].notna()].sort_values(["people", "id"], ascending=[False, True])
    best = located.iloc[0]
    out.append(f"Of the sectors on the map, '{best['sector']}' ({best['label']}) had the most people killed and "
               f"wounded: {best['killed']:,} killed, {best['wounded']:,} wounded in {best['incidents']} incidents.")
    return out


_SIDE_WORDS = {"ethnic_armenian": "the ethnic Armenian side", "azerbaijani": "the Azerbaijani side (military)"}


def latest_claim_sentences(claims: pd.DataFrame, category: str = "killed") -> list[str]:
    """For each side, every claim of the latest report date about the offensive, each with its claimant.

    Parameters
    ----------
    claims : pandas.DataFrame
        :func:`karabakh.plot.incidents.offensive_claims` (columns side, category, reported_on, value,
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
            number = qualified(r.value, r.value_qualifier)
            out.append(f"Latest claim of people {category} in the offensive on {_SIDE_WORDS.get(side, side)}: "
                       f"{number}, claimed by {r.who} on {day(r.reported_on)}.")
    return out
