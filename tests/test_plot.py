"""Figures: assertions on the artists (as geopandas' own plotting tests do) and a few pixel comparisons.

Pixel baselines live in tests/baseline/ and are compared only with ``--mpl`` (pytest-mpl); regenerate with
``pytest tests/test_plot.py --mpl-generate-path=tests/baseline`` after an intended change, and look at them.
"""
from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

import karabakh as kb
from karabakh import plot, style

matplotlib.use("Agg")

PALETTE_RGB = {tuple(round(c, 3) for c in to_rgb(h)) for h in style.PALETTE}
PAIRS = [("yevlakh", "stepanakert"), ("stepanakert", "goris"), ("stepanakert", "baku")]
MPL = {"style": "default", "deterministic": True, "tolerance": 2, "baseline_dir": "baseline"}


def rgb(colour) -> tuple[float, float, float]:
    return tuple(round(c, 3) for c in to_rgb(colour))


def by_gid(artists, prefix: str) -> list:
    return [a for a in artists if (a.get_gid() or "").startswith(prefix)]


def caption(fig) -> str:
    (text,) = by_gid(fig.texts, "caption")
    return " ".join(text.get_text().split())


@pytest.fixture(scope="module")
def data():
    """Every frame once per module (the figures accept them, so the tests do not reload)."""
    return {
        "boundaries": kb.load_boundaries(), "places": kb.load_places(), "front_lines": kb.load_front_lines(),
        "casualties": kb.load_casualties(), "displacement": kb.load_displacement(), "events": kb.load_events(),
        "sources": kb.load_sources(), "article_figures": kb.load_article_figures(), "actors": kb.load_actors(),
    }


@pytest.fixture(scope="module")
def region(data):
    import matplotlib.pyplot as plt

    fig = plot.region_map(distances=PAIRS, boundaries=data["boundaries"], places=data["places"],
                          front_lines=data["front_lines"])
    yield fig
    plt.close(fig)


# ------------------------------------------------------------------------------------------------ style
def test_style_palette_is_okabe_ito_and_hatches_are_distinct():
    assert style.PALETTE == ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
    hatches = [s["hatch"] for s in style.CONTROL_AREA.values()] + [style.CORRIDOR["hatch"]]
    assert len(set(hatches)) == len(hatches) and all(hatches)
    for spec in [*style.CONTROL_AREA.values(), *style.CONTROL_AREA_FALLBACK, style.CORRIDOR]:
        assert spec["facecolor"] in style.PALETTE
    assert style.control_area_style("new_area", ("new_area",))["hatch"] == style.CONTROL_AREA_FALLBACK[0]["hatch"]


def test_style_extents_are_projected_and_cover_the_story(data):
    places = plot.to_map_crs(data["places"]).set_index("id")
    for key, ids in style.PLACES.items():
        xmin, xmax, ymin, ymax = style.EXTENTS[key]
        assert xmin < xmax and ymin < ymax and xmax - xmin > 10_000  # metres, not degrees
        for pid in ids:
            p = places.loc[pid, "geometry"]
            assert xmin < p.x < xmax and ymin < p.y < ymax, (key, pid)


# ------------------------------------------------------------------------------------------------ base map
def test_region_map_artists(region, data):
    ax = region.axes[0]
    assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["region"]
    assert ax.get_aspect() == 1.0
    assert ax.get_xlabel() == "" and ax.get_ylabel() == ""

    (countries,) = by_gid(ax.collections, "countries")
    faces = {rgb(c) for c in countries.get_facecolors()}
    assert {rgb(style.COUNTRY_FILL["AZE"]), rgb(style.COUNTRY_FILL["ARM"])} <= faces
    (nkao,) = by_gid(ax.collections, "nkao")
    assert len(nkao.get_facecolors()) == 0 or nkao.get_facecolors()[0][3] == 0  # outline only

    corridors = by_gid(ax.collections, "corridor:")
    assert corridors and all(c.get_hatch() == style.CORRIDOR["hatch"] for c in corridors)
    assert all(rgb(c.get_facecolors()[0]) in PALETTE_RGB for c in corridors)
    assert len(by_gid(ax.collections, "distance:")) == len(PAIRS)

    labels = {t.get_text() for t in by_gid(ax.texts, "place_label:")}
    assert "Stepanakert / Khankendi" in labels and {"Baku", "Yerevan", "Goris"} <= labels
    assert "Yevlakh (talks, 21 Sept)" in labels  # the talks venue, its day from the events table (ev021)
    assert data["events"].set_index("id").loc["ev021", "source_id"] in plot.source_ids(region)
    contested = data["places"].set_index("id").loc[list(style.PLACES["region"])]
    contested = contested[contested["name_armenian"] != contested["name_azerbaijani"]]
    for row in contested.itertuples():  # both names where they differ
        label = next(t for t in labels if t.startswith(row.label))
        assert row.name_armenian in label and row.name_azerbaijani in label

    km = {t.get_gid(): t.get_text() for t in by_gid(ax.texts, "distance_label:")}
    by_id = data["places"].set_index("id")
    for a, b in PAIRS:
        expected = kb.distance_km(by_id.loc[a, "geometry"], by_id.loc[b, "geometry"])
        assert km[f"distance_label:{a}:{b}"] == f"{expected:.0f} km"


def test_map_furniture_scale_bar_north_arrow_inset_caption(region):
    from matplotlib_scalebar.scalebar import ScaleBar

    ax = region.axes[0]
    bars = [a for a in ax.artists if isinstance(a, ScaleBar)]
    assert len(bars) == 1 and bars[0].get_gid() == "scale_bar" and bars[0].dx == 1 and bars[0].units == "m"
    assert len(by_gid(ax.texts, "north_arrow")) == 1
    assert_locator_inset(ax, "region")
    text = caption(region)
    for needle in ("Sources: Natural Earth (2022-05-09)", "International Crisis Group", "GeoNames", "GPL-3.0",
                   "Public domain", "not an endorsement"):
        assert needle in text
    assert set(plot.source_ids(region)) >= {"ne_countries_5_1_1", "ne_disputed_4_0_0", "geonames",
                                              "crisisgroup_nk_data"}


def assert_locator_inset(ax, extent):
    """The inset shows the wider context (lon/lat), the main map's extent as a box, a few labels."""
    import numpy as np
    from pyproj import Transformer

    (inset,) = [c for c in ax.child_axes if c.get_gid() == "locator_inset"]
    assert (*inset.get_xlim(), *inset.get_ylim()) == style.LOCATOR_EXTENT
    (countries,) = by_gid(inset.collections, "locator_countries")
    context = kb.load_boundaries(context=True)
    assert len(countries.get_paths()) >= len(context)  # every country of the context layer (multi-part ones count more)
    faces = {rgb(c) for c in countries.get_facecolors()}
    assert {rgb(style.COUNTRY_FILL["AZE"]), rgb(style.COUNTRY_FILL["ARM"]), rgb(style.LAND)} <= faces
    (box,) = by_gid(inset.patches, "locator_box")
    lon, lat = np.asarray(box.get_xy()).T
    x, y = Transformer.from_crs("EPSG:4326", style.MAP_CRS, always_xy=True).transform(lon, lat)
    assert (x.min(), x.max(), y.min(), y.max()) == pytest.approx(style.EXTENTS[extent], abs=1.0)  # metres
    lx0, lx1, ly0, ly1 = style.LOCATOR_EXTENT
    assert lx0 < lon.min() and lon.max() < lx1 and ly0 < lat.min() and lat.max() < ly1
    labels = {t.get_text() for t in by_gid(inset.texts, "locator_label:")}
    assert labels == set(style.LOCATOR_LABELS) and {"Black Sea", "Caspian\nSea"} <= labels
    assert "ne_countries_5_1_1" in plot.source_ids(ax.figure)


def test_base_map_into_an_existing_axes_adds_no_caption(data):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out = plot.base_map(ax, "nk", boundaries=data["boundaries"], places=data["places"], locator=False)
    assert out is fig and not by_gid(fig.texts, "caption") and not ax.child_axes
    assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["nk"]
    with pytest.raises(ValueError, match="unknown extent"):
        plot.base_map(ax, "world", boundaries=data["boundaries"], places=data["places"])


def test_front_lines_small_multiples(data):
    fig = plot.front_lines_small_multiples(boundaries=data["boundaries"], places=data["places"],
                                           front_lines=data["front_lines"])
    maps = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in maps] == [p[0] for p in style.PERIODS]
    shown = [sorted(c.get_gid().split(":")[1] for c in by_gid(ax.collections, "control_area:")) for ax in maps]
    districts = ["districts_2020_11_10", "districts_2020_11_20", "districts_2020_11_25"]  # held until 1 Dec 2020
    assert shown == [["area_1994_2020"], ["area_2020_2023", *districts], ["nkao_azerbaijan_2023"]]
    for ax in maps:
        assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["nk"]
        keys = tuple(c.get_gid().split(":")[1] for c in by_gid(ax.collections, "control_area:"))
        for coll in by_gid(ax.collections, "control_area:"):
            key = coll.get_gid().split(":")[1]
            assert coll.get_hatch() == style.control_area_style(key, keys)["hatch"]
            assert rgb(coll.get_facecolors()[0]) == rgb(style.control_area_style(key, keys)["facecolor"])
            assert rgb(coll.get_facecolors()[0]) in PALETTE_RGB
    assert by_gid(maps[1].collections, "corridor:") and by_gid(maps[1].collections, "contact_line:")
    assert [bool(ax.child_axes) for ax in maps] == [False, False, True]  # one inset, on the last map
    assert_locator_inset(maps[-1], "nk")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert set(data["front_lines"]["label"]) <= set(legend)
    assert "not an endorsement" in caption(fig)


def test_control_area_table(data):
    table = plot.control_area_table(data["front_lines"], data["boundaries"]).set_index("key")
    assert table.loc["nkao_azerbaijan_2023", "pct_of_nkao"] == pytest.approx(100.0)
    assert table.loc["area_2020_2023", "area_km2"] == pytest.approx(
        kb.area_km2(data["front_lines"].set_index("key").loc[["area_2020_2023"]]).iloc[0])


# ------------------------------------------------------------------------------------------------ charts
def assert_names_wrapped_not_cut(fig, names):
    """Every claimant name is in the legend whole (long ones on two lines), none cut with an ellipsis."""
    (legend,) = fig.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert not any("\N{HORIZONTAL ELLIPSIS}" in t for t in texts)
    assert all(t.count("\n") <= 1 for t in texts)
    assert any("\n" in t for t in texts)  # the long names are wrapped
    flat = [" ".join(t.split()) for t in texts]
    for name in set(names):
        assert any(f.startswith(name) for f in flat), name


def test_casualty_claims_chart_draws_every_claim_unsummed(data):
    fig = plot.casualty_claims_chart(data["casualties"], article_figures=data["article_figures"],
                                     actors=data["actors"])
    cas = data["casualties"]
    drawn = cas[(cas["incident"] == "offensive") & cas["value"].notna()
                & cas["subgroup"].astype(str).isin(["unspecified", "military"])
                & cas["category"].astype(str).isin(["killed", "wounded"])].set_index("id")
    points = {}
    for ax in fig.axes:
        for line in by_gid(ax.lines, "claim:"):
            points[line.get_gid().split(":")[1]] = float(line.get_ydata()[0])
            assert rgb(line.get_color()) in PALETTE_RGB
    assert points == {i: float(v) for i, v in drawn["value"].items()}
    ringed = {line.get_gid().split(":")[1] for ax in fig.axes for line in by_gid(ax.lines, "article_figure:")}
    af = data["article_figures"]
    assert ringed == set(af.loc[af["row_id"].isin(drawn.index), "row_id"])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert all(by_gid(ax.lines, "article_mark") for ax in visible)
    assert {ax.get_title(loc="left") for ax in visible} == {
        "Ethnic Armenian side: killed", "Ethnic Armenian side: wounded", "Azerbaijani side: killed",
        "Azerbaijani side: wounded"}
    text = caption(fig)
    assert "Voice of America" in text and "never summed" in text and "endorsement" not in text
    assert_names_wrapped_not_cut(fig, plot._claimant_names(drawn, data["actors"]))


def test_arrivals_chart_draws_every_count(data):
    fig = plot.arrivals_chart(data["displacement"], actors=data["actors"])
    detail, overall = fig.axes[:2]
    counts = {line.get_gid().split(":")[1]: float(line.get_ydata()[0]) for line in by_gid(overall.lines, "count:")}
    d = data["displacement"].set_index("id")
    assert counts == {i: float(v) for i, v in d["cumulative_arrivals"].items()}
    assert by_gid(overall.lines, "article_mark") and detail.get_ylim()[0] == 0
    labelled = by_gid(detail.texts, "count_label:") + by_gid(overall.texts, "count_label:")
    assert len(labelled) == len({t.get_gid() for t in labelled})  # each series' last count labelled once
    assert "never added" in caption(fig)
    assert_names_wrapped_not_cut(fig, plot._claimant_names(data["displacement"], data["actors"]))


def test_timeline_strip_numbers_every_event(data):
    fig = plot.timeline_strip(data["events"])
    ev = data["events"]
    window = ev[(ev["date"] >= "2023-09-19") & (ev["date"] <= "2024-01-01")]
    markers = [line.get_gid().split(":")[1] for ax in fig.axes for line in by_gid(ax.lines, "event:")]
    assert sorted(markers) == sorted(window["id"])
    (listing,) = [t for ax in fig.axes for t in by_gid(ax.texts, "event_list")]
    assert listing.get_text().count("\n") + 1 >= len(window)
    for r in window.itertuples():
        assert r.event.split()[0] in listing.get_text()


# ------------------------------------------------------------------------------------------------ titles
FIGURES = {
    "region_map": lambda d: plot.region_map(distances=PAIRS, boundaries=d["boundaries"], places=d["places"],
                                            front_lines=d["front_lines"], events=d["events"]),
    "nk_map": lambda d: plot.nk_map("2023-09-19", boundaries=d["boundaries"], places=d["places"]),
    "front_lines": lambda d: plot.front_lines_small_multiples(boundaries=d["boundaries"], places=d["places"],
                                                              front_lines=d["front_lines"]),
    "casualty_claims": lambda d: plot.casualty_claims_chart(d["casualties"], article_figures=d["article_figures"],
                                                            actors=d["actors"]),
    "arrivals": lambda d: plot.arrivals_chart(d["displacement"], actors=d["actors"]),
    "timeline": lambda d: plot.timeline_strip(d["events"]),
}


@pytest.mark.parametrize("build", FIGURES.values(), ids=FIGURES.keys())
def test_every_figure_shows_its_title_above_the_axes(data, build):
    """kb.show_figure draws the title as the suptitle; every plot function leaves it room at the top."""
    import matplotlib.pyplot as plt
    from karabakh import figures

    fig = build(data)
    assert not fig.get_suptitle()  # the title is show_figure's to draw, from the one string given to it
    title = "A long title for the figure, as a notebook gives it, with its unit (people)"
    figures.figure_output(fig, "test", title=title, alt="a", source_ids="s")  # renders: the layout is done
    assert fig.get_suptitle() == title and fig._suptitle.get_visible()
    renderer = fig.canvas.get_renderer()
    top = fig._suptitle.get_window_extent(renderer)
    assert top.y1 <= fig.bbox.y1 and top.x0 >= fig.bbox.x0
    for ax in fig.axes:
        if ax.get_visible():
            assert ax.get_tightbbox(renderer).y1 <= top.y0 + 1, "an axes reaches into the title"
    plt.close(fig)


# ------------------------------------------------------------------------------------------------ text helpers
def test_caption_text_from_the_sources_table():
    sources = pd.DataFrame({"id": ["a", "b"], "publisher": ["Pub A", "Pub B"],
                            "published": pd.to_datetime(["2023-09-20", None])})
    text = plot.caption_text(["a", "b", "a"], is_map=False, sources=sources)
    assert text.startswith("Sources: Pub A (2023-09-20); Pub B (undated).")
    assert "endorsement" not in text
    assert style.NOT_AN_ENDORSEMENT in plot.caption_text(["a"], sources=sources)


def test_words_and_directions(data):
    assert plot.qualified(32, "at_least") == "at least 32"
    assert plot.qualified(100417, "exact") == "100,417"
    assert plot.qualified(200, "more_than") == "more than 200"
    assert plot.day("2023-09-20") == "20 Sept 2023"
    p = data["places"].set_index("id")["geometry"]
    assert plot.direction(p["stepanakert"], p["yevlakh"]) in ("north", "north-north-east", "north-east")
    assert plot.direction(p["stepanakert"], p["baku"]) in ("east", "east-north-east")


def test_article_counts_compared_keeps_every_claim(data):
    table = plot.article_counts_compared(data["article_figures"], data["casualties"], data["actors"])
    af = data["article_figures"]
    counts = af[(af["table"] == "casualties") & af["value"].notna()]
    assert set(table["figure_id"]) == set(counts["id"])
    assert table.groupby("figure_id")["is_article_row"].sum().eq(1).all()
    first = table[table["is_article_row"]].set_index("figure_id")
    for f in counts.itertuples():
        assert first.loc[f.id, "value"] == f.value


def test_latest_counts_one_per_claimant(data):
    table = plot.latest_counts(data["displacement"], actors=data["actors"])
    assert len(table) == len(table[["claimant", "measure"]].drop_duplicates())
    assert table["cumulative_arrivals"].max() == data["displacement"]["cumulative_arrivals"].max()


def test_figures_keep_no_global_state(data):
    import matplotlib.pyplot as plt

    before = dict(matplotlib.rcParams)
    n = len(plt.get_fignums())
    fig = plot.arrivals_chart(data["displacement"], actors=data["actors"])
    assert dict(matplotlib.rcParams) == before
    plt.close(fig)
    assert len(plt.get_fignums()) == n


# ------------------------------------------------------------------------------------------------ pixels
def titled(fig):
    """The figure with a title drawn as kb.show_figure draws it (the picture a reader sees)."""
    from karabakh import figures

    figures.draw_title(fig, "Figure title, as kb.show_figure draws it (people)")
    return fig


@pytest.mark.mpl_image_compare(filename="region_map.png", **MPL)
def test_image_region_map(data):
    return titled(plot.region_map(distances=PAIRS, boundaries=data["boundaries"], places=data["places"],
                                  front_lines=data["front_lines"], events=data["events"]))


@pytest.mark.mpl_image_compare(filename="front_lines_periods.png", **MPL)
def test_image_front_lines(data):
    return titled(plot.front_lines_small_multiples(boundaries=data["boundaries"], places=data["places"],
                                                   front_lines=data["front_lines"]))


@pytest.mark.mpl_image_compare(filename="casualty_claims.png", **MPL)
def test_image_casualty_claims(data):
    return titled(plot.casualty_claims_chart(data["casualties"], article_figures=data["article_figures"],
                                             actors=data["actors"]))



def test_nk_map_shows_the_features_valid_on_the_day(data):
    fig = plot.nk_map("2023-09-19", boundaries=data["boundaries"], places=data["places"])
    ax = fig.axes[0]
    valid = kb.load_front_lines(as_of="2023-09-19")
    drawn = sorted(c.get_gid().split(":", 1)[1] for c in ax.collections
                   if c.get_gid() and c.get_gid().split(":")[0] in ("control_area", "contact_line", "corridor"))
    assert drawn == sorted(valid["key"])
    assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["nk"]
    assert "not an endorsement" in caption(fig)
