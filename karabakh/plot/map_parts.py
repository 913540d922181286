"""The parts every map is made of: layers drawn as collections, the extent, the north arrow, the scale bar, the
locator inset and the dated front-line features.

Layers are drawn as matplotlib collections straight from the shapely geometries (one path per feature), added
without a redraw of the figure (``GeoDataFrame.plot`` redraws after each layer). Everything is in
``style.MAP_CRS`` (metres) at the fixed extents of ``style.EXTENTS``. Nothing here loads data.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Sequence

import numpy as np

from karabakh.analysis import wording
from karabakh.plot import protocol, style

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.text import Annotation
    from matplotlib_scalebar.scalebar import ScaleBar

__all__ = ["to_map_crs", "extent_bounds", "clip_to_extent", "set_map_extent", "draw_polygons", "draw_lines",
           "add_north_arrow", "add_scale_bar", "add_locator_inset", "add_control_areas", "area_style",
           "area_properties", "area_handle", "area_labels", "nkao_handle"]


# ================================================================================================ geometry
def to_map_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """The GeoDataFrame or GeoSeries in the maps' CRS (``style.MAP_CRS``, metres).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or geopandas.GeoSeries
        Any CRS.

    Returns
    -------
    geopandas.GeoDataFrame or geopandas.GeoSeries

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> round(to_map_crs(gpd.GeoSeries([Point(45, 40)], crs="EPSG:4326")).iloc[0].x)
    500000
    """
    return frame.to_crs(style.MAP_CRS)


def extent_bounds(extent: str | Sequence[float]) -> tuple[float, float, float, float]:
    """A map extent as ``(xmin, xmax, ymin, ymax)`` in metres (``style.MAP_CRS``).

    Parameters
    ----------
    extent : str or sequence of float
        A name in ``style.EXTENTS`` (``"region"``, ``"nk"``) or the four numbers.

    Returns
    -------
    tuple of float

    Raises
    ------
    ValueError
        For an unknown name.

    Examples
    --------
    >>> extent_bounds("nk") == style.EXTENTS["nk"]
    True
    """
    if isinstance(extent, str):
        try:
            return style.EXTENTS[extent]
        except KeyError:
            raise ValueError(f"unknown extent {extent!r}; known: {', '.join(style.EXTENTS)}") from None
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    return xmin, xmax, ymin, ymax


def clip_to_extent(frame: gpd.GeoDataFrame, extent: str | Sequence[float], margin: float = 0.05) -> gpd.GeoDataFrame:
    """The features cut to a map extent (plus a margin), in ``style.MAP_CRS``: less to draw, the same picture.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Any CRS.
    extent : str or sequence of float
        See :func:`extent_bounds`.
    margin : float
        Share of the extent's width and height added on each side.

    Returns
    -------
    geopandas.GeoDataFrame
        Empty geometries dropped, in the original order.

    Examples
    --------
    >>> import karabakh as kb
    >>> len(clip_to_extent(kb.load_boundaries(), "nk")) < len(kb.load_boundaries())
    True
    """
    from shapely.geometry import box

    xmin, xmax, ymin, ymax = extent_bounds(extent)
    dx, dy = (xmax - xmin) * margin, (ymax - ymin) * margin
    clipped = to_map_crs(frame).clip(box(xmin - dx, ymin - dy, xmax + dx, ymax + dy))
    return clipped[~clipped.geometry.is_empty].sort_index()


def _polygon_path(geom):
    """One matplotlib Path for a (multi)polygon: every ring, exteriors counter-clockwise and holes clockwise."""
    import shapely
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    rings = []
    for part in shapely.get_parts(geom):
        part = orient(part, 1.0)
        rings += [Path(np.asarray(part.exterior.coords)[:, :2], closed=True)]
        rings += [Path(np.asarray(r.coords)[:, :2], closed=True) for r in part.interiors]
    return Path.make_compound_path(*rings)


def draw_polygons(ax: Axes, frame: gpd.GeoDataFrame | gpd.GeoSeries, *, gid: str, **kwargs) -> PatchCollection | None:
    """Draw the (multi)polygons of a frame as one collection, without redrawing the figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw; the frame must be in the axes' coordinates.
    frame : geopandas.GeoDataFrame or geopandas.GeoSeries
        Polygons or multipolygons (one path per feature).
    gid : str
        The collection's gid.
    **kwargs
        ``PatchCollection`` properties (``facecolor``, ``edgecolor``, ``linewidth``, ``hatch``, ``zorder``...).

    Returns
    -------
    matplotlib.collections.PatchCollection or None
        None for an empty frame.

    Examples
    --------
    >>> import geopandas as gpd, matplotlib.pyplot as plt
    >>> from shapely.geometry import box
    >>> coll = draw_polygons(plt.figure().add_subplot(), gpd.GeoSeries([box(0, 0, 1, 1)]), gid="demo")
    >>> len(coll.get_paths())
    1
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    geoms = [g for g in getattr(frame, "geometry", frame) if g is not None and not g.is_empty]
    if not geoms:
        return None
    coll = PatchCollection([PathPatch(_polygon_path(g)) for g in geoms], **kwargs)
    coll.set_gid(gid)
    ax.add_collection(coll, autolim=False)
    return coll


def draw_lines(ax: Axes, frame: gpd.GeoDataFrame | gpd.GeoSeries, *, gid: str, **kwargs) -> LineCollection | None:
    """Draw the (multi)linestrings of a frame as one collection, without redrawing the figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw; the frame must be in the axes' coordinates.
    frame : geopandas.GeoDataFrame or geopandas.GeoSeries
        Lines (each part of a multiline is one segment list).
    gid : str
        The collection's gid.
    **kwargs
        ``LineCollection`` properties (``color``, ``linewidth``, ``linestyle``, ``zorder``...).

    Returns
    -------
    matplotlib.collections.LineCollection or None
        None for an empty frame.

    Examples
    --------
    >>> import geopandas as gpd, matplotlib.pyplot as plt
    >>> from shapely.geometry import LineString
    >>> coll = draw_lines(plt.figure().add_subplot(), gpd.GeoSeries([LineString([(0, 0), (1, 1)])]), gid="demo")
    >>> len(coll.get_segments())
    1
    """
    import shapely
    from matplotlib.collections import LineCollection

    parts = [np.asarray(p.coords)[:, :2] for g in getattr(frame, "geometry", frame)
             if g is not None and not g.is_empty for p in shapely.get_parts(g)]
    if not parts:
        return None
    coll = LineCollection(parts, **kwargs)
    coll.set_gid(gid)
    ax.add_collection(coll, autolim=False)
    return coll


# ================================================================================================ map parts
def set_map_extent(ax: Axes, extent: str | Sequence[float]) -> None:
    """Fix a map's extent and aspect, without ticks, on the water colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map.
    extent : str or sequence of float
        See :func:`extent_bounds`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plt.figure().add_subplot(); set_map_extent(ax, "nk"); ax.get_aspect()
    1.0
    """
    xmin, xmax, ymin, ymax = extent_bounds(extent)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(style.WATER)


def add_north_arrow(ax: Axes, *, xy: tuple[float, float] = style.NORTH_ARROW_XY["nk"]) -> Annotation:
    """A north arrow (gid ``"north_arrow"``) pointing to true north at the centre of the map.

    In UTM zone 38N grid north and true north differ by the meridian convergence (up to ~3 degrees at Baku);
    the arrow is turned by the convergence at the centre of the axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map in ``style.MAP_CRS`` with its extent set.
    xy : tuple of float
        The arrow's tip, in axes fraction.

    Returns
    -------
    matplotlib.text.Annotation

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plt.figure().add_subplot(); set_map_extent(ax, "nk")
    >>> add_north_arrow(ax).get_text()
    'N'
    """
    from pyproj import CRS, Proj, Transformer

    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    lon, lat = Transformer.from_crs(style.MAP_CRS, "EPSG:4326", always_xy=True).transform(
        (xmin + xmax) / 2, (ymin + ymax) / 2)
    gamma = Proj(CRS(style.MAP_CRS)).get_factors(lon, lat).meridian_convergence  # degrees, grid -> true north
    length = style.NORTH_ARROW_LENGTH
    dx, dy = -length * math.sin(math.radians(gamma)), length * math.cos(math.radians(gamma))
    ann = ax.annotate(
        "N", xy=xy, xytext=(xy[0] - dx, xy[1] - dy), xycoords="axes fraction", textcoords="axes fraction",
        ha="center", va="top", fontsize=style.FONT_SIZE, fontweight="bold", color=style.TEXT,
        arrowprops={"arrowstyle": "-|>", "color": style.TEXT, "linewidth": 1.4, "shrinkA": 0, "shrinkB": 0},
        path_effects=style.halo(), zorder=10,
    )
    ann.set_gid("north_arrow")
    return ann


def add_scale_bar(ax: Axes, **kwargs) -> ScaleBar:
    """A scale bar (matplotlib-scalebar, gid ``"scale_bar"``): the maps are in metres, so dx = 1 m.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map in metres.
    **kwargs
        ``ScaleBar`` options over ``style.SCALE_BAR``.

    Returns
    -------
    matplotlib_scalebar.scalebar.ScaleBar

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> add_scale_bar(plt.figure().add_subplot()).units
    'm'
    """
    from matplotlib_scalebar.scalebar import ScaleBar

    bar = ScaleBar(1, "m", **{**style.SCALE_BAR, **kwargs})
    bar.set_gid("scale_bar")
    bar.set_zorder(10)
    ax.add_artist(bar)
    return bar


def add_locator_inset(ax: Axes, context: gpd.GeoDataFrame, extent: str | Sequence[float] = "region", *,
                      bounds: Sequence[float] | None = None) -> Axes:
    """A small map of the wider area (longitude / latitude) with the main map's extent outlined.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The main map.
    context : geopandas.GeoDataFrame
        The countries around (``kb.load_boundaries(context=True)``).
    extent : str or tuple
        The main map's extent, outlined as ``"locator_box"`` (its edges followed in lon/lat).
    bounds : sequence of float, optional
        The inset's position in ``ax`` (axes fraction); default ``style.LOCATOR_BOUNDS`` for the extent.

    Returns
    -------
    matplotlib.axes.Axes
        The inset (gid ``"locator_inset"``), labelled with ``style.LOCATOR_LABELS``.

    Examples
    --------
    >>> import karabakh as kb, matplotlib.pyplot as plt
    >>> ax = plt.figure().add_subplot()
    >>> add_locator_inset(ax, kb.load_boundaries(context=True), "nk").get_gid()
    'locator_inset'
    """
    from matplotlib.patches import Polygon
    from pyproj import Transformer

    key = extent if isinstance(extent, str) else "region"
    inset = ax.inset_axes(list(bounds or style.LOCATOR_BOUNDS[key]))
    inset.set_gid("locator_inset")
    inset.set_anchor(style.LOCATOR_ANCHOR[key])
    countries = context[context["kind"] == "country"].sort_values("iso3")
    draw_polygons(inset, countries, gid="locator_countries", edgecolor=style.BORDER, linewidth=0.3,
                  facecolor=[style.COUNTRY_FILL.get(i, style.LAND) for i in countries["iso3"]])
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
                   path_effects=style.halo(1.5), gid=f"locator_label:{text}")
    xmin, xmax, ymin, ymax = extent_bounds(extent)
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
    protocol.remember_sources(ax.figure, context["source_id"])
    return inset


def add_control_areas(ax: Axes, front_lines: gpd.GeoDataFrame, *, extent: str | Sequence[float] = "nk",
                      features: Sequence[str] = ("control_area", "corridor", "contact_line"),
                      fill: bool = True) -> list:
    """Draw control areas (colour and hatch), corridors and lines of contact.

    Areas are opaque and drawn in the order they begin (``valid_from``), a later one over an earlier one, with the
    corridor over both: every point of the map shows one layer's colour and hatch, the same as its legend swatch
    (no blend of two layers). Where a later area covers part of an earlier one, the legend names the part left in
    view (:func:`area_labels`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map.
    front_lines : geopandas.GeoDataFrame
        Features of ``kb.load_front_lines`` (columns ``key``, ``feature``, ``label``, ``valid_from``,
        ``held_by``).
    extent : str or tuple
        The map's extent (features are clipped to it).
    features : sequence of str
        The kinds of feature to draw.
    fill : bool
        Fill the areas with their colour; without, each area is its hatch and outline in its colour (for maps whose
        markers share the areas' colours), and the corridor's outline is drawn again above the markers.

    Returns
    -------
    list
        Legend handles, one per feature drawn (gid ``"legend:<key>"``).

    Examples
    --------
    >>> import karabakh as kb, matplotlib.pyplot as plt
    >>> handles = add_control_areas(plt.figure().add_subplot(), kb.load_front_lines(as_of="2022-01-01"))
    >>> len(handles)
    3
    """
    from matplotlib.lines import Line2D

    frame = clip_to_extent(front_lines, extent).sort_values(["feature", "valid_from", "key"], kind="stable")
    labels = area_labels(frame)
    handles = []
    for ftype in ("control_area", "corridor", "contact_line"):
        if ftype not in features:
            continue
        for order, row in enumerate(frame[frame["feature"] == ftype].itertuples()):
            one = frame.loc[[row.Index]]
            if ftype == "contact_line":
                draw_lines(ax, one, gid=f"contact_line:{row.key}", zorder=4, **style.CONTACT_LINE)
                handles.append(Line2D([], [], label=wording.en_dashes(row.label), gid=f"legend:{row.key}",
                                      **style.CONTACT_LINE))
                continue
            st = area_style(frame, row.key)
            zorder = 3 + order / 100 if ftype == "control_area" else 3.5  # later over earlier, the corridor on top
            props = area_properties(st, fill=fill)
            coll = draw_polygons(ax, one, gid=f"{ftype}:{row.key}", zorder=zorder, **props)
            coll.set_hatch_linewidth(style.HATCH_LINEWIDTH if fill else style.OUTLINE_HATCH_LINEWIDTH)
            if ftype == "corridor" and not fill:  # a thin area under the places' markers: its edge stays in view
                draw_polygons(ax, one, gid=f"corridor_edge:{row.key}", zorder=6.5, facecolor="none",
                              edgecolor=props["edgecolor"], linewidth=props["linewidth"])
            handle = area_handle(st, labels.get(row.key, wording.en_dashes(row.label)), fill=fill)
            handle.set_gid(f"legend:{row.key}")
            handles.append(handle)
        protocol.remember_sources(ax.figure, frame.loc[frame["feature"] == ftype, "source_id"])
    return handles


def area_style(front_lines, key: str) -> dict:
    """The style of the control area or corridor ``key`` among the features of ``front_lines`` (those drawn together:
    unknown keys and neutral holders get styles of their own, see :func:`karabakh.plot.style.control_area_style`).

    Parameters
    ----------
    front_lines : pandas.DataFrame
        ``key``, ``feature`` and ``held_by`` of the features drawn in one figure.
    key : str
        One of them.

    Returns
    -------
    dict
        ``facecolor``, ``hatch`` and, for the corridor, ``edgecolor``.

    Examples
    --------
    >>> import karabakh as kb
    >>> area_style(kb.load_front_lines(), "area_1994_2020")["facecolor"] == style.OKABE_ITO["orange"]
    True
    """
    rows = front_lines.drop_duplicates("key").set_index("key")
    if rows.loc[key, "feature"] == "corridor":
        return dict(style.CORRIDOR)
    areas = rows[rows["feature"] == "control_area"]
    held = areas["held_by"].where(areas["held_by"].notna(), "unknown")
    neutral = tuple(held.index[~held.isin(style.KNOWN_HOLDERS)])
    return style.control_area_style(key, tuple(areas.index), held_by=held[key], neutral=neutral)


def area_properties(st: dict, *, fill: bool = True) -> dict:
    """Face, edge and hatch of an area drawn (and of its legend swatch) with style ``st``: opaque, edged in its
    colour, the hatch dark; or, without ``fill``, no face, the outline and the hatch in the area's colour.

    Parameters
    ----------
    st : dict
        From :func:`area_style`.
    fill : bool
        Fill the area.

    Returns
    -------
    dict
        ``facecolor``, ``edgecolor``, ``linewidth``, ``hatch``, ``hatchcolor`` (matplotlib patch properties).

    Examples
    --------
    >>> area_properties(style.CORRIDOR)["hatch"]
    'xxx'
    >>> area_properties(style.CORRIDOR, fill=False)["facecolor"]
    'none'
    """
    if not fill:
        return {"facecolor": "none", "edgecolor": st.get("edgecolor", st["facecolor"]), "linewidth": 1.4,
                "hatch": st["hatch"], "hatchcolor": st["facecolor"]}
    return {"facecolor": st["facecolor"], "edgecolor": st.get("edgecolor", st["facecolor"]), "linewidth": 0.8,
            "hatch": st["hatch"], "hatchcolor": style.HATCH_COLOR}


def area_handle(st: dict, label: str, *, fill: bool = True):
    """The legend patch of a control area or corridor drawn with style ``st`` (face, edge and hatch as drawn).

    Parameters
    ----------
    st : dict
        From :func:`area_style`.
    label : str
        The legend entry.
    fill : bool
        As the area was drawn (:func:`area_properties`).

    Returns
    -------
    matplotlib.patches.Patch

    Examples
    --------
    >>> area_handle(style.CORRIDOR, "corridor").get_hatch()
    'xxx'
    """
    from matplotlib.patches import Patch

    return Patch(label=label, **area_properties(st, fill=fill))


#: The labels the data build gives the districts held after the 2020 statement (``build.layers``).
_DISTRICTS = re.compile(r"^Districts still held: (?P<names>.+), (?P<span>[^,]+)$")


def area_labels(front_lines) -> dict[str, str]:
    """Legend labels of the control areas drawn together, saying what a reader sees of each.

    The districts held after the 2020 statement shrink at each hand-over (each layer holds the next): drawn one
    over the other, each shows only the districts handed over at its end, so its entry names those and the last
    day they were held (``"Kalbajar: held by ethnic-Armenian forces until 24 Nov 2020"``). Every other area keeps
    its own label.

    Parameters
    ----------
    front_lines : pandas.DataFrame
        ``key``, ``feature``, ``label``, ``valid_from``, ``valid_to``, ``held_by`` of the features drawn together.

    Returns
    -------
    dict
        key -> label, for every control area.

    Examples
    --------
    >>> import karabakh as kb
    >>> area_labels(kb.load_front_lines())["districts_2020_11_20"]
    'Kalbajar: held by ethnic-Armenian forces until 24 Nov 2020'
    >>> area_labels(kb.load_front_lines(as_of="2020-11-21"))["districts_2020_11_20"]
    'Districts still held: Kalbajar, Lachin, 20–24 Nov 2020'
    """
    import pandas as pd

    areas = front_lines[front_lines["feature"] == "control_area"]
    out = {key: wording.en_dashes(label) for key, label in zip(areas["key"], areas["label"])}
    held = {r.key: _DISTRICTS.match(str(r.label)) for r in areas.itertuples()}
    series = [r for r in areas.itertuples() if held[r.key] is not None]
    for r in series:
        nxt = next((n for n in series if n.valid_from == r.valid_to), None)
        if pd.isna(r.valid_to) or (nxt is None and not any(p.valid_to == r.valid_from for p in series)):
            continue  # drawn alone: seen whole, as its own label says
        names = held[r.key]["names"].split(", ")
        if nxt is not None:  # the next layer is drawn over it: only what it handed over is in view
            names = [n for n in names if n not in set(held[nxt.key]["names"].split(", "))]
        if names:
            who = style.HOLDER_WORDS.get(r.held_by, str(r.held_by))
            out[r.key] = f"{', '.join(names)}: held by {who} until {wording.day(r.valid_to - pd.Timedelta(days=1))}"
    return out


def nkao_handle():
    """The legend entry of the former NKAO's outline (as :data:`karabakh.plot.style.NKAO_OUTLINE` draws it).

    Returns
    -------
    matplotlib.lines.Line2D
    """
    from matplotlib.lines import Line2D

    return Line2D([], [], color=style.NKAO_OUTLINE["edgecolor"], linestyle=style.NKAO_OUTLINE["linestyle"],
                  linewidth=style.NKAO_OUTLINE["linewidth"], label="Former NKAO (boundary of 1991)")
