"""What a reader sees, checked on every figure of the package: the title above the axes, no label outside its
axes or over another label, no two series alike, dates on true time axes, alt text and sources attached; and a
few pixel comparisons.

Pixel baselines live in tests/baseline/ and are compared only with ``--mpl`` (pytest-mpl); regenerate them with
``pytest tests/test_figure_artists.py -k image --mpl-generate-path=tests/baseline`` after an intended change,
and look at them.
"""
from __future__ import annotations

import re

import matplotlib
import matplotlib.dates
import matplotlib.text
import pandas as pd
import matplotlib.pyplot as plt
import pytest
from figure_helpers import (
    FIGURES,
    all_axes,
    area_collections,
    labels_outside_or_overlapping,
    labels_over_markers,
    labels_struck_by_lines,
    legend_entries,
    load_all,
    markers_cut_by_their_axes,
    patch_look,
    renderer,
    series_looks,
)

from karabakh.plot import maps, protocol
MPL = {"style": "default", "deterministic": True, "tolerance": 2, "baseline_dir": "baseline"}


@pytest.fixture(scope="module")
def data():
    return load_all()


@pytest.fixture(scope="module")
def built(data):
    """Each figure once, titled as kb.show_figure titles it (the picture a reader sees)."""
    out = {}
    for name, build in FIGURES.items():
        fig = build(data)
        protocol.draw_title(fig, protocol.description(fig)["title"])
        out[name] = fig
    yield out
    for fig in out.values():
        plt.close(fig)


@pytest.mark.parametrize("name", FIGURES)
def test_no_label_leaves_its_axes_or_covers_another(built, name):
    assert labels_outside_or_overlapping(built[name]) == []


@pytest.mark.parametrize("name", FIGURES)
def test_the_exported_png_holds_every_legend_whole(built, name):
    """The exports are cropped to the drawn content: every legend (also one kept out of the layout) lies inside the
    crop, and inside the figure, so no entry is cut at the edge."""
    fig = built[name]
    render = renderer(fig)
    _, box = protocol._content_box(fig, render)  # the crop of show_figure's PNG and SVG
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]:
        inches = legend.get_window_extent(render).transformed(fig.dpi_scale_trans.inverted())
        assert box.x0 <= inches.x0 and inches.x1 <= box.x1 and box.y0 <= inches.y0 and inches.y1 <= box.y1, \
            f"{name}: a legend reaches outside the exported picture"
        assert inches.x1 <= fig.get_figwidth() + 1e-6 and inches.x0 >= -1e-6, f"{name}: a legend leaves the figure"


def test_the_exported_png_is_that_crop(built):
    """The PNG show_figure writes has the size of the crop (here the front-lines maps, whose legend is kept out of
    the layout), at FIGURE_DPI."""
    png, box = protocol._tight_render(built["front_lines"])
    assert protocol.png_size(png) == pytest.approx((box.width * protocol.FIGURE_DPI,
                                                    box.height * protocol.FIGURE_DPI), abs=2)


@pytest.mark.parametrize("name", FIGURES)
def test_the_title_sits_above_every_axes(built, name):
    fig = built[name]
    render = renderer(fig)
    top = fig._suptitle.get_window_extent(render)
    assert top.y1 <= fig.bbox.y1 and top.x0 >= fig.bbox.x0
    for ax in fig.axes:
        if ax.get_visible():
            assert ax.get_tightbbox(render).y1 <= top.y0 + 1, "an axes reaches into the title"


@pytest.mark.parametrize("name", FIGURES)
def test_no_two_series_share_colour_and_marker(built, name):
    looks = series_looks(built[name])
    assert len(set(looks.values())) == len(looks), looks


@pytest.mark.parametrize("name", ["casualty_claims", "arrivals", "timeline", "incident_series", "toll_claims"])
def test_dates_are_on_true_time_axes(built, name):
    """Every axes of a chart is a date axis (matplotlib's date converter and locator), not categories."""
    import matplotlib.dates as mdates

    for ax in all_axes(built[name]):
        if not ax.axison:  # a key drawn in an axes of its own (the timeline's), no axis
            continue
        assert isinstance(ax.xaxis.get_converter(), mdates.DateConverter | mdates._SwitchableDateConverter), ax
        assert isinstance(ax.xaxis.get_major_locator(), mdates.DateLocator | mdates.RRuleLocator), ax
        assert not any("not to scale" in ax.get_xlabel() for ax in built[name].axes)


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_carries_its_title_alt_text_and_sources(built, name, data):
    info = protocol.description(built[name])
    assert info["title"] and len(info["alt"]) > 80 and any(ch.isdigit() for ch in info["alt"])
    assert info["source_ids"] and set(info["source_ids"]) <= set(data["sources"]["id"])
    # that show_figure publishes these with the picture is the protocol's to test (test_figures.py), on a figure
    # drawn for it: here, each figure of the package describes itself


def test_estimates_are_drawn_with_their_intervals(built, data):
    """Every excess-death estimate of every territory and sex is a point with its interval, the interval's ends the
    table's value_low and value_high (never a point alone)."""
    import numpy as np

    excess = data["excess"]
    for ax in built["excess_deaths"].axes:
        for coll in [c for c in ax.collections if (c.get_gid() or "").startswith("interval:")]:
            _, territory, sex = coll.get_gid().split(":")
            rows = excess[(excess["territory"] == territory) & (excess["sex"] == sex)]
            ends = sorted((float(min(s[:, 1])), float(max(s[:, 1]))) for s in coll.get_segments())
            assert ends == sorted(zip(rows["value_low"].astype(float), rows["value_high"].astype(float)))
            points = [ln for ln in ax.lines if ln.get_gid() == f"point:{territory}:{sex}"]
            assert len(points) == 1 and np.allclose(sorted(points[0].get_ydata()), sorted(rows["value"]))


def test_the_2016_gap_and_the_2020_war_are_marked_on_the_incident_series(built):
    from matplotlib.dates import num2date

    for ax in built["incident_series"].axes:
        spans = {p.get_gid(): p for p in ax.patches if p.get_gid() in ("gap_april_2016", "war_2020")}
        assert set(spans) == {"gap_april_2016", "war_2020"}
        x0 = num2date(spans["war_2020"].get_x()).date().isoformat()
        assert x0 == "2020-09-27"
    assert "Apr 2016" in protocol.description(built["incident_series"])["alt"]


def test_figures_keep_no_global_state(data):
    before = dict(matplotlib.rcParams)
    n = len(plt.get_fignums())
    fig = FIGURES["arrivals"](data)
    assert dict(matplotlib.rcParams) == before
    plt.close(fig)
    assert len(plt.get_fignums()) == n


MAPS = ["region_map", "nk_map", "front_lines", "control_maps"]
NEUTRAL_GREY = "#BBBBBB"  # an unknown holder's colour: the one colour of the maps outside Okabe-Ito


@pytest.mark.parametrize("name", FIGURES)
def test_no_label_covers_a_marker(built, name):
    """Place names, numbers and value labels stand beside the markers, never on one (their own included, and the
    ring round a figure of the seed article)."""
    assert labels_over_markers(built[name]) == []


@pytest.mark.parametrize("name", MAPS)
def test_every_area_drawn_is_its_legend_swatch(built, name):
    """Each control area and corridor is drawn opaque (or unfilled), so what a reader sees anywhere on the map is one
    layer, never a blend of two; its legend swatch has the same face, edge, hatch and hatch colour, and every area
    swatch of the legend is drawn on a map."""
    from matplotlib.patches import Patch

    drawn = {patch_look(c) for c in area_collections(built[name])}
    assert drawn
    for face, *_ in drawn:
        assert face[3] in (0.0, 1.0), f"a translucent area ({face}): the colour seen is a blend, not the swatch"
    swatches = {patch_look(h) for _, h in legend_entries(built[name]) if isinstance(h, Patch) and h.get_hatch()}
    assert drawn <= swatches, drawn - swatches
    assert swatches <= drawn, swatches - drawn


@pytest.mark.parametrize("name", MAPS)
def test_area_swatches_are_okabe_ito_and_told_apart(built, name):
    """No two area entries look alike; their colours are Okabe-Ito's (or the neutral grey of an unknown holder),
    and the corridor's colour is no control area's."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    from karabakh.plot import style

    allowed = {tuple(round(v, 3) for v in to_rgba(c)) for c in [*style.PALETTE, NEUTRAL_GREY]}
    entries = [(label, patch_look(h)) for label, h in legend_entries(built[name])
               if isinstance(h, Patch) and h.get_hatch()]
    looks = [look for _, look in entries]
    assert len(set(looks)) == len(looks), entries
    colour = {label: (face if face[3] else hatch_colour) for label, (face, _, _, hatch_colour) in entries}
    assert set(colour.values()) <= allowed, colour
    corridor = {c for label, c in colour.items() if "corridor" in label.lower()}
    assert not corridor & {c for label, c in colour.items() if "corridor" not in label.lower()}


def test_a_layer_of_unknown_holder_gets_a_neutral_entry_of_its_own(data):
    """A control area whose holder is unknown or in transition (``held_by`` none of the three holders) is drawn in
    the neutral grey with a hatch of its own, whatever its key, and has its own legend entry."""
    import warnings

    from matplotlib.colors import to_rgba

    import karabakh as kb

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fl = kb.load_front_lines(as_of="2023-10-01").copy()
    assert (fl.loc[fl["key"] == "nkao_2023", "held_by"] == "unknown").all()  # as data/layers/front_lines.geojson says
    fl.attrs["as_of"] = pd.Timestamp("2023-10-01")
    fig = maps.nk_map(fl, data["boundaries"], data["places"], context=data["context"], sources=data["sources"],
                      manifest=data["manifest"])
    (area,) = [c for c in area_collections(fig) if c.get_gid() == "control_area:nkao_2023"]
    face, _, hatch, _ = patch_look(area)
    assert face == tuple(round(v, 3) for v in to_rgba(NEUTRAL_GREY)) and hatch
    assert [label for label, h in legend_entries(fig) if hasattr(h, "get_hatch") and patch_look(h) == patch_look(area)]
    plt.close(fig)


def test_control_maps_number_every_place_and_key_both_names(built):
    """Every place on every panel has its number beside it (visible), and the key gives each number the place's
    label from data/places.csv (read with csv): both names, Armenian first, where they differ."""
    import csv
    from pathlib import Path

    with open(Path(__file__).parent.parent / "data" / "places.csv", newline="", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    fig = built["control_maps"]
    key = {t.get_gid().split(":")[1]: t.get_text() for ax in fig.axes for t in ax.texts
           if (t.get_gid() or "").startswith("place_key:")}
    panels = [ax for ax in fig.axes if any((ln.get_gid() or "").startswith("holder:") for ln in ax.lines)]
    assert len(panels) == 6
    for ax in panels:
        numbers = {t.get_gid().split(":")[1]: t.get_text() for t in ax.texts
                   if (t.get_gid() or "").startswith("place_number:") and t.get_visible()}
        held = [ln.get_gid().split(":")[1] for ln in ax.lines if (ln.get_gid() or "").startswith("holder:")]
        assert sorted(numbers) == sorted(held)
        for pid in held:
            number, label = key[pid].split(None, 1)
            assert number == numbers[pid] and label == rows[pid]["label"]
            arm, aze = rows[pid]["name_armenian"], rows[pid]["name_azerbaijani"]
            if arm and aze and arm != aze and " / " in label:
                assert label.startswith(f"{arm} / ")
    assert len(set(key.values())) == len(key)


def test_control_map_markers_say_the_holder_without_colour(built):
    """On the control maps a holder has a marker shape of its own and its legend entry draws it as on the map; every
    marker is outlined in black inside a white halo, so it reads on any area colour."""
    import matplotlib.patheffects as pe

    fig = built["control_maps"]
    shapes: dict[tuple, set] = {}
    for ax in fig.axes:
        for ln in ax.lines:
            if (ln.get_gid() or "").startswith("holder:"):
                shapes.setdefault(ln.get_marker(), set()).add(to_rgba_tuple(ln.get_markerfacecolor()))
                assert to_rgba_tuple(ln.get_markeredgecolor()) == (0.0, 0.0, 0.0, 1.0)
                halo = [e for e in ln.get_path_effects() if isinstance(e, pe.withStroke)]
                assert halo and to_rgba_tuple(halo[0]._gc["foreground"]) == (1.0, 1.0, 1.0, 1.0)
    assert len(shapes) >= 4 and all(len(colours) == 1 for colours in shapes.values()), shapes
    legend = {(h.get_marker(), to_rgba_tuple(h.get_markerfacecolor())) for label, h in legend_entries(fig)
              if label.startswith("Place held by")}
    assert {(m, c) for m, colours in shapes.items() for c in colours} == legend


def test_the_corridor_stays_in_view_above_the_places(built):
    """On the control maps the corridor's outline is drawn above the places' markers (they sit on it)."""
    fig = built["control_maps"]
    edges = [c for ax in fig.axes for c in ax.collections if (c.get_gid() or "").startswith("corridor_edge:")]
    assert edges
    for edge in edges:
        markers = [ln.get_zorder() for ln in edge.axes.lines if (ln.get_gid() or "").startswith("holder:")]
        assert edge.get_zorder() > max(markers)
        assert any(c.get_gid() == edge.get_gid().replace("corridor_edge", "corridor") for c in edge.axes.collections)


def to_rgba_tuple(colour) -> tuple:
    from matplotlib.colors import to_rgba

    return tuple(round(v, 3) for v in to_rgba(colour))


@pytest.mark.mpl_image_compare(filename="region_map.png", **MPL)
def test_image_region_map(built):
    return built["region_map"]


@pytest.mark.mpl_image_compare(filename="front_lines_periods.png", **MPL)
def test_image_front_lines(built):
    return built["front_lines"]


@pytest.mark.mpl_image_compare(filename="control_maps.png", **MPL)
def test_image_control_maps(built):
    return built["control_maps"]


@pytest.mark.mpl_image_compare(filename="casualty_claims.png", **MPL)
def test_image_casualty_claims(built):
    return built["casualty_claims"]


ISO_DATE = re.compile(r"\b(19|20)\d\d-[01]\d(-[0-3]\d)?\b")
MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|June|Jul|July|Aug|Sep|Sept|Oct|Nov|Dec)\b")


def _texts_read_on_the_figure(fig) -> list[str]:
    """Every text a reader reads on the figure (titles, tick labels, labels, legends), the source caption aside."""
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()
             and not (t.get_gid() or "").startswith("caption")]
    return [t.get_text() for t in texts]


@pytest.mark.parametrize("name", FIGURES)
def test_dates_are_written_in_one_style(built, name):
    """Day, month abbreviation, year ("19 Sept 2023", "Sept 2023"); never ISO, never "Sep" for September."""
    bad = [t for t in _texts_read_on_the_figure(built[name]) if ISO_DATE.search(t) or re.search(r"\bSep\b", t)]
    assert bad == [], bad


FULL_MONTH_YEAR = re.compile(r"\b(January|February|March|April|June|July|August|September|October|November|"
                             r"December) (19|20)\d\d\b")


@pytest.mark.parametrize("name", FIGURES)
def test_captions_alt_texts_and_ticks_write_dates_in_the_one_style(built, name):
    """The source caption, the alt text, the title and every tick label as well: no "2023-09-20", no "Sep", no
    "September 2023" (the one style is "20 Sept 2023", "Sept 2023")."""
    fig = built[name]
    renderer(fig)  # tick labels are set at draw time
    info = protocol.description(fig)
    ticks = [t.get_text() for ax in all_axes(fig) for t in [*ax.get_xticklabels(), *ax.get_yticklabels()]]
    texts = {"caption": [t.get_text() for t in fig.texts if t.get_gid() == "caption"], "alt": [info["alt"]],
             "title": [info["title"]], "ticks": ticks}
    assert texts["caption"]
    bad = {where: [t for t in found if ISO_DATE.search(t) or re.search(r"\bSep\b", t) or FULL_MONTH_YEAR.search(t)]
           for where, found in texts.items()}
    assert bad == dict.fromkeys(texts, []), bad


@pytest.mark.parametrize("name", FIGURES)
def test_no_two_legend_entries_alike(built, name):
    for legend in [*built[name].legends, *(ax.get_legend() for ax in all_axes(built[name]) if ax.get_legend())]:
        labels = [" ".join(t.get_text().split()) for t in legend.get_texts()]
        assert len(set(labels)) == len(labels), labels


def test_the_style_writes_dates_as_the_prose_does():
    from karabakh.analysis import wording
    from karabakh.plot import style

    assert style.date_label("2023-09-19") == wording.day("2023-09-19") == "19 Sept 2023"
    fig, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2023-09-15", "2023-09-25"]), [0, 1])
    ax.xaxis.set_major_locator(matplotlib.dates.DayLocator(interval=2))
    style.date_ticks(ax.xaxis)
    fig.canvas.draw()
    assert "19 Sept\n2023" in [t.get_text() for t in ax.get_xticklabels()]
    plt.close(fig)


HYPHEN_SPAN = re.compile(r"\b(19|20)\d\d ?- ?(19|20)\d\d\b"  # 1994-2020
                         r"|\b\d{1,2} ?- ?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec)\b"  # 10-19 Nov
                         r"|\b((19|20)\d\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec) - "
                         r"(\d|ongoing\b|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec)\b)")  # 1994 - 9 Nov 2020


@pytest.mark.parametrize("name", FIGURES)
def test_spans_of_years_and_days_take_an_en_dash(built, name):
    """One style for spans as for days: "1994–2020", "10–19 Nov 2020", "10 Nov 2020 – 19 Sept 2023", in the title,
    the alt text, the caption, the legends and every label (a hyphen between years or days reads as a minus or as
    one word; the panels' titles use en dashes)."""
    fig = built[name]
    info = protocol.description(fig)
    texts = {"title": [info["title"]], "alt": [info["alt"]],
             "drawn": [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible()]}
    bad = {where: sorted({" ".join(m.group(0).split()) for t in found for m in HYPHEN_SPAN.finditer(t)})
           for where, found in texts.items()}
    assert bad == dict.fromkeys(texts, []), bad


def test_the_front_lines_legend_draws_no_two_lines_alike(built):
    """Two legend entries drawn as the same line (colour, style, width) would say two different things with one
    mark: the front-line panels' lines of contact (one per period) are one entry or two different lines."""
    from matplotlib.lines import Line2D

    fig = built["front_lines"]
    lines = [(label, (to_rgba_tuple(h.get_color()), str(h.get_linestyle()), h.get_linewidth()))
             for label, h in legend_entries(fig) if isinstance(h, Line2D) and h.get_marker() in (None, "None", "")]
    looks = [look for _, look in lines]
    assert len(set(looks)) == len(looks), lines


def test_the_sector_map_names_each_circle_once_and_its_alt_text_the_largest(built, data):
    """Every circle's label names one sector (two sectors Crisis Group calls "Nakhchivan 1" and "Nakhchivan 2" are
    not both "Nakhchivan"); the alt text names the largest circle drawn, on the map or beside it, as the largest
    of all, with its numbers (the Sept 2022 escalation, off the map, is most of all people)."""
    import csv
    from pathlib import Path

    fig = built["incidents_per_sector"]
    ax = fig.axes[0]
    labels = [t.get_text().split("\n")[0] for t in ax.texts if (t.get_gid() or "").startswith("sector_label:")]
    heads = [" ".join(t.get_text().split("\n")[:-1]) for t in ax.texts
             if (t.get_gid() or "").startswith("sector_label:")]
    assert len(labels) == 14 and len(set(heads)) == len(heads), heads
    circles = {c.get_gid().split(":", 1)[1]: float(c.get_sizes()[0]) for c in ax.collections
               if (c.get_gid() or "").startswith(("sector:", "sector_off_map:"))}
    root = Path(__file__).parent.parent / "data"
    with open(root / "sectors.csv", newline="", encoding="utf-8") as fh:
        label = {r["id"]: r["label"] for r in csv.DictReader(fh)}
    people: dict = {}
    with open(root / "incidents.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            people.setdefault(r["sector_id"], {"killed": 0, "wounded": 0})[r["outcome"]] += int(r["people"])
    most = max(people, key=lambda k: sum(people[k].values()))
    assert max(circles, key=circles.get) == most  # the largest circle is the sector of most people
    alt = protocol.description(fig)["alt"]
    said = f"{label[most]}, with {people[most]['killed']} killed and {people[most]['wounded']} wounded"
    assert said in alt and alt.index("the largest of all") > alt.index(said), alt


@pytest.mark.parametrize("name", FIGURES)
def test_counts_on_the_axes_are_written_as_in_the_labels(built, name):
    """A count of 1,000 or more on a value axis has its thousands separator ("150,000", as the value labels, the alt
    texts and the prose write it), never "150000"; a negative count takes a minus sign, never a hyphen."""
    fig = built[name]
    renderer(fig)
    ticks = [t.get_text() for ax in all_axes(fig) for t in ax.get_yticklabels() if t.get_text()]
    assert [t for t in ticks if re.fullmatch(r"[-\N{MINUS SIGN}]?\d{4,}(\.\d+)?", t)] == [], ticks
    assert [t for t in ticks if t.startswith("-")] == [], ticks


def test_the_sectors_not_on_the_map_stand_in_a_box_of_their_own(built):
    """The circles of the sectors Crisis Group does not locate are drawn beside the map's places, not as places: each
    lies inside an opaque box (gid "unplaced_box") that also holds its label and the box's title, and no other label
    of the map (a country's name) is hidden under it."""
    fig = built["incidents_per_sector"]
    ax = fig.axes[0]
    render = renderer(fig)
    boxes = [p for p in ax.patches if p.get_gid() == "unplaced_box"]
    assert len(boxes) == 1 and boxes[0].get_alpha() >= 0.9
    frame = boxes[0].get_window_extent(render)
    off_map = [c for c in ax.collections if (c.get_gid() or "").startswith("sector_off_map:")]
    assert len(off_map) == 3
    texts = [t for t in ax.texts if t.get_gid() == "unplaced_title"
             or t.get_gid() in {c.get_gid().replace("sector_off_map", "sector_label") for c in off_map}]
    assert len(texts) == 4
    for artist in [*off_map, *texts]:
        box = artist.get_window_extent(render)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, artist
    hidden = [t.get_text() for t in ax.texts if t not in texts and t.get_visible()
              and t.get_window_extent(render).overlaps(frame)]
    assert hidden == [], f"under the box: {hidden}"


@pytest.mark.parametrize("name", FIGURES)
def test_no_value_label_is_struck_through_by_a_line(built, name):
    """A count's label stands clear of every series line and of the seed article's mark (none runs through it)."""
    assert labels_struck_by_lines(built[name]) == []


@pytest.mark.parametrize("name", FIGURES)
def test_no_marker_is_cut_by_its_axes(built, name):
    """A point near an axis (a count of 2, of 30, a stock of 1,501) is drawn whole, never half under the axis."""
    assert markers_cut_by_their_axes(built[name]) == []


def test_the_offensive_claims_legend_draws_only_markers_drawn(built):
    """In the claims panel of incidents_per_month colour is the claimant and shape the side and category: a
    claimant's entry draws its colour with a shape one of its claims has on the chart (no orange circle in the
    legend when no orange circle is drawn); the shapes' entries are grey."""
    from matplotlib.lines import Line2D

    fig = built["incidents_per_month"]
    drawn = {(to_rgba_tuple(ln.get_color()), ln.get_marker()) for ax in fig.axes for ln in ax.lines
             if (ln.get_gid() or "").startswith("claim:")}
    assert len(drawn) >= 6
    from karabakh.plot import style

    grey = to_rgba_tuple(style.MUTED_TEXT)
    entries = [(label, (to_rgba_tuple(h.get_color()), h.get_marker())) for label, h in legend_entries(fig)
               if isinstance(h, Line2D) and h.get_marker() not in (None, "None", "") and h.get_linestyle() == "None"]
    coloured = [(label, look) for label, look in entries if look[0] != grey]
    assert len(coloured) == 6 and all(look in drawn for _, look in coloured), coloured


def test_the_hatched_april_2016_reads_as_its_swatch(built):
    """The hatched gap of Apr 2016 is wide enough for its cross-hatch to be seen as the legend's hatched swatch (at
    least as wide as a month's bar, several pixels), not a dotted line one pixel wide; it spans April 2016."""
    from matplotlib.dates import num2date

    fig = built["incident_series"]
    render = renderer(fig)
    for ax in fig.axes:
        (gap,) = [p for p in ax.patches if p.get_gid() == "gap_april_2016"]
        width = gap.get_window_extent(render).width
        assert width >= 5 and width >= 0.9 * min(b.get_window_extent(render).width for b in ax.patches
                                                  if b is not gap and b.get_gid() != "war_2020"), width
        first, last = num2date(gap.get_x()).date(), num2date(gap.get_x() + gap.get_width()).date()
        assert first.isoformat() == "2016-04-01" and last.isoformat() >= "2016-04-30", (first, last)


def test_the_excess_deaths_alt_text_names_an_age_group_as_its_tick_does(built, data):
    """The age group the alt text names is written as on the axis (one wording: "70–74"), and every tick is one of
    the table's age groups (spaces dropped, an en dash for the span)."""
    fig = built["excess_deaths"]
    renderer(fig)
    ticks = {t.get_text() for ax in fig.axes for t in ax.get_xticklabels() if t.get_text()}
    groups = {g.replace(" ", "").replace("-", "\N{EN DASH}") for g in data["excess"]["age_group"].astype(str)}
    assert ticks == groups
    named = re.search(r"for men aged (\S+) in", protocol.description(fig)["alt"]).group(1)
    assert named in ticks, named


@pytest.mark.parametrize("name", ["nk_map", "front_lines", "region_map"])
def test_the_alt_text_names_every_line_and_corridor_drawn(built, name):
    """The lines of contact and the corridor drawn on a map are in its alt text, as data/layers/front_lines.geojson
    (read with json) labels them (spans with an en dash): a reader of the alt text learns what the eye sees."""
    import json
    from pathlib import Path

    with open(Path(__file__).parent.parent / "data" / "layers" / "front_lines.geojson", encoding="utf-8") as fh:
        label = {f["properties"]["key"]: f["properties"]["label"] for f in json.load(fh)["features"]}
    fig = built[name]
    drawn = {c.get_gid().split(":", 1)[1] for ax in all_axes(fig) for c in ax.collections
             if (c.get_gid() or "").split(":")[0] in ("contact_line", "corridor")}
    alt = protocol.description(fig)["alt"]
    if name == "region_map":  # the corridor only, hatched, said without its label
        assert drawn and "corridor" in alt
        return
    assert drawn
    missing = [k for k in drawn if re.sub(r"(\d{4})-(\d{4})", "\\1\N{EN DASH}\\2", label[k]) not in alt]
    assert missing == [], (missing, alt)


@pytest.mark.parametrize("name", FIGURES)
def test_no_legend_entry_takes_a_hyphen_for_a_dash(built, name):
    """A spaced hyphen between two words of a legend entry ("Ministry of Defence of Azerbaijan - military") reads as
    a typo; the figures write a dash as an en dash, as their titles do."""
    bad = [label for label, _ in legend_entries(built[name]) if re.search(r"\S - \S", label)]
    assert bad == []


@pytest.mark.parametrize("name", FIGURES)
def test_no_source_is_written_twice_in_a_caption(built, name):
    """Two files of one publication (Crisis Group's data and casualties, released the same day) are one entry of the
    caption's source list, not "International Crisis Group (10 Nov 2023); International Crisis Group (10 Nov 2023)"."""
    (text,) = [t.get_text() for t in built[name].texts if t.get_gid() == "caption"]
    listed = " ".join(text.split())  # the list runs from "Sources: " to the first full stop that ends a sentence
    listed = listed[len("Sources: "):listed.index(". ")]
    entries = [e.strip() for e in re.split(r"; (?=[A-Z])", listed)]
    assert len(set(entries)) == len(entries), entries
