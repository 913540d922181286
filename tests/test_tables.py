"""The shipped tables load typed, validated and cross-referenced."""
from __future__ import annotations

import pandas as pd
import pytest

import karabakh as kb
from karabakh.io import tables
LOADERS = {
    "sources": kb.load_sources, "casualties": kb.load_casualties, "actors": kb.load_actors,
    "events": kb.load_events, "displacement": kb.load_displacement, "places": kb.load_places,
    "article_figures": kb.load_article_figures,
    "raw_registry": lambda: tables.load_table("raw_registry"),
    "layer_references": lambda: tables.load_table("layer_references"),
    "control": kb.load_control,
    "incidents": kb.load_incidents, "sectors": kb.load_sectors, "timeline": kb.load_timeline,
    "timeline_ru": kb.load_timeline_ru, "incidents_pre2020": kb.load_incidents_pre2020, "detentions": kb.load_detentions,
    "excess_deaths_2020": kb.load_excess_deaths, "unhcr_displacement": kb.load_unhcr,
    "war_2020_tolls": kb.load_war_tolls,
    "place_names": lambda: tables.load_table("place_names"),
    "place_names_curated": lambda: tables.load_table("place_names_curated"),
}


def test_shipped_data_is_valid():
    assert tables.validate_tables() == []


@pytest.mark.parametrize("name", tables.TABLES)
def test_columns_and_types_follow_the_schema(name):
    frame = LOADERS[name]()
    fields = tables.table_schema(name)["fields"]
    assert list(frame.columns[: len(fields)]) == [f["name"] for f in fields]
    key = tables.table_schema(name)["primaryKey"]
    key = [key] if isinstance(key, str) else key
    assert not frame.duplicated(key).any() and frame[key].notna().all().all()
    for field in fields:
        col = frame[field["name"]]
        if "enum" in field.get("constraints", {}):
            assert isinstance(col.dtype, pd.CategoricalDtype)
            assert list(col.cat.categories) == field["constraints"]["enum"]
        elif field["type"] == "date":
            assert pd.api.types.is_datetime64_any_dtype(col)
        elif field["type"] == "integer":
            assert col.dtype == "Int64"
        elif field["type"] == "number":
            assert col.dtype == "float64"
        elif field["type"] == "boolean":
            assert col.dtype == "boolean"
        if field.get("constraints", {}).get("required"):
            assert col.notna().all(), f"{name}.{field['name']} has missing values"


def test_places_are_points_in_wgs84():
    places = kb.load_places()
    assert places.crs.to_epsg() == 4326
    assert (places.geom_type == "Point").all()
    assert places.geometry.x.tolist() == places["lon"].tolist()


def test_contested_places_carry_both_names():
    places = kb.load_places().set_index("id")
    for place_id, armenian, azerbaijani, in_azerbaijani_latin in [
        ("stepanakert", "Stepanakert", "Khankendi", "Xankəndi"), ("martakert", "Martakert", "Aghdara", "Ağdərə"),
        ("martuni", "Martuni", "Khojavend", "Xocavənd"), ("lachin", "Berdzor", "Lachin", "Laçın"),
        ("shusha", "Shushi", "Shusha", "Şuşa"), ("hin_tagher", "Hin Tagher", "Kohne Taghlar", "Köhnə Tağlar"),
    ]:
        assert places.loc[place_id, "label"] == f"{armenian} / {azerbaijani}"
        assert places.loc[place_id, "name_armenian"] == armenian
        assert places.loc[place_id, "name_azerbaijani"] == in_azerbaijani_latin


def test_every_claim_has_claimant_date_and_source_url():
    sources = kb.load_sources().set_index("id")
    for name, date_col in [("casualties", "reported_on"), ("displacement", "date")]:
        frame = LOADERS[name]()
        assert frame["claimant"].notna().all() and frame[date_col].notna().all()
        assert sources.loc[frame["source_id"], "url"].str.match(r"https?://").all()


def test_no_source_is_a_tor_or_ipfs_gateway():
    sources = kb.load_sources()
    urls = pd.concat([sources["url"], sources["retrieved_from"].dropna()])
    assert not urls.str.contains(r"\.onion|ipfs|ipns", case=False).any()


def test_disagreements_are_kept_not_resolved():
    """Several claimants give different tolls for the same people and period: all rows stay."""
    cas = kb.load_casualties()
    killed = cas[(cas["side"] == "ethnic_armenian") & (cas["category"] == "killed") & (cas["incident"] == "offensive")
                 & (cas["subgroup"] == "unspecified")]
    assert killed["claimant"].nunique() >= 3
    assert killed["value"].nunique() >= 3


def test_loaders_return_copies():
    first = kb.load_casualties()
    first.loc[first.index[0], "claimant"] = "changed"
    assert kb.load_casualties().loc[first.index[0], "claimant"] != "changed"


def test_data_dir_argument_and_environment_variable(data_copy, monkeypatch):
    (data_copy / "sources.csv").write_text("", encoding="utf-8")
    with pytest.raises(kb.DataValidationError, match="sources.csv: file is empty"):
        kb.load_sources(data_copy)
    monkeypatch.setenv("KARABAKH_DATA", str(data_copy))
    with pytest.raises(kb.DataValidationError, match="sources.csv: file is empty"):
        kb.load_sources()
    assert len(kb.load_sources(tables.shipped_data_dir())) > 0


def test_edits_are_seen_by_the_next_load(data_copy):
    """The loader caches per file version: an edited file is read again (a user's folder: no SHA256SUMS)."""
    (data_copy / "SHA256SUMS").unlink()
    before = len(kb.load_events(data_copy))
    path = data_copy / "events.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert len(kb.load_events(data_copy)) == before - 1

