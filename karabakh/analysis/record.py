"""The whole record read for the text and the charts: one incident series 2015-2023, the excess-death totals and
UNHCR's series (issue 20).

Each function takes the frames it reads (``kb.load_...``) and keeps each source's figures apart: Crisis Group's
pre-war and post-war definitions stay in their own rows (``period``), stocks and flows are never added, and the
intervals of age groups are never summed.
"""
from __future__ import annotations

import pandas as pd

#: The 2020 war: 27 Sept - 10 Nov 2020 (cease-fire statement of 9/10 Nov).
WAR_2020 = (pd.Timestamp("2020-09-27"), pd.Timestamp("2020-11-10"))
#: The April 2016 escalation, which Crisis Group's counts leave out.
APRIL_2016 = (pd.Timestamp("2016-04-01"), pd.Timestamp("2016-04-05"))


def incident_series(pre2020: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """Crisis Group's people killed and wounded per month, Jan 2015 - Sept 2023, as one long table.

    Before the war the rows come from its ``all.csv`` (status ``military`` / ``civilian``), after it from
    ``casualties.csv`` (``combatant`` / ``non_combatant``); ``period`` keeps the two apart, because the two files
    use different words and Crisis Group does not say that they mean the same people. Months without incidents are
    absent (not 0): the April 2016 escalation is not in the counts.

    Parameters
    ----------
    pre2020 : pandas.DataFrame
        :func:`karabakh.io.record.load_incidents_pre2020` (only breakdown ``all`` is used).
    incidents : pandas.DataFrame
        :func:`karabakh.io.incidents.load_incidents`.

    Returns
    -------
    pandas.DataFrame
        Columns month (Timestamp, first day), period, status, outcome, people (int).

    Examples
    --------
    >>> import karabakh as kb
    >>> series = incident_series(kb.load_incidents_pre2020(), kb.load_incidents())
    >>> series.groupby("period")["month"].agg(["min", "max"]).astype(str).values.tolist()
    [['2020-11-01', '2023-09-01'], ['2015-01-01', '2020-09-01']]
    """
    pre = pre2020[pre2020["breakdown"] == "all"].assign(period="pre_2020_war")
    post = incidents.assign(period="post_2020_war")
    both = pd.concat([pre[["date", "period", "status", "outcome", "people"]],
                      post[["date", "period", "status", "outcome", "people"]]], ignore_index=True)
    both["month"] = both["date"].dt.to_period("M").dt.to_timestamp()
    out = (both.groupby(["month", "period", "status", "outcome"], observed=True)["people"].sum().astype("int64")
           .reset_index())
    return out.sort_values(["month", "period", "status", "outcome"], ignore_index=True)


def pre2020_sentence(pre2020: pd.DataFrame) -> str:
    """One sentence on Crisis Group's pre-war counts (its ``all.csv``), with its own caveat on April 2016.

    Parameters
    ----------
    pre2020 : pandas.DataFrame
        :func:`karabakh.io.record.load_incidents_pre2020`.

    Returns
    -------
    str

    Examples
    --------
    >>> import karabakh as kb
    >>> text = pre2020_sentence(kb.load_incidents_pre2020())
    >>> text.startswith("Before the 2020 war (3 Jan 2015 - 21 Sept 2020)"), "April 2016 escalation is not" in text
    (True, True)
    """
    from karabakh.analysis.wording import day

    rows = pre2020[pre2020["breakdown"] == "all"]
    total = rows.groupby(["status", "outcome"], observed=True)["people"].sum()
    return (f"Before the 2020 war ({day(rows['date'].min())} - {day(rows['date'].max())}), Crisis Group's all.csv "
            f"counts {int(total['military', 'killed'])} military and {int(total['civilian', 'killed'])} civilians "
            f"killed, {int(total['military', 'wounded'])} military and {int(total['civilian', 'wounded'])} civilians "
            "wounded; by Crisis Group's own account the April 2016 escalation is not in these counts.")


def excess_totals(excess: pd.DataFrame, *, ages: tuple[int, int] = (15, 49), by: tuple[str, ...] = ("territory",)):
    """Sums of the age-group point estimates of excess deaths: the method of the paper's own totals.

    Karlinsky & Torrisi's abstract gives totals for ages 15-49 ("almost 6,500"; Armenia "nearly 2,800",
    Azerbaijan 3,400, Artsakh 310); the sums of their age-group points reproduce them. No interval is formed for a
    total: the enveloping intervals of age groups do not add up (they are not independent, and the paper gives none
    for the totals), so the result has no ``value_low`` / ``value_high``.

    Parameters
    ----------
    excess : pandas.DataFrame
        :func:`karabakh.io.record.load_excess_deaths`.
    ages : (int, int)
        First and last age group by lower bound (15, 49 keeps 15-19 ... 45-49).
    by : tuple of str
        Columns to group by (``territory``, ``sex``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``; columns ``value`` (summed points, excess deaths) and ``age_groups`` (how many summed).

    Examples
    --------
    >>> import karabakh as kb
    >>> totals = excess_totals(kb.load_excess_deaths())
    >>> int(round(totals.loc["Armenia", "value"]))
    2757
    """
    low, high = ages
    rows = excess[(excess["age_low"] >= low) & (excess["age_low"] <= high - 4)]
    grouped = rows.groupby(list(by), observed=True)
    return pd.DataFrame({"value": grouped["value"].sum(), "age_groups": grouped["age_group"].nunique()})


def refugees_from_azerbaijan_in_armenia(unhcr: pd.DataFrame, years: tuple[int, int] = (2015, 2025)) -> pd.DataFrame:
    """UNHCR's stock of refugees from Azerbaijan in Armenia at the end of each year (a stock, not arrivals).

    Parameters
    ----------
    unhcr : pandas.DataFrame
        :func:`karabakh.io.record.load_unhcr`.
    years : (int, int)
        First and last year.

    Returns
    -------
    pandas.DataFrame
        Columns year, value, kind (``stock``), id.

    Examples
    --------
    >>> import karabakh as kb
    >>> stock = refugees_from_azerbaijan_in_armenia(kb.load_unhcr())
    >>> int(stock.set_index("year").loc[2023, "value"])
    143054
    """
    keep = ((unhcr["table"] == "population") & (unhcr["measure"] == "refugees") & (unhcr["origin_iso"] == "AZE")
            & (unhcr["asylum_iso"] == "ARM") & unhcr["year"].between(*years))
    return unhcr.loc[keep, ["year", "value", "kind", "id"]].sort_values("year", ignore_index=True)


def refugee_inflows(unhcr: pd.DataFrame) -> pd.DataFrame:
    """UNHCR's flows from Azerbaijan into Armenia (people who arrived during the year), by measure.

    Parameters
    ----------
    unhcr : pandas.DataFrame
        :func:`karabakh.io.record.load_unhcr`.

    Returns
    -------
    pandas.DataFrame
        Columns year, measure (``refugees``, ``refugee_like``, ``asylum_seekers``), value, kind (``flow``), id.

    Examples
    --------
    >>> import karabakh as kb
    >>> flows = refugee_inflows(kb.load_unhcr())
    >>> flows[(flows["year"] == 2023) & (flows["measure"] == "refugees")]["value"].tolist()
    [141942]
    """
    keep = (unhcr["table"] == "flows") & (unhcr["origin_iso"] == "AZE") & (unhcr["asylum_iso"] == "ARM")
    return unhcr.loc[keep, ["year", "measure", "value", "kind", "id"]].sort_values(["year", "measure"],
                                                                                   ignore_index=True)


def internally_displaced(unhcr: pd.DataFrame) -> pd.DataFrame:
    """Internally displaced people in Azerbaijan and in Armenia by year, UNHCR's and IDMC's figures side by side.

    Parameters
    ----------
    unhcr : pandas.DataFrame
        :func:`karabakh.io.record.load_unhcr`.

    Returns
    -------
    pandas.DataFrame
        Columns year, country (ISO3), reporter (``UNHCR`` or ``IDMC``), value (a stock).

    Examples
    --------
    >>> import karabakh as kb
    >>> idp = internally_displaced(kb.load_unhcr())
    >>> sorted(idp["reporter"].unique())
    ['IDMC', 'UNHCR']
    """
    unhcr_idp = (unhcr["table"] == "population") & (unhcr["measure"] == "idps") & (unhcr["value"] > 0)
    idmc = unhcr["table"] == "idmc"
    keep = unhcr[(unhcr_idp | idmc) & (unhcr["origin_iso"] == unhcr["asylum_iso"])]
    return pd.DataFrame({"year": keep["year"], "country": keep["asylum_iso"],
                         "reporter": keep["table"].map({"population": "UNHCR", "idmc": "IDMC"}),
                         "value": keep["value"]}).sort_values(["country", "reporter", "year"], ignore_index=True)


def exodus_measures(latest: pd.DataFrame, unhcr: pd.DataFrame, year: int = 2023) -> pd.DataFrame:
    """The claimants' latest arrival counts of 2023-24 beside UNHCR's yearly figures for that year, one row each.

    Three different measures, labelled and never added: a claimant's cumulative count of arrivals or registrations
    on a day (``count on a day``), UNHCR's flow of refugees from Azerbaijan into Armenia during the year (``flow``), and
    UNHCR's stock of them at the end of the year (``stock``).

    Parameters
    ----------
    latest : pandas.DataFrame
        :func:`karabakh.analysis.summaries.latest_counts` (date, claimant, measure, count, ...).
    unhcr : pandas.DataFrame
        :func:`karabakh.io.record.load_unhcr`.
    year : int
        UNHCR's year.

    Returns
    -------
    pandas.DataFrame
        Columns when, who, what (the claimant's measure, or UNHCR's), kind (count on a day | flow | stock), number (as
        the claimant or UNHCR gave it), source_id.

    Examples
    --------
    >>> import karabakh as kb
    >>> table = exodus_measures(kb.latest_counts(kb.load_displacement(), kb.load_actors(), kb.load_sources()),
    ...                        kb.load_unhcr())
    >>> table[table["who"].str.startswith("UNHCR (yearly")][["kind", "number"]].values.tolist()
    [['flow', '141,942'], ['stock', '143,054']]
    """
    claims = pd.DataFrame({"when": latest["date"], "who": latest["claimant"], "what": latest["measure"],
                           "kind": "count on a day", "number": latest["count"], "source_id": latest["source_id"]})
    flow = refugee_inflows(unhcr)
    flow = flow[(flow["year"] == year) & (flow["measure"] == "refugees")]
    stock = refugees_from_azerbaijan_in_armenia(unhcr, (year, year))
    yearly = pd.DataFrame({"when": [f"during {year}", f"end of {year}"],
                           "who": ["UNHCR (yearly statistics)"] * 2,
                           "what": ["refugees from Azerbaijan who arrived in Armenia",
                                    "refugees from Azerbaijan in Armenia"],
                           "kind": ["flow", "stock"],
                           "number": [f"{int(v):,}" for v in (*flow["value"], *stock["value"])],
                           "source_id": "unhcr_refugees_2025_12_1"})
    return pd.concat([claims, yearly], ignore_index=True)


def latest_tolls(tolls: pd.DataFrame) -> pd.DataFrame:
    """Each claimant's latest official claim for each side, category, subgroup and scope (never summed).

    Parameters
    ----------
    tolls : pandas.DataFrame
        :func:`karabakh.io.record.load_war_tolls`.

    Returns
    -------
    pandas.DataFrame
        The latest row of each (claimant, side, category, subgroup, scope), official claims only.

    Examples
    --------
    >>> import karabakh as kb
    >>> latest = latest_tolls(kb.load_war_tolls())
    >>> int(latest[(latest["claimant"] == "Ministry of Defence of Azerbaijan")
    ...            & (latest["category"] == "killed")]["value"].iloc[0])
    2900
    """
    official = tolls[tolls["kind"] == "official_claim"].sort_values(["reported_on", "id"])
    keys = ["claimant", "side", "category", "subgroup", "scope"]
    return official.groupby(keys, observed=True).tail(1).sort_values(keys, ignore_index=True)
