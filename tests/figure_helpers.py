"""Shared by the figure tests: the shipped frames loaded once, every figure of the package built from them, and
the artist checks (labels inside their axes and apart, series told apart, dates on time axes)."""
from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
from matplotlib.colors import to_hex  # noqa: E402

import karabakh as kb  # noqa: E402
from karabakh.analysis import story  # noqa: E402
from karabakh.analysis import record  # noqa: E402
from karabakh.analysis import incidents  # noqa: E402
from karabakh.plot import charts, maps  # noqa: E402
from karabakh.plot import control as control_plots  # noqa: E402
from karabakh.plot import incidents as incident_plots  # noqa: E402
from karabakh.plot import record as plot_record  # noqa: E402


def load_all() -> dict:
    """Every frame the figures draw, loaded once (the figures take them, so the tests do not reload)."""
    return {
        "boundaries": kb.load_boundaries(), "context": kb.load_boundaries(context=True), "places": kb.load_places(),
        "front_lines": kb.load_front_lines(), "casualties": kb.load_casualties(), "events": kb.load_events(),
        "displacement": kb.load_displacement(), "sources": kb.load_sources(), "manifest": kb.load_manifest(),
        "article_figures": kb.load_article_figures(), "actors": kb.load_actors(),
        "incidents": kb.load_incidents(), "incidents_pre2020": kb.load_incidents_pre2020(),
        "war_tolls": kb.load_war_tolls(), "excess": kb.load_excess_deaths(), "unhcr": kb.load_unhcr(),
        "control": kb.load_control(), "sectors": kb.load_sectors(), "timeline": kb.load_timeline(),
    }


#: The six days of notebook 05's control maps.
CONTROL_DAYS = ["1994-05-12", "2020-11-09", "2020-12-01", "2022-08-26", "2023-09-19", "2023-10-01"]


def _control_maps(d: dict):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a day of no mapped line warns (tested in test_layers)
        fronts = [kb.load_front_lines(as_of=day) for day in CONTROL_DAYS]
    return control_plots.control_small_multiples(fronts, [kb.control_on(day) for day in CONTROL_DAYS],
                                                 boundaries=d["boundaries"], places=d["places"], **_map_frames(d))


def _key_events(d: dict):
    t = d["timeline"]
    key = t[t["headline"].str.contains("Four days of fighting|fighting over NK|declare ceasefire|Deadliest escalation|"
                                       "Blocked road|NK elects")]
    return incident_plots.key_events_chart(t, key["id"], sources=d["sources"],
                                           periods=[(key["id"].iloc[1], key["id"].iloc[2], "the 2020 war ")])


def _map_frames(d: dict) -> dict:
    return {"context": d["context"], "sources": d["sources"], "manifest": d["manifest"]}


FIGURES = {
    "region_map": lambda d: maps.region_map(d["boundaries"], d["places"], **_map_frames(d), events=d["events"],
                                            corridors=d["front_lines"].query("feature == 'corridor'")),
    "nk_map": lambda d: maps.nk_map(kb.load_front_lines(as_of="2023-09-19"), d["boundaries"], d["places"],
                                    **_map_frames(d), as_of="2023-09-19"),
    "front_lines": lambda d: maps.front_lines_small_multiples(d["front_lines"], d["boundaries"], d["places"],
                                                              **_map_frames(d)),
    "casualty_claims": lambda d: charts.casualty_claims_chart(d["casualties"], d["actors"], d["article_figures"],
                                                              sources=d["sources"]),
    "arrivals": lambda d: charts.arrivals_chart(d["displacement"], d["actors"], sources=d["sources"]),
    "timeline": lambda d: charts.timeline_strip(d["events"], sources=d["sources"]),
    "incident_series": lambda d: plot_record.incident_series_chart(
        record.incident_series(d["incidents_pre2020"], d["incidents"]), sources=d["sources"]),
    "toll_claims": lambda d: plot_record.toll_claims_chart(d["war_tolls"], sources=d["sources"]),
    "excess_deaths": lambda d: plot_record.excess_deaths_chart(d["excess"], sources=d["sources"]),
    "control_timeline": lambda d: control_plots.control_timeline(
        kb.control_spans(), d["places"], d["sources"], source_ids=sorted(set(d["control"]["source_id"]))),
    "control_maps": _control_maps,
    "incidents_per_month": lambda d: incident_plots.monthly_chart(
        incidents.monthly_people(d["incidents"]), incident_plots.offensive_claims(d["casualties"], d["actors"]),
        sources=d["sources"]),
    "incidents_per_sector": lambda d: incident_plots.sector_map(
        incidents.people_by_sector(d["incidents"], d["sectors"]), boundaries=d["boundaries"],
        front_lines=d["front_lines"], sources=d["sources"], manifest=d["manifest"]),
    "key_events": _key_events,
    "unhcr": lambda d: plot_record.unhcr_chart(record.refugees_from_azerbaijan_in_armenia(d["unhcr"]),
                                               record.refugee_inflows(d["unhcr"]), sources=d["sources"]),
}


def by_gid(artists, prefix: str) -> list:
    return [a for a in artists if (a.get_gid() or "").startswith(prefix)]


def caption(fig) -> str:
    (text,) = by_gid(fig.texts, "caption")
    return " ".join(text.get_text().split())


def renderer(fig):
    """The figure laid out and its renderer (also for a figure that pyplot has closed); a figure unchanged since its
    last layout (matplotlib's ``stale`` flag down) is not laid out again."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
        fig.stale = True
    if fig.stale:
        fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def all_axes(fig) -> list:
    """Every visible axes of the figure, insets included."""
    out = []
    for ax in fig.axes:
        if ax.get_visible():
            out.append(ax)
            out += [c for c in ax.child_axes if c.get_visible()]
    return list(dict.fromkeys(out))


def labels_outside_or_overlapping(fig) -> list[str]:
    """What a reader would see wrong with the text drawn in the axes: a label that leaves its axes, two labels
    that overlap, a label under a legend, a main-map label hidden under an inset. Measured from the renderer's
    window extents."""
    render = renderer(fig)
    problems, boxes = [], []
    for ax in all_axes(fig):
        frame = ax.get_window_extent(render)
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(render)
            name = f"{text.get_gid() or 'text'} {text.get_text()!r}"
            if box.x0 < frame.x0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y0 < frame.y0 - 0.5 or box.y1 > frame.y1 + 0.5:
                problems.append(f"{name} runs past its axes")
            for inset in ax.child_axes:
                if text.axes is ax and box.overlaps(inset.get_window_extent(render)):
                    problems.append(f"{name} is under the inset")
            boxes.append((name, box))
    legends = [(f"legend of {ax.get_title(loc='left') or 'axes'}", ax.get_legend().get_window_extent(render))
               for ax in all_axes(fig) if ax.get_legend()]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes + legends, 2):
        if box_a.overlaps(box_b):
            problems.append(f"{a} overlaps {b}")
    return problems


def series_looks(fig) -> dict[str, tuple]:
    """Legend entry -> (colour, marker, size) for every legend entry drawn with a marker and a colour of its own
    (a key to sizes tells its entries apart by size)."""
    looks = {}
    for leg in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        for handle, text in zip(leg.legend_handles, leg.get_texts()):
            marker = getattr(handle, "get_marker", lambda: None)()
            if marker in (None, "None", "", " ") or handle.get_markerfacecolor() in ("none",):
                continue
            if handle.get_fillstyle() != "full" or to_hex(handle.get_color()) == to_hex("#4D4D4D"):
                continue  # the key to the fills, drawn in grey
            looks[text.get_text()] = (to_hex(handle.get_color()), str(marker), round(handle.get_markersize(), 1))
    return looks


ARTICLE_DAY = story.ARTICLE_DATE


def legend_entries(fig) -> list[tuple[str, object]]:
    """(label, the artist drawn in the legend) for every entry of every legend of the figure."""
    out = []
    for leg in [*fig.legends, *(ax.get_legend() for ax in all_axes(fig) if ax.get_legend())]:
        out += [(" ".join(t.get_text().split()), h) for t, h in zip(leg.get_texts(), leg.legend_handles)]
    return out


def patch_look(artist) -> tuple:
    """What a reader sees of an area (a collection on the map or a legend swatch): face and edge as RGBA, hatch
    and hatch colour. A face of alpha 0 is no face at all."""
    import numpy as np
    from matplotlib.colors import to_rgba

    def first(colours):
        arr = np.atleast_2d(np.asarray(colours, dtype=float))
        return tuple(round(float(v), 3) for v in arr[0]) if arr.size else (0.0, 0.0, 0.0, 0.0)

    face = first(artist.get_facecolor())
    face = (0.0, 0.0, 0.0, 0.0) if face[3] == 0 else face
    hatch_colour = first(to_rgba(artist.get_hatchcolor()) if not hasattr(artist.get_hatchcolor(), "shape")
                         else artist.get_hatchcolor())
    return face, first(artist.get_edgecolor()), artist.get_hatch(), hatch_colour


def area_collections(fig) -> list:
    """The control areas and corridors drawn on the maps of the figure (gid ``control_area:`` / ``corridor:``)."""
    return [c for ax in all_axes(fig) for c in ax.collections
            if (c.get_gid() or "").split(":")[0] in ("control_area", "corridor")]


def labels_over_markers(fig) -> list[str]:
    """Texts in the axes (labels, numbers) whose box covers a marker (a point of a place, a holder's dot),
    measured from the renderer's window extents."""
    render = renderer(fig)
    problems = []
    for ax in all_axes(fig):
        markers = [ln for ln in ax.lines if ln.get_visible() and ln.get_marker() not in (None, "None", "", " ")]
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(render)
            for ln in markers:
                if box.overlaps(ln.get_window_extent(render)):
                    name = f"{text.get_gid() or 'text'} {text.get_text()!r}"
                    problems.append(f"{name} covers {ln.get_gid() or 'a marker'}")
    return problems


def labels_struck_by_lines(fig) -> list[str]:
    """Value labels (annotations anchored on a data point) that a drawn line runs through: the label's box, measured
    from the renderer, is crossed by the path of a visible line of its axes (markers alone are not lines)."""
    from matplotlib.text import Annotation

    render = renderer(fig)
    problems = []
    for ax in all_axes(fig):
        lines = [ln for ln in ax.lines if ln.get_visible() and ln.get_linestyle() not in ("None", "", " ", "none")
                 and len(ln.get_xydata()) > 1]
        for text in ax.texts:
            if not (isinstance(text, Annotation) and text.get_visible() and text.get_text().strip()):
                continue
            box = text.get_window_extent(render)
            for ln in lines:
                path = ln.get_transform().transform_path(ln.get_path())
                if path.intersects_bbox(box, filled=False):
                    problems.append(f"{text.get_gid() or 'label'} {text.get_text()!r} is struck by {ln.get_gid()}")
    return problems


def markers_cut_by_their_axes(fig) -> list[str]:
    """Markers of points inside the axes' view that the axes' edge cuts (half a square hidden under the x axis): a
    clipped line's marker whose extent, measured in pixels from its size, leaves the axes' box."""
    import numpy as np

    render = renderer(fig)
    problems = []
    for ax in all_axes(fig):
        frame = ax.get_window_extent(render)
        for ln in ax.lines:
            if not ln.get_visible() or ln.get_marker() in (None, "None", "", " ") or not ln.get_clip_on():
                continue
            half = ln.get_markersize() / 2 * fig.dpi / 72
            for x, y in ln.get_transform().transform(np.asarray(ln.get_xydata(), dtype=float)):
                inside = frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1
                if inside and (x - half < frame.x0 - 0.5 or x + half > frame.x1 + 0.5 or y - half < frame.y0 - 0.5
                               or y + half > frame.y1 + 0.5):
                    problems.append(f"{ln.get_gid() or 'a marker'} at ({x:.0f}, {y:.0f}) px is cut by its axes")
    return problems
