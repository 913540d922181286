"""Who held which place on which day: the control history (``control.csv``) and how it is read.

``control.csv`` holds one row per *claim* of a change of control of a place: its day, who held the place from that
day (``held_by``), the claimant, the source and how far the claim is shared (``qualifier``). Both sides' claims are
kept where they differ, so a day can carry several claims. :func:`control_on` resolves them with one written rule,
the same for every place:

1. Of a place's claims, only those dated on or before the day count, taken date by date in order.
2. Among the claims of one date, the **most shared** ones decide: ``confirmed_by_both`` over
   ``reported_by_third_parties`` over ``claimed_by_one_side``. If the deciding claims name the same holder, that is
   the date's answer; if they name different holders (an announcement and its denial on the same day, say), it is
   ``contested``.
3. A date's answer replaces the standing one, **except** that a party's own word cannot overturn the other party's
   word: when the date is decided by ``claimed_by_one_side`` claims only, names another holder than the standing
   answer, and the standing answer itself rests on ``claimed_by_one_side`` claims only, the place is ``contested``
   from that date. It stays ``contested`` until a later claim confirmed by both sides or reported by a third party
   (an acknowledgement, a map, a verified report) settles it, or until the parties' claims agree again.
   A one-sided claim after a settled answer (a third party's map, both sides' terms) does replace it: a capture
   announced and not denied in the sources read is coded as claimed.
4. ``since`` is the first date of the uninterrupted run of dates that resolve to the same holder.
5. Before a place's first claim the answer is ``unknown`` (``since`` and ``source_id`` empty).

The answer gives the deciding claims' ``source_id``, ``qualifier``, ``claimant`` and ``quote`` (``;``-separated when
several claims decide), so it says what the deciding party said; ``claims_differ`` is true whenever the claims that
count on that date (including a standing claim that a one-sided one contradicts) name different holders.

``contested`` in the data means fought over or divided; ``unknown`` means no source settles it. Both always carry
their reason in ``notes``. The rule prefers shared claims, not any party: a third party's report (Russia's Defence
Ministry on Parukh, 27 March 2022, that Azerbaijani units withdrew from near the village, which AFP reports is under
the Russian peacekeepers' control) outranks a party's own claim of the same day, and ``claims_differ`` says so.
For example, Jabrayil is ``contested`` from Aliyev's announcement of 4 Oct 2020 and Armenia's denial of the same day
until the Armenian prime minister's account of 7 Oct (Azerbaijani forces entered after a withdrawal), which settles
it; Hadrut from 9 Oct until Bellingcat's verification of 15 Oct; Sugovushan from the Nagorno-Karabakh denial of
4 Oct 2020 until Crisis Group's map of the cease-fire (10 Nov 2020).
"""
from __future__ import annotations

import os
from typing import Iterable, Sequence

import pandas as pd

from karabakh.io import tables
from karabakh.io.days import to_day
from karabakh.io.errors import DataValidationError, Problem

#: Qualifiers from most to least shared (rule 2 of the module docstring).
QUALIFIER_RANK = ("confirmed_by_both", "reported_by_third_parties", "claimed_by_one_side")
HOLDERS = ("ethnic_armenian_forces", "azerbaijan", "armenia", "contested", "unknown")
#: Where the history ends for charts of spans (exclusive): the end of 2024, the table's scope.
HISTORY_END = pd.Timestamp("2025-01-01")
def load_control(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The control history (``control.csv``), validated and typed, in date order.

    Parameters
    ----------
    data_dir : path, optional
        Data folder (default: the shipped data; ``$KARABAKH_DATA`` overrides).

    Returns
    -------
    pandas.DataFrame
        One row per claim: id, place_id, date (datetime64), held_by, claimant, claimant_actor_id, source_id, quote,
        qualifier, notes; sorted by date, then id.

    Raises
    ------
    DataValidationError
        The file breaks its schema (see :mod:`karabakh.io.tables`), or a ``contested`` / ``unknown`` row gives no
        reason in ``notes``, or one claimant's source makes two claims for one place and day.

    Examples
    --------
    >>> bool(load_control().held_by.isin(HOLDERS).all())
    True
    """
    frame = tables.load_table("control", data_dir)
    problems = _check_control(frame, tables.data_dir(data_dir))
    if problems:
        raise DataValidationError(problems)
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def _check_control(frame: pd.DataFrame, folder) -> list[Problem]:
    """Rules beyond the Table Schema: a reason for every contested/unknown row, one claim per source and day."""
    label = f"{os.path.basename(os.fspath(folder))}/control.csv"
    problems = []
    needs_reason = frame["held_by"].isin(["contested", "unknown"]) & frame["notes"].isna()
    for line in frame.index[needs_reason]:
        problems.append(Problem(label, f"line {line}, column 'notes'",
                                f"held_by is '{frame.at[line, 'held_by']}' but notes give no reason"))
    key = ["place_id", "date", "source_id", "claimant"]
    dupes = frame.duplicated(key, keep="first")
    for line in frame.index[dupes]:
        problems.append(Problem(label, f"line {line}", "the same claimant and source already make a claim for this "
                                                       "place and day (one claim, one row)"))
    return problems


def control_history(place_id: str, data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every claim of a change of control for one place, in order, with the publisher of each source.

    Parameters
    ----------
    place_id : str
        A ``places.id`` that has rows in ``control.csv``.
    data_dir : path, optional
        Data folder (default: the shipped data).

    Returns
    -------
    pandas.DataFrame
        The place's rows of ``control.csv`` sorted by date, then from most to least shared qualifier, then id; with
        the source's ``publisher``, ``published`` and ``url`` added.

    Raises
    ------
    KeyError
        The place has no rows in ``control.csv`` (the message lists the places that have).
    DataValidationError
        The data files are broken.

    Examples
    --------
    >>> control_history("shusha")[["date", "held_by", "qualifier"]].iloc[-1].held_by
    'azerbaijan'
    """
    control = load_control(data_dir)
    rows = control[control["place_id"] == place_id]
    if rows.empty:
        raise KeyError(f"no control history for place {place_id!r}; places with one: "
                       f"{', '.join(sorted(control['place_id'].unique()))}")
    rows = rows.assign(_rank=rows["qualifier"].map(QUALIFIER_RANK.index).astype(int))
    rows = rows.sort_values(["date", "_rank", "id"], kind="stable").drop(columns="_rank")
    sources = tables.load_sources(data_dir).set_index("id")[["publisher", "published", "url"]]
    return rows.join(sources, on="source_id").reset_index(drop=True)


def _resolve_group(claims: list) -> dict:
    """Rule 2 for the claims (row tuples, in id order) of one place and one date."""
    rank = [QUALIFIER_RANK.index(str(c.qualifier)) for c in claims]
    top = [c for c, r in zip(claims, rank) if r == min(rank)]
    holders = list(dict.fromkeys(str(c.held_by) for c in top))
    held_by = holders[0] if len(holders) == 1 else "contested"
    deciding = top if len(holders) > 1 else [c for c in top if str(c.held_by) == held_by]
    return {"held_by": held_by, "qualifier": QUALIFIER_RANK[min(rank)], "deciding": deciding,
            "holders": {str(c.held_by) for c in claims}}


def _join(values) -> str:
    return ";".join(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))


def _resolved_dates(control: pd.DataFrame) -> pd.DataFrame:
    """One row per place and claim date: the resolved holder of that date (rules 2-4), with ``since``.

    Plain Python over the rows (a hundred claims): a pandas groupby costs ~30 times more here.
    """
    groups: dict[tuple, list] = {}
    for row in control.sort_values(["date", "id"], kind="stable").itertuples(index=False):
        groups.setdefault((row.place_id, row.date), []).append(row)
    one_side = QUALIFIER_RANK[-1]
    rows, standing = [], {}
    for (place, date), claims in sorted(groups.items()):
        now = _resolve_group(claims)
        before = standing.get(place)
        if (before is not None and now["qualifier"] == one_side and before["qualifier"] == one_side
                and now["held_by"] != before["held_by"]):  # rule 3: a party's word against the other's
            deciding = [c for c in before["deciding"] if str(c.held_by) != now["held_by"]] + now["deciding"]
            now = {"held_by": "contested", "qualifier": one_side, "deciding": deciding,
                   "holders": now["holders"] | {str(c.held_by) for c in before["deciding"]}}
        standing[place] = now
        deciding = now["deciding"]
        rows.append({"place_id": place, "date": date, "held_by": now["held_by"],
                     "source_id": _join(c.source_id for c in deciding), "qualifier": now["qualifier"],
                     "claimant": _join(c.claimant for c in deciding), "quote": _join(c.quote for c in deciding),
                     "claims_differ": len(now["holders"]) > 1})
    out = pd.DataFrame(rows, columns=["place_id", "date", "held_by", "source_id", "qualifier", "claimant", "quote",
                                      "claims_differ"])
    new_run = out["held_by"].ne(out.groupby("place_id")["held_by"].shift())
    out["since"] = out["date"].where(new_run).groupby(out["place_id"]).ffill()
    return out


def control_on(date, places: Iterable[str] | None = None,
               data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Who held each place on one day, by the most reliable claim (rule in the module docstring).

    Parameters
    ----------
    date : str, datetime.date, datetime or pandas.Timestamp
        The day asked about.
    places : iterable of str, optional
        ``places.id`` values to answer for, in that order (default: every place in ``control.csv``, sorted).
    data_dir : path, optional
        Data folder (default: the shipped data).

    Returns
    -------
    pandas.DataFrame
        One row per place: ``place_id``, ``held_by``, ``since`` (first day of the run of that holder; NaT before
        the first claim), ``source_id`` (the deciding claims' sources, ``;``-separated when they disagree),
        ``qualifier`` (of the deciding claims), ``claimant`` and ``quote`` (what the deciding claims say,
        ``;``-separated) and ``claims_differ`` (bool).

    Raises
    ------
    ValueError
        ``date`` is not a day.
    KeyError
        A place in ``places`` has no control history.
    DataValidationError
        The data files are broken.

    Examples
    --------
    >>> control_on("2020-11-15", ["agdam", "shusha"])[["place_id", "held_by"]].values.tolist()
    [['agdam', 'ethnic_armenian_forces'], ['shusha', 'azerbaijan']]
    """
    day = to_day(date)
    control = load_control(data_dir)
    known = sorted(control["place_id"].unique())
    wanted = known if places is None else ([places] if isinstance(places, str) else list(places))
    missing = [p for p in wanted if p not in set(known)]
    if missing:
        raise KeyError(f"no control history for place(s) {', '.join(map(repr, missing))}; "
                       f"places with one: {', '.join(known)}")
    resolved = _resolved_dates(control[control["place_id"].isin(wanted)])
    current = resolved[resolved["date"] <= day].groupby("place_id").tail(1).set_index("place_id")
    out = current.reindex(wanted)
    out["held_by"] = out["held_by"].fillna("unknown")
    out["claims_differ"] = out["claims_differ"].fillna(False).astype(bool)
    out = out.rename_axis("place_id").reset_index()
    out = out[["place_id", "held_by", "since", "source_id", "qualifier", "claimant", "quote", "claims_differ"]]
    out.attrs["as_of"] = day  # the day asked about, for whatever draws or writes this answer
    return out


def control_spans(places: Sequence[str] | None = None, *, end=HISTORY_END,
                  data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The resolved history as spans, for charts: one row per place and run of one holder.

    Parameters
    ----------
    places : sequence of str, optional
        Places to include, in that order (default: all, sorted).
    end : date-like, default 2025-01-01
        Where the last span of each place ends (exclusive).
    data_dir : path, optional
        Data folder (default: the shipped data).

    Returns
    -------
    pandas.DataFrame
        ``place_id``, ``start``, ``end`` (exclusive), ``held_by``, ``claims_differ`` (any date inside the span had
        claims naming different holders); consecutive dates with the same holder and the same ``claims_differ``
        are merged.

    Raises
    ------
    KeyError
        A place has no control history.

    Examples
    --------
    >>> control_spans(["agdam"])["held_by"].tolist()
    ['ethnic_armenian_forces', 'azerbaijan']
    """
    control = load_control(data_dir)
    known = sorted(control["place_id"].unique())
    wanted = known if places is None else list(places)
    missing = [p for p in wanted if p not in set(known)]
    if missing:
        raise KeyError(f"no control history for place(s) {', '.join(map(repr, missing))}")
    resolved = _resolved_dates(control[control["place_id"].isin(wanted)])
    resolved["end"] = resolved.groupby("place_id")["date"].shift(-1).fillna(to_day(end))
    key = resolved["held_by"] + resolved["claims_differ"].astype(str)
    run = key.ne(key.groupby(resolved["place_id"]).shift()).cumsum()
    spans = resolved.groupby(["place_id", run], sort=False).agg(
        start=("date", "first"), end=("end", "last"), held_by=("held_by", "first"),
        claims_differ=("claims_differ", "first")).reset_index(level=0)
    order = {p: i for i, p in enumerate(wanted)}
    spans = spans.sort_values(["place_id", "start"], key=lambda s: s.map(order) if s.name == "place_id" else s)
    return spans[["place_id", "start", "end", "held_by", "claims_differ"]].reset_index(drop=True)
