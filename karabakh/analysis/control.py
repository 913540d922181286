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
5. Before a place's first claim the answer is ``unknown`` (``since`` and ``source_id`` empty), with the reason in
   ``notes``.
6. A place of ``places.csv`` that no claim in ``control.csv`` concerns (no one disputed it: Baku, Yevlakh, Yerevan,
   ...) is held by the state it lies in from that state's independence (:data:`UNDISPUTED_SINCE`, each date with
   its source), ``unknown`` before it.

The answer gives the deciding claims' ``source_id``, ``qualifier``, ``claimant`` and ``quote`` (``;``-separated when
several claims decide), so it says what the deciding party said; ``claims_differ`` is true whenever the claims that
count on that date (including a standing claim that a one-sided one contradicts) name different holders.

``contested`` in the data means fought over or divided; ``unknown`` means no source settles it. Both always carry
their reason in ``notes``. The rule prefers shared claims, not any party: a third party's report (Russia's Defence
Ministry on Parukh / Farrukh, 27 March 2022, that Azerbaijani units withdrew from near the village, which AFP reports is under
the Russian peacekeepers' control) outranks a party's own claim of the same day, and ``claims_differ`` says so.
For example, on Hadrut a third party's report of 9 Oct 2020 (Russian war reporters: "The town is under the control of
the Defense Army") outranks Aliyev's announcement and the Armenian denials of that day, and Bellingcat's verification
of 15 Oct (Azerbaijani soldiers filmed in the town) outranks it in turn; Jrakan / Jabrayil
from Aliyev's announcement of 4 Oct and Armenia's denial of the same day, and Madagiz / Sugovushan from the
Nagorno-Karabakh denial of 4 Oct, until Crisis Group's map of the cease-fire (10 Nov 2020): no source read settles them
earlier (the Armenian prime minister's account of 7 Oct is of fighting in the Jabrayil direction, not of who holds the
town).
"""
from __future__ import annotations

import os
from typing import Iterable, Sequence

import pandas as pd

from karabakh.analysis.places import place_ids
from karabakh.io import tables
from karabakh.io.days import to_day
from karabakh.io.errors import DataValidationError, Problem

#: Qualifiers from most to least shared (rule 2 of the module docstring).
QUALIFIER_RANK = ("confirmed_by_both", "reported_by_third_parties", "claimed_by_one_side")
HOLDERS = ("ethnic_armenian_forces", "azerbaijan", "armenia", "contested", "unknown")
#: Where the history ends for charts of spans (exclusive): the end of 2024, the table's scope.
HISTORY_END = pd.Timestamp("2025-01-01")
#: Rule 6: the state (``places.country_de_jure``) -> (its holder name, day of independence, source id, claimant).
UNDISPUTED_SINCE = {
    "Azerbaijan": ("azerbaijan", "1991-10-18", "mfa_az_independence_25_years",
                   "Supreme Council of Azerbaijan (Constitutional Act on State Independence)"),
    "Armenia": ("armenia", "1991-09-23", "newsam_529869", "Supreme Council of Armenia (declaration of independence)"),
}


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
        A place (id or any of its names, see :func:`karabakh.analysis.places.place_id`) that has rows in
        ``control.csv``.
    data_dir : path, optional
        Data folder (default: the shipped data).

    Returns
    -------
    pandas.DataFrame
        The place's rows of ``control.csv`` sorted by date, then from most to least shared qualifier, then id; with
        the source's ``publisher``, ``published`` and ``url`` added.

    Raises
    ------
    ValueError
        No place has that name (with suggestions), or several do.
    KeyError
        The place has no rows in ``control.csv`` (the message lists the places that have; :func:`control_on`
        answers for it by rule 6).
    DataValidationError
        The data files are broken.

    Examples
    --------
    >>> control_history("Şuşa")[["date", "held_by", "qualifier"]].iloc[-1].held_by
    'azerbaijan'
    """
    place_id = place_ids(place_id, data_dir)[0]
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


def _reason(answer: dict) -> str:
    """Why an answer is ``unknown`` or ``contested``: the deciding claims' own notes, else the rule that made it."""
    if answer["held_by"] not in ("contested", "unknown"):
        return ""
    own = _join(c.notes for c in answer["deciding"] if str(c.held_by) == answer["held_by"])
    if own:
        return own
    named = " and ".join(sorted(h for h in answer["holders"] if h not in ("contested", "unknown")))
    return f"the claims that count name different holders ({named}) and none of them is shared by both sides or " \
           "reported by a third party (rules 2 and 3)"


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
                     "claims_differ": len(now["holders"]) > 1,
                     "reason": _reason(now)})
    out = pd.DataFrame(rows, columns=["place_id", "date", "held_by", "source_id", "qualifier", "claimant", "quote",
                                      "claims_differ", "reason"])
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
    places : str or iterable of str, optional
        Places to answer for, in that order: ids or any of their names (see
        :func:`karabakh.analysis.places.place_id`); any place of ``places.csv``. Default: every place in
        ``control.csv``, sorted.
    data_dir : path, optional
        Data folder (default: the shipped data).

    Returns
    -------
    pandas.DataFrame
        One row per place: ``place_id``, ``held_by``, ``since`` (first day of the run of that holder; NaT before
        the first claim), ``source_id`` (the deciding claims' sources, ``;``-separated when they disagree),
        ``qualifier`` (of the deciding claims), ``claimant`` and ``quote`` (what the deciding claims say,
        ``;``-separated), ``claims_differ`` (bool) and ``notes`` (the deciding claims' notes, which give the reason
        for ``contested`` and ``unknown``; before any claim, why the answer is ``unknown``; or that it comes from
        rule 6).

    Raises
    ------
    ValueError
        ``date`` is not a day, or a place name is unknown (with suggestions) or ambiguous.
    DataValidationError
        The data files are broken.

    Examples
    --------
    >>> control_on("2020-11-15", ["agdam", "Şuşa"])[["place_id", "held_by"]].values.tolist()
    [['agdam', 'ethnic_armenian_forces'], ['shusha', 'azerbaijan']]
    >>> control_on("2023-09-21", ["Yevlax"])[["place_id", "held_by", "since"]].values.tolist()
    [['yevlakh', 'azerbaijan', Timestamp('1991-10-18 00:00:00')]]
    >>> control_on("1991-01-01", ["yevlakh"]).loc[0, ["held_by", "notes"]].tolist()
    ['unknown', 'no sourced claim of control on or before this day; the first is dated 1991-10-18']
    """
    day = to_day(date)
    control = load_control(data_dir)
    known = sorted(control["place_id"].unique())
    wanted = known if places is None else place_ids(places, data_dir)
    resolved = _resolved_dates(_with_undisputed(control, wanted, known, data_dir))
    current = resolved[resolved["date"] <= day].groupby("place_id").tail(1).set_index("place_id")
    out = current.reindex(pd.Index(wanted, name="place_id"))
    first = resolved.groupby("place_id")["date"].min()
    reasons = [
        f"no sourced claim of control on or before this day; the first is dated {first[p]:%Y-%m-%d}"
        if pd.isna(held) and p in first.index else
        "no sourced claim of control for this place" if pd.isna(held) else
        "undisputed: held by its state since independence (rule 6)" if p not in known else
        why if isinstance(why, str) and why else pd.NA  # an unknown or contested answer: the claims' own reason
        for p, held, why in zip(out.index, out["held_by"], out["reason"])]
    out["notes"] = pd.array(reasons, dtype="string")
    out["held_by"] = out["held_by"].fillna("unknown")
    out["claims_differ"] = out["claims_differ"].fillna(False).astype(bool)
    out = out.rename_axis("place_id").reset_index()
    out = out[["place_id", "held_by", "since", "source_id", "qualifier", "claimant", "quote", "claims_differ",
               "notes"]]
    out.attrs["as_of"] = day  # the day asked about, for whatever draws or writes this answer
    return out


def _with_undisputed(control: pd.DataFrame, wanted: list, known: list, data_dir) -> pd.DataFrame:
    """The claims of the wanted places, with rule 6's claim for each place without a row in ``control.csv``."""
    places = tables.load_table("places", data_dir).set_index("id")
    rows = []
    for pid in sorted(set(wanted) - set(known)):
        state = places.at[pid, "country_de_jure"]
        if state not in UNDISPUTED_SINCE:
            continue
        holder, since, source, claimant = UNDISPUTED_SINCE[state]
        rows.append({"id": f"undisputed_{pid}", "place_id": pid, "date": to_day(since), "held_by": holder,
                     "claimant": claimant, "source_id": source, "qualifier": "claimed_by_one_side"})
    claims = control[control["place_id"].isin(wanted)]
    if rows:
        extra = pd.DataFrame(rows).astype({"date": claims["date"].dtype})
        claims = pd.concat([claims, extra.reindex(columns=claims.columns)], ignore_index=True)
    return claims


def control_spans(places: Sequence[str] | None = None, *, end=HISTORY_END,
                  data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The resolved history as spans, for charts: one row per place and run of one holder.

    Parameters
    ----------
    places : sequence of str, optional
        Places to include, in that order: ids or any of their names, any place of ``places.csv`` (rule 6 of the
        module docstring for places without claims). Default: every place in ``control.csv``, sorted.
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
    ValueError
        A place name is unknown (with suggestions) or ambiguous.

    Examples
    --------
    >>> control_spans(["agdam"])["held_by"].tolist()
    ['ethnic_armenian_forces', 'azerbaijan']
    """
    control = load_control(data_dir)
    known = sorted(control["place_id"].unique())
    wanted = known if places is None else place_ids(places, data_dir)
    resolved = _resolved_dates(_with_undisputed(control, wanted, known, data_dir))
    resolved["end"] = resolved.groupby("place_id")["date"].shift(-1).fillna(to_day(end))
    key = resolved["held_by"] + resolved["claims_differ"].astype(str)
    run = key.ne(key.groupby(resolved["place_id"]).shift()).cumsum()
    spans = resolved.groupby(["place_id", run], sort=False).agg(
        start=("date", "first"), end=("end", "last"), held_by=("held_by", "first"),
        claims_differ=("claims_differ", "first")).reset_index(level=0)
    order = {p: i for i, p in enumerate(wanted)}
    spans = spans.sort_values(["place_id", "start"], key=lambda s: s.map(order) if s.name == "place_id" else s)
    return spans[["place_id", "start", "end", "held_by", "claims_differ"]].reset_index(drop=True)
