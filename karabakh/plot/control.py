"""Figures of the control history: who held each place over time, and maps of control on given days.

Every function takes the frames it draws (from ``kb.control_spans``, ``kb.control_on``, ``kb.load_front_lines``,
``kb.load_places``, ``kb.load_boundaries``, ``kb.load_sources``) and loads nothing itself. Colours follow
:mod:`karabakh.plot.style` (Okabe-Ito); spans where the claims of a date name different holders are hatched, so the
disagreement reads without colour; on the maps a holder has a marker shape of its own. Artists carry a ``gid``:
``"span:<place>:<start>"``, ``"holder:<place>"``, ``"change_tick"``, ``"place_number:<place>"``,
``"place_leader:<place>"``, ``"place_key:<place>"`` (and, from the map parts, ``"corridor_edge:<key>"``).
"""
from __future__ import annotations

import os
from typing import Sequence

import pandas as pd

from karabakh.analysis import wording
from karabakh.analysis.places import place_ids
from karabakh.io.days import to_day
from karabakh.plot import captions, display, maps, protocol, style
from karabakh.plot.map_parts import (
    add_control_areas,
    area_handle,
    area_labels,
    area_style,
    nkao_handle,
    to_map_crs,
)

#: Colour per holder (control.csv ``held_by``): Okabe-Ito, with a neutral grey for ``unknown``.
HOLDER_COLOR = {
    "ethnic_armenian_forces": style.OKABE_ITO["orange"],
    "azerbaijan": style.OKABE_ITO["sky_blue"],
    "armenia": style.OKABE_ITO["bluish_green"],
    "contested": style.OKABE_ITO["vermillion"],
    "unknown": style.UNKNOWN_GREY,
}
#: Marker per holder on the maps, so that who held a place reads without colour (a diamond for contested).
HOLDER_MARKER = {"ethnic_armenian_forces": "o", "azerbaijan": "s", "armenia": "^", "contested": "D", "unknown": "X"}
_MARKER_SIZE = {"o": 6.0, "s": 5.5, "^": 6.5, "D": 5.5, "X": 6.5}  # about the same area to the eye
HOLDER_LABEL = {
    "ethnic_armenian_forces": "Ethnic-Armenian forces (NK de facto authorities)",
    "azerbaijan": "Azerbaijan",
    "armenia": "Armenia",
    "contested": "Contested (fought over or divided)",
    "unknown": "Unknown (no source settles it)",
}
#: Hatch for spans where claims of the applicable date differ; contested spans are cross-hatched as well, and
#: contested places are diamonds on the maps, so both read without colour.
DIFFER_HATCH = "////"
CONTESTED_HATCH = "xx"
#: The timeline's three windows: the long peace, the war and hand-overs of autumn 2020, then 2021-2024.
WINDOWS = (("1994-05-01", "2020-09-27", "1994 \N{EN DASH} 26 Sept 2020"),
           ("2020-09-27", "2021-01-01", "27 Sept \N{EN DASH} 31 Dec 2020"),
           ("2021-01-01", "2025-01-01", "2021\N{EN DASH}2024"))


def _hatch(held_by: str, claims_differ: bool) -> str | None:
    hatch = (CONTESTED_HATCH if held_by == "contested" else "") + (DIFFER_HATCH if claims_differ else "")
    return hatch or None


def _labels(places, ids: Sequence[str]) -> list[str]:
    by_id = places.set_index("id")["label"]
    return [str(by_id.get(p, p)) for p in ids]


def _holder_handles(differ: bool = True):
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=HOLDER_COLOR[h], edgecolor=style.MARKER_EDGE, linewidth=0.5, label=HOLDER_LABEL[h],
                     hatch=CONTESTED_HATCH if h == "contested" else None) for h in HOLDER_COLOR]
    if differ:
        handles.append(Patch(facecolor="white", edgecolor=style.MARKER_EDGE, hatch=DIFFER_HATCH, linewidth=0.5,
                             label="Claims of that date differ"))
    return handles


def point_handles(control: pd.DataFrame) -> list:
    """Legend entries for the places drawn by :func:`control_map_panel`: one marker per holder present, drawn as on
    the map (:func:`dot_style`), and a thick outline when some claims of that date differ.

    Parameters
    ----------
    control : pandas.DataFrame
        As from ``kb.control_on(day)``.

    Returns
    -------
    list of matplotlib.lines.Line2D

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"held_by": ["azerbaijan", "contested"], "claims_differ": [False, True]})
    >>> [h.get_label() for h in point_handles(c)]
    ['Azerbaijan', 'Contested (fought over or divided)', 'Claims of that date differ (thick outline)']
    """
    return _dot_handles([control])


def dot_style(held_by: str, claims_differ: bool = False) -> dict:
    """How a place held by ``held_by`` is drawn on the maps (and in their legends): the holder's marker and colour,
    a black outline (thicker where claims of that date differ) inside a white halo, so that a dot reads on any
    area colour.

    Parameters
    ----------
    held_by : str
        A key of :data:`HOLDER_COLOR`.
    claims_differ : bool
        Claims of that date name different holders.

    Returns
    -------
    dict
        ``Line2D`` properties.

    Examples
    --------
    >>> dot_style("azerbaijan")["marker"]
    's'
    """
    marker = HOLDER_MARKER[held_by]
    return {"linestyle": "none", "marker": marker, "markersize": _MARKER_SIZE[marker], "color": HOLDER_COLOR[held_by],
            "markeredgecolor": style.TEXT, "markeredgewidth": 1.5 if claims_differ else 0.7,
            "path_effects": style.halo(2.0)}


def _dot_handles(controls: Sequence[pd.DataFrame]) -> list:
    """One legend marker per holder present in ``controls``, drawn as on the maps, and the thick outline of claims
    that differ when there is one."""
    from matplotlib.lines import Line2D

    present = {h for c in controls for h in c["held_by"]}
    handles = [Line2D([], [], label=HOLDER_LABEL[h], gid=f"legend:holder:{h}", **dot_style(h))
               for h in HOLDER_COLOR if h in present]
    if any(c["claims_differ"].astype(bool).any() for c in controls):
        ring = {**dot_style("ethnic_armenian_forces", True), "color": "white"}
        handles.append(Line2D([], [], label="Claims of that date differ (thick outline)", gid="legend:differ", **ring))
    return handles


_HOLDER_WORDS = style.HOLDER_WORDS


def timeline_alt(spans: pd.DataFrame, places, ids: Sequence[str]) -> str:
    """The alt text of :func:`control_timeline`: every place's holders in order, places alike grouped.

    Parameters
    ----------
    spans : pandas.DataFrame
        As for :func:`control_timeline`.
    places : GeoDataFrame or DataFrame
        ``id`` and ``label`` of the places.
    ids : sequence of str
        The places drawn, top to bottom.

    Returns
    -------
    str

    Examples
    --------
    >>> spans = pd.DataFrame({"place_id": ["a", "a"], "start": pd.to_datetime(["1994-05-12", "2020-11-20"]),
    ...     "held_by": ["ethnic_armenian_forces", "azerbaijan"], "claims_differ": [False, True]})
    >>> timeline_alt(spans, pd.DataFrame({"id": ["a"], "label": ["Akna / Aghdam"]}), ["a"]).split(". ")[-1]
    'Akna / Aghdam: ethnic-Armenian forces from 12 May 1994, Azerbaijan from 20 Nov 2020 (claims differ).'
    """
    groups: dict[str, list[str]] = {}
    for pid in ids:
        rows = spans[spans["place_id"] == pid].sort_values("start")
        steps = ", ".join(f"{_HOLDER_WORDS[r.held_by]} from {wording.day(r.start)}"
                          + (" (claims differ)" if r.claims_differ else "") for r in rows.itertuples())
        groups.setdefault(steps, []).append(pid)
    label = dict(zip(places["id"], places["label"]))
    parts = [f"{', '.join(label.get(p, p) for p in pids)}: {steps}" for steps, pids in groups.items()]
    return (f"Chart with one row per place ({len(ids)} places), 1994 to 2024, each row coloured by who held the "
            f"place by the claims of each date. " + "; ".join(parts) + ".")


def _panel_days(front_lines_by_day: Sequence, control_by_day: Sequence) -> list:
    """The day of each panel, from the frames' ``attrs["as_of"]``; the two frames of a panel must agree."""
    if len(front_lines_by_day) != len(control_by_day):
        raise ValueError("front_lines_by_day and control_by_day must have the same length")
    days = []
    for i, (fl, ctl) in enumerate(zip(front_lines_by_day, control_by_day)):
        day = ctl.attrs.get("as_of")
        if day is None:
            raise ValueError(f"panel {i + 1}: the control frame carries no day: pass kb.control_on(day)")
        if "as_of" in fl.attrs and fl.attrs["as_of"] != day:
            raise ValueError(f"panel {i + 1}: front lines of {fl.attrs['as_of']:%Y-%m-%d} beside control on {day:%Y-%m-%d}")
        days.append(day)
    return days


def small_multiples_alt(front_lines_by_day: Sequence, control_by_day: Sequence) -> str:
    """The alt text of :func:`control_small_multiples`: for each day, the areas drawn and who held the places.

    Parameters
    ----------
    front_lines_by_day, control_by_day : sequences
        As for :func:`control_small_multiples` (the day of each panel is ``control.attrs["as_of"]``).

    Returns
    -------
    str

    Examples
    --------
    >>> fl = pd.DataFrame({"feature": ["control_area"], "label": ["Area held, 1994-2020"]})
    >>> ctl = pd.DataFrame({"held_by": ["azerbaijan"]})
    >>> ctl.attrs["as_of"] = pd.Timestamp("1994-05-12")
    >>> small_multiples_alt([fl], [ctl]).split(". ")[-1]
    '12 May 1994: Area held, 1994–2020; places held by Azerbaijan 1.'
    """
    parts = []
    days = _panel_days(front_lines_by_day, control_by_day)
    for day, fl, ctl in zip(days, front_lines_by_day, control_by_day):
        areas = [wording.en_dashes(a) for a in fl.loc[fl["feature"] == "control_area", "label"]]
        counts = ctl["held_by"].astype(str).value_counts()
        held = ", ".join(f"{_HOLDER_WORDS[h]} {counts[h]}" for h in HOLDER_LABEL if counts.get(h, 0))
        parts.append(f"{wording.day(day)}: {'; '.join(areas) if areas else 'no mapped line'}; places held by {held}")
    return f"{len(days)} maps of Nagorno-Karabakh, one per day, with the control areas mapped that day and the " \
           f"places marked by who held them (colour and shape), numbered, with a key. " + ". ".join(parts) + "."


def control_timeline(spans: pd.DataFrame, places, sources: pd.DataFrame, *, order: Sequence[str] | None = None,
                     source_ids: Sequence[str] = ()):
    """One row per place, coloured spans of who held it (``kb.control_spans()``), in three windows of time.

    Parameters
    ----------
    spans : pandas.DataFrame
        ``place_id``, ``start``, ``end``, ``held_by``, ``claims_differ`` (as from ``kb.control_spans``).
    places : GeoDataFrame or DataFrame
        ``id`` and ``label`` of the places (``kb.load_places()``).
    sources : pandas.DataFrame
        The sources table, for the caption.
    order : sequence of str, optional
        Places top to bottom, ids or any of their names (default: the order in ``spans``).
    source_ids : sequence of str
        The sources the spans rest on, for the caption.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates

    ids = list(dict.fromkeys(spans["place_id"])) if order is None else place_ids(order, known=set(spans["place_id"]))
    rows = {p: i for i, p in enumerate(ids)}
    with style.styled():
        fig = style.new_figure("timeline", height=max(6.5, 0.24 * len(ids) + 2.6))
        axes = fig.subplots(1, len(WINDOWS), sharey=True, gridspec_kw={"width_ratios": (1.0, 1.6, 1.6)})
        for ax, (lo, hi, title) in zip(axes, WINDOWS):
            lo, hi = to_day(lo), to_day(hi)
            shown = spans[(spans["start"] < hi) & (spans["end"] > lo) & spans["place_id"].isin(rows)]
            for r in shown.itertuples():
                x0, x1 = max(r.start, lo), min(r.end, hi)
                bars = ax.barh(rows[r.place_id], mdates.date2num(x1) - mdates.date2num(x0),
                               left=mdates.date2num(x0), height=0.72, color=HOLDER_COLOR[r.held_by],
                               edgecolor=style.MARKER_EDGE, linewidth=0.4 if r.claims_differ else 0.0,
                               hatch=_hatch(r.held_by, r.claims_differ))
                bars.patches[0].set_gid(f"span:{r.place_id}:{r.start.date()}")
                if lo < r.start < hi:  # a tick at each change, so one-day spans are still seen
                    ax.plot([mdates.date2num(r.start)] * 2, [rows[r.place_id] - 0.45, rows[r.place_id] + 0.45],
                            color=style.TEXT, linewidth=0.6, gid="change_tick")
            ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))
            ax.set_title(title, loc="left", fontsize=style.FONT_SIZE)
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
            style.date_ticks(ax.xaxis)
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.5)
            ax.set_axisbelow(True)
        axes[0].set_yticks(range(len(ids)), _labels(places, ids), fontsize=style.LABEL_SIZE)
        axes[0].set_ylim(len(ids) - 0.5, -0.5)
        axes[1].set_xlabel("Date (ticks mark each dated change; one-day spans are narrow)", fontsize=style.LABEL_SIZE)
        style.figure_legend(fig, _holder_handles(), ncols=3)
        captions.add_caption(fig, sources, list(source_ids), is_map=False,
                              note="Holder by the rule of karabakh.analysis.control.control_on (latest dated claims, most "
                                   "shared first; a party's own claim does not overturn the other party's)")
    first, last = to_day(WINDOWS[0][0]).year, pd.Timestamp(WINDOWS[-1][1]).year - 1
    return protocol.describe(fig, title=f"Who held each place, {first}\N{EN DASH}{last} (by the claims of each date)",
                            alt=timeline_alt(spans, places, ids))


def _points(ax, places, control: pd.DataFrame) -> list:
    """Places as markers by holder (:func:`dot_style`), on a map axes; returns the markers."""
    pts = to_map_crs(places.set_index("id").loc[list(control["place_id"])].reset_index())
    drawn = []
    for row, geom in zip(control.itertuples(), pts.geometry):
        (line,) = ax.plot([geom.x], [geom.y], zorder=6, **dot_style(row.held_by, bool(row.claims_differ)))
        line.set_gid(f"holder:{row.place_id}")
        drawn.append(line)
    return drawn


def place_numbers(places, ids: Sequence[str]) -> dict[str, int]:
    """A number for each place of the maps' key: 1, 2, ... in the alphabetical order of the labels (both names,
    Armenian first, where names are contested), so the key reads like an index.

    Parameters
    ----------
    places : DataFrame
        ``id`` and ``label`` (``kb.load_places()``).
    ids : sequence of str
        The places drawn.

    Returns
    -------
    dict
        place id -> number.

    Examples
    --------
    >>> place_numbers(pd.DataFrame({"id": ["a", "b"], "label": ["Shushi / Shusha", "Akna / Aghdam"]}), ["a", "b"])
    {'b': 1, 'a': 2}
    """
    label = dict(zip(places["id"], places["label"]))
    ordered = sorted(dict.fromkeys(ids), key=lambda p: (str(label.get(p, p)).casefold(), p))
    return {p: i for i, p in enumerate(ordered, start=1)}


#: Where a place's number may go, in points from the marker's centre (dx, dy, ha, va), nearest first; beyond the
#: first ring a thin leader line joins number and marker.
NUMBER_SPOTS = tuple((dx * r, dy * r, ha, va) for r in (4.5, 9.0, 14.0, 20.0) for dx, dy, ha, va in (
    (1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
    (0.75, 0.75, "left", "bottom"), (-0.75, 0.75, "right", "bottom"), (0.75, -0.75, "left", "top"),
    (-0.75, -0.75, "right", "top")))


def _numbers(ax, places, control: pd.DataFrame, numbers: dict[str, int]) -> list:
    """The number of each place beside its marker (placed later by :func:`karabakh.plot.style.place_labels`),
    crowded places first so they get the nearest spots."""
    pts = to_map_crs(places.set_index("id").loc[list(control["place_id"])].reset_index()).set_index("id").geometry
    crowd = {p: int((pts.distance(g) < 9_000).sum()) for p, g in pts.items()}
    out = []
    for pid in sorted(pts.index, key=lambda p: (-crowd[p], numbers[p])):
        g = pts[pid]
        ann = ax.annotate(str(numbers[pid]), (g.x, g.y), xytext=NUMBER_SPOTS[0][:2], textcoords="offset points",
                          ha="left", va="center", fontsize=6.5, fontweight="bold", color=style.TEXT,
                          path_effects=style.halo(2.0), zorder=7, gid=f"place_number:{pid}")
        out.append(ann)
    return out


def _leader(number) -> None:
    """A thin line from a place's marker to its number when the number stands beyond the first ring of spots (an
    annotation without text, gid ``"place_leader:<id>"``)."""
    import math

    dx, dy = number.xyann
    r = math.hypot(dx, dy)
    if r <= NUMBER_SPOTS[0][0] + 0.1:
        return
    end = (dx * (r - 1.0) / r, dy * (r - 1.0) / r)
    number.axes.annotate("", number.xy, xytext=end, textcoords="offset points", zorder=6.5,
                         gid=number.get_gid().replace("place_number", "place_leader"),
                         arrowprops={"arrowstyle": "-", "color": style.TEXT, "linewidth": 0.5, "shrinkA": 0,
                                     "shrinkB": 3.5})


def control_map_panel(ax, day, front_lines, control: pd.DataFrame, *, boundaries, places, context=None,
                      label_ids: Sequence[str] = ("stepanakert", "lachin"), furniture: bool = False,
                      title: str | None = None, numbers: dict[str, int] | None = None) -> list[str]:
    """Draw one day on ``ax``: base map, the control areas and corridors valid that day (``front_lines`` as from
    ``kb.load_front_lines(as_of=day)``), and the places of ``control`` (``kb.control_on(day)``) marked by holder.

    Parameters
    ----------
    ax : matplotlib Axes
    day : date-like
        The day shown (for the title).
    front_lines, control, boundaries, places : frames
        What to draw (see above); ``front_lines`` may be empty (no mapped line that day).
    context : GeoDataFrame, optional
        Countries for the locator inset (``kb.load_boundaries(context=True)``); with ``furniture``.
    label_ids : sequence of str
        Places whose names are written (none when ``numbers`` is given).
    furniture : bool
        Draw the scale bar, north arrow and locator inset.
    title : str, optional
        Panel title (default: the day).
    numbers : dict, optional
        place id -> number (:func:`place_numbers`): every place gets its number beside its marker (gid
        ``"place_number:<id>"``), to be placed with :func:`karabakh.plot.style.place_labels` once the figure is
        complete.

    Returns
    -------
    list of str
        The source ids drawn on.
    """
    maps.base_map(boundaries, places, ax=ax, extent="nk", context=context if furniture else None,
                  place_ids=() if numbers else label_ids, country_labels=False, scale_bar=furniture,
                  north_arrow=furniture, wrap_labels=True)
    add_control_areas(ax, front_lines, extent="nk", features=("control_area", "corridor"), fill=False)
    if front_lines.empty:
        ax.text(0.5, 0.03, "no mapped line for this day", transform=ax.transAxes, ha="center", va="bottom",
                fontsize=style.LABEL_SIZE, color=style.MUTED_TEXT, path_effects=style.halo(), gid="no_line_note")
    _points(ax, places, control)
    if numbers:
        _numbers(ax, places, control, numbers)
    ax.set_title(title or wording.day(day), loc="left", fontsize=style.FONT_SIZE + 1)
    return list(dict.fromkeys([*boundaries["source_id"], *front_lines["source_id"],
                               *(s for ids in control["source_id"].dropna() for s in ids.split(";"))]))


def _place_key(ax, places, numbers: dict[str, int]) -> None:
    """The key to the numbers, one line per place, in an axes of its own (gid ``"place_key:<id>"``)."""
    ax.set_axis_off()
    label = dict(zip(places["id"], places["label"]))
    ax.annotate("Places (numbered on the maps)", (0, 1), xycoords="axes fraction", ha="left", va="top",
                fontsize=style.LABEL_SIZE, fontweight="bold", gid="place_key_title")
    for i, (pid, n) in enumerate(sorted(numbers.items(), key=lambda kv: kv[1]), start=1):
        ax.annotate(f"{n:>2}  {label.get(pid, pid)}", (0, 1), xycoords="axes fraction", xytext=(0, -i * 11.5),
                    textcoords="offset points", ha="left", va="top", fontsize=7.5, gid=f"place_key:{pid}")


def control_small_multiples(front_lines_by_day: Sequence, control_by_day: Sequence, *,
                            boundaries, places, sources: pd.DataFrame, manifest: pd.DataFrame, context=None,
                            ncols: int = 3):
    """Maps of control on several days side by side (one panel per day), one shared legend and the caption.

    Each place is a marker whose shape and colour say who held it (:func:`dot_style`), with a number beside it
    (:func:`place_numbers`; a leader line where it had to stand apart) and the key to the numbers in a column of
    its own; control areas are drawn unfilled (outline and hatch in their colour), so the markers read on them,
    and the corridor's outline is drawn above the markers.

    The day of each panel is the day its frames were asked for (``attrs["as_of"]``, set by ``kb.control_on`` and
    ``kb.load_front_lines(as_of=...)``): the figure draws what it is given and reads no date again.

    Parameters
    ----------
    front_lines_by_day : sequence of GeoDataFrame
        For each day, ``kb.load_front_lines(as_of=day)`` (empty where no line is mapped).
    control_by_day : sequence of DataFrame
        For each day, ``kb.control_on(day)``.
    boundaries, places, sources, manifest, context : frames
        Base layers, place points, the sources table and the layer manifest (caption, licences) and the locator's
        countries.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        The two sequences differ in length, or a panel's frames are of different days.
    """
    days = _panel_days(front_lines_by_day, control_by_day)
    import math

    nrows = math.ceil(len(days) / ncols)
    numbers = place_numbers(places, [p for c in control_by_day for p in c["place_id"]])
    with style.styled():
        fig = style.new_figure("small_multiples", width=3.45 * ncols + 3.25, height=4.9 * nrows + 1.2)  # + the key
        grid = fig.add_gridspec(nrows, ncols + 1, width_ratios=[1.0] * ncols + [0.62])
        axes = [fig.add_subplot(grid[i // ncols, i % ncols]) for i in range(nrows * ncols)]
        used: list[str] = []
        for i, (ax, day, fl, ctl) in enumerate(zip(axes, days, front_lines_by_day, control_by_day)):
            used += control_map_panel(ax, day, fl, ctl, boundaries=boundaries, places=places, context=context,
                                      furniture=i == len(days) - 1, numbers=numbers)
        for ax in axes[len(days):]:
            ax.set_visible(False)
        _place_key(fig.add_subplot(grid[:, ncols]), places, numbers)
        dots = _dot_handles(control_by_day)
        for h in dots:
            if h.get_gid().startswith("legend:holder:"):
                h.set_label(f"Place held by: {h.get_label()}")
        handles = [nkao_handle(), *_area_handles(front_lines_by_day), *dots]
        style.figure_legend(fig, handles, ncols=3, fontsize=7)
        captions.add_caption(fig, sources, used, licences=captions.layer_licences(manifest))
        shown = axes[:len(days)]
        furniture = ("no_line_note", "north_arrow", "scale_bar")
        avoid = [a for ax in shown for a in [*ax.lines, *ax.child_axes, *ax.artists, *ax.texts]
                 if a in ax.lines or a in ax.child_axes or a.get_gid() in furniture]
        labels = [t for ax in shown for t in ax.texts if (t.get_gid() or "").startswith("place_number:")]
        for t in style.place_labels(fig, labels, spots=NUMBER_SPOTS, pad=0.8, avoid=avoid):
            t.set_visible(True)  # no free spot (not with the shipped data): beside its marker rather than lost
            t.xyann = NUMBER_SPOTS[0][:2]
        for t in labels:  # a leader line for numbers set apart from their marker
            _leader(t)
    years = sorted({d.year for d in days})
    span = str(years[0]) if years[0] == years[-1] else f"{years[0]}\N{EN DASH}{years[-1]}"
    return protocol.describe(fig, title=f"Control on {len(days)} days, {span}",
                            alt=small_multiples_alt(front_lines_by_day, control_by_day))


def _area_handles(fl_all: Sequence) -> list:
    """One legend patch per control area or corridor key drawn on any panel (unfilled, as on the maps)."""

    frame = pd.concat([f for f in fl_all if len(f)], ignore_index=True) if any(len(f) for f in fl_all) else None
    if frame is None:
        return []
    frame = frame[frame["feature"].isin(["control_area", "corridor"])].drop_duplicates("key")
    labels = area_labels(frame)
    handles = []
    for row in frame.sort_values(["feature", "valid_from", "key"]).itertuples():
        label = labels.get(row.key, wording.en_dashes(str(row.label)))
        handle = area_handle(area_style(frame, row.key), style.wrap(label, 46), fill=False)
        handle.set_gid(f"legend:{row.key}")
        handles.append(handle)
    return handles


def held_list(control: pd.DataFrame, places) -> pd.DataFrame:
    """The places of ``kb.control_on(day)`` with their labels, grouped by holder: a table to print under a map.

    Parameters
    ----------
    control : pandas.DataFrame
        As from ``kb.control_on``.
    places : DataFrame
        ``id`` and ``label`` of the places.

    Returns
    -------
    pandas.DataFrame
        ``holder`` (readable), ``place``, ``since`` ("20 Nov 2020" or empty), ``claims_differ``, sorted by holder then place.
    """
    out = pd.DataFrame({
        "holder": control["held_by"].map(HOLDER_LABEL),
        "place": _labels(places, list(control["place_id"])),
        "since": control["since"].map(lambda d: "" if pd.isna(d) else wording.day(d)),  # the one date style
        "claims_differ": control["claims_differ"].astype(bool),
    })
    rank = {v: i for i, v in enumerate(HOLDER_LABEL.values())}
    return out.sort_values(["holder", "place"], key=lambda s: s.map(rank) if s.name == "holder" else s,
                           kind="stable").reset_index(drop=True)


class AsOfExplorer:
    """An ``as_of`` slider (ipywidgets) that redraws the map of control and the list of places held.

    It shows in a notebook opened from a Jupyter server (JupyterLab: the kernel has ``JPY_SESSION_NAME`` set);
    elsewhere (headless execution, nbval, the HTML report) the output is one stable line of text and no widget is
    created, so the committed notebook holds no widget state. Data comes from the two functions given, so that
    loading stays in the notebook.

    Parameters
    ----------
    control_for : callable
        day -> ``kb.control_on(day)``.
    front_lines_for : callable
        day -> ``kb.load_front_lines(as_of=day)``; a :class:`warnings.warn` it raises (a coverage gap) is shown
        under the map instead of on stderr.
    boundaries, places : frames
        Base layers and place points.
    start, end, value : date-like
        The slider's range and first position.
    """

    TEXT = ("as_of slider: drag it in JupyterLab to redraw the map and the list of places held "
            "(the report shows the static maps)")

    def __init__(self, control_for, front_lines_for, *, boundaries, places, start="1994-05-12", end="2024-12-31",
                 value="2020-11-15"):
        self._control_for, self._front_lines_for = control_for, front_lines_for
        self._boundaries, self._places = boundaries, places
        self.start, self.end = to_day(start), to_day(end)
        self.value = to_day(value)
        self.slider = self.picker = self.label = self.out = self.list_out = self.widget = None  # built when shown
        self._busy = False  # slider and picker are being moved together

    def build(self):
        """Create the widgets and return the box that holds them.

        A slider (one keyboard step, an arrow key, is one day) and beside it a date picker where a day can be typed
        or picked; the two follow each other. Under them, the map (with its legend) and beside it the list of
        places, so that both stay in view of the slider.
        """
        import ipywidgets as widgets

        self.slider = widgets.IntSlider(min=0, max=(self.end - self.start).days, value=(self.value - self.start).days,
                                        step=1, description="as_of", readout=False, continuous_update=False,
                                        layout=widgets.Layout(width="55%"))
        self.picker = widgets.DatePicker(value=self.value.date(), description="day",
                                         layout=widgets.Layout(width="auto"))
        self.label = widgets.Label()
        self.out = widgets.Output(layout=widgets.Layout(flex="3 1 0%", min_width="360px"))
        self.list_out = widgets.Output(layout=widgets.Layout(flex="2 1 0%", min_width="260px", max_height="620px",
                                                             overflow="auto"))
        self.slider.observe(lambda change: self.set_day(self.start + pd.Timedelta(days=int(change["new"]))),
                            names="value")
        self.picker.observe(lambda change: change["new"] is not None and self.set_day(change["new"]), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.slider, self.picker, self.label]),
                                    widgets.HBox([self.out, self.list_out],
                                                 layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))])
        return self.widget

    def set_day(self, day) -> pd.Timestamp:
        """Move the slider and the picker to ``day`` (clipped to the slider's range), redraw, return the day shown.

        Parameters
        ----------
        day : date-like
            Any form :func:`karabakh.io.days.to_day` reads.

        Returns
        -------
        pandas.Timestamp
            The day now shown.

        Examples
        --------
        >>> ex = AsOfExplorer(None, None, boundaries=None, places=None, start="2023-01-01", end="2023-12-31")
        >>> ex.set_day("2023-09-19")  # no widgets yet: the first day shown changes
        Timestamp('2023-09-19 00:00:00')
        >>> ex.set_day("1990-01-01")
        Timestamp('2023-01-01 00:00:00')
        """
        day = min(max(to_day(day), self.start), self.end)
        if self.slider is None:
            self.value = day
            return day
        if self._busy:
            return day
        self._busy = True
        try:
            self.slider.value = (day - self.start).days
            self.picker.value = day.date()
        finally:
            self._busy = False
        self.draw()
        return day

    @property
    def day(self) -> pd.Timestamp:
        """The slider's day (its first position before the widgets are built)."""
        if self.slider is None:
            return self.value
        return self.start + pd.Timedelta(days=int(self.slider.value))

    def draw(self) -> None:
        """Redraw the map and the list for the slider's day.

        The outputs are set on the Output widget as data (PNG, the note, the table as HTML), not captured from a
        ``with out:`` block: no output routing and no IPython shell are needed.
        """
        import base64
        import warnings

        import matplotlib.pyplot as plt

        day = self.day
        self.label.value = wording.day(day)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            front_lines = self._front_lines_for(day)
        control = self._control_for(day)
        with style.styled():
            fig = style.new_figure("nk_map")
            ax = fig.add_subplot()
            control_map_panel(ax, day, front_lines, control, boundaries=self._boundaries, places=self._places,
                              furniture=False)
            handles = [*_area_handles([front_lines]), *point_handles(control)]
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=style.LABEL_SIZE,
                      frameon=False)
        png = protocol.png_bytes(fig)
        plt.close(fig)
        table = held_list(control, self._places)
        notes = "".join(f"Note: {w.message}\n" for w in caught)
        outputs = [{"output_type": "display_data", "metadata": {},
                    "data": {"image/png": base64.b64encode(png).decode("ascii"),
                             "text/plain": f"[map of control on {wording.day(day)}]"}}]
        if notes:
            outputs.append({"output_type": "stream", "name": "stdout", "text": notes})
        self.out.outputs = tuple(outputs)  # set as data: no IPython display machinery needed
        self.list_out.outputs = ({"output_type": "display_data", "metadata": {},
                                  "data": {"text/html": display.frame_html(table),
                                           "text/plain": table.to_string(index=False)}},)

    def _repr_mimebundle_(self, **kwargs):
        if not os.environ.get("JPY_SESSION_NAME"):  # not a Jupyter server session (nbconvert, nbval, the report)
            return {"text/plain": self.TEXT}
        if self.widget is None:
            self.build()
        self.draw()
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.TEXT
        return bundle
