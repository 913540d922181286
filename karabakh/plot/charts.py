"""Charts: the casualty claims, the arrivals in Armenia, the timeline of events.

Every function takes the tables it draws and loads nothing. Dates are drawn on true time axes (matplotlib dates):
where a few days hold most of the points, a day-by-day axis sits beside a monthly one. Each claimant (grouped by
actor where the row names one) has its own colour and marker; the fill of a marker says how the claimant
qualified the number (``style.QUALIFIER_FILL``); claims of different claimants are never added. The functions
attach a title, the alt text (built from the numbers drawn) and the source ids, for ``kb.show_figure(fig, name)``.

Artists carry a ``gid``: ``"claim:<id>"``, ``"claim_label:<id>"``, ``"article_figure:<id>"``, ``"count:<id>"``,
``"count_label:<id>"``, ``"series:<key>"``, ``"event:<id>"``, ``"event_number:<n>"``, the key of the events (axes ``"key"``: ``"key_marker:<n>"``,
``"key_number:<n>"``, ``"key_text:<n>"``), ``"article_mark"``,
``"legend"``, ``"caption"``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from karabakh.analysis import story, summaries, wording
from karabakh.io.days import to_day
from karabakh.plot import captions, protocol, style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["casualty_claims_chart", "arrivals_chart", "timeline_strip"]

_SIDE = {"ethnic_armenian": "Ethnic Armenian side", "azerbaijani": "Azerbaijani side",
         "russian_peacekeepers": "Russian peacekeepers"}
_CATEGORY = {"killed": "killed", "wounded": "wounded", "missing": "missing",
             "remains_transferred": "remains transferred"}
_DODGE_PT = 9.0  # claims of one day sit this far apart, in points, so that none hides another


def _plain(ax) -> None:
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _qualifier_handles() -> list:
    from matplotlib.lines import Line2D

    return [Line2D([], [], linestyle="none", marker="o", markersize=6, color=style.MUTED_TEXT,
                   markeredgecolor=style.MARKER_EDGE, fillstyle=fill, label=words)
            for fill, words in style.QUALIFIER_WORDS.items()]


def _article_handle():
    from matplotlib.lines import Line2D

    return Line2D([], [], label=f"seed article's date ({wording.day(story.ARTICLE_DATE)})", **style.ARTICLE_MARK)


def _date_axis(ax, lo, hi, *, daily: bool) -> None:
    import matplotlib.dates as mdates

    ax.set_xlim(lo, hi)  # Timestamps that may carry a time of day (padding)
    if daily:  # every other day from the first whole day (its column labelled), none on the last day: it would
        # touch the first tick of the panel beside
        days = pd.date_range((lo + pd.Timedelta(hours=12)).ceil("D"), hi - pd.Timedelta(days=1),  # Timestamps
                             freq="2D")  # a padding of up to a day before the first day is not a column of its own
        ax.xaxis.set_major_locator(mdates.DayLocator(bymonthday=sorted({d.day for d in days})))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
    style.date_ticks(ax.xaxis)  # "19 Sept / 2023", "Sept / 2023": the one date style


def _dodges(n: int, first_fixed: bool) -> list[float]:
    """Offsets in points for n points of one day: 0, +d, -d, +2d... when the first must stay on its date."""
    if first_fixed:
        return [((k + 1) // 2) * _DODGE_PT * (1 if k % 2 else -1) for k in range(n)]
    return [(k - (n - 1) / 2) * _DODGE_PT for k in range(n)]


def casualty_claims_chart(casualties: pd.DataFrame, actors: pd.DataFrame, article_figures: pd.DataFrame, *,
                          sources: pd.DataFrame, incident: str = "offensive",
                          subgroups: Sequence[str] = ("unspecified", "military"),
                          categories: Sequence[str] = ("killed", "wounded"),
                          detail: tuple[str, str] = story.CLAIMS_DETAIL) -> Figure:
    """Casualty claims by report date: one row per (side, category), one colour and marker per claimant.

    Only claims about ``incident`` in ``subgroups`` (the totals) with a number are drawn, each at its report
    date on a true time axis: the days in ``detail`` day by day on the left, later reports by month on the right.
    Claims of one day sit side by side (the seed article's own claims exactly on the date), labelled with their
    value where there is room; the article's figures are ringed and its date is marked.

    Parameters
    ----------
    casualties, actors, article_figures, sources : pandas.DataFrame
        ``kb.load_casualties()``, ``kb.load_actors()``, ``kb.load_article_figures()``, ``kb.load_sources()``.
    incident : str
        The casualties table's ``incident``.
    subgroups, categories : sequence of str
        The subgroups and categories drawn.
    detail : (str, str)
        First day and the day after the last day of the day-by-day axis.

    Returns
    -------
    matplotlib.figure.Figure
        With its title, alt text (each panel's lowest and highest claim, with claimant and date) and source ids.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = casualty_claims_chart(kb.load_casualties(), kb.load_actors(), kb.load_article_figures(),
    ...                             sources=kb.load_sources())
    >>> protocol.description(fig)["alt"].startswith("Dot chart")
    True
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.transforms import offset_copy

    data = casualties[(casualties["incident"].astype(str) == incident) & casualties["value"].notna()
                      & casualties["subgroup"].astype(str).isin(subgroups)
                      & casualties["category"].astype(str).isin(categories)].copy()
    for col in ("side", "category", "subgroup", "value_qualifier"):
        data[col] = data[col].astype(str)
    suffix = data["subgroup"].map(lambda s: "" if s == "unspecified" else f" ({s})")
    data["series"] = wording.claimant_keys(data).to_numpy() + suffix
    data["who"] = wording.claimant_labels(data, actors).to_numpy() + suffix
    ringed = set(article_figures.loc[article_figures["table"].astype(str) == "casualties", "row_id"].dropna())
    data["in_article"] = data["id"].isin(ringed)
    data = data.sort_values(["reported_on", "id"])
    present = set(zip(data["side"], data["category"]))
    panels = [(s, c) for s in _SIDE for c in categories if (s, c) in present]
    looks = style.series_styles(data["series"])
    names = dict(zip(data["series"], data["who"]))
    d0, d1 = (to_day(d) for d in detail)
    later = data["reported_on"].max() >= d1
    labels, said = [], []

    with style.styled():
        fig = style.new_figure("chart", width=10.0, height=1.75 * len(panels) + 1.6 + 0.13 * len(looks))
        grid = fig.subplots(len(panels), 2 if later else 1, squeeze=False, sharey="row", sharex="col",
                            gridspec_kw={"width_ratios": [1.7, 1] if later else [1]})
        for row, (side, category) in enumerate(panels):
            sub = data[(data["side"] == side) & (data["category"] == category)]
            for col, ax in enumerate(grid[row]):
                part = sub[(sub["reported_on"] < d1) if col == 0 else (sub["reported_on"] >= d1)]
                for reported, rows in part.groupby("reported_on", sort=True):
                    rows = rows.sort_values(["in_article", "id"], ascending=[False, True])
                    for dx, r in zip(_dodges(len(rows), bool(rows["in_article"].iloc[0])), rows.itertuples()):
                        at = offset_copy(ax.transData, fig=fig, x=dx, y=0, units="points")
                        look = looks[r.series]
                        ax.plot([reported], [float(r.value)], linestyle="none", transform=at, markersize=7,
                                color=look["color"], marker=look["marker"], markeredgecolor=style.MARKER_EDGE,
                                markeredgewidth=0.6, fillstyle=style.QUALIFIER_FILL.get(r.value_qualifier, "none"),
                                markerfacecoloralt="white", zorder=4, clip_on=False, gid=f"claim:{r.id}")
                        if r.in_article:
                            ax.plot([reported], [float(r.value)], linestyle="none", marker="o", markersize=14,
                                    transform=at, markerfacecolor="none", markeredgecolor=style.TEXT,
                                    markeredgewidth=1.0, zorder=5, gid=f"article_figure:{r.id}")
                        label = ax.annotate(wording.value_text(r.value, r.value_qualifier),
                                            (mdates.date2num(reported), float(r.value)),
                                            xycoords=at, xytext=(0, 5), textcoords="offset points", fontsize=6.5,
                                            color=style.TEXT, zorder=6, path_effects=style.halo(2),
                                            gid=f"claim_label:{r.id}")
                        labels.append((not r.in_article, label))
                _plain(ax)
                if col == 0:
                    _date_axis(ax, d0, d1, daily=True)
                    ax.set_title(f"{_SIDE[side]}: {_CATEGORY[category]}", loc="left", fontsize=style.FONT_SIZE)
                    mark = ax.axvline(to_day(story.ARTICLE_DATE), zorder=1, **style.ARTICLE_MARK)
                    mark.set_gid("article_mark")
                    style.thousands_ticks(ax.yaxis)
                else:
                    last = data["reported_on"].max()
                    _date_axis(ax, d1, pd.Timestamp(last.year, last.month, 1) + pd.DateOffset(months=1), daily=False)
                    ax.set_title("later reports, by month", loc="left", fontsize=style.LABEL_SIZE,
                                 color=style.MUTED_TEXT)
                    if part.empty:
                        ax.text(0.5, 0.5, "no later claim", transform=ax.transAxes, ha="center", va="center",
                                fontsize=style.LABEL_SIZE, color=style.MUTED_TEXT, gid="no_claim")
            top = float(sub["value"].max())
            grid[row][0].set_ylim(0, max(1.0, top * 1.35))
            for ax in grid[row]:  # one time axis per column: dates under the last row, grid lines on every row
                ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
                ax.tick_params(labelbottom=row == len(panels) - 1)
            lo, hi = sub.loc[sub["value"].idxmin()], sub.loc[sub["value"].idxmax()]
            art = sub[sub["in_article"]]
            said.append(f"{_SIDE[side]}, {_CATEGORY[category]}: {len(sub)} claims, from "
                        f"{wording.qualified(lo.value, lo.value_qualifier)} ({lo.who}, "
                        f"{wording.day(lo.reported_on)})"
                        f" to {wording.qualified(hi.value, hi.value_qualifier)} ({hi.who}, "
                        f"{wording.day(hi.reported_on)})"
                        + (f"; the seed article: {wording.qualified(art.iloc[0].value, art.iloc[0].value_qualifier)}"
                           if len(art) else ""))
        fig.supylabel("People, as claimed", fontsize=style.FONT_SIZE)
        handles = [Line2D([], [], linestyle="none", markeredgecolor=style.MARKER_EDGE, label=style.wrap(names[s]), **look)
                   for s, look in looks.items()]
        handles += _qualifier_handles()
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor="none",
                              markeredgecolor=style.TEXT, label="figure in the seed article"))
        handles.append(_article_handle())
        style.figure_legend(fig, handles, ncols=2, fontsize=7)
        protocol.remember_sources(fig, data["source_id"])
        captions.add_caption(fig, sources, is_map=False,
                              note="Each point is one claim as published; claims are never summed")
        style.place_labels(fig, [label for _, label in sorted(labels, key=lambda t: t[0])],
                           lines=[ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == "article_mark"],
                           avoid=[ln for ax in fig.axes for ln in ax.lines
                                  if str(ln.get_gid()).startswith(("article_figure:", "claim:"))], avoid_pad=0)
    alt = (f"Dot chart of {len(data)} casualty claims about the {incident}, by the date of the report, one colour "
           f"and marker per claimant ({len(looks)} claimants). " + ". ".join(said) + ".")
    title = f"Casualty claims about the {incident}, by date of the report and claimant (people)"
    return protocol.describe(fig, title=title, alt=alt)


def arrivals_chart(displacement: pd.DataFrame, actors: pd.DataFrame, *, sources: pd.DataFrame,
                   detail: tuple[str, str] = story.ARRIVALS_DETAIL) -> Figure:
    """Cumulative arrivals in Armenia as reported: one line, colour and marker per claimant and measure.

    Left, the days of ``detail`` by the hour of each count; right, every count to the last. A count without a
    clock time is drawn inside its day (``summaries.count_times``) with a bar across the day, so it never looks
    like a decrease. Each series' last count is labelled where there is room; counts are never added.

    Parameters
    ----------
    displacement, actors, sources : pandas.DataFrame
        ``kb.load_displacement()`` (an optional ``time`` column is used before ``time_local``),
        ``kb.load_actors()``, ``kb.load_sources()``.
    detail : (str, str)
        First day and the day after the last day of the hour-by-hour axis.

    Returns
    -------
    matplotlib.figure.Figure
        With its title, alt text (first, largest and last counts with their claimants) and source ids.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = arrivals_chart(kb.load_displacement(), kb.load_actors(), sources=kb.load_sources())
    >>> "arrivals" in protocol.description(fig)["alt"]
    True
    """
    from matplotlib.lines import Line2D

    data = displacement.copy()
    data[["when", "timed", "series"]] = summaries.count_times(data)[["when", "timed", "series"]]
    data["who"] = (wording.claimant_labels(data, actors) + " ("
                   + data["measure"].astype(str).str.replace("_", " ") + ")").to_numpy()
    data = data.sort_values(["when", "id"])
    looks = style.series_styles(data["series"])
    names = dict(zip(data["series"], data["who"]))
    d0, d1 = (to_day(d) for d in detail)
    labels = []
    with style.styled():
        fig = style.new_figure("chart", height=5.4 + 0.12 * len(looks))
        axes = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1.4, 1]})
        for ax, window in zip(axes, ((d0, d1), None)):
            for series, rows in data.groupby("series", sort=False):
                ends_in_detail = rows["when"].max() < d1
                if window is not None:
                    rows = rows[(rows["when"] >= d0) & (rows["when"] < d1)]
                if rows.empty:
                    continue
                look = looks[series]
                ax.plot(rows["when"], rows["cumulative_arrivals"].astype(float), color=look["color"], linewidth=1.0,
                        zorder=3, gid=f"series:{series}")
                for r in rows.itertuples():
                    ax.plot([r.when], [float(r.cumulative_arrivals)], linestyle="none", markersize=5.5,
                            color=look["color"], marker=look["marker"], markeredgecolor=style.MARKER_EDGE,
                            markeredgewidth=0.5, fillstyle=style.QUALIFIER_FILL.get(str(r.value_qualifier), "none"),
                            markerfacecoloralt="white", zorder=4, clip_on=False, gid=f"count:{r.id}")
                    if not r.timed and window is not None:
                        ax.hlines(float(r.cumulative_arrivals), r.date, r.date + pd.Timedelta(days=1),
                                  color=look["color"], linewidth=2.5, alpha=0.45, zorder=2, gid=f"untimed:{r.id}")
                if (window is None) != ends_in_detail:  # each series' last count is labelled once
                    last = rows.iloc[-1]
                    labels.append(ax.annotate(wording.value_text(last["cumulative_arrivals"],
                                                                   last["value_qualifier"]),
                                              (last["when"], float(last["cumulative_arrivals"])), xytext=(0, 6),
                                              textcoords="offset points", fontsize=6.5, color=look["color"],
                                              path_effects=style.halo(3), zorder=7,  # above every line
                                              gid=f"count_label:{last['id']}"))
            _plain(ax)
        detail_ax, overall = axes
        _date_axis(detail_ax, d0, d1, daily=True)
        detail_ax.set_title(f"{wording.day(d0)} \N{EN DASH} {wording.day(d1 - pd.Timedelta(days=1))}, "
                            "by report time", loc="left", fontsize=style.FONT_SIZE)
        start = to_day(story.OFFENSIVE_START)
        _date_axis(overall, start - pd.Timedelta(days=5), data["when"].max() + pd.Timedelta(days=12), daily=False)
        overall.set_title("All counts", loc="left", fontsize=style.FONT_SIZE)
        overall.axvline(to_day(story.ARTICLE_DATE), zorder=1, **style.ARTICLE_MARK).set_gid("article_mark")
        detail_ax.set_ylim(0, float(data["cumulative_arrivals"].max()) * 1.1)
        style.thousands_ticks(detail_ax.yaxis)
        detail_ax.set_ylabel("People, cumulative (as reported)", fontsize=style.LABEL_SIZE)
        handles = [Line2D([], [], markeredgecolor=style.MARKER_EDGE, label=style.wrap(names[s], 56), **look)
                   for s, look in looks.items()]
        handles += _qualifier_handles()
        handles.append(Line2D([], [], color=style.MUTED_TEXT, linewidth=2.5, alpha=0.45,
                              label="count without a clock time: drawn across its day"))
        handles.append(_article_handle())
        style.figure_legend(fig, handles, ncols=2, fontsize=7)
        protocol.remember_sources(fig, data["source_id"])
        captions.add_caption(fig, sources, is_map=False,
                              note="Counts of different claimants are shown side by side, never added")
        style.place_labels(fig, labels,
                           lines=[ln for ax in axes for ln in ax.lines if str(ln.get_gid()).startswith("series:")])
    first, last = data.iloc[0], data.iloc[-1]
    early = data[data["when"] < d1].sort_values(["cumulative_arrivals", "when"]).iloc[-1]

    def _count(r) -> str:
        return f"{wording.qualified(r.cumulative_arrivals, r.value_qualifier)} on {wording.day(r.date)} ({r.who})"

    alt = (f"Line chart of cumulative arrivals in Armenia from Nagorno-Karabakh as reported: {len(data)} counts by "
           f"{len(looks)} claimants and measures, drawn side by side. The first count: {_count(first)}; the largest "
           f"before {wording.day(d1)}: {_count(early)}; the last: {_count(last)}.")
    return protocol.describe(fig, title="Cumulative arrivals in Armenia from Nagorno-Karabakh, as reported (people)",
                            alt=alt)


_KEY_SIZE = 7.0  # points: the timeline's key
_KEY_WRAP = 82  # characters a line in one of the key's two columns
_KEY_LINE = 1.25  # line spacing of the key (multiples of its font size)


def _key_entries(ev: pd.DataFrame) -> list[tuple[int, str, str, int]]:
    """(n, kind, wrapped text, lines) for each numbered event: its day (and clock time) and its words, never cut."""
    out = []
    for r in ev.itertuples():
        when = r.date + (f", {r.time_local}" if r.time_local else "")
        text = style.wrap(f"{when}: {r.event}", _KEY_WRAP)
        out.append((int(r.n), str(r.kind), text, text.count("\n") + 1))
    return out


def _key_columns(entries: list, ncols: int = 2) -> list[list]:
    """The entries in order, cut into columns of about the same number of lines."""
    total = sum(e[3] for e in entries)
    columns, current, done = [], [], 0
    for e in entries:
        if current and len(columns) < ncols - 1 and done + e[3] / 2 > total * (len(columns) + 1) / ncols:
            columns.append(current)
            current = []
        current.append(e)
        done += e[3]
    return columns + [current]


def _draw_key(fig, ax, columns: list[list]) -> None:
    """The key under the strip: in each column, the event's marker, its number and its day and words."""
    from matplotlib.transforms import offset_copy

    ax.set_axis_off()
    ax.set_gid("key")
    ax.set_title("Key: each number, the day and the event as the sources word it", loc="left",
                 fontsize=style.FONT_SIZE)
    step = _KEY_SIZE * _KEY_LINE
    for c, column in enumerate(columns):
        x, down = c / len(columns), 0.0
        for n, kind, text, lines in column:
            at = offset_copy(ax.transAxes, fig=fig, x=0, y=-down - step / 2, units="points")
            ax.plot([x], [1], transform=offset_copy(at, fig=fig, x=5, y=0, units="points"), linestyle="none",
                    marker=style.EVENT_KIND_MARKER[kind], color=style.EVENT_KIND_COLOR[kind], markersize=5,
                    markeredgecolor=style.MARKER_EDGE, markeredgewidth=0.4, clip_on=False, gid=f"key_marker:{n}")
            ax.text(x, 1, str(n), transform=offset_copy(at, fig=fig, x=24, y=0, units="points"), ha="right",
                    va="center", fontsize=_KEY_SIZE, fontweight="bold", color=style.TEXT, gid=f"key_number:{n}")
            ax.text(x, 1, text, transform=offset_copy(at, fig=fig, x=28, y=step / 2, units="points"), ha="left",
                    va="top", fontsize=_KEY_SIZE, linespacing=_KEY_LINE, color=style.TEXT, gid=f"key_text:{n}")
            down += lines * step + 2.5


def _fit_key(fig, axes: tuple, strip_inches: float, key_inches: float) -> None:
    """Make the figure as tall as the strip and the key need once the layout has placed the titles, ticks, legend
    and caption (and the title ``kb.show_figure`` draws later, ``style.TITLE_ROOM``)."""
    strip, key = axes
    for _ in range(2):
        fig.draw_without_rendering()
        have = [ax.get_position().height * fig.get_figheight() for ax in (strip, key)]
        want = [part + style.TITLE_ROOM * part / (strip_inches + key_inches) for part in (strip_inches, key_inches)]
        short = sum(want) - sum(have)
        if short <= 0.01:
            return
        fig.set_figheight(fig.get_figheight() + short)
        fig.axes[0].get_gridspec().set_height_ratios(want)


def timeline_strip(events: pd.DataFrame, *, sources: pd.DataFrame, start: str = story.TIMELINE[0],
                   end: str = story.TIMELINE[1], detail_end: str = story.TIMELINE_DETAIL_END) -> Figure:
    """The events from ``start`` to ``end`` on a strip to scale: day by day up to ``detail_end``, then by month;
    under it, the key: each number with the event's day and its words as the events table gives them.

    Markers by kind of event, numbered as :func:`karabakh.analysis.summaries.numbered_events` numbers them; the key
    (gids ``key_marker:<n>``, ``key_number:<n>``, ``key_text:<n>``) repeats the marker and says what each number is,
    so that the figure reads on its own.

    Parameters
    ----------
    events, sources : pandas.DataFrame
        ``kb.load_events()``, ``kb.load_sources()``.
    start, end : str
        First and last day (inclusive).
    detail_end : str
        The day the day-by-day part ends (exclusive).

    Returns
    -------
    matplotlib.figure.Figure
        With its title, alt text (how many events of each kind, how many in the first days, then every event with
        its number and day) and source ids.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = timeline_strip(kb.load_events(), sources=kb.load_sources())
    >>> protocol.description(fig)["title"]
    'Events from 19 Sept 2023 to 1 Jan 2024'
    """
    from matplotlib.lines import Line2D

    ev = summaries.numbered_events(events, start, end)
    t0, t1, tm = to_day(start), to_day(end), to_day(detail_end)
    slot = ev["when"].where(ev["when"] < tm, ev["when"].dt.to_period("W").dt.start_time)
    ev["stack"] = ev.groupby(slot).cumcount()
    top = int(ev["stack"].max()) + 1 if len(ev) else 1
    columns = _key_columns(_key_entries(ev))
    key_inches = max(sum(e[3] * _KEY_SIZE * _KEY_LINE + 2.5 for e in col) for col in columns) / 72 + 0.1
    strip_inches = 0.26 * top + 0.3
    with style.styled():
        fig = style.new_figure("timeline", height=strip_inches + key_inches + 2.0)
        grid = fig.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[strip_inches, key_inches])
        detail, later = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        key = fig.add_subplot(grid[1, :])
        _draw_key(fig, key, columns)
        for ax, lo, hi in ((detail, t0, tm), (later, tm, t1 + pd.Timedelta(days=1))):
            for r in ev[(ev["when"] >= lo) & (ev["when"] < hi)].itertuples():
                ax.plot([r.when], [r.stack], linestyle="none", marker=style.EVENT_KIND_MARKER[r.kind],
                        color=style.EVENT_KIND_COLOR[r.kind], markersize=7, markeredgecolor=style.MARKER_EDGE,
                        markeredgewidth=0.5, zorder=3, gid=f"event:{r.id}")
                ax.annotate(str(r.n), (r.when, r.stack), xytext=(6, 0), textcoords="offset points", ha="left",
                            va="center", fontsize=6.5, color=style.TEXT, gid=f"event_number:{r.n}")
            ax.set_ylim(-0.7, top - 0.3)
            ax.set_yticks([])
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
            ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
        _date_axis(detail, t0 - pd.Timedelta(hours=12), tm - pd.Timedelta(hours=12), daily=True)
        detail.set_title(f"Day by day, {wording.day(t0)} \N{EN DASH} {wording.day(tm - pd.Timedelta(days=1))}",
                         loc="left", fontsize=style.FONT_SIZE)
        _date_axis(later, tm - pd.Timedelta(days=3), t1 + pd.Timedelta(days=9), daily=False)
        later.set_title(f"{wording.day(tm)} \N{EN DASH} {wording.day(t1)}", loc="left", fontsize=style.FONT_SIZE)
        detail.axvline(to_day(story.ARTICLE_DATE), zorder=1, **style.ARTICLE_MARK).set_gid("article_mark")
        kinds = [k for k in style.EVENT_KIND_COLOR if k in set(ev["kind"])]
        handles = [Line2D([], [], linestyle="none", marker=style.EVENT_KIND_MARKER[k],
                          color=style.EVENT_KIND_COLOR[k], markeredgecolor=style.MARKER_EDGE, label=k) for k in kinds]
        style.figure_legend(fig, [*handles, _article_handle()], ncols=4, fontsize=7)
        protocol.remember_sources(fig, ev["source_id"])
        note = "Events as the sources word them; contested claims are attributed"
        captions.add_caption(fig, sources, is_map=False, note=note)
        _fit_key(fig, (detail, key), strip_inches, key_inches)
        captions.add_caption(fig, sources, is_map=False, note=note)
    counts = ev["kind"].value_counts()
    alt = (f"Timeline of {len(ev)} numbered events from {wording.day(t0)} to {wording.day(t1)}, markers by kind "
           f"({', '.join(f'{counts[k]} {k}' for k in kinds)}); {int((ev['when'] < tm).sum())} of them fall in the "
           f"days to {wording.day(tm - pd.Timedelta(days=1))}. The key under the strip says what each number is: "
           + "; ".join(f"{r.n}, {r.date}, {r.event.rstrip('.')}" for r in ev.itertuples()) + ".")
    return protocol.describe(fig, title=f"Events from {wording.day(t0)} to {wording.day(t1)}", alt=alt)
