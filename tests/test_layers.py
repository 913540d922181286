"""Map layers: geographic facts, validation of broken files, as_of filtering, rebuild = committed."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

import karabakh as kb
from karabakh.build import layers as build_layers
from karabakh.io import layers, tables
from karabakh.analysis import references
from karabakh.__main__ import main
from karabakh.io.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

@pytest.fixture(scope="module")
def places() -> dict[str, Point]:
    """Place points by id, from the places table (the facts below need every one of these places)."""
    table = kb.load_places().set_index("id")
    return {key: table.loc[key, "geometry"]
            for key in ("stepanakert", "shusha", "hadrut", "yevlakh", "goris", "lachin", "agdam")}


@pytest.fixture(scope="module")
def boundaries():
    return kb.load_boundaries()


@pytest.fixture(scope="module")
def fronts():
    return kb.load_front_lines().set_index("key")


def _country(boundaries, iso3):
    return boundaries.loc[boundaries["iso3"] == iso3].geometry.iloc[0]


def _nkao(boundaries):
    (geom,) = boundaries.loc[boundaries["kind"] == "nkao"].geometry
    return geom


# ------------------------------------------------------------------------------------ committed layers
def test_committed_layers_are_valid():
    assert layers.validate_layers() == []


def test_layers_are_2d_wgs84_valid_and_rounded(boundaries, fronts):
    for gdf in (boundaries, fronts):
        assert gdf.crs.to_epsg() == 4326
        assert not gdf.has_z.any()
        assert gdf.is_valid.all() and not gdf.is_empty.any()
        coords = shapely.get_coordinates(gdf.geometry.values) * 10**layers.PRECISION
        assert np.abs(coords - np.round(coords)).max() < 1e-6, f"coordinates must have <= {layers.PRECISION} decimals"
    assert set(boundaries["kind"]) == {"country", "nkao"}
    assert {"ARM", "AZE", "GEO", "IRN", "TUR", "RUS"} <= set(boundaries["iso3"])
    assert (boundaries["kind"] == "nkao").sum() == 1, "the former NKAO is one polygon"
    assert _nkao(boundaries).geom_type == "Polygon"


def test_every_control_area_and_line_is_dated_and_sourced(fronts):
    assert set(fronts["feature"]) == set(layers.FEATURE_TYPES)
    assert fronts["valid_from"].notna().all()
    assert (fronts["source_id"] != "").all() and (fronts["from_source_id"] != "").all()
    closed = fronts["valid_to"].notna()
    assert (fronts.loc[closed, "valid_to"] > fronts.loc[closed, "valid_from"]).all()
    assert (fronts.loc[closed, "to_source_id"] != "").all()
    assert fronts.loc["line_1994_2020", "valid_from"] == pd.Timestamp("1994-05-12")
    assert fronts.loc["area_2020_2023", "valid_to"] == pd.Timestamp("2023-09-20")
    assert pd.isna(fronts.loc["nkao_2023", "valid_to"]), "the area after the 2023 cease-fire is open-ended"


def test_data_folder_stays_small():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 5_000_000
    assert sum(p.stat().st_size for p in (DATA / "layers").glob("*.geojson")) < 1_500_000


def test_readme_names_every_layer_and_licence():
    text = (DATA / "layers" / "README.md").read_text(encoding="utf-8")
    manifest = pd.read_csv(DATA / "layers" / "manifest.csv", dtype=str, keep_default_na=False)
    for key in manifest["key"]:
        assert f"`{key}`" in text, f"data/layers/README.md does not describe {key}"
    for needle in ("GPL-3.0", "Europe and Central Asia program", "public domain", "sha256"):
        assert needle.lower() in text.lower()


# --------------------------------------------------------------------------------- geographic facts
def test_stepanakert_in_former_nkao_and_2020_2023_area(boundaries, fronts, places):
    assert _nkao(boundaries).contains(places["stepanakert"])
    assert fronts.loc["area_2020_2023"].geometry.contains(places["stepanakert"])


@pytest.mark.parametrize("town", ["shusha", "hadrut"])
def test_shusha_and_hadrut_in_former_nkao_but_outside_2020_2023_area(boundaries, fronts, places, town):
    assert _nkao(boundaries).contains(places[town])
    assert not fronts.loc["area_2020_2023"].geometry.contains(places[town])


def test_yevlakh_in_azerbaijan_outside_former_nkao(boundaries, places):
    assert _country(boundaries, "AZE").contains(places["yevlakh"])
    assert not _nkao(boundaries).contains(places["yevlakh"])


def test_goris_in_armenia(boundaries, places):
    assert _country(boundaries, "ARM").contains(places["goris"])
    assert not _country(boundaries, "AZE").contains(places["goris"])


def test_lachin_outside_former_nkao_inside_1994_2020_area_and_old_corridor(boundaries, fronts, places):
    assert not _nkao(boundaries).contains(places["lachin"])
    assert fronts.loc["area_1994_2020"].geometry.contains(places["lachin"])
    # the Crisis Group corridor runs through Berdzor / Lachin town: the route used until Aug 2022
    assert fronts.loc["corridor_2020_2022"].geometry.contains(places["lachin"])


def test_agdam_inside_1994_2020_area_outside_2020_2023_area(fronts, places):
    assert fronts.loc["area_1994_2020"].geometry.contains(places["agdam"])
    assert not fronts.loc["area_2020_2023"].geometry.contains(places["agdam"])


def test_2020_2023_area_lies_within_the_1994_2020_area(fronts):
    areas = kb.area_km2(fronts.loc[["area_2020_2023"]].difference(fronts.loc["area_1994_2020"].geometry))
    assert areas.iloc[0] < 0.01 * kb.area_km2(fronts.loc[["area_2020_2023"]]).iloc[0]


def test_areas_and_lengths_match_published_figures():
    table = references.compare_with_references()
    assert len(table) == len(tables.load_table("layer_references")) >= 12
    assert {"area_km2", "length_km", "width_km"} == set(table["measure"])
    bad = table[table["diff_pct"].abs() > table["tolerance_pct"]]
    assert bad.empty, bad.to_string()


# ------------------------------------------------------------------------------------------- as_of
@pytest.mark.parametrize("as_of, keys", [
    ("2000-01-01", {"area_1994_2020", "line_1994_2020"}),
    ("2020-09-26", {"area_1994_2020", "line_1994_2020"}),
    ("2020-11-10", {"area_2020_2023", "districts_2020_11_10", "line_2020_2023", "corridor_2020_2022"}),
    (pd.Timestamp("2022-01-01"), {"area_2020_2023", "line_2020_2023", "corridor_2020_2022"}),
    (pd.Timestamp("2022-08-26").date(), {"area_2020_2023", "line_2020_2023"}),
    ("2023-09-20", {"nkao_2023"}),
    ("2025-01-01", {"nkao_2023"}),
    ("1990-01-01", set()),
])
def test_as_of_returns_only_what_was_valid(as_of, keys):
    assert set(kb.load_front_lines(as_of=as_of)["key"]) == keys


def test_as_of_rejects_non_dates():
    with pytest.raises(ValueError, match="as_of"):
        kb.load_front_lines(as_of="not a date")


# ----------------------------------------------------------------------------------- broken layers
def _features(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc), encoding="utf-8")


def _break_front(data_copy: Path, change) -> Path:
    path = data_copy / "layers" / layers.FRONT_LINES
    doc = _features(path)
    change(doc)
    _write(path, doc)
    return path


def _bowtie(doc):
    doc["features"][2]["geometry"] = {"type": "Polygon", "coordinates": [
        [[46.5, 39.5], [46.6, 39.6], [46.6, 39.5], [46.5, 39.6], [46.5, 39.5]]]}


def _add_z(doc):
    geom = doc["features"][1]["geometry"]
    geom["coordinates"] = [[x, y, 0.0] for x, y in geom["coordinates"]]


def _drop_date(doc):
    del doc["features"][3]["properties"]["valid_from"]


def _empty_date(doc):
    doc["features"][5]["properties"]["valid_from"] = ""


def _unknown_type(doc):
    doc["features"][4]["properties"]["feature"] = "buffer_zone"


def _too_precise(doc):
    doc["features"][1]["geometry"]["coordinates"][0][0] += 1.23456789e-7


def _web_mercator(doc):
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    geom = doc["features"][1]["geometry"]
    geom["coordinates"] = [[x * 111319.49, y * 111319.49] for x, y in geom["coordinates"]]


@pytest.mark.parametrize("change, where, problem", [
    (_bowtie, "feature 2 (area_2020_2023)", "invalid geometry: Self-intersection"),
    (_add_z, "feature 1 (line_1994_2020)", "Z coordinates"),
    (_drop_date, "feature 3 (districts_2020_11_10)", "undated feature: valid_from is missing"),
    (_empty_date, "feature 5 (corridor_2020_2022)", "undated feature: valid_from is empty"),
    (_unknown_type, "feature 4 (line_2020_2023)", "unknown feature type 'buffer_zone'"),
    (_too_precise, "feature 1 (line_1994_2020)", "more than 5 decimals"),
    (_web_mercator, "", "CRS must be EPSG:4326"),
    (_web_mercator, "feature 1 (line_1994_2020)", "outside the region"),
])
def test_broken_front_lines_are_reported_with_file_feature_and_problem(data_copy, change, where, problem):
    _break_front(data_copy, change)
    with pytest.raises(DataValidationError) as info:
        kb.load_front_lines(data_dir=data_copy)
    found = [p for p in info.value.problems if p.where == where and problem in p.message]
    assert found and found[0].file == "layers/front_lines.geojson", str(info.value)
    assert problem in str(info.value) and "front_lines.geojson" in str(info.value)
    assert any(p.where == where and problem in p.message for p in layers.validate_layers(data_copy))


def test_malformed_json_is_reported_with_file_and_reason(data_copy):
    path = data_copy / "layers" / layers.BOUNDARIES
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"boundaries\.geojson: malformed JSON: .* line \d+, column \d+"):
        kb.load_boundaries(data_dir=data_copy)


def test_oversized_file_is_refused_before_reading(data_copy):
    path = data_copy / "layers" / layers.FRONT_LINES
    path.write_bytes(b" " * (layers.MAX_LAYER_BYTES + 1))
    with pytest.raises(DataValidationError, match="over the .*-byte limit"):
        kb.load_front_lines(data_dir=data_copy)


def test_missing_layer_file_is_reported(data_copy):
    (data_copy / "layers" / layers.BOUNDARIES).unlink()
    problems = layers.validate_layers(data_copy)
    assert len(problems) == 1 and problems[0].file.endswith("boundaries.geojson")
    assert "cannot read" in problems[0].message


def test_boundary_problems_name_the_feature(data_copy):
    path = data_copy / "layers" / layers.BOUNDARIES
    doc = _features(path)
    doc["features"][0]["properties"]["kind"] = "province"
    doc["features"][1]["geometry"] = {"type": "LineString", "coordinates": [[46.0, 40.0], [46.5, 40.5]]}
    _write(path, doc)
    messages = [str(p) for p in layers.validate_layers(data_copy)]
    assert any("feature 0" in m and "unknown kind 'province'" in m for m in messages), messages
    assert any("feature 1" in m and "must be a Polygon or MultiPolygon" in m for m in messages), messages


def test_every_problem_is_listed_not_just_the_first(data_copy):
    def several(doc):
        _drop_date(doc)
        _unknown_type(doc)
        _add_z(doc)

    _break_front(data_copy, several)
    assert len(layers.validate_layers(data_copy)) >= 3


# --------------------------------------------------------------------------------------- rebuild
def test_rebuild_from_the_raw_extracts_equals_committed_layers(tmp_path):
    """`make layers` on any clone: data/raw/ alone gives the committed layers, byte for byte."""
    report = build_layers.build(out_dir=tmp_path)
    for name in (*layers.LAYER_FILES, layers.MANIFEST):
        assert (tmp_path / name).read_bytes() == (DATA / "layers" / name).read_bytes(), (
            f"{name} differs from a fresh build: run `make layers` and commit")
    assert max(report["nkao_gaps_closed_deg"]) < 0.0025, "the NKAO gaps to close are ~0.002 deg at most"
    for evidence in report["front_line_evidence"].values():  # Crisis Group's "Front line"s: interstate border
        assert evidence["mean_km_to_ne_armenia_azerbaijan_border"] < 5


def test_cli_validate_exit_code(data_copy, capsys):
    assert main(["validate", str(data_copy)]) == 0
    _break_front(data_copy, _unknown_type)
    assert main(["validate", str(data_copy)]) == 1
    assert "unknown feature type 'buffer_zone'" in capsys.readouterr().err


def test_context_layer_shows_where_the_south_caucasus_is():
    """The locator layer is wider than the region and holds the neighbours a reader knows."""
    context = kb.load_boundaries(context=True)
    assert set(context["kind"]) == {"country"}
    assert {"ARM", "AZE", "GEO", "TUR", "IRN", "RUS"} <= set(context["iso3"])
    x0, y0, x1, y1 = context.total_bounds
    rx0, ry0, rx1, ry1 = layers.REGION_BBOX
    assert x0 < rx0 - 10 and x1 > rx1 + 5 and y0 < ry0 - 3 and y1 > ry1 + 3
    region = shapely.box(*layers.REGION_BBOX)
    armenia = context.loc[context["iso3"] == "ARM"].geometry.iloc[0]
    assert region.contains(armenia.representative_point())
