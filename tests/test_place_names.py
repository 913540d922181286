"""Every name of every place (issue 17): the table against the raw GeoNames file read with `json`, the resolver that
every function taking a place uses, control_on for every place of places.csv, and bad inputs for the new tables."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import karabakh as kb
from karabakh.analysis import control
from karabakh.build import place_names as build
from karabakh.io import checksums, tables

DATA = Path(kb.__file__).parent.parent / "data"
#: The former NKAO and the seven districts around it, as places.csv has them.
NK_AND_DISTRICTS = ("stepanakert", "askeran", "khojaly", "martakert", "martuni", "hadrut", "shusha", "lisagor",
                    "sugovushan", "taghavard", "hin_tagher", "khtsaberd", "parukh", "agdam", "fizuli", "jabrayil",
                    "kalbajar", "lachin", "qubadli", "zangilan", "aghavno", "sus")
#: Unicode blocks, by code point (an oracle independent of unicodedata, which the build uses).
ARMENIAN = re.compile(r"^[\u0531-\u058F\s\-]+$")
CYRILLIC = re.compile(r"^[\u0400-\u04FF\s\-]+$")
LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u0259\u018F\s\-']+$")


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def names() -> list[dict]:
    return _csv(DATA / "place_names.csv")


@pytest.fixture(scope="module")
def geonames() -> dict:
    return json.loads((DATA / "raw" / "geonames_cities500.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------ the table

def test_every_geonames_name_of_a_place_is_in_the_table(names, geonames):
    """Each name and alternate name of the place's GeoNames record (several names in one string split at runs of
    spaces) is a row of that place; and every GeoNames row names something that record holds."""
    by_place: dict[str, set[str]] = {}
    for row in names:
        by_place.setdefault(row["place_id"], set()).add(row["name"])
    checked = 0
    for place in _csv(DATA / "places.csv"):
        if not place["geonameid"]:
            continue
        record = geonames[place["geonameid"]]
        raw = [record["name"], *record["alternatenames"]]
        expected = {part.strip() for text in raw for part in re.split(r"\s{2,}", text) if part.strip()}
        missing = expected - by_place[place["id"]]
        assert not missing, f"{place['id']}: GeoNames names missing from place_names.csv: {sorted(missing)}"
        listed = {r["name"] for r in names if r["place_id"] == place["id"] and r["source_id"] == "geonames"
                  and r["kind"] == "variant" and r["notes"].startswith("GeoNames")}
        assert listed <= expected, f"{place['id']}: rows credited to GeoNames it does not hold: {listed - expected}"
        checked += 1
    assert checked == 31  # 40 places, less the 9 taken from Wikipedia (hadrut, hin_tagher, martakert, ...)


def test_geonames_language_tags_follow_the_script_of_the_letters(names):
    """hy only for Armenian letters, und-Cyrl only for Cyrillic, und-Latn only for Latin (code-point oracle)."""
    for row in names:
        if row["kind"] != "variant" or row["source_id"] != "geonames":
            continue
        letters = re.sub(r"[\s\-'’ʻʼˌ`.()]", "", row["name"])
        if row["language"] == "hy":
            assert ARMENIAN.match(letters), row
        elif row["language"] == "und-Cyrl":
            assert CYRILLIC.match(letters), row
        if ARMENIAN.match(letters):
            assert row["language"] == "hy", row
        if CYRILLIC.match(letters):
            assert row["language"] == "und-Cyrl", row


@pytest.mark.parametrize("place", NK_AND_DISTRICTS)
def test_nk_places_have_armenian_azerbaijani_and_russian_names_in_their_scripts(names, place):
    sources = {r["id"] for r in _csv(DATA / "sources.csv")}
    rows = [r for r in names if r["place_id"] == place and r["kind"] != "variant"]
    hy = [r["name"] for r in rows if r["language"] == "hy" and ARMENIAN.match(r["name"])]
    az = [r["name"] for r in rows if r["language"] == "az" and r["kind"] == "official" and LATIN.match(r["name"])]
    ru = [r["name"] for r in rows if r["language"] == "ru" and CYRILLIC.match(r["name"])]
    assert hy and az and ru, (place, hy, az, ru)
    assert all(r["source_id"] in sources for r in rows)


def test_name_azerbaijani_is_the_official_azerbaijani_latin_name():
    places = {r["id"]: r for r in _csv(DATA / "places.csv")}
    assert places["stepanakert"]["name_azerbaijani"] == "Xankəndi"
    assert places["fizuli"]["name_azerbaijani"] == "Füzuli"
    assert places["hin_tagher"]["name_azerbaijani"] == "Köhnə Tağlar"
    official = {(r["place_id"], r["name"]) for r in _csv(DATA / "place_names.csv") if r["language"] == "az"
                and r["kind"] == "official"}
    for pid, place in places.items():
        if place["country_de_jure"] == "Azerbaijan":
            assert (pid, place["name_azerbaijani"]) in official, pid


def test_qubadli_armenian_name_is_the_towns():
    """Sanasar (Սանասար) is listed by GeoNames for the town; Kashunik stays a name of the place, not its label."""
    qubadli = next(r for r in _csv(DATA / "places.csv") if r["id"] == "qubadli")
    assert qubadli["label"] == "Sanasar / Gubadli"
    assert {"Sanasar", "Kashunik", "Սանասար", "Քաշունիք"} <= set(kb.place_names("qubadli")["name"])


def test_renamings_carry_their_dates():
    names_ = kb.place_names("sugovushan").set_index("name")
    assert names_.loc["Madagiz", "valid_to"] == names_.loc["Suqovuşan", "valid_from"] == "2020-10-03"
    assert kb.place_names("fizuli").set_index("name").loc["Karyagino", "valid_to"] == "1959"


def test_the_build_is_byte_identical(data_copy):
    path = build.build(data_copy)
    assert checksums.digest(path) == checksums.digest(DATA / "place_names.csv")


# ------------------------------------------------------------------------------------------------ the resolver

@pytest.mark.parametrize("name, expected", [
    ("stepanakert", "stepanakert"), ("Khankendi", "stepanakert"), ("Xankəndi", "stepanakert"),
    ("Ստեփանակերտ", "stepanakert"), ("Степанакерт", "stepanakert"), ("XANKENDI", "stepanakert"),
    ("  xankəndi ", "stepanakert"), ("Şuşa", "shusha"), ("Susa", "shusha"), ("Shushi", "shusha"),
    ("Berdzor", "lachin"), ("Laçın", "lachin"), ("Sanasar", "qubadli"), ("Kashunik", "qubadli"),
    ("Madagiz", "sugovushan"), ("Köhnə Tağlar", "hin_tagher"), ("Kohne Taglar", "hin_tagher"),
    # a sourced name beats a stray GeoNames variant: GeoNames lists "Gəncə" for Yevlakh too
    ("Gəncə", "ganja"), ("Ganja", "ganja"),
])
def test_place_id_resolves_any_name(name, expected):
    assert kb.place_id(name) == expected


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match=r"unknown place name 'Khankendie'.*did you mean .*\(stepanakert\)"):
        kb.place_id("Khankendie")
    with pytest.raises(ValueError, match=r"unknown place name 'Atlantis' \(not in places.csv or place_names.csv\)$"):
        kb.place_id("Atlantis")
    with pytest.raises(TypeError, match="id or name"):
        kb.place_id(("stepanakert",))


def test_ambiguous_name_lists_its_places(data_copy):
    """A name two places share at the same tier (here a curated row giving Yevlakh the name Barda) is refused."""
    with open(data_copy / "place_names_curated.csv", "a", encoding="utf-8") as fh:
        fh.write("yevlakh,Bərdə,az,historical,,,geonames,test row\n")
    build.build(data_copy)
    _rewrite_sums(data_copy)
    with pytest.raises(ValueError, match=r"'Bərdə' is ambiguous: it names barda \(Barda\), yevlakh \(Yevlakh\)"):
        kb.place_id("Bərdə", data_copy)
    assert kb.place_id("barda", data_copy) == "barda"  # the id still settles it


def _rewrite_sums(folder: Path) -> None:
    from karabakh.__main__ import main
    assert main(["checksums", "--write", str(folder)]) == 0


def test_every_function_taking_a_place_takes_its_names():
    p = kb.load_places().set_index("id")
    assert kb.distance_km("Yevlax", "Khankendi") == kb.distance_km("yevlakh", "stepanakert")
    assert kb.direction("yevlakh", "stepanakert") == kb.direction(p.loc["yevlakh", "geometry"],
                                                                   p.loc["stepanakert", "geometry"])
    assert kb.direction("Степанакерт", "Yevlax") == "north-north-east"  # Yevlakh lies NNE of Stepanakert
    assert kb.control_on("2023-09-21", ["Xankəndi"])["place_id"].tolist() == ["stepanakert"]
    assert kb.control_history("Şuşa")["place_id"].unique().tolist() == ["shusha"]
    assert kb.control_spans(["Akna"])["place_id"].unique().tolist() == ["agdam"]


# ------------------------------------------------------------------------------------------------ control_on

@pytest.mark.parametrize("day", ["1991-01-01", "1991-09-30", "1992-06-01", "1994-05-12", "2020-10-10",
                                 "2020-11-20", "2022-08-26", "2023-09-19", "2023-09-21", "2025-12-31"])
def test_control_on_answers_for_every_place(day):
    every = kb.load_places()["id"].tolist()
    answer = kb.control_on(day, every)
    assert answer["place_id"].tolist() == every
    assert answer["held_by"].isin(control.HOLDERS).all()
    unknown = answer[answer["held_by"].isin(["unknown", "contested"])]
    assert unknown["notes"].fillna("").str.len().gt(20).all(), unknown  # every one gives its reason
    before_any = answer[answer["since"].isna()]
    assert (before_any["held_by"] == "unknown").all() and before_any["notes"].str.startswith("no sourced claim").all()


def test_undisputed_places_follow_their_state_from_independence():
    """Hand-checked: Yevlakh (no claim in control.csv) is Azerbaijan's from 18 Oct 1991, Yerevan Armenia's from
    23 Sept 1991, each with its source; a day earlier the answer is unknown, with its reason."""
    raw = {r["place_id"] for r in _csv(DATA / "control.csv")}
    assert "yevlakh" not in raw and "yerevan" not in raw
    on = kb.control_on("1991-10-18", ["yevlakh", "yerevan"]).set_index("place_id")
    assert on.loc["yevlakh", "held_by"] == "azerbaijan" and on.loc["yevlakh", "source_id"] == "mfa_az_independence_25_years"
    assert on.loc["yerevan", "held_by"] == "armenia" and on.loc["yerevan", "source_id"] == "newsam_529869"
    before = kb.control_on("1991-10-17", ["yevlakh"]).iloc[0]
    assert before["held_by"] == "unknown" and "1991-10-18" in before["notes"]
    sources = set(kb.load_sources()["id"])
    assert all(source in sources for _, _, source, _ in control.UNDISPUTED_SINCE.values())


# ------------------------------------------------------------------------------------------------ bad inputs

def _edit(path: Path, column: str, value: str, row: int = 1) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("column, value, row, expected", [
    ("language", "Armenian", 1, "line 2, column 'language': does not match the pattern"),
    ("kind", "nickname", 1, "line 2, column 'kind': not one of the allowed values"),
    ("place_id", "atlantis", 1, "line 2, column 'place_id': unknown places id(s): atlantis"),
    ("source_id", "nowhere", 1, "line 2, column 'source_id': unknown sources id(s): nowhere"),
    ("valid_from", "2021", 28, "line 29, column 'valid_to': the name's period ends before it starts"),
    ("valid_from", "3 Oct 2020", 28, "line 29, column 'valid_from'"),
    ("name", "Ստեփանակերտ", 3, "line 4, column 'name': the place already has this name on an earlier line"),
])
def test_bad_curated_rows_are_named(data_copy, column, value, row, expected):
    path = data_copy / "place_names_curated.csv"
    _edit(path, column, value, row)
    problems = "\n".join(str(p) for p in tables.validate_tables(data_copy))
    assert "place_names_curated.csv" in problems and expected.split(": ")[0] in problems
    assert any(expected in str(p) for p in tables.validate_tables(data_copy)), problems
    before = (data_copy / "place_names.csv").read_bytes()
    with pytest.raises(kb.DataValidationError):
        build.build(data_copy)
    assert (data_copy / "place_names.csv").read_bytes() == before  # nothing written on bad data


def test_missing_geonames_extract_is_named_and_nothing_is_written(data_copy):
    (data_copy / "raw" / build.RAW_GEONAMES).unlink()
    before = (data_copy / "place_names.csv").read_bytes()
    with pytest.raises(kb.DataValidationError, match=r"geonames_cities500.json: file: missing"):
        build.build(data_copy)
    assert (data_copy / "place_names.csv").read_bytes() == before


def test_a_geonameid_missing_from_the_extract_is_named(data_copy):
    _edit(data_copy / "places.csv", "geonameid", "999999999", 1)
    before = (data_copy / "place_names.csv").read_bytes()
    with pytest.raises(kb.DataValidationError, match=r"place 'agdam', column 'geonameid': GeoNames record 999999999"):
        build.build(data_copy)
    assert (data_copy / "place_names.csv").read_bytes() == before


def test_the_command_line_rebuilds_the_file(data_copy, capsys):
    from karabakh.__main__ import main

    (data_copy / "place_names.csv").write_text("broken\n", encoding="utf-8")
    assert main(["build-place-names", "--data", str(data_copy)]) == 0
    assert checksums.digest(data_copy / "place_names.csv") == checksums.digest(DATA / "place_names.csv")
    assert "wrote" in capsys.readouterr().out
