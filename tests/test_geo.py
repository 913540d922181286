"""Equal-area areas, geodesic lengths and distances (karabakh.analysis.geo)."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, box

import karabakh as kb

GEOD = Geod(ellps="WGS84")


def _gs(*geoms, crs="EPSG:4326"):
    return gpd.GeoSeries(list(geoms), crs=crs)


def test_area_of_a_one_degree_cell_matches_the_ellipsoid():
    cell = box(46.0, 39.5, 47.0, 40.5)
    geodesic = abs(GEOD.geometry_area_perimeter(cell)[0]) / 1e6  # ~9,484 km2
    assert kb.area_km2(_gs(cell)).iloc[0] == pytest.approx(geodesic, rel=1e-4)


def test_area_of_the_layers_is_equal_area_not_planar_degrees():
    nkao = kb.load_boundaries().query("kind == 'nkao'")
    geodesic = abs(GEOD.geometry_area_perimeter(nkao.geometry.iloc[0])[0]) / 1e6
    area = kb.area_km2(nkao)
    assert isinstance(area, pd.Series) and list(area.index) == list(nkao.index)
    assert area.iloc[0] == pytest.approx(geodesic, rel=5e-4)
    assert 4000 < area.iloc[0] < 4600  # km2, not square degrees nor m2


def test_area_accepts_other_crs_and_lines_have_no_area():
    cell = _gs(box(46.0, 39.5, 47.0, 40.5)).to_crs("EPSG:32638")
    assert kb.area_km2(cell).iloc[0] == pytest.approx(kb.area_km2(_gs(box(46.0, 39.5, 47.0, 40.5))).iloc[0], rel=1e-6)
    assert kb.area_km2(_gs(LineString([(46, 40), (47, 40)]))).iloc[0] == 0


def test_length_is_geodesic_km():
    meridian_degree = LineString([(46.5, 39.5), (46.5, 40.5)])  # 1 degree of latitude at 40 N = 111.04 km
    assert kb.length_km(_gs(meridian_degree)).iloc[0] == pytest.approx(111.04, abs=0.02)
    assert kb.length_km(_gs(meridian_degree).to_crs("EPSG:32638")).iloc[0] == pytest.approx(111.04, abs=0.02)


def test_distance_accepts_place_ids_points_rows_and_named_coordinates():
    equator = kb.distance_km(Point(0.0, 0.0), Point(1.0, 0.0))
    assert equator == pytest.approx(111.319, abs=0.001)  # 1 degree of longitude on the equator (WGS 84)
    stepanakert, goris = (46.7528, 39.8177), (46.34168, 39.51111)
    d = GEOD.inv(*stepanakert, *goris)[2] / 1000  # pyproj directly, as the oracle
    assert kb.distance_km(Point(stepanakert), Point(goris)) == pytest.approx(d)
    row = pd.Series({"id": "goris", "lon": goris[0], "lat": goris[1]})
    assert kb.distance_km({"geometry": Point(stepanakert)}, row) == pytest.approx(d)
    assert kb.distance_km(Point(stepanakert), lon=goris[0], lat=goris[1]) == pytest.approx(d)
    assert kb.distance_km(lon=(stepanakert[0], goris[0]), lat=(stepanakert[1], goris[1])) == pytest.approx(d)


def test_distance_between_place_ids_uses_the_places_table():
    places = kb.load_places().set_index("id")
    y, s = places.loc["yevlakh"], places.loc["stepanakert"]
    expected = GEOD.inv(y["lon"], y["lat"], s["lon"], s["lat"])[2] / 1000
    assert kb.distance_km("yevlakh", "stepanakert") == pytest.approx(expected)
    assert kb.distance_km("yevlakh", "stepanakert") == pytest.approx(95.1, abs=0.05)  # the true distance
    assert kb.distance_km("yevlakh", s) == pytest.approx(expected)


@pytest.mark.parametrize("bare", [(40.62, 47.15), [47.15, 40.62], np.array([47.15, 40.62])])
def test_a_bare_pair_is_refused_with_the_reason(bare):
    with pytest.raises(TypeError) as info:
        kb.distance_km(bare, "stepanakert")
    message = str(info.value)
    assert "bare pair" in message and "which is the longitude" in message and "lon=" in message
    assert "47.15" in message and "40.62" in message


@pytest.mark.parametrize("call, error, match", [
    (lambda: kb.distance_km("stepanakrt", "goris"), ValueError, "unknown place name 'stepanakrt'.*did you mean 'Stepanakert' \\(stepanakert\\)"),
    (lambda: kb.distance_km(Point(39.8, 460.0), "goris"), ValueError, "not a longitude"),
    (lambda: kb.distance_km(LineString([(0, 0), (1, 1)]), "goris"), TypeError, "expected a Point, got a LineString"),
    (lambda: kb.distance_km(pd.Series({"id": "x"}), "goris"), TypeError, "'lon' and 'lat'"),
    (lambda: kb.distance_km("goris"), TypeError, "give two places"),
    (lambda: kb.distance_km("goris", lon=46.0), TypeError, "both lon= and lat="),
    (lambda: kb.distance_km(lon=46.0, lat=40.0), TypeError, "are pairs"),
    (lambda: kb.distance_km("goris", "yevlakh", lon=46.0, lat=40.0), TypeError, "give two places"),
    (lambda: kb.point(lon=40.0, lat=95.0), ValueError, "latitude in"),
])
def test_distance_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_measures_need_a_crs():
    with pytest.raises(ValueError, match="no CRS"):
        kb.area_km2(gpd.GeoSeries([box(0, 0, 1, 1)]))
    with pytest.raises(TypeError):
        kb.length_km([LineString([(0, 0), (1, 1)])])
