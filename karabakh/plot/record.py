"""Figures of the whole record (issue 20): Crisis Group's incidents 2015 - Sept 2023 on one time axis, the 2020
war's tolls claim by claim, Karlinsky & Torrisi's excess deaths with their intervals, and UNHCR's series.

Every function takes the frames it draws and returns a matplotlib Figure with its source caption, title, alt text
and source ids (``kb.show_figure(fig, name)``). Every caption names the data's end date and its gaps. Each source's
figures are drawn apart and never added to another's; estimates are drawn with their intervals, never only the
point; stocks and flows are drawn in separate panels.
"""
from __future__ import annotations

import pandas as pd

from karabakh.analysis.record import APRIL_2016, WAR_2020
from karabakh.analysis import wording
from karabakh.io.rules import CRISISGROUP_DATA_ENDS
from karabakh.plot import captions, protocol, style

GAP_NOTE = ("Crisis Group's counts leave out the Apr 2016 escalation (hatched) and have no rows for the 2020 war "
            "(27 Sept \N{EN DASH} 10 Nov 2020, shaded); its pre-war file counts 'military' and 'civilians', its "
            "post-war file 'combatants' and 'non-combatants' (drawn in different colours); its data end on "
            "10 Sept 2023")
#: Crisis Group's status -> (legend label, colour, hatch); pre-war and post-war words kept apart
STATUS_STYLE = {
    "military": ("military (pre-war file)", style.OKABE_ITO["blue"], ""),
    "civilian": ("civilians (pre-war file)", style.OKABE_ITO["orange"], "////"),
    "combatant": ("combatants (post-war file)", style.OKABE_ITO["bluish_green"], ""),
    "non_combatant": ("non-combatants (post-war file)", style.OKABE_ITO["vermillion"], "\\\\\\\\"),
}
#: A claim's qualifier -> how its marker is filled: "at least", "more than" and approximate figures are hollow
HOLLOW = {"at_least", "more_than", "approx"}
SUBGROUP_WORD = {"military": "military", "civilian": "civilians", "unspecified": "not split"}


def _age(group: str) -> str:
    """An age group as the ticks and the alt text write it: "70\N{EN DASH}74" for the data's "70 - 74"."""
    return group.replace(" ", "").replace("-", "\N{EN DASH}")


def _finish(ax) -> None:
    style.thousands_ticks(ax.yaxis)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def incident_series_chart(series: pd.DataFrame, *, sources: pd.DataFrame,
                          source_ids: tuple[str, ...] = ("crisisgroup_nk_data", "crisisgroup_nk_casualties")):
    """People killed and wounded per month, Jan 2015 - Sept 2023 (Crisis Group), the gaps marked.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`karabakh.analysis.record.incident_series`.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    source_ids : tuple of str
        The sources.id of Crisis Group's files.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the date axis (killed, wounded), stacked bars by Crisis Group's status; the April 2016
        escalation hatched (not in the counts), the 2020 war shaded, the end of the data dashed.

    Examples
    --------
    >>> import karabakh as kb
    >>> from karabakh.analysis import record
    >>> series = record.incident_series(kb.load_incidents_pre2020(), kb.load_incidents())
    >>> fig = incident_series_chart(series, sources=kb.load_sources())
    >>> len(fig.axes), "Apr 2016" in protocol.description(fig)["alt"]
    (2, True)
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    width = pd.Timedelta(days=24)
    with style.styled():
        fig = style.new_figure("chart", width=10.0, height=6.4)
        axes = fig.subplots(2, 1, sharex=True)
        for ax, outcome in zip(axes, ("killed", "wounded")):
            rows = series[series["outcome"] == outcome]
            table = rows.pivot_table(index="month", columns="status", values="people", aggfunc="sum", fill_value=0,
                                     observed=True)
            bottom = pd.Series(0, index=table.index)
            for status, (label, colour, hatch) in STATUS_STYLE.items():
                if status not in table:
                    continue
                ax.bar(table.index + pd.Timedelta(days=14), table[status], width=width, bottom=bottom, color=colour,
                       hatch=hatch, edgecolor="white", linewidth=0.3, label=label, gid=f"bars:{outcome}:{status}")
                bottom = bottom + table[status]
            ax.set_ylabel(f"people {outcome}\nper month", fontsize=style.LABEL_SIZE)
            ax.set_title(f"People {outcome} along the front lines and the border, per month (Crisis Group's counts)",
                         loc="left", fontsize=style.FONT_SIZE)
            # the month whose counts leave the escalation out, hatched over its whole bar's slot: the escalation's
            # own days are a pixel wide at this scale, their hatch would read as a dotted line, not as its swatch
            ax.axvspan(APRIL_2016[0].to_period("M").start_time, APRIL_2016[0].to_period("M").end_time,
                       facecolor="none", edgecolor=style.MUTED_TEXT, hatch="xxxx", linewidth=0.0, zorder=0,
                       gid="gap_april_2016")
            ax.axvspan(*WAR_2020, color=style.OKABE_ITO["sky_blue"], alpha=0.25, zorder=0, gid="war_2020")
            ax.axvline(CRISISGROUP_DATA_ENDS, color=style.MUTED_TEXT, linewidth=0.8, linestyle="--", gid="data_end")
            _finish(ax)
        axes[0].set_xlim(pd.Timestamp("2015-01-01"), pd.Timestamp("2023-10-31"))
        handles = [Patch(facecolor=c, hatch=h, edgecolor="white", label=lab) for lab, c, h in STATUS_STYLE.values()]
        handles += [Patch(facecolor="none", edgecolor=style.MUTED_TEXT, hatch="xxxx",
                          label="Apr 2016: the escalation is not in Crisis Group's counts"),
                    Patch(color=style.OKABE_ITO["sky_blue"], alpha=0.25,
                          label="2020 war, 27 Sept \N{EN DASH} 10 Nov 2020: no rows in either file"),
                    Line2D([], [], color=style.MUTED_TEXT, linewidth=0.8, linestyle="--",
                           label="Crisis Group's data end, 10 Sept 2023")]
        style.figure_legend(fig, handles, ncols=3, fontsize=7)
        protocol.remember_sources(fig, source_ids)
        captions.add_caption(fig, sources, is_map=False, note=GAP_NOTE)
        killed = series[series["outcome"] == "killed"].groupby("month")["people"].sum()
        pre = series[series["period"] == "pre_2020_war"]
        post = series[series["period"] == "post_2020_war"]

        def months(part: pd.DataFrame) -> str:
            first, last = (style.date_label(part["month"].agg(f), "month") for f in ("min", "max"))
            return f"{first} to {last}"

        protocol.describe(
            fig, title="People killed and wounded per month, Jan 2015 \N{EN DASH} Sept 2023 (Crisis Group; "
                       "Apr 2016 and the 2020 war not counted)",
            alt=f"Two bar charts on one time axis from Jan 2015 to Sept 2023: Crisis Group's monthly counts "
                f"of people killed (at most {int(killed.max())}, in {style.date_label(killed.idxmax(), 'month')}) "
                f"and wounded. Before the 2020 war the bars split military and civilians ({int(pre['people'].sum())} "
                f"people in all, {months(pre)}); after it combatants and non-combatants "
                f"({int(post['people'].sum())} people, {months(post)}). "
                "The month of Apr 2016 is hatched because Crisis Group's counts leave out its escalation; the "
                "2020 war, "
                "27 Sept to 10 Nov 2020, is shaded and has no rows; a dashed line marks the end of the "
                "data on 10 Sept 2023.")
    return fig


def toll_claims_chart(tolls: pd.DataFrame, *, sources: pd.DataFrame, category: str = "killed"):
    """The 2020 war's official tolls as they were announced, one point per claim, one panel per side.

    Parameters
    ----------
    tolls : pandas.DataFrame
        ``kb.load_war_tolls()`` (official claims are drawn; estimates are left to :func:`excess_deaths_chart`).
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    category : str
        ``killed``, ``wounded`` or ``missing``.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels (ethnic Armenian side, Azerbaijani side) on one date axis; colour by claimant and subgroup,
        shape by claimant and subgroup too; a hollow marker is an "at least", "more than" or approximate figure; a
        claim that gives a range is drawn as its range.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = toll_claims_chart(kb.load_war_tolls(), sources=kb.load_sources())
    >>> len(fig.axes), "claims" in protocol.description(fig)["alt"]
    (2, True)
    """
    from matplotlib.lines import Line2D

    claims = tolls[(tolls["kind"] == "official_claim") & (tolls["category"] == category)].sort_values("reported_on")
    subgroup = claims["subgroup"].astype(str).map(SUBGROUP_WORD)
    claims = claims.assign(series=claims["claimant"].astype(str) + " \N{EN DASH} " + subgroup)
    looks = style.series_styles(claims["series"])
    with style.styled():
        fig = style.new_figure("chart", width=10.0, height=6.6)
        axes = fig.subplots(2, 1, sharex=True)
        for ax, side, label in zip(axes, ("armenian", "azerbaijani"),
                                   ("Ethnic Armenian side (Armenia and Nagorno-Karabakh)", "Azerbaijani side")):
            rows = claims[claims["side"] == side]
            for name, group in rows.groupby("series", sort=False):
                look = looks[name]
                ax.plot(group["reported_on"], group["value"].astype(float), color=look["color"], linewidth=0.8,
                        alpha=0.6, gid=f"line:{name}")
                for row in group.itertuples():
                    hollow = str(row.value_qualifier) in HOLLOW
                    ax.plot([row.reported_on], [float(row.value)], linestyle="none", marker=look["marker"],
                            color=look["color"], markerfacecolor="white" if hollow else look["color"],
                            markeredgecolor=look["color"] if hollow else style.MARKER_EDGE,
                            markeredgewidth=1.2 if hollow else 0.5, markersize=6, clip_on=False,
                            gid=f"claim:{row.id}")
                    if pd.notna(row.value_low):
                        ax.vlines(row.reported_on, row.value_low, row.value_high, color=look["color"],
                                  gid=f"range:{row.id}")
            ax.axvspan(*WAR_2020, color=style.OKABE_ITO["sky_blue"], alpha=0.25, zorder=0, gid="war_2020")
            ax.set_ylim(0, max(float(rows["value"].max()) * 1.12, 10) if len(rows) else 10)
            ax.set_ylabel(f"people {category},\nas claimed", fontsize=style.LABEL_SIZE)
            ax.set_title(f"{label}: each point one claim, dated when it was made (never added)", loc="left",
                         fontsize=style.FONT_SIZE)
            _finish(ax)
            style.date_ticks(ax.xaxis)  # "Nov / 2020": the one date style
        handles = [Line2D([], [], color=looks[s]["color"], marker=looks[s]["marker"], linestyle="-", linewidth=0.8,
                          label=style.wrap(s, 60)) for s in looks]
        handles += [Line2D([], [], color=style.MUTED_TEXT, marker="o", markerfacecolor="white", linestyle="none",
                           label="hollow: 'at least', 'more than' or approximate"),
                    Line2D([], [], color=style.MUTED_TEXT, marker="o", linestyle="none", label="filled: exact figure")]
        style.figure_legend(fig, handles, ncols=2, fontsize=6.5)
        protocol.remember_sources(fig, claims["source_id"])
        captions.add_caption(fig, sources, is_map=False,
                             note=f"Official claims made from {wording.day(claims['reported_on'].min())} to "
                                  f"{wording.day(claims['reported_on'].max())}, as reported: the claims "
                                  "found (data/CHANGES.md), not every claim made; the war "
                                  "(27 Sept \N{EN DASH} 10 Nov 2020) is shaded. Claims of different claimants count "
                                  "different people and are never added")
        protocol.describe(
            fig, title=f"The 2020 war: people {category} as the authorities announced it, claim by claim",
            alt=f"Two panels on one time axis: {len(claims)} official claims of people {category} in the 2020 war, "
                f"by {claims['claimant'].nunique()} claimants, made from {wording.day(claims['reported_on'].min())} to "
                f"{wording.day(claims['reported_on'].max())}, from {int(claims['value'].min())} to "
                f"{int(claims['value'].max())} people. The ethnic Armenian side's claims are above, the Azerbaijani "
                "side's below; each claimant's claims are joined by a thin line; the war itself is shaded.")
    return fig


def excess_deaths_chart(excess: pd.DataFrame, *, sources: pd.DataFrame,
                        territories: tuple[str, ...] = ("Armenia", "Azerbaijan", "Artsakh", "Georgia",
                                                        "Iranian Azerbaijan", "Russia Dagestan")):
    """Excess deaths in 2020 by age group, sex and territory, each estimate drawn with its interval.

    Parameters
    ----------
    excess : pandas.DataFrame
        ``kb.load_excess_deaths()``.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    territories : tuple of str
        The panels, in order (the three belligerents' territories, then the three neighbours).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per territory: for each age group the point estimate (marker) and its enveloping interval
        (vertical line), women and men side by side; zero drawn.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = excess_deaths_chart(kb.load_excess_deaths(), sources=kb.load_sources())
    >>> len(fig.axes)
    6
    >>> len([c for c in fig.axes[0].collections if (c.get_gid() or "").startswith("interval:")])
    2
    """
    from matplotlib.lines import Line2D

    sex_look = {"female": ("women", style.OKABE_ITO["orange"], "o", -0.18),
                "male": ("men", style.OKABE_ITO["blue"], "s", 0.18)}
    ages = excess.drop_duplicates("age_group").sort_values("age_low")["age_group"].tolist()
    position = {a: i for i, a in enumerate(ages)}
    with style.styled():
        fig = style.new_figure("chart", width=10.5, height=7.6)
        axes = fig.subplots(3, 2, sharex=True).ravel()
        for ax, territory in zip(axes, territories):
            rows = excess[excess["territory"] == territory]
            for sex, (label, colour, marker, shift) in sex_look.items():
                part = rows[rows["sex"] == sex]
                x = part["age_group"].map(position) + shift
                ax.vlines(x, part["value_low"], part["value_high"], color=colour, linewidth=1.2,
                          gid=f"interval:{territory}:{sex}")
                ax.plot(x, part["value"], linestyle="none", marker=marker, color=colour, markersize=3.5,
                        markeredgecolor=style.MARKER_EDGE, markeredgewidth=0.4, gid=f"point:{territory}:{sex}")
            ax.axhline(0, color=style.MUTED_TEXT, linewidth=0.6, gid="zero")
            group = "belligerent" if rows["group"].iloc[0] == "War" else "neighbour"
            ax.set_title(f"{territory} ({group})", loc="left", fontsize=style.FONT_SIZE)
            ax.set_ylabel("excess deaths", fontsize=style.LABEL_SIZE)
            _finish(ax)
        for ax in axes[-2:]:
            ax.set_xticks(range(len(ages)), [_age(a) for a in ages], rotation=90,
                          fontsize=style.LABEL_SIZE - 1)
            ax.set_xlabel("age group (years)", fontsize=style.LABEL_SIZE)
        handles = [Line2D([], [], color=c, marker=m, linestyle="-", linewidth=1.2,
                          label=f"{lab}: estimate and its enveloping interval")
                   for lab, c, m, _ in sex_look.values()]
        style.figure_legend(fig, handles, ncols=2, fontsize=7)
        protocol.remember_sources(fig, excess["source_id"])
        captions.add_caption(fig, sources, is_map=False,
                             note="Excess deaths in 2020, the last year of the data (registered deaths minus those "
                                  "expected from 2015\N{EN DASH}2019); each "
                                  "interval is the paper's enveloping interval for that age group and sex, and "
                                  "intervals are not added across groups. 2020 also had Covid-19 deaths. The paper's "
                                  "age group '5 - 14' reads 'May-14' in its data file (repaired)")
        males = excess[(excess["sex"] == "male") & excess["territory"].isin(territories[:3])]
        top = males.loc[males["value"].idxmax()]
        young = excess[(excess["sex"] == "male") & excess["age_low"].between(15, 45)]
        above = young[young["value_low"] > 0].groupby("territory", observed=True).size()
        counts = ", ".join(f"{t} {int(above.get(t, 0))}" for t in territories)
        protocol.describe(
            fig, title="Excess deaths in 2020 by age group and sex, with their intervals (Karlinsky & Torrisi 2023)",
            alt=f"Six panels, one per territory ({', '.join(territories)}), each showing for {len(ages)} age groups "
                "the estimated excess deaths of women and men in 2020 as a point with a vertical interval. In the "
                "three belligerents' territories the excess is concentrated among young men: the largest estimate "
                f"is {float(top['value']):.0f} (interval {float(top['value_low']):.0f} to "
                f"{float(top['value_high']):.0f}) for men aged {_age(top['age_group'])} in {top['territory']}. Of the "
                f"seven age groups of men from 15 to 49, those whose whole interval lies above zero: {counts}.")
    return fig


def unhcr_chart(stock: pd.DataFrame, flows: pd.DataFrame, *, sources: pd.DataFrame):
    """Refugees from Azerbaijan in Armenia (UNHCR): the stock at the end of each year, and the flows, apart.

    Parameters
    ----------
    stock : pandas.DataFrame
        :func:`karabakh.analysis.record.refugees_from_azerbaijan_in_armenia`.
    flows : pandas.DataFrame
        :func:`karabakh.analysis.record.refugee_inflows`.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: the stock (a line of yearly points) and the year's flows (bars by measure), never added.

    Examples
    --------
    >>> import karabakh as kb
    >>> from karabakh.analysis import record
    >>> un = kb.load_unhcr()
    >>> fig = unhcr_chart(record.refugees_from_azerbaijan_in_armenia(un), record.refugee_inflows(un),
    ...                   sources=kb.load_sources())
    >>> len(fig.axes), "stock" in protocol.description(fig)["alt"]
    (2, True)
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    years = (int(stock["year"].min()), int(stock["year"].max()))
    shown = flows[flows["year"].between(*years) & (flows["value"] >= 100)]
    measure_look = {"refugees": ("refugees (flow)", style.OKABE_ITO["vermillion"], ""),
                    "refugee_like": ("in a refugee-like situation (flow)", style.OKABE_ITO["orange"], "////")}
    with style.styled():
        fig = style.new_figure("chart", width=9.0, height=5.8)
        axes = fig.subplots(2, 1, sharex=True)
        ax = axes[0]
        ax.plot(stock["year"], stock["value"], color=style.OKABE_ITO["blue"], marker="o", markersize=4,
                clip_on=False, gid="stock")
        ax.set_ylabel("people at\nthe end of the year", fontsize=style.LABEL_SIZE)
        ax.set_title("Stock: refugees from Azerbaijan in Armenia at the end of each year", loc="left",
                     fontsize=style.FONT_SIZE)
        ax.set_ylim(0, float(stock["value"].max()) * 1.15)
        ax = axes[1]
        for measure, (label, colour, hatch) in measure_look.items():
            part = shown[shown["measure"] == measure]
            ax.bar(part["year"], part["value"], width=0.6, color=colour, hatch=hatch, edgecolor="white",
                   gid=f"flow:{measure}")
        ax.set_ylabel("people who came\nduring the year", fontsize=style.LABEL_SIZE)
        ax.set_title("Flow: arrivals from Azerbaijan in Armenia during the year (a different measure)", loc="left",
                     fontsize=style.FONT_SIZE)
        ax.set_ylim(0, float(shown["value"].max()) * 1.15)
        ax.set_xticks(range(years[0], years[1] + 1))
        ax.set_xlim(years[0] - 0.6, years[1] + 0.6)
        for ax in axes:
            _finish(ax)
        handles = [Line2D([], [], color=style.OKABE_ITO["blue"], marker="o", label="refugees (stock)")]
        handles += [Patch(facecolor=c, hatch=h, edgecolor="white", label=lab) for lab, c, h in measure_look.values()]
        style.figure_legend(fig, handles, ncols=3, fontsize=7)
        protocol.remember_sources(fig, stock["id"].map(lambda _: "unhcr_refugees_2025_12_1"))
        captions.add_caption(fig, sources, is_map=False,
                             note=f"UNHCR's yearly figures {years[0]}\N{EN DASH}{years[1]} (R package refugees "
                                  f"2025.12.1; {years[1]} is the last year it gives); flows under 100 people not "
                                  "drawn. "
                                  "A stock is not a sum of flows, and neither is comparable to the daily arrival "
                                  "counts of Sept\N{EN DASH}Oct 2023")
        last = stock.iloc[-1]
        big = shown.loc[shown["value"].idxmax()]
        protocol.describe(
            fig, title=f"Refugees from Azerbaijan in Armenia, {years[0]}\N{EN DASH}{years[1]}: stock and flows (UNHCR)",
            alt=f"Two panels by year, {years[0]} to {years[1]}. The upper line is UNHCR's stock of refugees from "
                f"Azerbaijan in Armenia at the end of each year, from {int(stock.iloc[0]['value']):,} in "
                f"{int(stock.iloc[0]['year'])} to {int(stock['value'].max()):,} at its highest and "
                f"{int(last['value']):,} in {int(last['year'])}. The lower bars are the year's flows: the largest, "
                f"{int(big['value']):,} {big['measure'].replace('_', '-')} in {int(big['year'])}.")
    return fig
