"""Maps (karabakh.plot.maps): assertions on the artists, as geopandas' own plotting tests do."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_helpers import FIGURES, by_gid, caption, load_all, renderer
from matplotlib.colors import to_rgb

import karabakh as kb
from karabakh.plot import protocol, map_parts, maps, style
from karabakh.analysis import story, wording
PALETTE_RGB = {tuple(round(c, 3) for c in to_rgb(h)) for h in style.PALETTE}


def rgb(colour) -> tuple[float, float, float]:
    return tuple(round(c, 3) for c in to_rgb(colour))


@pytest.fixture(scope="module")
def data():
    return load_all()


@pytest.fixture(scope="module")
def region(data):
    fig = FIGURES["region_map"](data)
    yield fig
    plt.close(fig)


def test_style_palette_is_okabe_ito_and_hatches_are_distinct():
    assert style.PALETTE == ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
    hatches = [s["hatch"] for s in style.CONTROL_AREA.values()] + [style.CORRIDOR["hatch"]]
    assert len(set(hatches)) == len(hatches) and all(hatches)
    for spec in [*style.CONTROL_AREA_FALLBACK, style.CORRIDOR]:
        assert spec["facecolor"] in style.PALETTE
    held = kb.load_front_lines().set_index("key")["held_by"]
    for key, spec in style.CONTROL_AREA.items():  # a party's area in a palette colour, an unknown holder in grey
        assert spec["facecolor"] == style.UNKNOWN_GREY if held[key] == "unknown" else spec["facecolor"] in style.PALETTE
    assert style.control_area_style("new_area", ("new_area",))["hatch"] == style.CONTROL_AREA_FALLBACK[0]["hatch"]


def test_style_extents_are_projected_and_cover_the_story(data):
    places = map_parts.to_map_crs(data["places"]).set_index("id")
    for key, ids in story.MAP_PLACES.items():
        xmin, xmax, ymin, ymax = style.EXTENTS[key]
        assert xmin < xmax and ymin < ymax and xmax - xmin > 10_000  # metres, not degrees
        for pid in ids:
            p = places.loc[pid, "geometry"]
            assert xmin < p.x < xmax and ymin < p.y < ymax, (key, pid)


def test_region_map_artists(region, data):
    ax = region.axes[0]
    assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["region"]
    assert ax.get_aspect() == 1.0
    (countries,) = by_gid(ax.collections, "countries")
    faces = {rgb(c) for c in countries.get_facecolors()}
    assert {rgb(style.COUNTRY_FILL["AZE"]), rgb(style.COUNTRY_FILL["ARM"])} <= faces
    (nkao,) = by_gid(ax.collections, "nkao")
    assert len(nkao.get_facecolors()) == 0 or nkao.get_facecolors()[0][3] == 0  # outline only
    corridors = by_gid(ax.collections, "corridor:")
    assert corridors and all(c.get_hatch() == style.CORRIDOR["hatch"] for c in corridors)
    assert all(rgb(c.get_facecolors()[0]) in PALETTE_RGB for c in corridors)
    assert len(by_gid(ax.collections, "distance:")) == len(story.DISTANCES)

    labels = {t.get_text() for t in by_gid(ax.texts, "place_label:")}
    assert "Stepanakert / Khankendi" in labels and {"Baku", "Yerevan", "Goris"} <= labels
    assert "Yevlakh (talks, 21 Sept)" in labels  # the talks venue, its day from the events table (ev021)
    assert data["events"].set_index("id").loc["ev021", "source_id"] in protocol.description(region)["source_ids"]
    contested = data["places"].set_index("id").loc[list(story.MAP_PLACES["region"])]
    for row in contested[contested["label"].str.contains(" / ", regex=False)].itertuples():
        label = next(t for t in labels if t.startswith(row.label))
        assert label.startswith(f"{row.name_armenian} / ")

    km = {t.get_gid(): t.get_text() for t in by_gid(ax.texts, "distance_label:")}
    by_id = data["places"].set_index("id")
    alt = protocol.description(region)["alt"]
    for a, b in story.DISTANCES:
        expected = kb.distance_km(by_id.loc[a, "geometry"], by_id.loc[b, "geometry"])
        assert km[f"distance_label:{a}:{b}"] == f"{expected:.0f} km"
        assert f"{expected:.0f} km {maps.direction(by_id.loc[a, 'geometry'], by_id.loc[b, 'geometry'])}" in alt


def test_distance_labels_clear_the_nkao_boundary(region):
    """Each distance label's box (as drawn) crosses no segment of the former NKAO's outline."""
    ax = region.axes[0]
    render = renderer(region)
    (nkao,) = by_gid(ax.collections, "nkao")
    outline = [path.transformed(ax.transData) for path in nkao.get_paths()]
    labels = by_gid(ax.texts, "distance_label:")
    assert len(labels) == len(story.DISTANCES)
    for label in labels:
        box = label.get_window_extent(render)
        assert not any(path.intersects_bbox(box, filled=False) for path in outline), label.get_text()


def test_map_furniture_scale_bar_north_arrow_inset_caption(region):
    from matplotlib_scalebar.scalebar import ScaleBar

    ax = region.axes[0]
    bars = [a for a in ax.artists if isinstance(a, ScaleBar)]
    assert len(bars) == 1 and bars[0].get_gid() == "scale_bar" and bars[0].dx == 1 and bars[0].units == "m"
    assert len(by_gid(ax.texts, "north_arrow")) == 1
    assert_locator_inset(ax, "region")
    text = caption(region)
    for needle in ("Sources: Natural Earth (9 May 2022)", "International Crisis Group", "GeoNames", "GPL-3.0",
                   "Public domain", "not an endorsement"):
        assert needle in text
    assert set(protocol.description(region)["source_ids"]) >= {"ne_countries_5_1_1", "ne_disputed_4_0_0", "geonames",
                                                             "crisisgroup_nk_data"}


def assert_locator_inset(ax, extent):
    """The inset shows the wider context (lon/lat), the main map's extent as a box, a few labels."""
    from pyproj import Transformer

    (inset,) = [c for c in ax.child_axes if c.get_gid() == "locator_inset"]
    assert (*inset.get_xlim(), *inset.get_ylim()) == style.LOCATOR_EXTENT
    (countries,) = by_gid(inset.collections, "locator_countries")
    context = kb.load_boundaries(context=True)
    assert len(countries.get_paths()) == len(context[context["kind"] == "country"])  # one path per country
    faces = {rgb(c) for c in countries.get_facecolors()}
    assert {rgb(style.COUNTRY_FILL["AZE"]), rgb(style.COUNTRY_FILL["ARM"]), rgb(style.LAND)} <= faces
    (box,) = by_gid(inset.patches, "locator_box")
    lon, lat = np.asarray(box.get_xy()).T
    x, y = Transformer.from_crs("EPSG:4326", style.MAP_CRS, always_xy=True).transform(lon, lat)
    assert (x.min(), x.max(), y.min(), y.max()) == pytest.approx(style.EXTENTS[extent], abs=1.0)  # metres
    labels = {t.get_text() for t in by_gid(inset.texts, "locator_label:")}
    assert labels == set(style.LOCATOR_LABELS) and {"Black Sea", "Caspian\nSea"} <= labels
    assert "ne_countries_5_1_1" in protocol.description(ax.figure)["source_ids"]


def test_the_inset_leaves_georgia_in_view(region):
    """No country of the main map is mostly hidden under the inset: Georgia's label is in view."""
    ax = region.axes[0]
    render = renderer(region)
    (inset,) = ax.child_axes
    (georgia,) = by_gid(ax.texts, "country_label:Georgia")
    assert not georgia.get_window_extent(render).overlaps(inset.get_window_extent(render))


def test_base_map_into_an_existing_axes_adds_no_caption(data):
    fig, ax = plt.subplots()
    out = maps.base_map(data["boundaries"], data["places"], ax=ax, extent="nk")
    assert out is ax and not by_gid(fig.texts, "caption") and not ax.child_axes
    assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["nk"]
    with pytest.raises(ValueError, match="unknown extent"):
        maps.base_map(data["boundaries"], data["places"], ax=ax, extent="world")


def test_polygons_keep_their_holes():
    """A polygon with a hole is drawn as one path; the rendered hole is left unfilled (either ring orientation)."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    square, hole = [(0, 0), (10, 0), (10, 10), (0, 10)], [(4, 4), (6, 4), (6, 6), (4, 6)]
    for shell, inner in ((square, hole), (square[::-1], hole[::-1])):
        fig, ax = plt.subplots(figsize=(2, 2), dpi=100)
        ax.set_position([0, 0, 1, 1])
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        ax.axis("off")
        shape = gpd.GeoSeries([Polygon(shell, holes=[inner])])
        coll = map_parts.draw_polygons(ax, shape, gid="demo", facecolor="black")
        assert len(coll.get_paths()) == 1
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())
        assert tuple(pixels[100, 100, :3]) == (255, 255, 255) and tuple(pixels[20, 20, :3]) == (0, 0, 0)
        plt.close(fig)


def test_maps_draw_without_redrawing_the_figure(data, monkeypatch):
    """Layers go straight into collections: building a map never renders the figure (geopandas' plot did, once
    per layer)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    calls = []
    original = FigureCanvasAgg.draw
    monkeypatch.setattr(FigureCanvasAgg, "draw", lambda self, *a, **k: (calls.append(1), original(self, *a, **k))[1])
    FIGURES["front_lines"](data)
    assert calls == []


def test_front_lines_small_multiples(data):
    fig = FIGURES["front_lines"](data)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == [p[0] for p in story.PERIODS]
    shown = [sorted(c.get_gid().split(":")[1] for c in by_gid(ax.collections, "control_area:")) for ax in panels]
    districts = ["districts_2020_11_10", "districts_2020_11_20", "districts_2020_11_25"]  # held until 1 Dec 2020
    assert shown == [["area_1994_2020"], ["area_2020_2023", *districts], ["nkao_2023"]]
    held = kb.load_front_lines().set_index("key")["held_by"]
    for ax in panels:
        assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["nk"]
        keys = tuple(c.get_gid().split(":")[1] for c in by_gid(ax.collections, "control_area:"))
        for coll in by_gid(ax.collections, "control_area:"):
            key = coll.get_gid().split(":")[1]
            spec = style.control_area_style(key, keys, held_by=held[key])
            assert coll.get_hatch() == spec["hatch"]
            assert rgb(coll.get_facecolors()[0]) == rgb(spec["facecolor"])
    assert by_gid(panels[1].collections, "corridor:") and by_gid(panels[1].collections, "contact_line:")
    assert [bool(ax.child_axes) for ax in panels] == [False, False, True]  # one inset, on the last map
    assert_locator_inset(panels[-1], "nk")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    fl = data["front_lines"]
    others = fl.loc[~fl["key"].isin(districts) & (fl["feature"] != "contact_line"), "label"]
    assert {wording.en_dashes(label) for label in others} <= set(legend)  # spans of years with an en dash
    # the two lines of contact, each drawn alike in its own period's panel, are one entry naming both periods
    assert [t for t in legend if t.startswith("Line of contact")] == [
        "Line of contact of the panel's period (1994\N{EN DASH}2020, 2020\N{EN DASH}2023)"]
    # the districts nest, drawn one over the other: each entry names what is left in view, and its last day held
    # (hand-overs of 20 Nov, 25 Nov and 1 Dec 2020: Aghdam (part), Kalbajar, Lachin)
    assert {"Aghdam (part): held by ethnic-Armenian forces until 19 Nov 2020",
            "Kalbajar: held by ethnic-Armenian forces until 24 Nov 2020",
            "Lachin: held by ethnic-Armenian forces until 30 Nov 2020"} <= set(legend)
    assert "not an endorsement" in caption(fig)
    areas = kb.control_area_table(data["front_lines"], data["boundaries"])
    alt = protocol.description(fig)["alt"]
    for r in areas.itertuples():  # the alt text states the areas drawn, computed
        assert f"{wording.en_dashes(r.label)} ({r.area_km2:,.0f} km2)" in alt


def test_nk_map_shows_the_features_it_is_given(data):
    valid = kb.load_front_lines(as_of="2023-09-19")
    fig = FIGURES["nk_map"](data)
    ax = fig.axes[0]
    drawn = sorted(c.get_gid().split(":", 1)[1] for c in ax.collections
                   if c.get_gid() and c.get_gid().split(":")[0] in ("control_area", "contact_line", "corridor"))
    assert drawn == sorted(valid["key"])
    assert (*ax.get_xlim(), *ax.get_ylim()) == style.EXTENTS["nk"]
    assert "not an endorsement" in caption(fig)
    assert protocol.description(fig)["title"].endswith("on 19 Sept 2023")


def test_control_area_table(data):
    table = kb.control_area_table(data["front_lines"], data["boundaries"]).set_index("key")
    assert table.loc["nkao_2023", "pct_of_nkao"] == pytest.approx(100.0)
    assert table.loc["area_2020_2023", "area_km2"] == pytest.approx(
        kb.area_km2(data["front_lines"].set_index("key").loc[["area_2020_2023"]]).iloc[0])
