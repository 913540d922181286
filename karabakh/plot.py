"""Maps and charts for the notebooks: a base map of the region, the front lines, the claims, the exodus.

Every public function builds (or draws on) a matplotlib figure and returns the :class:`~matplotlib.figure.Figure`;
nothing is kept between calls. Visual constants come from :mod:`karabakh.style`; data comes from the package's
loaders (``load_*``): pass a frame to draw something else (the tests do), or nothing to use the shipped data.

Each figure gets a caption (:func:`add_caption`) built from the sources table (publisher, date) and the layers'
licences, ending with the statement that boundaries shown are not an endorsement; :func:`source_ids` returns the ids
behind a figure, for ``kb.show_figure(fig, name, ..., source_ids=plot.source_ids(fig))``.

Artists carry a ``gid`` so that tests (and curious readers) can find them: ``"countries"``, ``"nkao"``,
``"control_area:<key>"``, ``"contact_line:<key>"``, ``"corridor:<key>"``, ``"places"``, ``"north_arrow"``,
``"scale_bar"``, ``"locator_inset"`` (in it ``"locator_box"``, ``"locator_label:<text>"``), ``"caption"``,
``"article_mark"``, ``"distance:<a>:<b>"``.

Figures have no title of their own: ``kb.show_figure(fig, name, title=...)`` draws the title as the figure's
suptitle, and every figure here is ``style.TITLE_ROOM`` inches taller to leave it room at the top.
"""
from __future__ import annotations

import contextlib
import textwrap
from typing import Iterable, Sequence

import pandas as pd

from karabakh import style

__all__ = [
    "base_map", "region_map", "nk_map", "front_lines_small_multiples", "control_area_table",
    "casualty_claims_chart", "arrivals_chart", "timeline_strip",
    "add_caption", "add_north_arrow", "add_scale_bar", "add_locator_inset", "add_control_areas",
    "caption_text", "source_ids", "to_map_crs", "day", "direction", "qualified", "source_list",
    "article_counts_compared", "article_dates_compared", "latest_claims", "latest_counts",
]

_SOURCES_ATTR = "_karabakh_source_ids"


# ================================================================================================ helpers
@contextlib.contextmanager
def _styled():
    import matplotlib

    with matplotlib.rc_context(style.rc()):
        yield


def _new_figure(kind: str, **kwargs):
    import matplotlib.pyplot as plt

    width, height = style.FIGSIZE[kind]
    return plt.figure(figsize=(width, height + style.TITLE_ROOM), dpi=style.DPI, layout="constrained", **kwargs)


def _remember_sources(fig, ids: Iterable[str]) -> None:
    known = list(getattr(fig, _SOURCES_ATTR, []))
    for sid in ids:
        if isinstance(sid, str) and sid and sid not in known:
            known.append(sid)
    setattr(fig, _SOURCES_ATTR, known)


def source_ids(fig) -> list[str]:
    """The ids (sources.id) of every source a figure built here draws on, in first-use order."""
    return list(getattr(fig, _SOURCES_ATTR, []))


def to_map_crs(gdf):
    """The GeoDataFrame / GeoSeries in the maps' CRS (``style.MAP_CRS``)."""
    return gdf.to_crs(style.MAP_CRS)


def _extent(extent) -> tuple[float, float, float, float]:
    if isinstance(extent, str):
        try:
            return style.EXTENTS[extent]
        except KeyError:
            raise ValueError(f"unknown extent {extent!r}; known: {', '.join(style.EXTENTS)}") from None
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    return xmin, xmax, ymin, ymax


def _clip(gdf, extent, margin: float = 0.05):
    """The features of ``gdf`` (any CRS) cut to the extent (MAP_CRS, plus a margin): less to draw, same picture."""
    from shapely.geometry import box

    xmin, xmax, ymin, ymax = _extent(extent)
    dx, dy = (xmax - xmin) * margin, (ymax - ymin) * margin
    frame = to_map_crs(gdf)
    clipped = frame.clip(box(xmin - dx, ymin - dy, xmax + dx, ymax + dy))
    return clipped[~clipped.geometry.is_empty].sort_index()


def _set_extent(ax, extent) -> None:
    xmin, xmax, ymin, ymax = _extent(extent)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor(style.WATER)


def _tag_last_collection(ax, before: int, gid: str) -> None:
    for coll in ax.collections[before:]:
        coll.set_gid(gid)


def _polys(ax, gdf, gid: str, **kwargs) -> None:
    """Draw polygons with geopandas and tag the new collection(s)."""
    if len(gdf) == 0:
        return
    n = len(ax.collections)
    labels = ax.get_xlabel(), ax.get_ylabel()
    gdf.plot(ax=ax, **kwargs)
    ax.set_xlabel(labels[0])  # geopandas labels projected axes "Easting [metre]": the maps have no axes
    ax.set_ylabel(labels[1])
    _tag_last_collection(ax, n, gid)


def _halo(width: float = 2.5):
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground="white")]


def _date(value) -> str:
    """An ISO date (YYYY-MM-DD) or '' for a missing one."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def day(value) -> str:
    """'20 Sept 2023': a date as the notebooks write it in prose."""
    ts = pd.Timestamp(value)
    month = ts.strftime("%b")
    month = {"Sep": "Sept"}.get(month, month)
    return f"{ts.day} {month} {ts.year}"


# ================================================================================================ captions
def _layer_licences() -> dict[str, tuple[str, str]]:
    """source_id -> (licence, attribution) from the layers' manifest."""
    import karabakh as kb

    out: dict[str, tuple[str, str]] = {}
    for row in kb.load_manifest().itertuples(index=False):
        if row.source_id and row.source_id not in out:
            out[row.source_id] = (row.licence, row.attribution)
    return out


def _package_licence() -> str:
    from karabakh import tables

    licences = tables.schema().get("licenses") or []
    return licences[0].get("name", "") if licences else ""


def caption_text(ids: Sequence[str], *, is_map: bool = True, sources: pd.DataFrame | None = None,
                 note: str = "") -> str:
    """'Sources: publisher (date), licence; ...' for the source ids, then the compilation's licence and,
    on maps, the statement that boundaries shown are not an endorsement."""
    import karabakh as kb

    ids = [s for s in dict.fromkeys(ids) if s]
    if sources is None:
        sources = kb.load_sources()
    by_id = sources.set_index("id")
    licences = _layer_licences() if is_map else {}
    parts = []
    for sid in ids:
        if sid in by_id.index:
            row = by_id.loc[sid]
            text = str(row["publisher"])
            date = _date(row.get("published"))
            text += f" ({date})" if date else " (undated)"
        else:
            text = sid
        licence = licences.get(sid, ("", ""))[0]
        if licence:
            text += f", {licence}"
        parts.append(text)
    lines = ["Sources: " + "; ".join(parts) + "."]
    compiled = _package_licence()
    tail = f"Compilation: karabakh contributors, {compiled}." if compiled else "Compilation: karabakh contributors."
    if note:
        tail = note.rstrip(".") + ". " + tail
    if is_map:
        tail += " " + style.NOT_AN_ENDORSEMENT
    lines.append(tail)
    return "\n".join(lines)


def add_caption(fig, source_ids: Sequence[str] = (), *, is_map: bool = True, note: str = "",
                sources: pd.DataFrame | None = None):
    """Write the source caption under the figure (gid ``"caption"``) and remember the ids. Returns the figure.

    ``source_ids`` are added to the ids the figure already draws on; the caption lists all of them.
    """
    _remember_sources(fig, source_ids)
    text = caption_text(getattr(fig, _SOURCES_ATTR, []), is_map=is_map, sources=sources, note=note)
    width_chars = int(fig.get_figwidth() * 72 / (style.CAPTION_SIZE * 0.55))
    wrapped = "\n".join(textwrap.fill(line, width=width_chars) for line in text.splitlines())
    for old in [t for t in fig.texts if t.get_gid() == "caption"]:
        old.remove()
    # The caption sits in a band kept free at the bottom of the figure (the layout engine's rect).
    n_lines = wrapped.count("\n") + 1
    height_in = n_lines * style.CAPTION_SIZE * 1.25 / 72 + 0.12
    band = height_in / fig.get_figheight()
    fig.text(0.008, 0.04 / fig.get_figheight(), wrapped, ha="left", va="bottom", fontsize=style.CAPTION_SIZE,
             color=style.MUTED_TEXT, gid="caption", linespacing=1.25)
    # a figure legend (see _figure_legend) goes just above the caption
    for leg in fig.legends:
        if getattr(leg, "_kb_bottom", False):
            leg.set_bbox_to_anchor((0.5, band), transform=fig.transFigure)
            height = leg.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi
            band += (height + 0.05) / fig.get_figheight()
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0, band, 1, 1 - band))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, band + 0.08))
    return fig


# ================================================================================================ map parts
def add_north_arrow(ax, *, xy: tuple[float, float] = style.NORTH_ARROW_XY):
    """A north arrow (gid ``"north_arrow"``) pointing to true north at the centre of the map.

    In UTM zone 38N grid north and true north differ by the meridian convergence (up to ~3 degrees at Baku);
    the arrow is turned by the convergence at the centre of the axes. Returns the figure.
    """
    import math

    from pyproj import CRS, Transformer

    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    lon, lat = Transformer.from_crs(style.MAP_CRS, "EPSG:4326", always_xy=True).transform(
        (xmin + xmax) / 2, (ymin + ymax) / 2)
    from pyproj import Proj

    gamma = Proj(CRS(style.MAP_CRS)).get_factors(lon, lat).meridian_convergence  # degrees, grid north -> true north
    length = style.NORTH_ARROW_LENGTH
    # true north lies gamma degrees west of grid north east of the central meridian (gamma > 0)
    dx, dy = -length * math.sin(math.radians(gamma)), length * math.cos(math.radians(gamma))
    tip = xy
    tail = (xy[0] - dx, xy[1] - dy)
    ann = ax.annotate(
        "N", xy=tip, xytext=tail, xycoords="axes fraction", textcoords="axes fraction", ha="center", va="top",
        fontsize=style.FONT_SIZE, fontweight="bold", color=style.TEXT,
        arrowprops={"arrowstyle": "-|>", "color": style.TEXT, "linewidth": 1.4, "shrinkA": 0, "shrinkB": 0},
        path_effects=_halo(), zorder=10,
    )
    ann.set_gid("north_arrow")
    return ax.figure


def add_scale_bar(ax, **kwargs):
    """A scale bar from matplotlib-scalebar (gid ``"scale_bar"``): the maps are in metres, so dx = 1 m."""
    from matplotlib_scalebar.scalebar import ScaleBar

    options = {**style.SCALE_BAR, **kwargs}
    bar = ScaleBar(1, "m", **options)
    bar.set_gid("scale_bar")
    bar.set_zorder(10)
    ax.add_artist(bar)
    return ax.figure


def add_locator_inset(ax, extent="region", *, context=None, bounds=None):
    """A small map of the wider area around the South Caucasus (``kb.load_boundaries(context=True)``: Black Sea,
    Turkey, Iran, Russia, the Caspian) in longitude / latitude, with the main map's extent outlined (gid
    ``"locator_box"``, the extent's edges followed in lon/lat) and a few labels (``style.LOCATOR_LABELS``). The inset
    has gid ``"locator_inset"``; ``bounds`` (its position in ``ax``) defaults to ``style.LOCATOR_BOUNDS`` for the
    extent. Returns the figure."""
    import math

    import karabakh as kb
    import numpy as np
    from matplotlib.patches import Polygon
    from pyproj import Transformer

    if context is None:
        context = kb.load_boundaries(context=True)
    if bounds is None:
        bounds = style.LOCATOR_BOUNDS[extent if isinstance(extent, str) else "region"]
    inset = ax.inset_axes(bounds)
    inset.set_gid("locator_inset")
    inset.set_anchor("NW")
    countries = context[context["kind"] == "country"].sort_values("iso3")
    colours = [style.COUNTRY_FILL.get(i, style.LAND) for i in countries["iso3"]]
    _polys(inset, countries, "locator_countries", color=colours, edgecolor=style.BORDER, linewidth=0.3)
    lon0, lon1, lat0, lat1 = style.LOCATOR_EXTENT
    inset.set_xlim(lon0, lon1)
    inset.set_ylim(lat0, lat1)
    inset.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor(style.WATER)
    for text, (lon, lat, kind) in style.LOCATOR_LABELS.items():
        sea = kind == "sea"
        inset.text(lon, lat, text, fontsize=5.5, ha="center", va="center", linespacing=1.0,
                   color=style.OKABE_ITO["blue"] if sea else style.MUTED_TEXT, fontstyle="italic" if sea else "normal",
                   path_effects=_halo(1.5), gid=f"locator_label:{text}")
    # the main map's extent, its edges followed point by point (a rectangle in the map's CRS is not one in lon/lat)
    xmin, xmax, ymin, ymax = _extent(extent)
    t = np.linspace(0.0, 1.0, 21)[:-1]
    xs = np.concatenate([xmin + (xmax - xmin) * t, np.full_like(t, xmax), xmax - (xmax - xmin) * t,
                         np.full_like(t, xmin)])
    ys = np.concatenate([np.full_like(t, ymin), ymin + (ymax - ymin) * t, np.full_like(t, ymax),
                         ymax - (ymax - ymin) * t])
    lons, lats = Transformer.from_crs(style.MAP_CRS, "EPSG:4326", always_xy=True).transform(xs, ys)
    inset.add_patch(Polygon(np.column_stack([lons, lats]), closed=True, gid="locator_box", zorder=5,
                            **style.LOCATOR_BOX))
    for spine in inset.spines.values():
        spine.set_edgecolor(style.BORDER)
    _remember_sources(ax.figure, context["source_id"])
    return ax.figure


def add_control_areas(ax, front_lines, *, extent="nk", features=("control_area", "corridor", "contact_line"),
                      labels: bool = False):
    """Draw control areas (colour + hatch), corridors and lines of contact; returns legend handles."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    frame = _clip(front_lines, extent).sort_values(["feature", "valid_from", "key"], kind="stable")
    handles = []
    keys = tuple(frame.loc[frame["feature"] == "control_area", "key"])
    for ftype in ("control_area", "corridor", "contact_line"):
        if ftype not in features:
            continue
        for row in frame[frame["feature"] == ftype].itertuples():
            one = frame.loc[[row.Index]]
            if ftype == "contact_line":
                _polys(ax, one, f"contact_line:{row.key}", **style.CONTACT_LINE, zorder=4)
                handles.append(Line2D([], [], label=row.label, **style.CONTACT_LINE))
                continue
            st = style.control_area_style(row.key, keys) if ftype == "control_area" else dict(style.CORRIDOR)
            face = to_rgba(st["facecolor"], st["alpha"])
            edge = st.get("edgecolor", st["facecolor"])
            n = len(ax.collections)
            _polys(ax, one, f"{ftype}:{row.key}", facecolor=face, edgecolor=edge, linewidth=0.8, hatch=st["hatch"],
                   zorder=3 if ftype == "control_area" else 3.5)
            for coll in ax.collections[n:]:
                coll.set_hatchcolor(style.HATCH_COLOR)
                coll.set_hatch_linewidth(style.HATCH_LINEWIDTH)
            patch = Patch(facecolor=face, edgecolor=edge, hatch=st["hatch"], label=row.label)
            patch.set_hatchcolor(style.HATCH_COLOR)
            handles.append(patch)
    return handles


def _place_rows(places, ids: Sequence[str]):
    present = [i for i in ids if i in set(places["id"])]
    return places.set_index("id").loc[present].reset_index()


def _draw_places(ax, places, ids: Sequence[str], notes: dict[str, str] | None = None) -> list[str]:
    """Points and labels (places.label: both names where contested; "label (note)" for the places in ``notes``).
    Returns the source ids used."""
    rows = _place_rows(places, ids)
    if rows.empty:
        return []
    pts = to_map_crs(rows)
    for row, geom in zip(rows.itertuples(), pts.geometry):
        marker = style.CAPITAL_MARKER if row.kind == "capital" else style.PLACE_MARKER
        (line,) = ax.plot([geom.x], [geom.y], linestyle="none", zorder=6, **marker)
        line.set_gid(f"place:{row.id}")
        dx, dy, ha, va = style.LABEL_OFFSET.get(row.id, style.DEFAULT_LABEL_OFFSET)
        label = f"{row.label} ({notes[row.id]})" if notes and row.id in notes else row.label
        ax.annotate(label, (geom.x, geom.y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                    fontsize=style.LABEL_SIZE, color=style.TEXT, path_effects=_halo(), zorder=7,
                    gid=f"place_label:{row.id}", annotation_clip=True)
    return sorted(set(rows["source_id"].dropna()))


def base_map(ax=None, extent="region", *, boundaries=None, places=None, place_ids: Sequence[str] | None = None,
             country_labels: bool = True, locator: bool = True, scale_bar: bool = True, north_arrow: bool = True,
             caption: bool = True, title: str | None = None, place_notes: dict[str, str] | None = None):
    """The base map: countries (grey fills, names), the former NKAO outline, labelled places, a scale bar, a north
    arrow, a locator inset and the source caption, in ``style.MAP_CRS`` at a fixed extent.

    ``extent`` is ``"region"`` (the South Caucasus, Yerevan to Baku), ``"nk"`` (Nagorno-Karabakh and around) or
    ``(xmin, xmax, ymin, ymax)`` in metres. ``place_ids`` default to ``style.PLACES[extent]``; ``place_notes``
    (place id -> text) are added to those places' labels in brackets. Pass ``ax`` to draw
    into an existing axes (then no caption is added: call :func:`add_caption` on the figure). Returns the figure.
    """
    import karabakh as kb

    key = extent if isinstance(extent, str) else "region"
    with _styled():
        if ax is None:
            fig = _new_figure("map" if key == "region" else "nk_map")
            ax = fig.add_subplot()
        else:
            fig = ax.figure
            caption = False
        if boundaries is None:
            boundaries = kb.load_boundaries()
        if places is None:
            places = kb.load_places()
        ids = list(style.PLACES.get(key, ()) if place_ids is None else place_ids)

        countries = _clip(boundaries[boundaries["kind"] == "country"], extent).sort_values("iso3")
        colours = [style.COUNTRY_FILL.get(i, style.LAND) for i in countries["iso3"]]
        _polys(ax, countries, "countries", color=colours, edgecolor=style.BORDER, linewidth=style.BORDER_WIDTH,
               zorder=1)
        nkao = _clip(boundaries[boundaries["kind"] == "nkao"], extent)
        _polys(ax, nkao, "nkao", zorder=5, **style.NKAO_OUTLINE)
        _set_extent(ax, extent)
        if country_labels:
            _country_labels(ax, key)
        used = list(dict.fromkeys(boundaries["source_id"]))
        used += _draw_places(ax, places, ids, place_notes)
        _remember_sources(fig, used)
        if scale_bar:
            add_scale_bar(ax)
        if north_arrow:
            add_north_arrow(ax)
        if locator:
            add_locator_inset(ax, extent)
        if title:
            ax.set_title(title, loc="left")
        if caption:
            add_caption(fig)
    return fig


def _country_labels(ax, key: str) -> None:
    from pyproj import Transformer

    to_map = Transformer.from_crs("EPSG:4326", style.MAP_CRS, always_xy=True)
    for name, (lon, lat) in sorted(style.COUNTRY_LABELS.get(key, {}).items()):
        x, y = to_map.transform(lon, lat)
        ax.text(x, y, name.upper(), ha="center", va="center", fontsize=style.FONT_SIZE, color=style.MUTED_TEXT,
                fontweight="bold", alpha=0.9, gid=f"country_label:{name}", zorder=2)
    for name, (lon, lat) in sorted(style.SEA_LABELS.get(key, {}).items()):
        x, y = to_map.transform(lon, lat)
        ax.text(x, y, name, ha="center", va="center", fontsize=style.LABEL_SIZE, color=style.OKABE_ITO["blue"],
                fontstyle="italic", gid=f"sea_label:{name}", zorder=2)


def _figure_legend(fig, handles, *, ncols: int = 2, fontsize: float = style.LABEL_SIZE):
    """A legend for the whole figure, centred under the axes; :func:`add_caption` places it above the caption."""
    leg = fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=ncols,
                     fontsize=fontsize, frameon=False)
    leg.set_in_layout(False)
    leg._kb_bottom = True
    leg.set_gid("legend")
    return leg


def _legend(ax, handles, **kwargs):
    if not handles:
        return None
    kwargs.setdefault("fontsize", style.LABEL_SIZE)
    leg = ax.legend(handles=handles, framealpha=0.9, **kwargs)
    leg.set_gid("legend")
    return leg


def _nkao_handle():
    from matplotlib.lines import Line2D

    return Line2D([], [], color=style.NKAO_OUTLINE["edgecolor"], linestyle=style.NKAO_OUTLINE["linestyle"],
                  linewidth=style.NKAO_OUTLINE["linewidth"], label="Former NKAO (boundary of 1991)")


# ================================================================================================ maps
def _geodesic_line(a, b, n: int = 32):
    from pyproj import Geod
    from shapely.geometry import LineString

    (lon1, lat1), (lon2, lat2) = (a.x, a.y), (b.x, b.y)
    mid = Geod(ellps="WGS84").npts(lon1, lat1, lon2, lat2, n)
    return LineString([(lon1, lat1), *mid, (lon2, lat2)])


def region_map(*, distances: Sequence[tuple[str, str]] = (), corridor: bool = True, boundaries=None, places=None,
               front_lines=None, events=None):
    """The region: countries, the former NKAO, the places of the story (those in ``style.PLACE_EVENTS`` labelled
    with what happened there and the day, from the events table), the Lachin corridor (as dated in the front-line
    layer) and, for each pair of places.id in ``distances``, the geodesic between them labelled with its length in
    km (computed by ``kb.distance_km``). Returns the figure."""
    import geopandas as gpd
    import karabakh as kb

    if places is None:
        places = kb.load_places()
    if boundaries is None:
        boundaries = kb.load_boundaries()
    if events is None:
        events = kb.load_events()
    by_event = events.set_index("id")
    noted = {pid: by_event.loc[eid] for pid, (_, eid) in style.PLACE_EVENTS.items() if eid in by_event.index}
    notes = {pid: f"{style.PLACE_EVENTS[pid][0]}, {day(e['date']).rsplit(' ', 1)[0]}" for pid, e in noted.items()}
    fig = base_map(extent="region", boundaries=boundaries, places=places, caption=False, place_notes=notes)
    _remember_sources(fig, [e["source_id"] for e in noted.values()])
    ax = fig.axes[0]
    handles = [_nkao_handle()]
    with _styled():
        if corridor:
            if front_lines is None:
                front_lines = kb.load_front_lines()
            corridors = front_lines[front_lines["feature"] == "corridor"]
            handles += add_control_areas(ax, corridors, extent="region", features=("corridor",))
            _remember_sources(fig, corridors["source_id"])
        by_id = places.set_index("id")
        for a, b in distances:
            line = gpd.GeoSeries([_geodesic_line(by_id.loc[a, "geometry"], by_id.loc[b, "geometry"])],
                                 crs="EPSG:4326")
            km = kb.distance_km(by_id.loc[a, "geometry"], by_id.loc[b, "geometry"])
            _polys(ax, to_map_crs(line), f"distance:{a}:{b}", color=style.OKABE_ITO["blue"], linewidth=1.1,
                   linestyle=(0, (2, 1.5)), zorder=4.5)
            mid = to_map_crs(line).iloc[0].interpolate(0.5, normalized=True)
            ax.text(mid.x, mid.y, f"{km:.0f} km", fontsize=style.LABEL_SIZE, color=style.OKABE_ITO["blue"],
                    ha="center", va="center", path_effects=_halo(3), zorder=8, gid=f"distance_label:{a}:{b}")
        if distances:
            from matplotlib.lines import Line2D

            handles.append(Line2D([], [], color=style.OKABE_ITO["blue"], linewidth=1.1, linestyle=(0, (2, 1.5)),
                                  label="Geodesic distance (WGS 84)"))
        _legend(ax, handles, loc="lower left")
        add_caption(fig)
    return fig


def nk_map(as_of="2023-09-19", *, boundaries=None, places=None, front_lines=None, title: str | None = None):
    """Nagorno-Karabakh and around at the ``"nk"`` extent, with the front-line features valid on ``as_of``
    (``kb.load_front_lines(as_of=...)``; all of them when None) or the ``front_lines`` given. Returns the figure."""
    import karabakh as kb

    if front_lines is None:
        front_lines = kb.load_front_lines(as_of=as_of)
    fig = base_map(extent="nk", boundaries=boundaries, places=places, caption=False, title=title)
    ax = fig.axes[0]
    with _styled():
        handles = add_control_areas(ax, front_lines, extent="nk")
        _remember_sources(fig, front_lines["source_id"])
        for h in handles:
            h.set_label(textwrap.fill(h.get_label(), 40))
        leg = _legend(ax, [_nkao_handle(), *handles], loc="lower left", fontsize=7)
        add_caption(fig)
    return fig


def _in_period(front_lines, start, end):
    s = pd.Timestamp(start)
    keep = front_lines["valid_to"].isna() | (front_lines["valid_to"] > s)
    if end is not None:
        keep &= front_lines["valid_from"] < pd.Timestamp(end)
    return front_lines[keep]


def front_lines_small_multiples(periods=style.PERIODS, *, boundaries=None, places=None, front_lines=None,
                                place_ids: Sequence[str] = ("stepanakert", "lachin", "goris")):
    """One map per period (``style.PERIODS``: 1994-2020, 10 Nov 2020 - 19 Sept 2023, from 20 Sept 2023) at the
    ``"nk"`` extent, each with the control areas, lines of contact and corridors valid during that period, one
    shared legend and the caption. Returns the figure."""
    import karabakh as kb

    if boundaries is None:
        boundaries = kb.load_boundaries()
    if places is None:
        places = kb.load_places()
    if front_lines is None:
        front_lines = kb.load_front_lines()
    with _styled():
        fig = _new_figure("small_multiples")
        axes = fig.subplots(1, len(periods))
        handles: dict[str, object] = {"nkao": _nkao_handle()}
        for i, (ax, (title, start, end)) in enumerate(zip(axes, periods)):
            base_map(ax, "nk", boundaries=boundaries, places=places, place_ids=place_ids, country_labels=False,
                     locator=(i == len(periods) - 1), north_arrow=(i == len(periods) - 1),
                     scale_bar=(i == len(periods) - 1))
            ax.set_title(title, loc="left", fontsize=style.FONT_SIZE + 1)
            shown = _in_period(front_lines, start, end)
            for h in add_control_areas(ax, shown, extent="nk"):
                handles.setdefault(h.get_label(), h)
            _remember_sources(fig, shown["source_id"])
        _figure_legend(fig, list(handles.values()), ncols=2)
        add_caption(fig)
    return fig


def control_area_table(front_lines=None, boundaries=None) -> pd.DataFrame:
    """Each control area: label, valid_from, valid_to, area_km2 (equal-area, ``kb.area_km2``) and
    pct_of_nkao (area / area of the former NKAO x 100), sorted by valid_from."""
    import karabakh as kb

    if front_lines is None:
        front_lines = kb.load_front_lines()
    if boundaries is None:
        boundaries = kb.load_boundaries()
    areas = front_lines[front_lines["feature"] == "control_area"].sort_values(["valid_from", "key"])
    nkao_km2 = float(kb.area_km2(boundaries[boundaries["kind"] == "nkao"]).sum())
    out = pd.DataFrame({
        "key": areas["key"].to_numpy(),
        "label": areas["label"].to_numpy(),
        "valid_from": areas["valid_from"].dt.strftime("%Y-%m-%d").to_numpy(),
        "valid_to": areas["valid_to"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "area_km2": kb.area_km2(areas).to_numpy(),
    })
    out["pct_of_nkao"] = out["area_km2"] / nkao_km2 * 100.0
    return out


# ================================================================================================ charts
_QUALIFIER_TEXT = {"exact": "", "at_least": "\u2265", "more_than": ">", "approx": "~", "unspecified": "?"}


def _value_text(value, qualifier) -> str:
    return f"{_QUALIFIER_TEXT.get(str(qualifier), '')}{int(value):,}"


def _dashes(keys: Iterable[str]) -> dict[str, object]:
    """Solid lines for the first len(CYCLE) series, dashed once the colours repeat (so no two series look alike)."""
    return {k: "-" if i < len(style.CYCLE) else (0, (4, 2)) for i, k in enumerate(dict.fromkeys(keys))}


def _colours(keys: Iterable[str]) -> dict[str, str]:
    ordered = list(dict.fromkeys(keys))
    return {k: style.CYCLE[i % len(style.CYCLE)] for i, k in enumerate(ordered)}


_SIDE = {"ethnic_armenian": "Ethnic Armenian side", "azerbaijani": "Azerbaijani side",
         "russian_peacekeepers": "Russian peacekeepers"}
_CATEGORY = {"killed": "killed", "wounded": "wounded", "missing": "missing",
             "remains_transferred": "remains transferred"}


def _claimant_names(frame, actors=None) -> pd.Series:
    """Who claimed each row: the actor's name (actors.name) where the claimant is one, else the claimant as
    the source attributes it."""
    import karabakh as kb

    if actors is None:
        actors = kb.load_actors()
    names = frame["claimant_actor_id"].map(actors.set_index("id")["name"])
    return names.fillna(frame["claimant"]).astype(str)


def _wrap(text: str, width: int = 56) -> str:
    """A legend label on as many lines as it needs (two for the longest claimant names): never cut."""
    return textwrap.fill(text, width=width)


def casualty_claims_chart(casualties=None, *, incident: str = "offensive", article_figures=None, actors=None,
                          subgroups: Sequence[str] = ("unspecified", "military"),
                          categories: Sequence[str] = ("killed", "wounded"),
                          panels: Sequence[tuple[str, str]] | None = None):
    """Casualty claims by report date, one colour per claimant, one panel per (side, category).

    Only claims about ``incident`` in ``subgroups`` (the totals: "unspecified" on the ethnic Armenian side,
    "military" on the Azerbaijani side) with a number are drawn. Report dates are evenly spaced categories (not
    to scale), claims of one day sit side by side, never stacked or summed. Markers say how the claimant qualified
    the number (circle exact, triangle at least / more than, diamond approximately), every point is labelled with
    its value, the seed article's date is marked and its own figures are ringed. Returns the figure.
    """
    import karabakh as kb
    from matplotlib.lines import Line2D

    if casualties is None:
        casualties = kb.load_casualties()
    if article_figures is None:
        article_figures = kb.load_article_figures()
    data = casualties[(casualties["incident"].astype(str) == incident) & casualties["value"].notna()
                      & casualties["subgroup"].astype(str).isin(subgroups)].copy()
    for col in ("side", "category", "subgroup", "value_qualifier"):
        data[col] = data[col].astype(str)
    data["who"] = _claimant_names(data, actors)
    data["series"] = data["who"] + data["subgroup"].map(lambda s: "" if s == "unspecified" else f" ({s})")
    if panels is None:
        present = set(zip(data["side"], data["category"]))
        panels = [(s, c) for s in _SIDE for c in categories if (s, c) in present]
    data = data[[(s, c) in set(panels) for s, c in zip(data["side"], data["category"])]]
    data = data.sort_values(["reported_on", "series", "id"])
    days = sorted(set(data["reported_on"]) | {pd.Timestamp(style.ARTICLE_DATE)})
    pos = {d: i for i, d in enumerate(days)}
    colours = _colours(data.drop_duplicates("series").sort_values(["reported_on", "series"])["series"])
    ringed = set(article_figures.loc[article_figures["table"].astype(str) == "casualties", "row_id"].dropna())
    labels = {s: _wrap(s) for s in colours}
    extra_lines = sum(label.count("\n") for label in labels.values())  # the legend grows with wrapped names

    with _styled():
        fig = _new_figure("chart")
        fig.set_figwidth(10.0)
        ncols = 2 if len(panels) > 1 else 1
        nrows = max(1, -(-len(panels) // ncols))
        fig.set_figheight(2.3 * nrows + 0.8 + 0.16 * (len(colours) + 4 + extra_lines) / 2 + style.TITLE_ROOM)
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for ax in axes.ravel()[len(panels):]:
            ax.set_visible(False)
        for ax, (side, category) in zip(axes.ravel(), panels):
            sub = data[(data["side"] == side) & (data["category"] == category)]
            for reported, rows in sub.groupby("reported_on", sort=True):
                n = len(rows)
                for k, r in enumerate(rows.itertuples()):
                    x = pos[reported] + (k - (n - 1) / 2) * min(0.24, 0.8 / max(n, 1))
                    c = colours[r.series]
                    ax.plot([x], [float(r.value)], linestyle="none", color=c, markersize=6.5,
                            marker=style.QUALIFIER_MARKER.get(r.value_qualifier, "o"),
                            markeredgecolor=style.MARKER_EDGE, markeredgewidth=0.5, zorder=4, gid=f"claim:{r.id}")
                    below = k % 2 == 1  # neighbours' labels alternate above / below their points
                    ax.annotate(_value_text(r.value, r.value_qualifier), (x, float(r.value)),
                                xytext=(0, -6 if below else 5), textcoords="offset points", ha="center",
                                va="top" if below else "bottom", fontsize=6.5, color=style.TEXT,
                                zorder=5, path_effects=_halo(2), gid=f"claim_label:{r.id}")
                    if r.id in ringed:
                        ax.plot([x], [float(r.value)], linestyle="none", marker="o", markersize=13,
                                markerfacecolor="none", markeredgecolor=style.TEXT, markeredgewidth=1.0, zorder=5,
                                gid=f"article_figure:{r.id}")
            ax.set_title(f"{_SIDE[side]}: {_CATEGORY[category]}", loc="left", fontsize=style.FONT_SIZE)
            top = float(sub["value"].max()) if len(sub) else 1.0
            ax.set_ylim(0, max(1.0, top * 1.3))
            ax.set_xlim(-0.6, len(days) - 0.4)
            ax.set_xticks(range(len(days)), [day(d) for d in days], rotation=30, ha="right")
            ax.set_xlabel("Date of the report (not to scale)", fontsize=style.LABEL_SIZE)
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
            ax.set_axisbelow(True)
            for spine in ("top", "right"):
                ax.spines[spine].set_visible(False)
            mark = ax.axvline(pos[pd.Timestamp(style.ARTICLE_DATE)], zorder=1, **style.ARTICLE_MARK)
            mark.set_gid("article_mark")
            ax.yaxis.set_major_formatter(_thousands())
        handles = [Line2D([], [], color=colours[s], marker="o", linestyle="none", label=labels[s])
                   for s in colours]
        handles += [Line2D([], [], linestyle="none", marker=m, color=style.MUTED_TEXT, label=lab)
                    for m, lab in (("o", "exact"), ("^", "at least / more than"), ("D", "approximately"))]
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=10, markerfacecolor="none",
                              markeredgecolor=style.TEXT, label="figure in the seed article"))
        handles.append(Line2D([], [], label=f"seed article's date ({day(style.ARTICLE_DATE)})",
                              **style.ARTICLE_MARK))
        _figure_legend(fig, handles, ncols=2, fontsize=7)
        fig.supylabel("People, as claimed", fontsize=style.FONT_SIZE)
        _remember_sources(fig, data["source_id"])
        add_caption(fig, is_map=False, note="Each point is one claim as published; claims are never summed")
    return fig


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")


def arrivals_chart(displacement=None, *, actors=None, detail_days: tuple[str, str] = ("2023-09-24", "2023-10-04")):
    """Cumulative arrivals in Armenia as reported: one colour per claimant and measure, counts never added.

    Left, the first days (``detail_days``) by the hour of each count; right, every count to the last. Markers say
    how the claimant qualified the number; each series' last count is labelled. The offensive's start and the seed
    article's date are marked on the right. Returns the figure."""
    import karabakh as kb
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    if displacement is None:
        displacement = kb.load_displacement()
    data = displacement.copy()
    hours = data["time_local"].fillna("12:00").astype(str)
    data["when"] = data["date"] + pd.to_timedelta(hours.str.slice(0, 2).astype(int), unit="h") + pd.to_timedelta(
        hours.str.slice(3, 5).astype(int), unit="min")
    data["measure"] = data["measure"].astype(str)
    data["series"] = _claimant_names(data, actors) + " (" + data["measure"].str.replace("_", " ") + ")"
    data = data.sort_values(["when", "id"])
    colours = _colours(data.drop_duplicates("series")["series"])
    dashes = _dashes(colours)
    labels = {s: _wrap(s) for s in colours}
    extra_lines = sum(label.count("\n") for label in labels.values())  # the legend grows with wrapped names
    d0, d1 = (pd.Timestamp(d) for d in detail_days)
    with _styled():
        fig = _new_figure("chart")
        fig.set_figheight(5.2 + 0.07 * extra_lines + style.TITLE_ROOM)
        detail, overall = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1.4, 1]})
        for ax, (lo, hi) in ((detail, (d0, d1)), (overall, (None, None))):
            for series, rows in data.groupby("series", sort=False):
                in_detail = rows["when"].max() < d1
                if lo is not None:
                    rows = rows[(rows["when"] >= lo) & (rows["when"] < hi)]
                if rows.empty:
                    continue
                c = colours[series]
                ax.plot(rows["when"], rows["cumulative_arrivals"].astype(float), color=c, linewidth=1.0, zorder=3,
                        linestyle=dashes[series], gid=f"series:{series}")
                for r in rows.itertuples():
                    ax.plot([r.when], [float(r.cumulative_arrivals)], linestyle="none", color=c, markersize=5,
                            marker=style.QUALIFIER_MARKER.get(str(r.value_qualifier), "o"),
                            markeredgecolor=style.MARKER_EDGE, markeredgewidth=0.5, zorder=4, gid=f"count:{r.id}")
                if (lo is None) != in_detail:  # each series' last count is labelled once, where it shows best
                    last = rows.iloc[-1]
                    ax.annotate(_value_text(last["cumulative_arrivals"], last["value_qualifier"]),
                                (last["when"], float(last["cumulative_arrivals"])), xytext=(0, 6),
                                textcoords="offset points", ha="center", va="bottom", fontsize=6.5, color=c,
                                path_effects=_halo(2), gid=f"count_label:{last['id']}")
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
            ax.set_axisbelow(True)
            for spine in ("top", "right"):
                ax.spines[spine].set_visible(False)
        detail.set_xlim(d0, d1)
        detail.xaxis.set_major_locator(mdates.DayLocator())
        detail.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        detail.set_title(f"{day(d0)} \N{EN DASH} {day(d1 - pd.Timedelta(days=1))}, by report time",
                         loc="left", fontsize=style.FONT_SIZE)
        first = pd.Timestamp("2023-09-19")
        overall.set_xlim(first - pd.Timedelta(days=5), data["when"].max() + pd.Timedelta(days=10))
        overall.xaxis.set_major_locator(mdates.MonthLocator())
        overall.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
        overall.set_title("All counts", loc="left", fontsize=style.FONT_SIZE)
        mark = overall.axvline(pd.Timestamp(style.ARTICLE_DATE), zorder=1, **style.ARTICLE_MARK)
        mark.set_gid("article_mark")
        for label in detail.get_xticklabels():
            label.set_rotation(45)
            label.set_ha("right")
        detail.set_ylim(bottom=0)
        detail.yaxis.set_major_formatter(_thousands())
        detail.set_ylabel("People, cumulative (as reported)", fontsize=style.LABEL_SIZE)
        handles = [Line2D([], [], color=colours[s], marker="o", linestyle=dashes[s], label=labels[s])
                   for s in colours]
        handles += [Line2D([], [], linestyle="none", marker=m, color=style.MUTED_TEXT, label=lab)
                    for m, lab in (("o", "exact"), ("^", "more than"), ("D", "approximately"))]
        handles.append(Line2D([], [], label=f"seed article's date ({day(style.ARTICLE_DATE)})",
                              **style.ARTICLE_MARK))
        _figure_legend(fig, handles, ncols=2, fontsize=7)
        _remember_sources(fig, data["source_id"])
        add_caption(fig, is_map=False, note="Counts of different claimants are shown side by side, never added")
    return fig


def timeline_strip(events=None, *, start: str = "2023-09-19", end: str = "2024-01-01",
                   detail_end: str = "2023-10-01", wrap: int = 178):
    """The events from ``start`` to ``end`` (inclusive): a strip to scale in two parts (day by day up to
    ``detail_end``, then by month), markers by kind of event and numbered, and under it the numbered list of
    what happened as the events table words it. Returns the figure."""
    import karabakh as kb
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    if events is None:
        events = kb.load_events()
    t0, t1, tm = pd.Timestamp(start), pd.Timestamp(end), pd.Timestamp(detail_end)
    ev = events[(events["date"] >= t0) & (events["date"] <= t1)].copy()
    ev["kind"] = ev["kind"].astype(str)
    ev["clock"] = ev["time_local"].fillna("").astype(str)
    ev["order"] = ev["clock"].replace("", "99:99")  # within a day: timed events first, in clock order
    ev = ev.sort_values(["date", "order", "id"]).reset_index(drop=True)
    ev["n"] = range(1, len(ev) + 1)
    # events of one day (one week after detail_end) are stacked so their markers do not overlap
    slot = ev["date"].where(ev["date"] < tm, ev["date"].dt.to_period("W").dt.start_time)
    ev["stack"] = ev.groupby(slot).cumcount()
    lines = []
    for r in ev.itertuples():
        when = day(r.date) + (f", {r.clock}" if r.clock else "")
        lines.append(textwrap.fill(f"{r.n:>2}. {when}: {r.event} [{r.kind}]", width=wrap, subsequent_indent="    "))
    text = "\n".join(lines)
    n_text = text.count("\n") + 1
    with _styled():
        fig = _new_figure("timeline")
        strip_in = 1.9
        list_in = 0.125 * n_text + 0.1
        fig.set_figheight(strip_in + list_in + 0.9 + style.TITLE_ROOM)
        grid = fig.add_gridspec(2, 2, height_ratios=[strip_in, list_in], width_ratios=[1.6, 1])
        detail, later = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1], sharey=None)
        lst = fig.add_subplot(grid[1, :])
        top = int(ev["stack"].max()) + 1 if len(ev) else 1
        for ax, lo, hi in ((detail, t0, tm), (later, tm, t1 + pd.Timedelta(days=1))):
            part = ev[(ev["date"] >= lo) & (ev["date"] < hi)]
            for r in part.itertuples():
                ax.plot([r.date], [r.stack], linestyle="none", marker=style.EVENT_KIND_MARKER[r.kind],
                        color=style.EVENT_KIND_COLOR[r.kind], markersize=7, markeredgecolor=style.MARKER_EDGE,
                        markeredgewidth=0.5, zorder=3, gid=f"event:{r.id}")
                ax.annotate(str(r.n), (r.date, r.stack), xytext=(6, 0), textcoords="offset points", ha="left",
                            va="center", fontsize=6.5, color=style.TEXT)
            ax.set_ylim(-0.7, top - 0.3)
            ax.set_yticks([])
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
            ax.grid(axis="x", color="#E5E5E5", linewidth=0.6)
        detail.set_xlim(t0 - pd.Timedelta(hours=12), tm - pd.Timedelta(hours=12))
        detail.xaxis.set_major_locator(mdates.DayLocator(interval=2))
        detail.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        detail.set_title(f"Day by day, {day(t0)} \N{EN DASH} {day(tm - pd.Timedelta(days=1))}", loc="left",
                         fontsize=style.FONT_SIZE)
        later.set_xlim(tm - pd.Timedelta(days=3), t1 + pd.Timedelta(days=4))
        later.xaxis.set_major_locator(mdates.MonthLocator())
        later.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        later.set_title(f"{day(tm)} \N{EN DASH} {day(t1)}", loc="left", fontsize=style.FONT_SIZE)
        mark = detail.axvline(pd.Timestamp(style.ARTICLE_DATE), zorder=1, **style.ARTICLE_MARK)
        mark.set_gid("article_mark")
        kinds = [k for k in style.EVENT_KIND_COLOR if k in set(ev["kind"])]
        handles = [Line2D([], [], linestyle="none", marker=style.EVENT_KIND_MARKER[k],
                          color=style.EVENT_KIND_COLOR[k], label=k) for k in kinds]
        handles.append(Line2D([], [], label="seed article's date", **style.ARTICLE_MARK))
        leg = later.legend(handles=handles, loc="upper left", ncols=2, fontsize=7, frameon=False,
                           bbox_to_anchor=(0.0, 1.0))
        leg.set_gid("legend")
        lst.axis("off")
        lst.text(0.0, 1.0, text, ha="left", va="top", fontsize=6.5, transform=lst.transAxes, gid="event_list",
                 linespacing=1.35)
        _remember_sources(fig, ev["source_id"])
        add_caption(fig, is_map=False, note="Events as the sources word them; contested claims are attributed")
    return fig


# ================================================================================================ tables for the text
_QUALIFIER_WORDS = {"exact": "", "at_least": "at least ", "more_than": "more than ", "approx": "about ",
                    "unspecified": ""}


def qualified(value, qualifier) -> str:
    """'at least 32', 'more than 200', 'about 30', '192': a claimed number in words, as the claimant qualified it."""
    return f"{_QUALIFIER_WORDS.get(str(qualifier), '')}{int(value):,}"


def direction(a, b) -> str:
    """The compass point (16 winds, e.g. 'north-north-east') from place ``a`` to place ``b`` (shapely Points,
    lon/lat), from the geodesic's initial azimuth on the WGS 84 ellipsoid."""
    from pyproj import Geod

    azimuth = Geod(ellps="WGS84").inv(a.x, a.y, b.x, b.y)[0] % 360
    winds = ("north", "north-north-east", "north-east", "east-north-east", "east", "east-south-east", "south-east",
             "south-south-east", "south", "south-south-west", "south-west", "west-south-west", "west",
             "west-north-west", "north-west", "north-north-west")
    return winds[int((azimuth + 11.25) // 22.5) % 16]


def source_list(ids: Sequence[str], sources: pd.DataFrame | None = None) -> str:
    """One line per source id: '- publisher, "title" (date): url', in the order given (duplicates dropped)."""
    import karabakh as kb

    if sources is None:
        sources = kb.load_sources()
    by_id = sources.set_index("id")
    lines = []
    for sid in dict.fromkeys(ids):
        row = by_id.loc[sid]
        date = _date(row["published"]) or "undated"
        lines.append(f"- {row['publisher']}, \"{row['title']}\" ({date}): {row['url']}")
    return "\n".join(lines)


#: Subgroups compared with each other: the article's "soldiers" are "police" (Interior Ministry) in other claims.
_SUBGROUP_CLASS = {"military": "uniformed", "police": "uniformed"}


def article_counts_compared(article_figures=None, casualties=None, actors=None) -> pd.DataFrame:
    """Every count in the seed article next to every claim about the same thing (same incident, side, category
    and subgroup in the casualties table; military and police count as one group), oldest report first: one row
    per claim, never summed.

    Columns: figure_id, figure, article_says, reported_on, claimant, subgroup, value, value_qualifier, claim (the
    number in words, as qualified), source_id, is_article_row."""
    import karabakh as kb

    if article_figures is None:
        article_figures = kb.load_article_figures()
    if casualties is None:
        casualties = kb.load_casualties()
    counts = article_figures[(article_figures["table"].astype(str) == "casualties")
                             & article_figures["value"].notna()].sort_values("id")
    cas = casualties.copy()
    cas["who"] = _claimant_names(cas, actors)
    cas["group"] = cas["subgroup"].astype(str).replace(_SUBGROUP_CLASS)
    by_id = cas.set_index("id")
    keys = ["incident", "side", "category", "group"]
    rows = []
    for f in counts.itertuples():
        ref = by_id.loc[f.row_id]
        same = cas[(cas[keys].astype(str) == ref[keys].astype(str).to_numpy()).all(axis=1) & cas["value"].notna()]
        for c in same.sort_values(["reported_on", "id"]).itertuples():
            rows.append({"figure_id": f.id, "figure": f.figure,
                         "article_says": f"{f.claimant}: {qualified(f.value, f.value_qualifier)}",
                         "reported_on": _date(c.reported_on), "claimant": c.who, "subgroup": str(c.subgroup),
                         "value": int(c.value), "value_qualifier": str(c.value_qualifier),
                         "claim": qualified(c.value, c.value_qualifier), "source_id": c.source_id,
                         "is_article_row": c.id == f.row_id})
    return pd.DataFrame(rows, columns=["figure_id", "figure", "article_says", "reported_on", "claimant", "subgroup",
                                       "value", "value_qualifier", "claim", "source_id", "is_article_row"])


def article_dates_compared(article_figures=None, events=None) -> pd.DataFrame:
    """Every dated claim in the seed article next to the event row that records it.

    Columns: figure_id, figure, article_date, event_id, event_date, same_day, event_source_id."""
    import karabakh as kb

    if article_figures is None:
        article_figures = kb.load_article_figures()
    if events is None:
        events = kb.load_events()
    dated = article_figures[article_figures["table"].astype(str) == "events"].sort_values("id")
    ev = events.set_index("id")
    out = pd.DataFrame({
        "figure_id": dated["id"].to_numpy(),
        "figure": dated["figure"].to_numpy(),
        "article_date": [_date(d) for d in dated["date"]],
        "event_id": dated["row_id"].to_numpy(),
        "event_date": [_date(ev.loc[r, "date"]) for r in dated["row_id"]],
    })
    out["same_day"] = out["article_date"] == out["event_date"]
    out["event_source_id"] = [ev.loc[r, "source_id"] for r in dated["row_id"]]
    return out


def latest_claims(casualties=None, *, incident: str = "offensive", actors=None,
                  subgroups: Sequence[str] = ("unspecified", "military")) -> pd.DataFrame:
    """The latest claim of each claimant (actor where known) for each (side, category) of ``incident``: the
    disagreements, side by side. Columns: side, category, claimant (as the source attributes the claim),
    reported_on, claim, source_id (sorted)."""
    import karabakh as kb

    if casualties is None:
        casualties = kb.load_casualties()
    data = casualties[(casualties["incident"].astype(str) == incident) & casualties["value"].notna()
                      & casualties["subgroup"].astype(str).isin(subgroups)].copy()
    data["who"] = _claimant_names(data, actors)
    data = data.sort_values(["reported_on", "id"]).groupby(["side", "category", "who"], observed=True).tail(1)
    out = pd.DataFrame({
        "side": data["side"].astype(str), "category": data["category"].astype(str),
        "claimant": data["claimant"].astype(str),
        "reported_on": [_date(d) for d in data["reported_on"]],
        "claim": [qualified(v, q) for v, q in zip(data["value"], data["value_qualifier"])],
        "source_id": data["source_id"],
    })
    return out.sort_values(["side", "category", "reported_on", "claimant"]).reset_index(drop=True)


def latest_counts(displacement=None, *, actors=None) -> pd.DataFrame:
    """The latest count of arrivals in Armenia of each claimant and measure, oldest first.

    Claimants are grouped by actor where known; ``claimant`` is the attribution of that latest count.
    Columns: date, time_local, claimant, measure, count (the number in words, as qualified), cumulative_arrivals,
    source_id."""
    import karabakh as kb

    if displacement is None:
        displacement = kb.load_displacement()
    data = displacement.copy()
    data["who"] = _claimant_names(data, actors)
    data["measure"] = data["measure"].astype(str)
    data["order"] = data["time_local"].fillna("99:99")
    data = data.sort_values(["date", "order", "id"]).groupby(["who", "measure"]).tail(1)
    return pd.DataFrame({
        "date": [day(d) for d in data["date"]], "time_local": data["time_local"].fillna("").to_numpy(),
        "claimant": data["claimant"].astype(str).to_numpy(),
        "measure": data["measure"].str.replace("_", " ").to_numpy(),
        "count": [qualified(v, q) for v, q in zip(data["cumulative_arrivals"], data["value_qualifier"])],
        "cumulative_arrivals": data["cumulative_arrivals"].astype(int).to_numpy(),
        "source_id": data["source_id"].to_numpy(),
    })
