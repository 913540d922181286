"""Tables for the notebooks' text: the article's figures next to later claims, the latest claim of each claimant,
the numbered events, the control areas' sizes, and when each count of arrivals was made.

Every function takes the tables it reads (nothing is loaded here) and returns a DataFrame; claims of different
claimants are put side by side, never summed. :func:`latest_claims` and :func:`latest_counts` group claims by
institution by default: a speaker's claims count as those of the institution it speaks for (``actors.speaks_for``:
the Prime Minister's press secretary and the Deputy Prime Minister for the Government of Armenia), other actors as
themselves, and a claimant that is no actor by its own words; ``by="claimant"`` groups by the individual claimant
(:func:`karabakh.analysis.wording.claimant_keys`). Either way a ``speaker`` column says who gave the figure. A claim
whose source and every relay are re-posts or listing pages (``sources.page_kind``) is left out of these headline
answers unless ``reposts=True``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from karabakh.analysis import geo, wording
from karabakh.io.days import to_day

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["article_counts_compared", "article_dates_compared", "latest_claims", "latest_counts", "count_times",
           "numbered_events", "control_area_table"]

#: How the latest claims can be grouped (see the module docstring).
GROUPINGS = ("institution", "claimant")


def _group(frame: pd.DataFrame, actors: pd.DataFrame, by: str) -> tuple[pd.Series, pd.Series]:
    """The key and the label each claim is grouped under: its institution (``by="institution"``) or claimant."""
    if by not in GROUPINGS:
        raise ValueError(f"by={by!r}: group by one of {', '.join(map(repr, GROUPINGS))}")
    keys = wording.claimant_keys(frame)
    if by == "claimant":
        return keys, wording.claimant_labels(frame, actors).set_axis(frame.index)
    speaks = actors.set_index("id")["speaks_for"].dropna().astype(str)
    actor_ids = frame["claimant_actor_id"].astype(object)
    institution = actor_ids.map(lambda a: speaks.get(a, a) if isinstance(a, str) else None)
    keys = institution.where(institution.notna(), keys)
    labels = wording.claimant_labels(pd.DataFrame({"claimant_actor_id": institution, "claimant": frame["claimant"]},
                                                  index=frame.index), actors)
    return keys.astype(str), labels.set_axis(frame.index)


def _headline(frame: pd.DataFrame, sources: pd.DataFrame, reposts: bool) -> pd.DataFrame:
    """The rows resting on at least one original page (``sources.page_kind``), or all rows with ``reposts``."""
    if reposts:
        return frame
    original = set(sources.loc[sources["page_kind"].astype(str) == "original", "id"])
    cited = frame["source_id"].astype(str) + ";" + frame["relayed_by"].astype(object).fillna("").astype(str)
    return frame[[bool(original & set(c.split(";"))) for c in cited]]


#: Subgroups compared with each other: the article's "soldiers" are "police" (Interior Ministry) in other claims.
_SUBGROUP_CLASS = {"military": "uniformed", "police": "uniformed"}


def article_counts_compared(article_figures: pd.DataFrame, casualties: pd.DataFrame,
                            actors: pd.DataFrame) -> pd.DataFrame:
    """Every count in the seed article next to every claim about the same thing, oldest report first.

    The same thing: same incident, side, category and subgroup in the casualties table (military and police count
    as one group). One row per claim, never summed.

    Parameters
    ----------
    article_figures, casualties, actors : pandas.DataFrame
        ``kb.load_article_figures()``, ``kb.load_casualties()``, ``kb.load_actors()``.

    Returns
    -------
    pandas.DataFrame
        Columns figure_id, figure, article_says, reported_on, claimant (name and role), subgroup, value,
        value_qualifier, claim (the number in words, as qualified), source_id, relayed_by (the sources that
        repeated the claim, ``;``-separated, or ``""``), is_article_row.

    Examples
    --------
    >>> import karabakh as kb
    >>> table = article_counts_compared(kb.load_article_figures(), kb.load_casualties(), kb.load_actors())
    >>> bool(table.groupby("figure_id")["is_article_row"].sum().eq(1).all())
    True
    """
    counts = article_figures[(article_figures["table"].astype(str) == "casualties")
                             & article_figures["value"].notna()].sort_values("id")
    cas = casualties.copy()
    cas["who"] = wording.claimant_labels(cas, actors)
    cas["group"] = cas["subgroup"].astype(str).replace(_SUBGROUP_CLASS)
    by_id = cas.set_index("id")
    keys = ["incident", "side", "category", "group"]
    rows = []
    for f in counts.itertuples():
        ref = by_id.loc[f.row_id]
        same = cas[(cas[keys].astype(str) == ref[keys].astype(str).to_numpy()).all(axis=1) & cas["value"].notna()]
        for c in same.sort_values(["reported_on", "id"]).itertuples():
            rows.append({"figure_id": f.id, "figure": f.figure,
                         "article_says": f"{f.claimant}: {wording.qualified(f.value, f.value_qualifier)}",
                         "reported_on": wording.iso_date(c.reported_on), "claimant": c.who,
                         "subgroup": str(c.subgroup), "value": int(c.value), "value_qualifier": str(c.value_qualifier),
                         "claim": wording.qualified(c.value, c.value_qualifier), "source_id": c.source_id,
                         "relayed_by": "" if pd.isna(c.relayed_by) else c.relayed_by,
                         "is_article_row": c.id == f.row_id})
    return pd.DataFrame(rows, columns=["figure_id", "figure", "article_says", "reported_on", "claimant", "subgroup",
                                       "value", "value_qualifier", "claim", "source_id", "relayed_by",
                                       "is_article_row"])


def article_dates_compared(article_figures: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Every dated claim in the seed article next to the event row that records it.

    Parameters
    ----------
    article_figures, events : pandas.DataFrame
        ``kb.load_article_figures()``, ``kb.load_events()``.

    Returns
    -------
    pandas.DataFrame
        Columns figure_id, figure, article_date, event_id, event_date, same_day, event_source_id.

    Examples
    --------
    >>> import karabakh as kb
    >>> dates = article_dates_compared(kb.load_article_figures(), kb.load_events())
    >>> list(dates.columns)[:3]
    ['figure_id', 'figure', 'article_date']
    """
    dated = article_figures[article_figures["table"].astype(str) == "events"].sort_values("id")
    ev = events.set_index("id")
    out = pd.DataFrame({
        "figure_id": dated["id"].to_numpy(),
        "figure": dated["figure"].to_numpy(),
        "article_date": [wording.iso_date(d) for d in dated["date"]],
        "event_id": dated["row_id"].to_numpy(),
        "event_date": [wording.iso_date(ev.loc[r, "date"]) for r in dated["row_id"]],
    })
    out["same_day"] = out["article_date"] == out["event_date"]
    out["event_source_id"] = [ev.loc[r, "source_id"] for r in dated["row_id"]]
    return out


def latest_claims(casualties: pd.DataFrame, actors: pd.DataFrame, sources: pd.DataFrame, *,
                  incident: str = "offensive", subgroups: Sequence[str] = ("unspecified", "military"),
                  by: str = "institution", reposts: bool = False) -> pd.DataFrame:
    """The latest claim of each institution (or claimant) for each side and category of an incident.

    Parameters
    ----------
    casualties, actors, sources : pandas.DataFrame
        ``kb.load_casualties()``, ``kb.load_actors()``, ``kb.load_sources()``.
    incident : str
        The casualties table's ``incident``.
    subgroups : sequence of str
        The subgroups kept (the totals: "unspecified" on the ethnic Armenian side, "military" on the other).
    by : {"institution", "claimant"}
        Group a speaker's claims under the institution it speaks for (``actors.speaks_for``; default), or keep
        each claimant apart.
    reposts : bool
        Keep claims that rest only on re-posts or listing pages (``sources.page_kind``); left out by default.

    Returns
    -------
    pandas.DataFrame
        Columns side, category, claimant (the institution or claimant, with role), speaker (who gave the figure),
        reported_on, claim, source_id; sorted.

    Raises
    ------
    ValueError
        ``by`` is neither "institution" nor "claimant".

    Examples
    --------
    >>> import karabakh as kb
    >>> latest = latest_claims(kb.load_casualties(), kb.load_actors(), kb.load_sources())
    >>> bool(latest.duplicated(["side", "category", "claimant"]).any())
    False
    """
    data = casualties[(casualties["incident"].astype(str) == incident) & casualties["value"].notna()
                      & casualties["subgroup"].astype(str).isin(subgroups)]
    data = _headline(data, sources, reposts).copy()
    data["key"], data["group"] = _group(data, actors, by)
    data["who"] = wording.claimant_labels(data, actors).to_numpy()
    data = data.sort_values(["reported_on", "id"]).groupby(["side", "category", "key"], observed=True).tail(1)
    out = pd.DataFrame({
        "side": data["side"].astype(str), "category": data["category"].astype(str), "claimant": data["group"],
        "speaker": data["who"], "reported_on": [wording.iso_date(d) for d in data["reported_on"]],
        "claim": [wording.qualified(v, q) for v, q in zip(data["value"], data["value_qualifier"])],
        "source_id": data["source_id"],
    })
    return out.sort_values(["side", "category", "reported_on", "claimant"]).reset_index(drop=True)


def count_times(displacement: pd.DataFrame) -> pd.DataFrame:
    """When each count of arrivals was made, as far as the sources say, for ordering and drawing.

    The clock time comes from the ``time`` column where the table has one, else ``time_local``. A count without a
    time is placed inside its day between the same claimant's timed counts of that day that are smaller and
    larger than it (cumulative counts only grow), or at noon when there are none: so a count without a time never
    looks like a decrease.

    Parameters
    ----------
    displacement : pandas.DataFrame
        ``kb.load_displacement()`` (columns id, date, cumulative_arrivals, claimant, claimant_actor_id, measure,
        and ``time`` or ``time_local``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``displacement``: ``when`` (timestamp), ``timed`` (bool), ``series`` (claimant key and
        measure).

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"], "date": pd.to_datetime(["2023-09-28"] * 3),
    ...     "time_local": ["10:00", None, "20:00"], "cumulative_arrivals": [100, 200, 300],
    ...     "claimant": ["X"] * 3, "claimant_actor_id": [None] * 3, "measure": ["border_crossings"] * 3})
    >>> count_times(frame)["when"].dt.strftime("%H:%M").tolist()
    ['10:00', '15:00', '20:00']
    """
    column = "time" if "time" in displacement.columns else "time_local"
    clock = displacement[column].astype(object).where(displacement[column].notna(), None)
    timed = clock.notna()
    offsets = pd.to_timedelta([f"{c}:00" if isinstance(c, str) and c.count(":") == 1 else (c or "12:00:00")
                               for c in clock.fillna("12:00")])
    out = pd.DataFrame({"when": displacement["date"].to_numpy() + offsets.to_numpy(), "timed": timed.to_numpy(),
                        "series": (wording.claimant_keys(displacement) + " ("
                                   + displacement["measure"].astype(str).str.replace("_", " ") + ")").to_numpy()},
                       index=displacement.index)
    values = displacement["cumulative_arrivals"].astype(float)
    day_start = displacement["date"]
    for i in out.index[~out["timed"]]:
        same = out[(out["series"] == out.at[i, "series"]) & out["timed"] & (day_start == day_start[i])]
        below = same.loc[values[same.index] <= values[i], "when"]
        above = same.loc[values[same.index] > values[i], "when"]
        lo = below.max() if len(below) else day_start[i]
        hi = above.min() if len(above) else day_start[i] + pd.Timedelta(days=1)
        if len(below) or len(above):
            out.at[i, "when"] = lo + (hi - lo) / 2
    return out


def latest_counts(displacement: pd.DataFrame, actors: pd.DataFrame, sources: pd.DataFrame, *,
                  by: str = "institution", reposts: bool = False) -> pd.DataFrame:
    """The latest count of arrivals in Armenia of each institution (or claimant) and measure.

    Parameters
    ----------
    displacement, actors, sources : pandas.DataFrame
        ``kb.load_displacement()``, ``kb.load_actors()``, ``kb.load_sources()``.
    by : {"institution", "claimant"}
        Group a speaker's counts under the institution it speaks for (``actors.speaks_for``; default: the Prime
        Minister's press secretary's counts are the Government of Armenia's), or keep each claimant apart.
    reposts : bool
        Keep counts that rest only on re-posts or listing pages (``sources.page_kind``); left out by default.

    Returns
    -------
    pandas.DataFrame
        Oldest first; columns date, time_local (as given, "" where none), claimant (the institution or claimant,
        with role), speaker (who gave the figure), measure, count (the number in words, as qualified),
        cumulative_arrivals, source_id.

    Raises
    ------
    ValueError
        ``by`` is neither "institution" nor "claimant".

    Examples
    --------
    >>> import karabakh as kb
    >>> counts = latest_counts(kb.load_displacement(), kb.load_actors(), kb.load_sources())
    >>> counts.loc[counts["claimant"] == "Government of Armenia", ["date", "cumulative_arrivals"]].values.tolist()
    [['3 Oct 2023', 100625]]
    """
    data = _headline(displacement, sources, reposts).copy()
    times = count_times(data)
    data["when"] = times["when"]
    data["key"], data["group"] = _group(data, actors, by)
    data["series"] = data["key"] + " (" + data["measure"].astype(str) + ")"
    data["who"] = wording.claimant_labels(data, actors).to_numpy()
    data = data.sort_values(["when", "id"]).groupby("series", sort=False).tail(1).sort_values(["when", "id"])
    column = "time" if "time" in data.columns else "time_local"
    return pd.DataFrame({
        "date": [wording.day(d) for d in data["date"]],
        "time_local": data[column].astype(object).where(data[column].notna(), "").to_numpy(),
        "claimant": data["group"].to_numpy(),
        "speaker": data["who"].to_numpy(),
        "measure": data["measure"].astype(str).str.replace("_", " ").to_numpy(),
        "count": [wording.qualified(v, q) for v, q in zip(data["cumulative_arrivals"], data["value_qualifier"])],
        "cumulative_arrivals": data["cumulative_arrivals"].astype(int).to_numpy(),
        "source_id": data["source_id"].to_numpy(),
    })


def numbered_events(events: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The events from ``start`` to ``end`` (inclusive), numbered as the timeline strip numbers them.

    Within a day, events with a clock time come first, in clock order.

    Parameters
    ----------
    events : pandas.DataFrame
        ``kb.load_events()``.
    start, end : str
        ISO dates.

    Returns
    -------
    pandas.DataFrame
        Columns n, date (``20 Sept 2023``), time_local, kind, event, source_id, id; index from 0.

    Examples
    --------
    >>> import karabakh as kb
    >>> table = numbered_events(kb.load_events(), "2023-09-19", "2023-09-21")
    >>> table["n"].tolist() == list(range(1, len(table) + 1))
    True
    """
    t0, t1 = to_day(start), to_day(end)
    ev = events[(events["date"] >= t0) & (events["date"] <= t1)].copy()
    ev["clock"] = ev["time_local"].astype(object).where(ev["time_local"].notna(), "").astype(str)
    ev["order"] = ev["clock"].replace("", "99:99")
    ev = ev.sort_values(["date", "order", "id"]).reset_index(drop=True)
    return pd.DataFrame({
        "n": range(1, len(ev) + 1), "date": [wording.day(d) for d in ev["date"]], "time_local": ev["clock"],
        "kind": ev["kind"].astype(str), "event": ev["event"], "source_id": ev["source_id"], "id": ev["id"],
        "when": ev["date"],
    })


def control_area_table(front_lines: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each control area with its size, equal-area, and its size as a share of the former NKAO.

    Parameters
    ----------
    front_lines, boundaries : geopandas.GeoDataFrame
        ``kb.load_front_lines()``, ``kb.load_boundaries()``.

    Returns
    -------
    pandas.DataFrame
        Columns key, label, valid_from, valid_to ("" while valid), area_km2 (``geo.area_km2``), pct_of_nkao;
        sorted by valid_from.

    Examples
    --------
    >>> import karabakh as kb
    >>> table = control_area_table(kb.load_front_lines(), kb.load_boundaries()).set_index("key")
    >>> round(float(table.loc["nkao_2023", "pct_of_nkao"]))
    100
    """
    areas = front_lines[front_lines["feature"] == "control_area"].sort_values(["valid_from", "key"])
    nkao_km2 = float(geo.area_km2(boundaries[boundaries["kind"] == "nkao"]).sum())
    out = pd.DataFrame({
        "key": areas["key"].to_numpy(),
        "label": areas["label"].to_numpy(),
        "valid_from": areas["valid_from"].dt.strftime("%Y-%m-%d").to_numpy(),
        "valid_to": areas["valid_to"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "area_km2": geo.area_km2(areas).to_numpy(),
    })
    out["pct_of_nkao"] = out["area_km2"] / nkao_km2 * 100.0
    return out
