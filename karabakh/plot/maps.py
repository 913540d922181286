"""Maps: the base map, the region, Nagorno-Karabakh on a date, the front lines in three periods.

Every function takes the frames it draws (as ``GeoDataFrame.plot(ax=...)`` does) and loads nothing: the notebook
shows the loads. The parts (layers as collections, furniture, the inset, control areas) are in
:mod:`karabakh.plot.map_parts`; everything is in ``style.MAP_CRS`` at the fixed extents of ``style.EXTENTS``.
The figure functions attach a title,
the alt text (built from the numbers they drew) and the source ids, for ``kb.show_figure(fig, name)``.

Artists carry a ``gid`` so that tests (and curious readers) can find them: ``"countries"``, ``"nkao"``,
``"control_area:<key>"``, ``"contact_line:<key>"``, ``"corridor:<key>"``, ``"place:<id>"``, ``"place_label:<id>"``,
``"country_label:<name>"``, ``"sea_label:<name>"``, ``"north_arrow"``, ``"scale_bar"``, ``"locator_inset"`` (in it
``"locator_countries"``, ``"locator_box"``, ``"locator_label:<text>"``), ``"caption"``, ``"distance:<a>:<b>"``,
``"distance_label:<a>:<b>"``.
"""
from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from karabakh.analysis import geo, story, wording
from karabakh.analysis.geo import direction  # re-exported: maps describe distances and directions
from karabakh.analysis.places import place_ids as resolve_places
from karabakh.io.days import to_day
from karabakh.plot import captions, protocol, style
from karabakh.plot.map_parts import (
    add_control_areas,
    add_locator_inset,
    add_north_arrow,
    add_scale_bar,
    clip_to_extent,
    draw_lines,
    draw_polygons,
    extent_bounds,
    nkao_handle,
    set_map_extent,
    to_map_crs,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["base_map", "region_map", "nk_map", "front_lines_small_multiples"]


# ================================================================================================ base map
def _draw_places(ax, places, ids: Sequence[str], notes: Mapping[str, str] | None = None, *,
                 wrap: bool = False) -> None:
    """Points and labels (places.label: both names where contested; ``label (note)`` for places in ``notes``);
    with ``wrap``, the two names go on two lines (for narrow maps)."""
    rows = places.set_index("id").loc[[i for i in ids if i in set(places["id"])]].reset_index()
    for row, geom in zip(rows.itertuples(), to_map_crs(rows).geometry):
        marker = style.CAPITAL_MARKER if row.kind == "capital" else style.PLACE_MARKER
        (line,) = ax.plot([geom.x], [geom.y], linestyle="none", zorder=6, **marker)
        line.set_gid(f"place:{row.id}")
        dx, dy, ha, va = style.LABEL_OFFSET.get(row.id, style.DEFAULT_LABEL_OFFSET)
        label = f"{row.label} ({notes[row.id]})" if notes and row.id in notes else row.label
        label = label.replace(" / ", " /\n") if wrap else label
        ax.annotate(label, (geom.x, geom.y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                    fontsize=style.LABEL_SIZE, color=style.TEXT, path_effects=style.halo(), zorder=7,
                    gid=f"place_label:{row.id}", annotation_clip=True)
    protocol.remember_sources(ax.figure, rows["source_id"])


def _country_labels(ax, key: str) -> None:
    from pyproj import Transformer

    to_map = Transformer.from_crs("EPSG:4326", style.MAP_CRS, always_xy=True)
    for name, (lon, lat, ha) in sorted(style.COUNTRY_LABELS.get(key, {}).items()):
        x, y = to_map.transform(lon, lat)
        ax.text(x, y, name.upper(), ha=ha, va="center", fontsize=style.FONT_SIZE, color=style.MUTED_TEXT,
                fontweight="bold", alpha=0.9, gid=f"country_label:{name}", zorder=2)
    for name, (lon, lat, ha) in sorted(style.SEA_LABELS.get(key, {}).items()):
        x, y = to_map.transform(lon, lat)
        ax.text(x, y, name, ha=ha, va="center", fontsize=style.LABEL_SIZE, color=style.OKABE_ITO["blue"],
                fontstyle="italic", gid=f"sea_label:{name}", zorder=2)


def base_map(boundaries: gpd.GeoDataFrame, places: gpd.GeoDataFrame, *, ax: Axes | None = None,
             extent: str | Sequence[float] = "region", context: gpd.GeoDataFrame | None = None,
             place_ids: Sequence[str] | None = None,
             place_notes: Mapping[str, str] | None = None, country_labels: bool = True, scale_bar: bool = True,
             north_arrow: bool = True, wrap_labels: bool = False) -> Axes:
    """The base map: countries in greys, the former NKAO dashed, labelled places and the map furniture.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        ``kb.load_boundaries()`` (``kind`` ``country`` and ``nkao``).
    places : geopandas.GeoDataFrame
        ``kb.load_places()``.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes; by default a new figure of the extent's size.
    extent : str or tuple
        ``"region"`` (Yerevan to Baku), ``"nk"`` (Nagorno-Karabakh and around) or ``(xmin, xmax, ymin, ymax)`` in
        metres (``style.MAP_CRS``).
    context : geopandas.GeoDataFrame, optional
        ``kb.load_boundaries(context=True)``: draws the locator inset when given.
    place_ids : sequence of str, optional
        The places labelled (ids or any of their names); default ``story.MAP_PLACES`` of the extent.
    place_notes : mapping, optional
        place (id or name) -> text added to the label in brackets.
    country_labels, scale_bar, north_arrow : bool
        Draw them.
    wrap_labels : bool
        Put the two names of a place on two lines (for narrow panels).

    Returns
    -------
    matplotlib.axes.Axes
        The map's axes (its figure is ``ax.figure``); no caption: see ``captions.add_caption``.

    Raises
    ------
    ValueError
        For an unknown extent name.

    Examples
    --------
    >>> import karabakh as kb
    >>> ax = base_map(kb.load_boundaries(), kb.load_places(), extent="nk")
    >>> ax.get_xlim() == style.EXTENTS["nk"][:2]
    True
    """
    key = extent if isinstance(extent, str) else "region"
    extent_bounds(extent)  # unknown names fail before anything is drawn
    with style.styled():
        if ax is None:
            ax = style.new_figure("map" if key == "region" else "nk_map").add_subplot()
        countries = clip_to_extent(boundaries[boundaries["kind"] == "country"], extent).sort_values("iso3")
        draw_polygons(ax, countries, gid="countries", edgecolor=style.BORDER, linewidth=style.BORDER_WIDTH,
                      zorder=1, facecolor=[style.COUNTRY_FILL.get(i, style.LAND) for i in countries["iso3"]])
        nkao = clip_to_extent(boundaries[boundaries["kind"] == "nkao"], extent)
        draw_polygons(ax, nkao, gid="nkao", zorder=5, **style.NKAO_OUTLINE)
        set_map_extent(ax, extent)
        if country_labels:
            _country_labels(ax, key)
        protocol.remember_sources(ax.figure, boundaries["source_id"])
        ids = set(places["id"])
        wanted = list(story.MAP_PLACES.get(key, ())) if place_ids is None else resolve_places(place_ids, known=ids)
        notes = None if place_notes is None else dict(zip(resolve_places(list(place_notes), known=ids),
                                                          place_notes.values()))
        _draw_places(ax, places, wanted, notes, wrap=wrap_labels)
        if scale_bar:
            add_scale_bar(ax)
        if north_arrow:
            add_north_arrow(ax, xy=style.NORTH_ARROW_XY[key])
        if context is not None:
            add_locator_inset(ax, context, extent)
    return ax


def _legend(ax, handles, **kwargs):
    kwargs.setdefault("fontsize", style.LABEL_SIZE)
    leg = ax.legend(handles=handles, framealpha=0.9, **kwargs)
    leg.set_gid("legend")
    return leg


def _caption(fig, sources, manifest) -> None:
    captions.add_caption(fig, sources, licences=captions.layer_licences(manifest))


# ================================================================================================ distances
def _label_spot(line, obstacles, half_width: float, half_height: float):
    """The point along ``line`` (middle half) or beside it where a label box of that size stays farthest from
    the obstacles (the NKAO boundary, places): the label never sits on a boundary when there is room."""
    from shapely.geometry import box

    best, best_score = None, -1.0
    for frac in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74):
        p = line.interpolate(frac, normalized=True)
        q = line.interpolate(min(frac + 0.01, 1.0), normalized=True)
        nx, ny = -(q.y - p.y), q.x - p.x  # normal to the line
        norm = math.hypot(nx, ny) or 1.0
        for side in (0.0, 1.0, -1.0):
            shift = side * (half_height + half_width) * 1.2  # beside the line, clear of it
            x, y = p.x + nx / norm * shift, p.y + ny / norm * shift
            clearance = obstacles.distance(box(x - half_width, y - half_height, x + half_width, y + half_height))
            # clear of obstacles first (up to a margin), then near the middle of the line, then on it
            score = (min(clearance, 4 * half_height) - 0.05 * abs(frac - 0.5) * half_width
                     - 0.1 * abs(side) * half_height)
            if score > best_score:
                best, best_score = (x, y), score
    return best


def region_map(boundaries: gpd.GeoDataFrame, places: gpd.GeoDataFrame, *, context: gpd.GeoDataFrame,
               sources: pd.DataFrame, manifest: pd.DataFrame, corridors: gpd.GeoDataFrame | None = None,
               events: pd.DataFrame | None = None,
               distances: Sequence[tuple[str, str]] = story.DISTANCES) -> Figure:
    """The region: countries, the former NKAO, the places of the story, the Lachin corridor and distances.

    Places in ``story.PLACE_EVENTS`` are labelled with what happened there and the day (from ``events``); each
    pair of places in ``distances`` is joined by its geodesic, labelled with its length (``geo.distance_km``)
    where the label clears the NKAO boundary.

    Parameters
    ----------
    boundaries, places, context : geopandas.GeoDataFrame
        ``kb.load_boundaries()``, ``kb.load_places()``, ``kb.load_boundaries(context=True)``.
    sources : pandas.DataFrame
        ``kb.load_sources()``, for the caption.
    manifest : pandas.DataFrame
        ``kb.load_manifest()``, for the layers' licences in the caption.
    corridors : geopandas.GeoDataFrame, optional
        Front-line features to draw as corridors (those with ``feature == "corridor"``).
    events : pandas.DataFrame, optional
        ``kb.load_events()``, for the place notes.
    distances : sequence of (str, str)
        Pairs of places.id.

    Returns
    -------
    matplotlib.figure.Figure
        With its title, alt text (the distances and directions drawn) and source ids attached.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = region_map(kb.load_boundaries(), kb.load_places(), context=kb.load_boundaries(context=True),
    ...                  sources=kb.load_sources(), manifest=kb.load_manifest(), distances=[("yevlakh", "goris")])
    >>> "km" in protocol.description(fig)["alt"]
    True
    """
    import geopandas as gpd
    from matplotlib.lines import Line2D
    from pyproj import Geod
    from shapely.geometry import LineString
    from shapely.ops import unary_union

    notes = {}
    if events is not None:
        by_event = events.set_index("id")
        for pid, (word, eid) in story.PLACE_EVENTS.items():
            if eid in by_event.index:
                notes[pid] = f"{word}, {wording.day(by_event.loc[eid, 'date']).rsplit(' ', 1)[0]}"
    ax = base_map(boundaries, places, extent="region", context=context, place_notes=notes)
    fig = ax.figure
    if events is not None:
        protocol.remember_sources(fig, [by_event.loc[e, "source_id"] for _, e in story.PLACE_EVENTS.values()
                                         if e in by_event.index])
    handles = [nkao_handle()]
    by_id = places.set_index("id")
    described = []
    with style.styled():
        if corridors is not None:
            handles += add_control_areas(ax, corridors, extent="region", features=("corridor",))
        nkao = to_map_crs(boundaries[boundaries["kind"] == "nkao"]).boundary
        points = to_map_crs(places[places["id"].isin(story.MAP_PLACES["region"])]).geometry
        obstacles = unary_union([*nkao, *points])
        metres_per_point = (style.EXTENTS["region"][1] - style.EXTENTS["region"][0]) / (style.FIGSIZE["map"][0] * 66)
        for a, b in distances:
            pa, pb = by_id.loc[a, "geometry"], by_id.loc[b, "geometry"]
            lon1, lat1, lon2, lat2 = pa.x, pa.y, pb.x, pb.y
            mid = Geod(ellps="WGS84").npts(lon1, lat1, lon2, lat2, 32)
            line = to_map_crs(gpd.GeoSeries([LineString([(lon1, lat1), *mid, (lon2, lat2)])], crs="EPSG:4326"))
            draw_lines(ax, line, gid=f"distance:{a}:{b}", color=style.OKABE_ITO["blue"], linewidth=1.1,
                       linestyle=(0, (2, 1.5)), zorder=4.5)
            km = geo.distance_km(pa, pb)
            text = f"{km:.0f} km"
            half_w = (len(text) * style.LABEL_SIZE * 0.33 + 3) * metres_per_point
            half_h = (style.LABEL_SIZE * 0.6 + 2) * metres_per_point
            x, y = _label_spot(line.iloc[0], obstacles, half_w, half_h)
            ax.text(x, y, text, fontsize=style.LABEL_SIZE, color=style.OKABE_ITO["blue"], ha="center",
                    va="center", path_effects=style.halo(3), zorder=8, gid=f"distance_label:{a}:{b}")
            described.append(f"{by_id.loc[b, 'label']} lies {km:.0f} km {direction(pa, pb)} of "
                             f"{by_id.loc[a, 'label']}")
        if distances:
            handles.append(Line2D([], [], color=style.OKABE_ITO["blue"], linewidth=1.1, linestyle=(0, (2, 1.5)),
                                  label="Geodesic distance (WGS 84)"))
        _legend(ax, handles, loc="lower left")
        _caption(fig, sources, manifest)
    shown = ", ".join(by_id.loc[p, "label"] for p in story.MAP_PLACES["region"] if p in by_id.index)
    alt = ("Map of the South Caucasus: Azerbaijan and Armenia in grey, the former NKAO as a dashed outline inside "
           f"Azerbaijan{', the Lachin corridor hatched' if corridors is not None and len(corridors) else ''}. "
           f"Places marked: {shown}. " + "".join(f"{s}. " for s in described)).strip()
    return protocol.describe(fig, title="The South Caucasus: the former NKAO, Yevlakh, Stepanakert / Khankendi, Goris",
                            alt=alt)


def _areas_text(front_lines) -> str:
    """The control areas with their sizes, then the corridor and the line of contact drawn with them."""
    areas = front_lines[front_lines["feature"] == "control_area"].sort_values(["valid_from", "key"])
    said = [f"{wording.en_dashes(label)} ({km2:,.0f} km2)" for label, km2 in zip(areas["label"], geo.area_km2(areas))]
    others = front_lines[front_lines["feature"].isin(["corridor", "contact_line"])].sort_values(["feature", "key"])
    said += [wording.en_dashes(label) for label in others["label"]]
    return "; ".join(said) if said else "no control area"


def nk_map(front_lines: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, places: gpd.GeoDataFrame, *,
           context: gpd.GeoDataFrame, sources: pd.DataFrame, manifest: pd.DataFrame,
           as_of: str | None = None) -> Figure:
    """Nagorno-Karabakh and around (the ``"nk"`` extent) with the front-line features given.

    Parameters
    ----------
    front_lines : geopandas.GeoDataFrame
        Features to draw, e.g. ``kb.load_front_lines(as_of="2023-09-19")``.
    boundaries, places, context : geopandas.GeoDataFrame
        As for :func:`region_map`.
    sources, manifest : pandas.DataFrame
        For the caption.
    as_of : str, optional
        The date the features are valid on, for the title and alt text.

    Returns
    -------
    matplotlib.figure.Figure
        With its title, alt text (the control areas and their areas) and source ids attached.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = nk_map(kb.load_front_lines(as_of="2022-01-01"), kb.load_boundaries(), kb.load_places(),
    ...              context=kb.load_boundaries(context=True), sources=kb.load_sources(), manifest=kb.load_manifest())
    >>> protocol.description(fig)["title"]
    'Nagorno-Karabakh: control areas and lines of contact'
    """
    ax = base_map(boundaries, places, extent="nk", context=context)
    fig = ax.figure
    with style.styled():
        handles = add_control_areas(ax, front_lines, extent="nk")
        for h in handles:
            h.set_label(textwrap.fill(h.get_label(), 40))
        _legend(ax, [nkao_handle(), *handles], loc="lower left", fontsize=7)
        _caption(fig, sources, manifest)
    when = f" on {wording.day(as_of)}" if as_of else ""
    title = "Nagorno-Karabakh: control areas and lines of contact" + when
    alt = (f"Map of Nagorno-Karabakh and around{when}: the former NKAO as a dashed outline; "
           f"{_areas_text(front_lines)}.")
    return protocol.describe(fig, title=title, alt=alt)


def _in_period(front_lines, start, end):
    keep = front_lines["valid_to"].isna() | (front_lines["valid_to"] > to_day(start))
    if end is not None:
        keep &= front_lines["valid_from"] < to_day(end)
    return front_lines[keep]


def _one_contact_line_entry(handles: list) -> list:
    """The legend handles with the lines of contact of several panels (drawn alike, each in its own period's panel)
    as one entry naming their periods, in the place of the first."""
    lines = [h for h in handles if str(h.get_gid()).startswith("legend:line_")]
    if len(lines) < 2:
        return handles
    spans = [h.get_label().rpartition(", ")[2] for h in lines]
    lines[0].set_label(f"Line of contact of the panel's period ({', '.join(spans)})")
    return [h for h in handles if h is lines[0] or h not in lines]


def front_lines_small_multiples(front_lines: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                                places: gpd.GeoDataFrame, *, context: gpd.GeoDataFrame, sources: pd.DataFrame,
                                manifest: pd.DataFrame,
                                periods: Sequence[tuple[str, str, str | None]] = story.PERIODS,
                                place_ids: Sequence[str] = ("stepanakert", "lachin", "goris")) -> Figure:
    """One map per period at the ``"nk"`` extent, each with the features valid during it, one legend, one caption.

    Parameters
    ----------
    front_lines : geopandas.GeoDataFrame
        Every dated feature (``kb.load_front_lines()``); each panel shows those valid on a day of its period.
    boundaries, places, context : geopandas.GeoDataFrame
        As for :func:`region_map` (the inset is drawn on the last panel).
    sources, manifest : pandas.DataFrame
        For the caption.
    periods : sequence of (title, first day, day after the last day or None)
        Default ``story.PERIODS``.
    place_ids : sequence of str
        The places labelled on each panel (ids or any of their names).

    Returns
    -------
    matplotlib.figure.Figure
        With its title, alt text (each period's control areas and their areas) and source ids attached.

    Examples
    --------
    >>> import karabakh as kb
    >>> fig = front_lines_small_multiples(kb.load_front_lines(), kb.load_boundaries(), kb.load_places(),
    ...     context=kb.load_boundaries(context=True), sources=kb.load_sources(), manifest=kb.load_manifest())
    >>> len([ax for ax in fig.axes if ax.get_title(loc="left")])
    3
    """
    with style.styled():
        fig = style.new_figure("small_multiples")
        axes = fig.subplots(1, len(periods))
        handles: dict[str, object] = {"nkao": nkao_handle()}
        said = []
        for i, (ax, (title, start, end)) in enumerate(zip(axes, periods)):
            last = i == len(periods) - 1
            base_map(boundaries, places, ax=ax, extent="nk", context=context if last else None, place_ids=place_ids,
                     country_labels=False, north_arrow=last, scale_bar=last, wrap_labels=True)
            ax.set_title(title, loc="left", fontsize=style.FONT_SIZE + 1)
            shown = _in_period(front_lines, start, end)
            for h in add_control_areas(ax, shown, extent="nk"):
                handles.setdefault(h.get_label(), h)
            said.append(f"{title}: {_areas_text(shown)}")
        style.figure_legend(fig, _one_contact_line_entry(list(handles.values())), ncols=2)
        _caption(fig, sources, manifest)
    alt = (f"{len(periods)} maps of Nagorno-Karabakh side by side, the former NKAO dashed on each; areas are opaque, "
           "a later one drawn over an earlier one. " + ". ".join(said) + ".")
    titles = ", ".join(p[0] for p in periods).replace(", From", ", from")
    return protocol.describe(fig, title=f"Front lines and control areas: {titles}", alt=alt)
