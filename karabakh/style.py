"""Every visual constant of the package's figures, in one place.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); control areas also carry a
hatch so the maps read in greyscale. Maps are drawn in UTM zone 38N (EPSG:32638, metres), whose central meridian
(45 E) runs through the South Caucasus, with fixed extents so every run draws the same picture.

Nothing here imports matplotlib: :func:`rc` returns the rcParams that :mod:`karabakh.plot` applies with
``matplotlib.rc_context`` around each figure (no global state is changed).
"""
from __future__ import annotations

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
CONTROL_AREA = {
    "area_1994_2020": {"facecolor": OKABE_ITO["orange"], "hatch": "///", "alpha": 0.55},
    "area_2020_2023": {"facecolor": OKABE_ITO["reddish_purple"], "hatch": "\\\\\\", "alpha": 0.55},
    "nkao_azerbaijan_2023": {"facecolor": OKABE_ITO["sky_blue"], "hatch": "...", "alpha": 0.55},
}
#: For control areas whose key is not listed above (the layer may grow): cycled in key order.
CONTROL_AREA_FALLBACK = (
    {"facecolor": OKABE_ITO["yellow"], "hatch": "xx", "alpha": 0.55},
    {"facecolor": OKABE_ITO["bluish_green"], "hatch": "++", "alpha": 0.55},
    {"facecolor": OKABE_ITO["blue"], "hatch": "--", "alpha": 0.55},
)
HATCH_COLOR = "#333333"
HATCH_LINEWIDTH = 0.6
CORRIDOR = {"facecolor": OKABE_ITO["bluish_green"], "hatch": "xxx", "alpha": 0.8,
            "edgecolor": OKABE_ITO["bluish_green"]}
CONTACT_LINE = {"color": OKABE_ITO["vermillion"], "linewidth": 1.6, "linestyle": "-"}
NKAO_OUTLINE = {"edgecolor": OKABE_ITO["black"], "linewidth": 1.3, "linestyle": (0, (4, 2)), "facecolor": "none"}

# ------------------------------------------------------------------------------------------------ places
PLACE_MARKER = {"marker": "o", "markersize": 4.5, "color": OKABE_ITO["black"], "markeredgecolor": "white",
                "markeredgewidth": 0.6}
CAPITAL_MARKER = {"marker": "s", "markersize": 5, "color": OKABE_ITO["black"], "markeredgecolor": "white",
                  "markeredgewidth": 0.6}
#: Places labelled on each map extent (places.id). Labels come from places.label (both names where contested).
PLACES = {
    "region": ("yerevan", "baku", "yevlakh", "stepanakert", "goris"),
    "nk": ("stepanakert", "shusha", "lachin", "goris", "kornidzor", "agdam", "martakert", "martuni", "yevlakh"),
}
#: Label offsets in points (dx, dy) and alignment, by place id; default: right of the point.
LABEL_OFFSET = {
    "stepanakert": (5, -3, "left", "top"),
    "shusha": (-5, -2, "right", "top"),
    "lachin": (-5, 0, "right", "center"),
    "goris": (-5, -2, "right", "top"),
    "kornidzor": (-5, 2, "right", "bottom"),
    "baku": (-5, 3, "right", "bottom"),
    "yerevan": (5, 3, "left", "bottom"),
    "yevlakh": (5, 3, "left", "bottom"),
    "martuni": (4, 4, "left", "bottom"),
}
DEFAULT_LABEL_OFFSET = (5, 0, "left", "center")
#: On the region map, places labelled with what happened there: place id -> (word, events.id); the label reads
#: "Yevlakh (talks, 21 Sept)", the day taken from the events table.
PLACE_EVENTS = {"yevlakh": ("talks", "ev021")}
#: Country names, placed at fixed lon/lat (the countries' centroids fall outside the extents or in odd places).
COUNTRY_LABELS = {
    "region": {"Azerbaijan": (48.3, 40.95), "Armenia": (44.75, 40.55), "Georgia": (44.6, 41.75),
               "Iran": (48.4, 38.55), "Russia": (47.4, 41.85), "Turkey": (43.95, 39.55)},
    "nk": {"Azerbaijan": (47.15, 40.25), "Armenia": (45.85, 39.8), "Iran": (46.6, 38.9)},
}
SEA_LABELS = {"region": {"Caspian Sea": (50.3, 39.9)}, "nk": {}}

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
    "RUSSIA": (44.0, 47.3, "country"),
    "TURKEY": (34.0, 39.0, "country"),
    "IRAN": (54.5, 34.5, "country"),
}
#: Inset axes position (x, y, width, height) in the map's axes coordinates, by extent; the inset keeps its top left.
LOCATOR_BOUNDS = {"region": (0.01, 0.69, 0.32, 0.30), "nk": (0.01, 0.77, 0.44, 0.22)}
SCALE_BAR = {"location": "lower right", "length_fraction": 0.22, "box_alpha": 0.8, "color": TEXT,
             "font_properties": {"size": 8}, "scale_loc": "top", "border_pad": 0.6}
NORTH_ARROW_XY = (0.955, 0.88)  # axes fraction: arrow tip
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

#: Marked on the charts: the seed article's moment (the cease-fire of 20 Sept 2023).
ARTICLE_DATE = "2023-09-20"
ARTICLE_MARK = {"color": OKABE_ITO["black"], "linestyle": ":", "linewidth": 1.2}

#: Markers per value qualifier (how the claimant qualified the number), so "at least" reads without colour.
QUALIFIER_MARKER = {"exact": "o", "at_least": "^", "more_than": "^", "approx": "D", "unspecified": "x"}

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
    """rcParams for every figure (applied with ``matplotlib.rc_context``; the global state is left alone)."""
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


def control_area_style(key: str, others: tuple[str, ...] = ()) -> dict:
    """Face colour, hatch and alpha for the control area ``key``; unknown keys cycle through the fallbacks."""
    if key in CONTROL_AREA:
        return dict(CONTROL_AREA[key])
    unknown = sorted(k for k in set(others) | {key} if k not in CONTROL_AREA)
    return dict(CONTROL_AREA_FALLBACK[unknown.index(key) % len(CONTROL_AREA_FALLBACK)])

#: The small multiples of the front lines: (title, first day, day after the last day or None = still running).
#: A panel shows every front-line feature valid on at least one day of its period.
PERIODS = (
    ("1994 \N{EN DASH} 9 Nov 2020", "1994-05-12", "2020-11-10"),
    ("10 Nov 2020 \N{EN DASH} 19 Sept 2023", "2020-11-10", "2023-09-20"),
    ("From 20 Sept 2023", "2023-09-20", None),
)
