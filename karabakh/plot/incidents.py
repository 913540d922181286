"""Figures of notebook 06: Crisis Group's incidents per month next to the offensive's claimed tolls, the incidents
per sector on a map, and Crisis Group's key events of 2015-2023.

Every function takes the frames it draws (nothing is loaded here) and returns a matplotlib Figure with its source
caption; each figure carries its title, alt text (built from the numbers drawn) and source ids, so that
``kb.show_figure(fig, name)`` shows it. Crisis Group's counts and other
claimants' counts are drawn in separate panels and never added together.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from karabakh.analysis import story, wording
from karabakh.io.days import to_day
from karabakh.io.rules import CRISISGROUP_DATA_ENDS
from karabakh.plot import captions, map_parts, protocol, style

DATA_END_NOTE = "Crisis Group's data stop on 10 Sept 2023 (no incidents after that day, none of the offensive)"
ROAD_BLOCKED_FROM = to_day(story.LACHIN_ROAD_RESTRICTED_FROM)
OFFENSIVE_START = to_day(story.OFFENSIVE_START)
STATUS_STYLE = {  # Crisis Group's status -> (label, colour, hatch): the hatch keeps them apart in greyscale
    "combatant": ("combatants", style.OKABE_ITO["blue"], ""),
    "non_combatant": ("non-combatants", style.OKABE_ITO["orange"], "////"),
}
SIDE_CATEGORY_MARKER = {("ethnic_armenian", "killed"): "o", ("ethnic_armenian", "wounded"): "^",
                        ("azerbaijani", "killed"): "s", ("azerbaijani", "wounded"): "D"}
SIDE_CATEGORY_LABEL = {("ethnic_armenian", "killed"): "ethnic Armenian side, killed",
                       ("ethnic_armenian", "wounded"): "ethnic Armenian side, wounded",
                       ("azerbaijani", "killed"): "Azerbaijani side (military), killed",
                       ("azerbaijani", "wounded"): "Azerbaijani side (military), wounded"}
#: The incidents map: lon ~44.9-47.5 E, lat ~38.9-41.3 N in MAP_CRS metres (from Ijevan / Gazakh to Kapan and Fuzuli)
SECTOR_EXTENT = (470_000.0, 770_000.0, 4_310_000.0, 4_575_000.0)
#: Where each sector's label goes relative to its circle (default "right"), so that no two labels overlap.
SECTOR_LABEL_SIDE = {"am_az_ijevan_gazakh": "above", "am_az_ijevan_tovuz": "right", "am_az_vardenis_kelbajar": "left",
                     "nk_kelbajar": "above", "am_az_goris_lachin": "left", "nk_shusha_stepanakert": "left",
                     "nk_martuni_hadrut": "above_right", "nk_hadrut_jebrail_fizuli": "below_right",
                     "am_az_kapan_kubatli": "right"}


def offensive_claims(casualties: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """The offensive's claimed tolls: totals (ethnic Armenian side "unspecified", Azerbaijani side "military") of
    people killed and wounded, each with who claimed it.

    Parameters
    ----------
    casualties, actors : pandas.DataFrame
        ``kb.load_casualties()`` and ``kb.load_actors()``.

    Returns
    -------
    pandas.DataFrame
        The claims, sorted by report date, with a column ``who``: the claimant as the other charts name it
        (:func:`karabakh.plot.wording.claimant_labels`: the actor and role, else the claimant text).

    Examples
    --------
    >>> import karabakh as kb
    >>> claims = offensive_claims(kb.load_casualties(), kb.load_actors())
    >>> claims["reported_on"].is_monotonic_increasing, set(claims["incident"]), bool(claims["who"].notna().all())
    (True, {'offensive'}, True)
    """
    keep = ((casualties["incident"].astype(str) == "offensive") & casualties["value"].notna()
            & casualties["category"].astype(str).isin(["killed", "wounded"])
            & casualties["subgroup"].astype(str).isin(["unspecified", "military"]))
    claims = casualties[keep].copy()
    claims["who"] = wording.claimant_labels(claims, actors).astype(str)
    return claims.sort_values(["reported_on", "side", "category", "id"]).reset_index(drop=True)


def monthly_chart(monthly: pd.DataFrame, claims: pd.DataFrame, *, sources: pd.DataFrame,
                  incident_source: str = "crisisgroup_nk_casualties"):
    """People killed and wounded per month (Crisis Group) above the offensive's claimed tolls, on one time axis.

    Parameters
    ----------
    monthly : pandas.DataFrame
        :func:`karabakh.analysis.incidents.monthly_people` (index months, columns (outcome, status)).
    claims : pandas.DataFrame
        :func:`offensive_claims`.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    incident_source : str
        The sources.id of Crisis Group's file.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels sharing the date axis: killed, wounded (stacked bars by status) and the claims (one point per
        claim, colour by claimant, shape by side and category). The blocking of the Lachin corridor road is shaded, the offensive
        and the end of Crisis Group's data are marked; the blocking is shaded up to the offensive.

    Examples
    --------
    >>> import karabakh as kb
    >>> from karabakh.analysis import incidents
    >>> claims = offensive_claims(kb.load_casualties(), kb.load_actors())
    >>> fig = monthly_chart(incidents.monthly_people(kb.load_incidents()), claims, sources=kb.load_sources())
    >>> len(fig.axes), f"{len(claims)} claims" in protocol.description(fig)["alt"]
    (3, True)
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    starts = monthly.index.to_timestamp()
    width = pd.Timedelta(days=24)
    centres = starts + pd.Timedelta(days=14)
    end = max(claims["reported_on"].max() + pd.Timedelta(days=45), OFFENSIVE_START + pd.Timedelta(days=60))
    colours = _colours(claims["who"])
    with style.styled():
        fig = style.new_figure("chart", width=10.0, height=8.6)
        axes = fig.subplots(3, 1, height_ratios=[1, 1, 1.15])
        axes[1].sharex(axes[0])  # the claims panel has its own days: a month's bar width would stack them
        for ax, outcome in zip(axes[:2], ("killed", "wounded")):
            bottom = pd.Series(0, index=monthly.index)
            for status, (label, colour, hatch) in STATUS_STYLE.items():
                values = monthly[(outcome, status)]
                ax.bar(centres, values, width=width, bottom=bottom, color=colour, hatch=hatch, edgecolor="white",
                       linewidth=0.3, label=label, gid=f"bars:{outcome}:{status}")
                bottom = bottom + values
            ax.set_ylabel(f"people {outcome}\nper month", fontsize=style.LABEL_SIZE)
            peak = monthly[outcome].sum(axis=1)
            ax.annotate(f"{int(peak.max()):,} in {style.date_label(peak.idxmax().to_timestamp(), 'month')}",
                        (centres[list(monthly.index).index(peak.idxmax())], float(peak.max())), xytext=(-6, -2),
                        textcoords="offset points", ha="right", va="top", fontsize=style.LABEL_SIZE,
                        gid=f"peak:{outcome}")
            ax.set_title(f"People {outcome} in incidents along the front lines, per month (Crisis Group's counts)",
                         loc="left", fontsize=style.FONT_SIZE)
        ax = axes[2]
        for k, row in enumerate(claims.itertuples()):
            same_day = claims.index[claims["reported_on"] == row.reported_on]
            shift = pd.Timedelta(hours=18 * list(same_day).index(k))  # side by side, never before the report date
            ax.plot([row.reported_on + shift], [float(row.value)], linestyle="none", color=colours[row.who],
                    marker=SIDE_CATEGORY_MARKER[(str(row.side), str(row.category))], markersize=6.5,
                    markeredgecolor=style.MARKER_EDGE, markeredgewidth=0.5, zorder=4, clip_on=False,
                    gid=f"claim:{row.id}")
        ax.set_ylim(0, float(claims["value"].max()) * 1.15)
        ax.set_ylabel("people, as claimed", fontsize=style.LABEL_SIZE)
        ax.set_title("The offensive of 19\N{EN DASH}20 Sept 2023: tolls as claimed, by day of the claim "
                     "(each point one claim; never added)",
                     loc="left", fontsize=style.FONT_SIZE)
        for ax in axes:
            ax.axvspan(ROAD_BLOCKED_FROM, OFFENSIVE_START, color=style.OKABE_ITO["sky_blue"], alpha=0.15, zorder=0,
                       gid="road_blocked")
            ax.axvline(OFFENSIVE_START, zorder=1, gid="offensive", **style.ARTICLE_MARK)
            ax.axvline(CRISISGROUP_DATA_ENDS, color=style.MUTED_TEXT, linewidth=0.8, linestyle="--",
                       zorder=1, gid="data_end")
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
            ax.set_axisbelow(True)
            for spine in ("top", "right"):
                ax.spines[spine].set_visible(False)
        axes[0].set_xlim(starts[0], end)
        axes[0].xaxis.set_major_locator(mdates.YearLocator())
        style.date_ticks(axes[0].xaxis)
        axes[0].tick_params(labelbottom=False)
        style.date_ticks(axes[1].xaxis)
        claims_end = claims["reported_on"].max() + pd.Timedelta(days=4)
        axes[2].set_xlim(OFFENSIVE_START - pd.Timedelta(days=12), claims_end)
        axes[2].xaxis.set_major_locator(mdates.DayLocator(interval=max(1, (claims_end - OFFENSIVE_START).days // 6)))
        style.date_ticks(axes[2].xaxis)
        top = axes[0].get_ylim()[1]
        axes[0].text(ROAD_BLOCKED_FROM + pd.Timedelta(days=10), top * 0.97, "Lachin road blocked\nfrom 12 Dec 2022",
                     va="top", fontsize=style.LABEL_SIZE, color=style.TEXT, gid="road_blocked_label")
        axes[0].text(OFFENSIVE_START + pd.Timedelta(days=10), top * 0.55, "offensive\n19 Sept 2023", va="top",
                     fontsize=style.LABEL_SIZE, color=style.TEXT, gid="offensive_label")
        handles = [Patch(facecolor=c, hatch=h, edgecolor="white", label=f"{lab} (Crisis Group)")
                   for lab, c, h in STATUS_STYLE.values()]
        first_shape = {w: SIDE_CATEGORY_MARKER[(str(r.side), str(r.category))]  # a claimant's entry: a marker drawn
                       for r in claims.iloc[::-1].itertuples() for w in [r.who]}  # (its first claim's), never a new one
        handles += [Line2D([], [], color=colours[w], marker=first_shape[w], linestyle="none",
                           markeredgecolor=style.MARKER_EDGE, markeredgewidth=0.5, label=style.wrap(w, 48))
                    for w in colours]
        handles += [Line2D([], [], color=style.MUTED_TEXT, marker=m, linestyle="none", label=SIDE_CATEGORY_LABEL[k])
                    for k, m in SIDE_CATEGORY_MARKER.items() if k in set(zip(claims["side"].astype(str),
                                                                             claims["category"].astype(str)))]
        handles.append(Line2D([], [], label="offensive begins, 19 Sept 2023", **style.ARTICLE_MARK))
        handles.append(Line2D([], [], color=style.MUTED_TEXT, linewidth=0.8, linestyle="--",
                              label="Crisis Group's data end, 10 Sept 2023"))
        handles.append(Patch(color=style.OKABE_ITO["sky_blue"], alpha=0.15,
                             label="Lachin road blocked, 12 Dec 2022 to the offensive"))
        style.figure_legend(fig, handles, ncols=3, fontsize=7)
        protocol.remember_sources(fig, [incident_source])
        protocol.remember_sources(fig, claims["source_id"])
        _caption(fig, sources=sources,
                 note=f"{DATA_END_NOTE}. Claims from other sources are drawn apart and never added to "
                      "Crisis Group's counts")
        peaks = {o: monthly[o].sum(axis=1) for o in ("killed", "wounded")}
        month = {k: style.date_label(v, "month") for k, v in (("first", starts[0]), ("last", end),
                                                            ("killed", peaks["killed"].idxmax()),
                                                            ("wounded", peaks["wounded"].idxmax()))}
        protocol.describe(
            fig, title="People killed and wounded per month (Crisis Group, to 10 Sept 2023) and the offensive's "
                       "claimed tolls",
            alt=f"Three panels on one time axis from {month['first']} to {month['last']}. The first two show Crisis "
                f"Group's monthly counts of people killed (at most {int(peaks['killed'].max())}, in "
                f"{month['killed']}) and wounded (at most {int(peaks['wounded'].max())}, in "
                f"{month['wounded']}), combatants and non-combatants; the blocking of the Lachin "
                "corridor road is shaded from 12 Dec 2022 to the offensive of 19 Sept 2023, and a dashed line marks "
                f"the end of Crisis Group's data on 10 Sept 2023. The third shows {len(claims)} claims of the "
                f"offensive's toll by {claims['who'].nunique()} claimants, reported from "
                f"{wording.day(claims['reported_on'].min())} to {wording.day(claims['reported_on'].max())}, between "
                f"{int(claims['value'].min())} and {int(claims['value'].max())} people.")
    return fig


def sector_map(per_sector, *, boundaries, front_lines, sources: pd.DataFrame, manifest: pd.DataFrame | None = None):
    """Incidents per Crisis Group sector on the 2020-2023 line of contact and the Armenia-Azerbaijan border.

    Parameters
    ----------
    per_sector : geopandas.GeoDataFrame
        :func:`karabakh.analysis.incidents.people_by_sector`; sectors without a point are listed in the caption.
    boundaries, front_lines : geopandas.GeoDataFrame
        ``kb.load_boundaries()`` and ``kb.load_front_lines()``.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    manifest : pandas.DataFrame, optional
        ``kb.load_manifest()``: the layers' licences, written in the caption.

    Returns
    -------
    matplotlib.figure.Figure
        A map: circles of area proportional to the people killed and wounded in each sector (Crisis Group's
        counts, 10 Nov 2020 - 10 Sept 2023), labelled with the sector and its numbers.

    Examples
    --------
    >>> import karabakh as kb
    >>> from karabakh.analysis import incidents
    >>> per = incidents.people_by_sector(kb.load_incidents(), kb.load_sectors())
    >>> fig = sector_map(per, boundaries=kb.load_boundaries(), front_lines=kb.load_front_lines(),
    ...                  sources=kb.load_sources())
    >>> circles = [c for c in fig.axes[0].collections if str(c.get_gid()).startswith("sector:")]
    >>> len(circles) == int(per["lat"].notna().sum())
    True
    """
    import math

    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Patch

    per_sector = per_sector.copy()
    repeated = per_sector["label"].duplicated(keep=False)  # two sectors of one name: Crisis Group's own names
    per_sector.loc[repeated, "label"] = per_sector.loc[repeated, "sector"].str.rpartition(": ")[2]  # "Nakhchivan 1"
    placed = per_sector[per_sector.geometry.notna()].copy()
    unplaced = per_sector[per_sector.geometry.isna()]
    # marker area (points^2) per person, from the largest of ALL sectors: a sector not on the map (the Sept 2022
    # escalation, most of all the people killed and wounded) gets its circle at the same scale beside the map
    scale = 1400.0 / max(1, int(per_sector["people"].max()))
    with style.styled():
        fig = style.new_figure("nk_map", width=8.0, height=7.9)
        ax = fig.subplots()
        map_parts.set_map_extent(ax, SECTOR_EXTENT)
        countries = map_parts.clip_to_extent(boundaries[boundaries["kind"] == "country"], SECTOR_EXTENT)
        map_parts.draw_polygons(ax, countries, gid="countries", edgecolor=style.BORDER, linewidth=style.BORDER_WIDTH,
                                facecolor=[style.COUNTRY_FILL.get(i, style.LAND) for i in countries["iso3"]])
        area = map_parts.clip_to_extent(front_lines[front_lines["key"] == "area_2020_2023"], SECTOR_EXTENT)
        map_parts.draw_polygons(ax, area, gid="control_area:area_2020_2023", edgecolor="none", alpha=0.25,
                                facecolor=style.CONTROL_AREA["area_2020_2023"]["facecolor"])
        line = map_parts.clip_to_extent(front_lines[front_lines["key"] == "line_2020_2023"], SECTOR_EXTENT)
        map_parts.draw_lines(ax, line, gid="contact_line:line_2020_2023", zorder=3, **style.CONTACT_LINE)
        points = map_parts.to_map_crs(placed)
        for row in points.sort_values("people", ascending=False).itertuples():
            ax.scatter([row.geometry.x], [row.geometry.y], s=row.people * scale, color=style.OKABE_ITO["blue"],
                       alpha=0.55, edgecolor=style.MARKER_EDGE, linewidth=0.6, zorder=5, gid=f"sector:{row.id}")
            radius_pt = math.sqrt(row.people * scale / math.pi)
            count = f"{row.incidents} incident{'s' if row.incidents != 1 else ''}"
            text = f"{row.label}\n{row.killed} killed, {row.wounded} wounded ({count})"
            side = SECTOR_LABEL_SIDE.get(row.id, "right")
            gap = radius_pt + 3
            dx, dy, ha, va = {"right": (gap, 0, "left", "center"), "left": (-gap, 0, "right", "center"),
                              "above": (0, gap, "center", "bottom"), "above_right": (gap * 0.7, gap * 0.7, "left", "bottom"),
                              "below_right": (gap * 0.7, -gap * 0.7, "left", "top")}[side]
            ax.annotate(text, (row.geometry.x, row.geometry.y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                        va=va, fontsize=6.5, color=style.TEXT, path_effects=style.halo(2), zorder=6,
                        gid=f"sector_label:{row.id}")
        for name, (lon, lat) in {"ARMENIA": (45.2, 40.3), "AZERBAIJAN": (47.75, 40.45)}.items():
            x, y = map_parts.to_map_crs(_point_frame(lon, lat)).geometry.iloc[0].coords[0]
            ax.text(x, y, name, fontsize=style.LABEL_SIZE, color=style.MUTED_TEXT, ha="center", gid=f"country:{name}")
        map_parts.add_north_arrow(ax, xy=style.NORTH_ARROW_XY["nk"])
        map_parts.add_scale_bar(ax)
        sizes = [v for v in (10, 50, 200) if v <= per_sector["people"].max() * 1.5]
        handles = [Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(v * scale), alpha=0.55,
                          color=style.OKABE_ITO["blue"], markeredgecolor=style.MARKER_EDGE, label=f"{v} people")
                   for v in sizes]
        handles.append(Patch(facecolor=style.CONTROL_AREA["area_2020_2023"]["facecolor"], alpha=0.25,
                             edgecolor="none", label=style.wrap(wording.en_dashes(str(front_lines.loc[
                                 front_lines["key"] == "area_2020_2023", "label"].iloc[0])), 40)))
        handles.append(Line2D([], [], label="Line of contact, 10 Nov 2020 \N{EN DASH} 19 Sept 2023",
                              **style.CONTACT_LINE))
        ax.legend(handles=handles, loc="lower left", labelspacing=1.6, handletextpad=1.4, borderpad=1.0,
                  fontsize=7, framealpha=0.9).set_gid("legend")
        if len(unplaced):  # circles at the map's scale, in a column of their own at the upper right
            ax.text(0.55, 0.985, "Not located on the map by Crisis Group\n(circles at the same scale)",
                    transform=ax.transAxes, ha="left", va="top", fontsize=6.5, color=style.TEXT, zorder=7, gid="unplaced_title",
                    path_effects=style.halo(2))
            y = 0.90
            for row in unplaced.sort_values(["people", "id"], ascending=[False, True]).itertuples():
                radius_pt = math.sqrt(max(row.people, 1) * scale / math.pi)
                radius_ax = radius_pt / 72 * fig.dpi / ax.bbox.height
                y -= radius_ax
                ax.scatter([0.60], [y], s=max(row.people, 0.5) * scale, transform=ax.transAxes, clip_on=False,
                           color=style.OKABE_ITO["blue"], alpha=0.55, edgecolor=style.MARKER_EDGE, linewidth=0.6,
                           zorder=7, gid=f"sector_off_map:{row.id}")
                ax.annotate(f"{style.wrap(row.label, 26)}\n{row.killed} killed, {row.wounded} wounded", (0.60, y),
                            xycoords="axes fraction", xytext=(radius_pt + 3, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=6.5, color=style.TEXT, path_effects=style.halo(2),
                            zorder=8, gid=f"sector_label:{row.id}")
                y -= radius_ax + 0.035
            # a box of their own, so that no reader takes the circles for places on the map under them
            ax.add_patch(FancyBboxPatch((0.54, y + 0.01), 0.39, 0.995 - (y + 0.01), transform=ax.transAxes,
                                        boxstyle="round,pad=0,rounding_size=0.01", facecolor="white", alpha=0.92,
                                        edgecolor=style.BORDER, linewidth=0.6, zorder=6.5, gid="unplaced_box"))
        protocol.remember_sources(fig, list(per_sector["source_id"]) + list(front_lines["source_id"])
                               + list(boundaries["source_id"]))
        note = (f"{DATA_END_NOTE}. A circle stands for a sector: the point of the line (or the border) nearest "
                "to the places that name it, not where an incident happened")
        _caption(fig, sources=sources, note=note, is_map=True,
                 licences=captions.layer_licences(manifest) if manifest is not None else None)
        top = placed.sort_values(["people", "id"], ascending=[False, True]).iloc[0]
        beside = ""
        if len(unplaced):
            big = unplaced.sort_values(["people", "id"], ascending=[False, True]).iloc[0]
            beside = (f" Beside the map, circles at the same scale for the {len(unplaced)} sectors Crisis Group does "
                      f"not locate; the largest, {big['label']}, with {big['killed']} killed and {big['wounded']} "
                      f"wounded, is {'the largest of all' if big['people'] > top['people'] else 'smaller'}.")
        protocol.describe(fig, title="People killed and wounded per sector, 10 Nov 2020 \N{EN DASH} 10 Sept 2023 "
                                     "(Crisis Group)",
                         alt=f"Map of Armenia and Azerbaijan around Nagorno-Karabakh with the 2020\N{EN DASH}2023 "
                             f"line of contact and {len(placed)} circles on it or on the border, one per sector of "
                             f"Crisis Group's data, sized by the people killed and wounded there; the largest on the "
                             f"map is {top['label']}, with {top['killed']} killed and {top['wounded']} wounded."
                             + beside)
    return fig


def key_events_chart(timeline: pd.DataFrame, key_ids: Sequence[str], *, sources: pd.DataFrame,
                     periods: Sequence[tuple[str, str, str]] = ()):
    """Crisis Group's timeline 2015-2023: every event as a tick, the key events (``key_ids``) labelled.

    Parameters
    ----------
    timeline : pandas.DataFrame
        ``kb.load_timeline()``.
    key_ids : sequence of str
        timeline ids to label, e.g. the April 2016 fighting, the 2020 war, the 2022 border clashes.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    periods : sequence of (str, str, str)
        (first timeline id, last timeline id, label): shaded from the first event's date to the second's, e.g. the
        2020 war from the first day of fighting to the cease-fire.

    Returns
    -------
    matplotlib.figure.Figure
        Top: events per year; bottom: the key events on a date axis, spans where they have an end date.

    Examples
    --------
    >>> import karabakh as kb
    >>> timeline = kb.load_timeline()
    >>> fig = key_events_chart(timeline, timeline["id"].iloc[:2], sources=kb.load_sources())
    >>> len(fig.axes), sum(t.get_gid().startswith("key_label:") for t in fig.axes[1].texts)
    (2, 2)
    """
    keys = timeline.set_index("id").loc[list(key_ids)].reset_index().sort_values("date")
    with style.styled():
        fig = style.new_figure("timeline", width=10.0, height=6.2)
        top, ax = fig.subplots(2, 1, height_ratios=[1, 2.4])
        per_year = timeline.groupby(timeline["date"].dt.year).size()
        top.bar(per_year.index, per_year.values, color=style.OKABE_ITO["sky_blue"], edgecolor=style.MARKER_EDGE,
                linewidth=0.4, gid="events_per_year")
        top.set_xticks(per_year.index)
        top.set_ylabel("events in\nthe timeline", fontsize=style.LABEL_SIZE)
        top.set_title("Events in Crisis Group's timeline, per year (its selection, to 9 Sept 2023)", loc="left",
                      fontsize=style.FONT_SIZE)
        ax.plot(timeline["date"], [0] * len(timeline), linestyle="none", marker="|", markersize=8,
                color=style.MUTED_TEXT, clip_on=False, gid="all_events")
        dates = timeline.set_index("id")["date"]
        for first, last, label in periods:
            ax.axvspan(dates[first], dates[last], color=style.OKABE_ITO["vermillion"], alpha=0.15, zorder=0,
                       gid=f"period:{first}:{last}")
            ax.text(dates[first], 3.75, label, ha="right", va="center", fontsize=7, color=style.TEXT,
                    gid=f"period_label:{first}:{last}")
        levels = [1.0, 2.0, 3.0]
        for k, row in enumerate(keys.itertuples()):
            level = levels[k % len(levels)]
            end = row.end_date if pd.notna(row.end_date) else row.date
            ax.plot([row.date, end], [0, 0], color=style.OKABE_ITO["vermillion"], linewidth=6, solid_capstyle="butt",
                    gid=f"key_span:{row.id}")
            ax.plot([row.date, row.date], [0, level], color=style.OKABE_ITO["vermillion"], linewidth=0.8)
            following = keys["date"].iloc[k + 1] if k + 1 < len(keys) else None
            # a label goes left of its stem near the right edge, or when the next key event's stem is close after it
            late = row.date > pd.Timestamp("2022-01-01") or (following is not None
                                                             and following - row.date < pd.Timedelta(days=400))
            ax.annotate(f"{wording.short_months(row.display_date)}\n{style.wrap(row.headline, 26)}",
                        (row.date, level),
                        xytext=(-3 if late else 3, 0), textcoords="offset points", ha="right" if late else "left",
                        va="center", fontsize=7, color=style.TEXT,
                        path_effects=style.halo(2), gid=f"key_label:{row.id}")
        ax.set_ylim(-0.5, max(levels) + 0.9)
        ax.set_yticks([])
        ax.set_xlim(pd.Timestamp("2015-01-01"), pd.Timestamp("2024-07-01"))
        ax.set_title("Key events (Crisis Group's headlines and dates)", loc="left", fontsize=style.FONT_SIZE)
        for a in (top, ax):
            for spine in ("top", "right", "left") if a is ax else ("top", "right"):
                a.spines[spine].set_visible(False)
        protocol.remember_sources(fig, timeline["source_id"])
        protocol.describe(
            fig, title="Key events 2015\N{EN DASH}2023 in Crisis Group's timeline",
            alt=f"Top: the number of events in Crisis Group's timeline per year, from {per_year.min()} to "
                f"{per_year.max()} a year between {per_year.index.min()} and {per_year.index.max()}. Bottom: all "
                f"{len(timeline)} events as ticks on a time axis, {len(keys)} of them labelled with their dates and "
                "headlines: " + "; ".join(f"{wording.short_months(r.display_date)}, {r.headline.strip()}"
                                          for r in keys.itertuples())
                + "." + ("".join(f" Shaded: {label.strip()}." for _, _, label in periods)))
        _caption(fig, sources=sources,
                 note="Crisis Group's timeline ends on 9 Sept 2023 (its data on 10 Sept 2023); it is kept "
                              "apart from this project's own events table")
    return fig


def _caption(fig, *, sources: pd.DataFrame, note: str, licences: dict[str, str] | None = None,
             is_map: bool = False) -> None:
    captions.add_caption(fig, sources, is_map=is_map, note=note, licences=licences)


def _colours(keys) -> dict[str, str]:
    ordered = list(dict.fromkeys(keys))
    return {k: style.CYCLE[i % len(style.CYCLE)] for i, k in enumerate(ordered)}


def _point_frame(lon: float, lat: float):
    import geopandas as gpd

    return gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326")
