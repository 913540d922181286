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
from figure_helpers import FIGURES, all_axes, labels_outside_or_overlapping, load_all, renderer, series_looks

from karabakh.plot import protocol
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
    data_out, metadata, _ = protocol.figure_output(built[name], name.replace("_", "-"), title=info["title"],
                                                  alt=info["alt"], source_ids=info["source_ids"])
    assert metadata["image/png"]["alt"] == info["alt"]


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


@pytest.mark.mpl_image_compare(filename="region_map.png", **MPL)
def test_image_region_map(built):
    return built["region_map"]


@pytest.mark.mpl_image_compare(filename="front_lines_periods.png", **MPL)
def test_image_front_lines(built):
    return built["front_lines"]


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
