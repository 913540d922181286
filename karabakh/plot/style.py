"""Every visual constant of the package's figures, in one place.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); control areas also carry a
hatch so the maps read in greyscale. Maps are drawn in UTM zone 38N (EPSG:32638, metres), whose central meridian
(45 E) runs through the South Caucasus, with fixed extents so every run draws the same picture.

Nothing here imports matplotlib at import time: :func:`rc` returns the rcParams that :func:`styled` applies with
``matplotlib.rc_context`` around each figure (no global state is changed). The small drawing helpers every figure
module shares (:func:`new_figure`, :func:`halo`, :func:`figure_legend`, :func:`series_styles`) live here too.
The story's dates and periods are in :mod:`karabakh.analysis.story`.
"""
from __future__ import annotations

import contextlib
import textwrap
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

# ------------------------------------------------------------------------------------------------ colours
#: Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable with any common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
PALETTE = tuple(OKABE_ITO.values())
#: A neutral grey, outside the palette on purpose: what no source attributes to a party (an unknown holder).
UNKNOWN_GREY = "#BBBBBB"
#: Colour cycle for series without a fixed colour (claimants, measures): black last, it is kept for text.
CYCLE = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"],
         OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"], OKABE_ITO["yellow"], OKABE_ITO["black"])

# Neutral greys for the land, so that only the story's layers carry colour.
LAND = "#F2F2F2"  # countries other than the two below
COUNTRY_FILL = {"AZE": "#E4E4E4", "ARM": "#D2D2D2"}  # distinct in greyscale too
WATER = "#FFFFFF"  # the Caspian Sea and everything outside the data: the axes background
BORDER = "#6E6E6E"
BORDER_WIDTH = 0.6
TEXT = "#000000"
MUTED_TEXT = "#4D4D4D"
MARKER_EDGE = "#333333"  # a dark rim, so light palette colours (yellow, sky blue) stay visible on white

# ------------------------------------------------------------------------------------------------ layers
#: One style per control area (by the layer's ``key``): face colour from Okabe-Ito + hatch, so it reads in greyscale.
#: Areas are drawn opaque, a later area over an earlier one (never blended), so what a reader sees is the legend's
#: swatch. The districts held after the 2020 statement nest (each hand-over leaves a smaller area): one colour, a
#: hatch per hand-over.
CONTROL_AREA = {
    "area_1994_2020": {"facecolor": OKABE_ITO["orange"], "hatch": "///"},
    "area_2020_2023": {"facecolor": OKABE_ITO["reddish_purple"], "hatch": "\\\\\\"},
    "districts_2020_11_10": {"facecolor": OKABE_ITO["yellow"], "hatch": "||"},
    "districts_2020_11_20": {"facecolor": OKABE_ITO["yellow"], "hatch": "--"},
    "districts_2020_11_25": {"facecolor": OKABE_ITO["yellow"], "hatch": "++"},
}
#: For control areas whose key is not listed above (the layer may grow): cycled in key order. Never the corridor's
#: green.
CONTROL_AREA_FALLBACK = (
    {"facecolor": OKABE_ITO["blue"], "hatch": "-"},
    {"facecolor": OKABE_ITO["yellow"], "hatch": "x"},
    {"facecolor": OKABE_ITO["reddish_purple"], "hatch": "+"},
)
#: The holders a control area can be coloured for (front_lines ``held_by``); any other value (unknown, in
#: transition...) is drawn in the neutral grey of :data:`NEUTRAL_AREA`, with its own hatch per layer.
KNOWN_HOLDERS = ("ethnic_armenian_forces", "azerbaijan", "armenia")
NEUTRAL_AREA = ({"facecolor": UNKNOWN_GREY, "hatch": "oo"}, {"facecolor": UNKNOWN_GREY, "hatch": "OO"})
#: A holder (front_lines and control ``held_by``) in words, for legends and alt text.
HOLDER_WORDS = {"ethnic_armenian_forces": "ethnic-Armenian forces", "azerbaijan": "Azerbaijan", "armenia": "Armenia",
                "contested": "contested", "unknown": "unknown"}
HATCH_COLOR = "#333333"
HATCH_LINEWIDTH = 0.6
OUTLINE_HATCH_LINEWIDTH = 1.0  # an unfilled area: its hatch, in its colour, is all there is of it
CORRIDOR = {"facecolor": OKABE_ITO["bluish_green"], "hatch": "xxx", "edgecolor": OKABE_ITO["bluish_green"]}
CONTACT_LINE = {"color": OKABE_ITO["vermillion"], "linewidth": 1.6, "linestyle": "-"}
NKAO_OUTLINE = {"edgecolor": OKABE_ITO["black"], "linewidth": 1.3, "linestyle": (0, (4, 2)), "facecolor": "none"}

# ------------------------------------------------------------------------------------------------ places
PLACE_MARKER = {"marker": "o", "markersize": 4.5, "color": OKABE_ITO["black"], "markeredgecolor": "white",
                "markeredgewidth": 0.6}
CAPITAL_MARKER = {"marker": "s", "markersize": 5, "color": OKABE_ITO["black"], "markeredgecolor": "white",
                  "markeredgewidth": 0.6}
#: Label offsets in points (dx, dy) and alignment, by place id; default: right of the point.
LABEL_OFFSET = {
    "stepanakert": (-5, 3, "right", "bottom"),  # up and left: Martuni lies to its right on the nk map
    "shusha": (-5, -2, "right", "top"),
    "lachin": (-5, 0, "right", "center"),
    "goris": (-5, -2, "right", "top"),
    "kornidzor": (-5, 2, "right", "bottom"),
    "baku": (-5, 3, "right", "bottom"),
    "yerevan": (5, 3, "left", "bottom"),
    "yevlakh": (5, 3, "left", "bottom"),
    "martuni": (0, 5, "center", "bottom"),
}
DEFAULT_LABEL_OFFSET = (5, 0, "left", "center")
#: Country names, placed at fixed lon/lat (the countries' centroids fall outside the extents or in odd places).
#: name -> (lon, lat, horizontal alignment): labels near a map's edge are aligned away from it, so they stay inside.
COUNTRY_LABELS = {
    "region": {"Azerbaijan": (48.3, 40.95, "center"), "Armenia": (44.75, 40.55, "center"),
               "Georgia": (44.6, 41.75, "center"), "Iran": (48.4, 38.55, "center"), "Russia": (47.4, 41.85, "center"),
               "Turkey": (43.9, 39.55, "left")},
    "nk": {"Azerbaijan": (47.1, 40.42, "center"), "Armenia": (45.85, 39.8, "center"),
           "Iran": (46.85, 38.92, "center")},
}
SEA_LABELS = {"region": {"Caspian Sea": (50.5, 39.95, "right")}, "nk": {}}

# ------------------------------------------------------------------------------------------------ maps
MAP_CRS = "EPSG:32638"  # WGS 84 / UTM zone 38N, metres
#: Fixed extents (xmin, xmax, ymin, ymax) in MAP_CRS metres.
#: region: lon ~43.8-50.6 E, lat ~38.4-42.0 N (Yerevan to Baku, Georgia to Iran);
#: nk: lon ~45.6-47.5 E, lat ~38.8-40.8 N (the former NKAO, Lachin corridor, Goris and Yevlakh).
EXTENTS = {
    "region": (400_000.0, 970_000.0, 4_250_000.0, 4_660_000.0),
    "nk": (555_000.0, 715_000.0, 4_300_000.0, 4_520_000.0),
}
#: The locator inset: lon/lat (xmin, xmax, ymin, ymax) of the wider area (Black Sea to the Caspian, Russia to Iran),
#: within the context layer (``kb.load_boundaries(context=True)``: lon 26-62 E, lat 30-50 N).
LOCATOR_EXTENT = (27.0, 61.0, 32.0, 49.0)
LOCATOR_BOX = {"edgecolor": OKABE_ITO["vermillion"], "linewidth": 1.4, "facecolor": "none"}
#: Labels on the inset: text -> (lon, lat, "sea" | "country").
LOCATOR_LABELS = {
    "Black Sea": (34.5, 43.3, "sea"),
    "Caspian\nSea": (50.4, 45.3, "sea"),
    "RUSSIA": (41.5, 47.0, "country"),
    "TURKEY": (34.0, 39.0, "country"),
    "IRAN": (54.5, 34.5, "country"),
}
#: Inset axes position (x, y, width, height) in the map's axes coordinates, by extent; the inset keeps its top left.
#: On the region map the inset sits over Russia and the Caspian (top right), clear of Georgia and of every label.
LOCATOR_BOUNDS = {"region": (0.70, 0.715, 0.29, 0.275), "nk": (0.01, 0.77, 0.44, 0.22)}
#: Which corner of its bounds the inset keeps (its aspect is fixed, so it may not fill them).
LOCATOR_ANCHOR = {"region": "NE", "nk": "NW"}
SCALE_BAR = {"location": "lower right", "length_fraction": 0.22, "box_alpha": 0.8, "color": TEXT,
             "font_properties": {"size": 8}, "scale_loc": "top", "border_pad": 0.6}
#: The north arrow's tip (axes fraction), by extent: clear of the inset and the labels.
NORTH_ARROW_XY = {"region": (0.955, 0.31), "nk": (0.955, 0.88)}
NORTH_ARROW_LENGTH = 0.08

# ------------------------------------------------------------------------------------------------ figures
FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib: same glyphs everywhere, no font warnings
FONT_SIZE = 9
TITLE_SIZE = 11
LABEL_SIZE = 8
CAPTION_SIZE = 6.5
CAPTION_WRAP = 150  # characters per caption line (at the widest figure)
DPI = 100
#: Inches added to every figure's height for the title that ``kb.show_figure`` draws above the axes (its suptitle).
TITLE_ROOM = 0.35
FIGSIZE = {
    "map": (8.0, 6.0),
    "nk_map": (6.5, 7.5),
    "small_multiples": (12.0, 5.4),
    "chart": (8.5, 4.8),
    "timeline": (10.0, 6.5),
}
NOT_AN_ENDORSEMENT = "Boundaries and names shown are not an endorsement by the authors of any claim."

#: The seed article's date (``story.ARTICLE_DATE``) as marked on the charts.
ARTICLE_MARK = {"color": OKABE_ITO["black"], "linestyle": ":", "linewidth": 1.2}

#: How a claimant qualified a number, drawn as the fill of the series' marker (so it reads without colour):
#: full for an exact number, the top half for "at least" / "more than", hollow for "about" or unqualified.
QUALIFIER_FILL = {"exact": "full", "at_least": "top", "more_than": "top", "approx": "none", "unspecified": "none"}
QUALIFIER_WORDS = {"full": "exact number", "top": "at least / more than", "none": "about, or not qualified"}
#: Marker shapes for series (claimants); with the colour cycle (coprime lengths) every series gets its own pair.
#: Seven shapes for six colours: up to seven series differ in shape as well as colour (two blues never share
#: a shape), and the pairs stay unique up to 42 series.
SERIES_MARKERS = ("o", "s", "D", "^", "v", "P", "X")

#: Event kinds on the timeline strip, top to bottom.
EVENT_KIND_COLOR = {
    "military": OKABE_ITO["vermillion"],
    "ceasefire": OKABE_ITO["blue"],
    "diplomacy": OKABE_ITO["bluish_green"],
    "humanitarian": OKABE_ITO["orange"],
    "displacement": OKABE_ITO["reddish_purple"],
    "political": OKABE_ITO["sky_blue"],
    "background": OKABE_ITO["black"],
}
EVENT_KIND_MARKER = {"military": "X", "ceasefire": "s", "diplomacy": "D", "humanitarian": "P",
                     "displacement": "v", "political": "o", "background": "."}


def rc() -> dict:
    """rcParams for every figure (applied with ``matplotlib.rc_context``; the global state is left alone).

    Returns
    -------
    dict
        matplotlib rcParams: fonts and sizes, resolution, hatch, the Okabe-Ito colour cycle, a fixed SVG hash salt.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context(rc()):
    ...     matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == list(CYCLE)
    True
    """
    from cycler import cycler  # matplotlib's own dependency

    return {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY],
        "font.size": FONT_SIZE,
        "axes.titlesize": TITLE_SIZE,
        "axes.labelsize": FONT_SIZE,
        "xtick.labelsize": LABEL_SIZE,
        "ytick.labelsize": LABEL_SIZE,
        "legend.fontsize": LABEL_SIZE,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "hatch.color": HATCH_COLOR,
        "hatch.linewidth": HATCH_LINEWIDTH,
        "axes.prop_cycle": cycler(color=list(CYCLE)),
        "svg.hashsalt": "karabakh",
        "path.simplify": True,
    }


def control_area_style(key: str, others: tuple[str, ...] = (), held_by: str | None = None,
                       neutral: tuple[str, ...] = ()) -> dict:
    """Face colour and hatch for the control area ``key`` (drawn opaque); unknown keys cycle through the fallbacks,
    an area whose holder is not one of ``KNOWN_HOLDERS`` is neutral grey.

    Parameters
    ----------
    key : str
        The control area's ``key`` in the front-lines layer.
    others : tuple of str
        Every key drawn in the same figure: unknown keys get the fallbacks in key order, so two unknown areas of
        one figure never share a style.
    held_by : str, optional
        The layer's ``held_by``; a value outside ``KNOWN_HOLDERS`` (``"unknown"``, a transition) gives the
        neutral style whatever the key.
    neutral : tuple of str
        The keys of the figure's neutral areas, so that two of them differ in hatch.

    Returns
    -------
    dict
        ``facecolor`` and ``hatch`` (a copy: changing it changes no other figure).

    Examples
    --------
    >>> control_area_style("area_1994_2020") == CONTROL_AREA["area_1994_2020"]
    True
    >>> control_area_style("b", ("a", "b")) == CONTROL_AREA_FALLBACK[1]
    True
    >>> control_area_style("area_1994_2020", held_by="unknown") == NEUTRAL_AREA[0]
    True
    """
    if held_by is not None and held_by not in KNOWN_HOLDERS:
        ranked = sorted(set(neutral) | {key})
        return dict(NEUTRAL_AREA[ranked.index(key) % len(NEUTRAL_AREA)])
    if key in CONTROL_AREA:
        return dict(CONTROL_AREA[key])
    unknown = sorted(k for k in set(others) | {key} if k not in CONTROL_AREA)
    return dict(CONTROL_AREA_FALLBACK[unknown.index(key) % len(CONTROL_AREA_FALLBACK)])


# ------------------------------------------------------------------------------------------------ drawing helpers
@contextlib.contextmanager
def styled() -> Iterator[None]:
    """Apply :func:`rc` for the figures drawn inside the block (``matplotlib.rc_context``: nothing global changes).

    Examples
    --------
    >>> with styled():
    ...     fig = new_figure("chart")
    """
    import matplotlib

    with matplotlib.rc_context(rc()):
        yield


def new_figure(kind: str, *, width: float | None = None, height: float | None = None) -> Figure:
    """A new figure of the kind's size (``FIGSIZE``), ``TITLE_ROOM`` taller for the title, constrained layout.

    Parameters
    ----------
    kind : str
        A key of ``FIGSIZE``.
    width, height : float, optional
        Override the kind's size (inches, before the title room).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> new_figure("map").get_size_inches().tolist()
    [8.0, 6.35]
    """
    import matplotlib.pyplot as plt

    w, h = FIGSIZE[kind]
    return plt.figure(figsize=(width or w, (height or h) + TITLE_ROOM), dpi=DPI, layout="constrained")


def halo(width: float = 2.5) -> list:
    """A white outline for text drawn over a map or lines (a matplotlib path effect).

    Parameters
    ----------
    width : float
        Width of the outline in points.

    Returns
    -------
    list
        ``[matplotlib.patheffects.withStroke(...)]``, for ``path_effects=``.

    Examples
    --------
    >>> len(halo())
    1
    """
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground="white")]


def figure_legend(fig: Figure, handles: list, *, ncols: int = 2, fontsize: float = LABEL_SIZE) -> Legend:
    """A legend for the whole figure, centred under the axes; ``citations.add_caption`` puts it above the caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    handles : list of matplotlib artists
        The legend entries (with labels).
    ncols : int
        Columns.
    fontsize : float
        Points.

    Returns
    -------
    matplotlib.legend.Legend
        gid ``"legend"``.

    Examples
    --------
    >>> from matplotlib.lines import Line2D
    >>> leg = figure_legend(new_figure("chart"), [Line2D([], [], label="a")])
    >>> leg.get_gid()
    'legend'
    """
    leg = fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=ncols,
                     fontsize=fontsize, frameon=False)
    leg.set_in_layout(False)
    leg._kb_bottom = True
    leg.set_gid("legend")
    return leg


def series_styles(keys: Iterable[str]) -> dict[str, dict]:
    """One colour and marker per series, no two series alike (colours from ``CYCLE``, shapes ``SERIES_MARKERS``).

    Parameters
    ----------
    keys : iterable of str
        The series, in the order they get their styles (duplicates dropped).

    Returns
    -------
    dict
        key -> ``{"color": ..., "marker": ...}``; unique pairs for up to 30 series.

    Raises
    ------
    ValueError
        With more series than distinct pairs.

    Examples
    --------
    >>> series_styles(["a", "b"])["b"]
    {'color': '#D55E00', 'marker': 's'}
    """
    ordered = list(dict.fromkeys(keys))
    colours = tuple(c for c in CYCLE if c not in (OKABE_ITO["yellow"], OKABE_ITO["black"]))  # legible on white
    if len(ordered) > len(colours) * len(SERIES_MARKERS):
        raise ValueError(f"{len(ordered)} series: more than the distinct colour and marker pairs")
    return {k: {"color": colours[i % len(colours)], "marker": SERIES_MARKERS[i % len(SERIES_MARKERS)]}
            for i, k in enumerate(ordered)}


#: Where :func:`place_labels` tries a label, in points from its anchor (dx, dy, ha, va): above, below, right, left;
#: then the diagonals and further out (clear of a ring round the point, of steep lines through it).
LABEL_SPOTS = ((0, 5, "center", "bottom"), (0, -6, "center", "top"), (6, 0, "left", "center"),
               (-6, 0, "right", "center"), (-5, 5, "right", "bottom"), (5, -5, "left", "top"),
               (5, 5, "left", "bottom"), (-5, -5, "right", "top"), (0, 10, "center", "bottom"),
               (10, 0, "left", "center"), (-10, 0, "right", "center"), (0, -11, "center", "top"),
               (0, 14, "center", "bottom"), (-8, 12, "right", "bottom"), (8, -12, "left", "top"))


def place_labels(fig: Figure, labels: list, *, spots: Sequence[tuple[float, float, str, str]] = LABEL_SPOTS,
                 pad: float = 1.5, avoid: Sequence = (), avoid_pad: float | None = None,
                 lines: Sequence = ()) -> list:
    """Move value labels so none overlaps another or leaves its axes; hide those that fit nowhere.

    Labels are annotations anchored on data points (``xytext`` in offset points). They are placed in the order
    given (put the most important first): each takes the first of ``spots`` where its box, grown by ``pad``
    points, overlaps no label placed before it nor any artist of ``avoid`` (markers, an inset), is crossed by none of
    ``lines`` and lies inside its axes. The figure's layout engine runs once to measure the boxes (no drawing).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, complete (caption and legends added).
    labels : list of matplotlib.text.Annotation
        The labels, most important first.
    spots : sequence of (dx, dy, ha, va)
        Candidate offsets in points and alignments.
    pad : float
        Points kept free around each label.
    avoid : sequence of matplotlib artists
        Artists no label may cover (their window extents: a marker's includes its size).
    avoid_pad : float, optional
        Points kept free between a label and those artists (default ``pad``; 0 lets a label stand right beside its
        own marker when the markers are in ``avoid``).
    lines : sequence of matplotlib.lines.Line2D
        Lines no label may be struck through by (their drawn paths, not their extents).

    Returns
    -------
    list of matplotlib.text.Annotation
        The labels hidden (no room).

    Examples
    --------
    >>> fig = new_figure("chart"); ax = fig.add_subplot(); _ = ax.plot([0, 1], [0, 1])
    >>> a = ax.annotate("1", (0.5, 0.5), xytext=(0, 5), textcoords="offset points")
    >>> b = ax.annotate("2", (0.5, 0.5), xytext=(0, 5), textcoords="offset points")
    >>> place_labels(fig, [a, b])
    []
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    for ax in fig.axes:  # where drawing puts them (a map of fixed aspect shrinks its box)
        ax.apply_aspect()
    renderer = fig._get_renderer()
    grow = pad * fig.dpi / 72
    keep = (pad if avoid_pad is None else avoid_pad) * fig.dpi / 72
    blocked = [a.get_window_extent(renderer) for a in avoid]
    paths = [ln.get_transform().transform_path(ln.get_path()) for ln in lines]
    placed, hidden = [], []
    for label in labels:
        inside = label.axes.get_window_extent(renderer)
        for dx, dy, ha, va in spots:
            label.xyann = (dx, dy)
            label.set_ha(ha)
            label.set_va(va)
            box = label.get_window_extent(renderer).expanded(1, 1)
            box = box.from_extents(box.x0 - grow, box.y0 - grow, box.x1 + grow, box.y1 + grow)
            fits = (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1)
            raw = label.get_window_extent(renderer)
            near = raw.from_extents(raw.x0 - keep, raw.y0 - keep, raw.x1 + keep, raw.y1 + keep)
            if (fits and not any(box.overlaps(other) for other in placed)
                    and not any(near.overlaps(other) for other in blocked)
                    and not any(path.intersects_bbox(box, filled=False) for path in paths)):
                placed.append(box)
                break
        else:
            label.set_visible(False)
            hidden.append(label)
    return hidden


def wrap(text: str, width: int = 60) -> str:
    """A label on as many lines as it needs, never cut: the one wrap of every legend entry and annotation.

    Parameters
    ----------
    text : str
    width : int
        Characters per line.

    Returns
    -------
    str
    """
    return textwrap.fill(text, width=width)


def date_label(value, unit: str = "day") -> str:
    """A date on a figure, in the one style of every figure and of the notebooks' prose (``19 Sept 2023``).

    Parameters
    ----------
    value : date-like, pandas.Period or matplotlib date number
        The date (a period: its first day).
    unit : {"day", "month", "year"}
        What the label resolves: ``19 Sept 2023``, ``Sept 2023`` or ``2023``.

    Returns
    -------
    str

    Examples
    --------
    >>> date_label("2023-09-19"), date_label("2023-09-01", "month"), date_label("2023-01-01", "year")
    ('19 Sept 2023', 'Sept 2023', '2023')
    """
    import matplotlib.dates as mdates
    import pandas as pd

    from karabakh.analysis import wording

    if isinstance(value, pd.Period):
        value = value.start_time
    ts = pd.Timestamp(mdates.num2date(value).replace(tzinfo=None)) if isinstance(value, (int, float)) else value
    text = wording.day(ts)
    return {"day": text, "month": text.split(" ", 1)[1], "year": text.rsplit(" ", 1)[1]}[unit]


def date_ticks(axis, *, two_lines: bool = True) -> None:
    """Label a time axis's ticks in the one date style (:func:`date_label`), resolved to the ticks' spacing: days,
    months or years; day and month ticks put the year on a second line.

    Parameters
    ----------
    axis : matplotlib Axis
        ``ax.xaxis`` (or ``ax.yaxis``) of a time axis, its locator already set (or the default one).
    two_lines : bool
        Year on a line of its own under the day or month (narrower ticks).

    Examples
    --------
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.to_datetime(["2021-01-01", "2021-06-01"]), [0, 1])
    >>> date_ticks(ax.xaxis)
    >>> fig.canvas.draw(); [t.get_text() for t in ax.get_xticklabels()][:2]
    ['Jan\\n2021', 'Feb\\n2021']
    >>> plt.close(fig)
    """
    import numpy as np
    from matplotlib.ticker import Formatter

    class _DayFormatter(Formatter):
        # matplotlib hands the formatter every tick at once (set_locs) before labelling them: the spacing is read
        # from those once, not by running the locator again for each label.
        unit = "day"

        def set_locs(self, locs):
            ticks = np.asarray(locs, dtype=float)
            step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
            self.unit = "year" if step >= 360 else "month" if step >= 28 else "day"

        def __call__(self, value, pos=None):
            text = date_label(float(value), self.unit)
            if two_lines and self.unit == "month":
                return text.replace(" ", "\n")
            if two_lines and self.unit == "day":
                return text.rsplit(" ", 1)[0] + "\n" + text.rsplit(" ", 1)[1]
            return text

    axis.set_major_formatter(_DayFormatter())


def thousands_ticks(axis) -> None:
    """Label a count axis's ticks with a thousands separator and a true minus sign (``"120,000"``, ``"−1,000"``), as
    the counts are written in labels, alt texts and prose.

    Parameters
    ----------
    axis : matplotlib Axis
        ``ax.yaxis`` (or ``ax.xaxis``) of counts of people.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [-1500, 120000])
    >>> thousands_ticks(ax.yaxis)
    >>> fig.canvas.draw(); [t.get_text() for t in ax.get_yticklabels()][1:3]
    ['0', '20,000']
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}".replace("-", "\N{MINUS SIGN}")))
