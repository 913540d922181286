"""The whole record (issue 20): Crisis Group's pre-2020 incidents and detentions, Karlinsky & Torrisi's excess
deaths, UNHCR's figures and the 2020 war's toll claims. The oracles read the raw files with the csv module (not
through the builder), the paper's published totals, and hand-made broken inputs."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime

import pytest
from conftest import DATA, snapshot

import karabakh as kb
from karabakh.analysis import record
from karabakh.build import record as build_record
from karabakh.io import tables
from karabakh.io.errors import DataValidationError

RAW = DATA / "raw"


def _raw(name: str) -> list[list[str]]:
    with open(RAW / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


# ------------------------------------------------------------------------------- Crisis Group, before the war

@pytest.mark.parametrize("breakdown, file", [("all", "crisisgroup_pre2020_all.csv"),
                                             ("armenian", "crisisgroup_pre2020_arm.csv"),
                                             ("azerbaijani", "crisisgroup_pre2020_aze.csv"),
                                             ("weapon", "crisisgroup_pre2020_weapon.csv")])
def test_pre2020_totals_per_type_equal_the_raw_files(breakdown, file):
    rows = _raw(file)
    category, number = (2, 3) if rows[0][0] == "ID" else (1, 2)
    raw: Counter = Counter()
    for row in rows[1:]:
        if row[number]:
            raw[row[category]] += int(row[number])
    pre = kb.load_incidents_pre2020()
    ours = pre[pre["breakdown"] == breakdown].groupby("category")["people"].sum()
    assert {k: int(v) for k, v in ours.items()} == dict(raw)


def test_pre2020_dates_are_the_raw_dates_and_the_id_only_rows_are_skipped():
    rows = _raw("crisisgroup_pre2020_arm.csv")[1:]
    id_only = [r for r in rows if not any(r[1:])]
    pre = kb.load_incidents_pre2020()
    arm = pre[pre["breakdown"] == "armenian"]
    assert len(id_only) == 157 and len(arm) == len(rows) - len(id_only)
    assert list(arm["cg_id"]) == [r[0] for r in rows if any(r[1:])]
    assert [d.date() for d in arm["date"]] == [datetime.strptime(r[1], "%m/%d/%Y").date() for r in rows if r[1]]


def test_russian_labels_are_joined_only_where_they_translate():
    """Crisis Group's Russian all.csv labels the 'Military Wounded' rows 'Убитые гражданские' (killed civilians):
    those rows get no Russian label; every joined label is the translation of its English category."""
    pre = kb.load_incidents_pre2020()
    joined = pre[pre["category_ru"].notna()]
    assert set(zip(joined["category"], joined["category_ru"])) <= set(build_record.TRANSLATIONS.items())
    ru = _raw("crisisgroup_ru_pre2020_all.csv")[1:]
    en = _raw("crisisgroup_pre2020_all.csv")[1:]
    mislabelled = sum(1 for e, r in zip(en, ru) if r[1] != build_record.TRANSLATIONS[e[1]])
    assert mislabelled > 0
    unjoined = pre[(pre["breakdown"] == "all") & pre["category_ru"].isna()]
    assert len(unjoined) == mislabelled and unjoined["notes"].str.contains("not joined").all()


def test_russian_timeline_rows_are_joined_to_the_event_of_the_same_day_they_translate():
    """Every dated row of the Russian timeline is joined (none left unchecked), to an English event of that day."""
    rows = _raw("crisisgroup_nk_timeline_ru.csv")[1:]
    dated = [r for r in rows if r[0]]
    ru = kb.load_timeline_ru()
    assert len(ru) == len(dated) == 57 and ru["timeline_id"].is_unique
    both = ru.merge(kb.load_timeline(), left_on="timeline_id", right_on="id", suffixes=("_ru", ""))
    assert (both["date_ru"] == both["date"]).all()
    assert list(both["headline_ru"]) == [" ".join(r[9].split()) for r in dated]
    assert set(both.loc[both["notes_ru"].notna(), "timeline_id"]) == {"tl267", "tl269"}  # display year 2021


def test_an_unchecked_russian_row_is_refused():
    head = (1, ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
                "Headline", "Text"])
    rows, problems = build_record.timeline_ru_rows([head, (999, ["2021", "1", "1"] + [""] * 8)], [])
    assert rows == [] and "not checked" in problems[0].message and problems[0].where == "line 999"


def test_post_war_side_files_agree_with_the_totals_except_one_wounded_person():
    """deaths-by-type: arm + aze give all-casualties' numbers killed; the combatants wounded differ by one
    (668 in the side files and in casualties.csv, 669 in all-casualties.csv; see data/CHANGES.md)."""
    def totals(name: str) -> Counter:
        out: Counter = Counter()
        for row in _raw(name)[1:]:
            out[row[1]] += int(row[2])
        return out

    everyone = totals("crisisgroup_all_casualties.csv")
    sides = totals("crisisgroup_arm_casualties.csv") + totals("crisisgroup_aze_casualties.csv")
    differ = {k for k in everyone | sides if everyone[k] != sides[k]}
    assert differ == {"Combatants Wounded"} and everyone["Combatants Wounded"] - sides["Combatants Wounded"] == 1
    inc = kb.load_incidents()
    assert int(inc[(inc["status"] == "combatant") & (inc["outcome"] == "wounded")]["people"].sum()) == \
        sides["Combatants Wounded"]


def test_detentions_equal_the_raw_file_and_join_sectors():
    rows = _raw("crisisgroup_detentions.csv")[1:]
    det = kb.load_detentions()
    got = [(d.date(), p, s, int(n)) for d, p, s, n in zip(det["date"], det["detained"], det["sector"], det["people"])]
    assert got == [(datetime.strptime(r[0], "%m/%d/%Y").date(), r[1], r[2], int(r[3])) for r in rows]
    assert set(det["sector_id"]) <= set(kb.load_sectors()["id"])


def test_one_series_keeps_the_periods_and_definitions_apart():
    series = record.incident_series(kb.load_incidents_pre2020(), kb.load_incidents())
    pre, post = series[series["period"] == "pre_2020_war"], series[series["period"] == "post_2020_war"]
    assert set(pre["status"]) == {"military", "civilian"} and set(post["status"]) == {"combatant", "non_combatant"}
    assert int(pre["people"].sum()) == sum(int(r[2]) for r in _raw("crisisgroup_pre2020_all.csv")[1:])
    assert int(post["people"].sum()) == sum(int(r[3]) for r in _raw("crisisgroup_casualties.csv")[1:])
    assert pre["month"].max() < post["month"].min()


# ------------------------------------------------------------------------------- Karlinsky & Torrisi

def test_excess_deaths_are_the_raw_2020_rows_with_the_age_group_repaired():
    rows = _raw("karlinsky_torrisi_nk_war_data.csv")
    head = rows[0]
    raw = [dict(zip(head, r)) for r in rows[1:] if dict(zip(head, r))["year"] == "2020"]
    ex = kb.load_excess_deaths()
    assert len(ex) == len(raw) == 192
    assert [float(x) for x in ex["value_low"]] == [float(r["excess_low"]) for r in raw]
    repaired = ex[ex["notes"].notna()]
    assert set(repaired["age_group"]) == {"5 - 14"} and set(repaired["age_low"]) == {5}
    assert len(repaired) == sum(r["age_group"] == "May-14" for r in raw)


def test_summed_points_reproduce_the_papers_published_totals():
    """Abstract: 'almost 6,500 excess deaths among people aged 15–49. Nearly 2,800 excess losses occurred in Armenia,
    3,400 in Azerbaijan, and 310 in de facto Artsakh.' The paper's totals are sums of the age-group points."""
    totals = record.excess_totals(kb.load_excess_deaths(), ages=(15, 49))
    published = {"Armenia": 2800, "Azerbaijan": 3400, "Artsakh": 310}
    for territory, value in published.items():
        assert abs(totals.loc[territory, "value"] - value) / value < 0.02
    assert abs(totals.loc[list(published), "value"].sum() - 6500) < 100
    assert "value_low" not in totals.columns  # intervals of age groups are not summed


# ------------------------------------------------------------------------------- UNHCR

def test_unhcr_counts_equal_the_raw_extracts():
    un = kb.load_unhcr()
    for table in ("population", "flows", "idmc", "solutions"):
        rows = _raw(f"unhcr_{table}.csv")
        head = rows[0]
        raw = Counter()
        for r in rows[1:]:
            rec = dict(zip(head, r))
            for measure in build_record.UNHCR_MEASURES[table]:
                if rec.get(measure):
                    raw[(int(rec["year"]), measure, rec["coo_iso"], rec["coa_iso"])] += int(rec[measure])
        ours = un[un["table"] == table]
        got = Counter({(int(y), m, o, a): int(v) for y, m, o, a, v in
                       zip(ours["year"], ours["measure"], ours["origin_iso"], ours["asylum_iso"], ours["value"])})
        assert got == raw


def test_refugee_stock_and_the_2023_inflow_are_labelled_and_kept_apart():
    stock = record.refugees_from_azerbaijan_in_armenia(kb.load_unhcr())
    assert set(stock["kind"]) == {"stock"} and stock["year"].between(2015, 2025).all()
    rows = _raw("unhcr_population.csv")
    head = rows[0]
    raw = {int(r[0]): int(dict(zip(head, r))["refugees"]) for r in rows[1:]
           if dict(zip(head, r))["coo_iso"] == "AZE" and dict(zip(head, r))["coa_iso"] == "ARM"}
    assert dict(zip(stock["year"], stock["value"])) == {y: v for y, v in raw.items() if 2015 <= y <= 2025}
    flow = record.refugee_inflows(kb.load_unhcr())
    assert set(flow["kind"]) == {"flow"} and 2023 in set(flow["year"])


# ------------------------------------------------------------------------------- the toll claims

def test_toll_claims_are_sourced_and_never_summed():
    tolls = kb.load_war_tolls()
    assert tolls["source_id"].isin(kb.load_sources()["id"]).all()
    assert tolls["quote"].str.len().gt(10).all()
    official = tolls[tolls["kind"] == "official_claim"]
    assert official["reported_on"].notna().all()
    latest = record.latest_tolls(tolls)
    assert latest.groupby(["claimant", "side", "category", "subgroup", "scope"]).size().max() == 1


# ------------------------------------------------------------------------------- bad inputs, rebuild

def test_rebuild_is_byte_identical(data_copy):
    for name in ("incidents_pre2020", "detentions", "timeline_ru", "excess_deaths_2020", "unhcr_displacement"):
        (data_copy / f"{name}.csv").unlink()
    build_record.build(data_copy)
    for name in ("incidents_pre2020", "detentions", "timeline_ru", "excess_deaths_2020", "unhcr_displacement"):
        assert (data_copy / f"{name}.csv").read_bytes() == (DATA / f"{name}.csv").read_bytes()


def test_build_refuses_a_damaged_extract_and_writes_nothing(data_copy, capsys):
    path = data_copy / "raw" / "crisisgroup_pre2020_all.csv"
    path.write_bytes(path.read_bytes().replace(b"Military Killed,2", b"Military Killed,x", 1))
    before = snapshot(data_copy)
    assert build_record.main(["--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "data/raw/crisisgroup_pre2020_all.csv" in err and "sha256" in err
    assert snapshot(data_copy) == before


def test_rows_that_cannot_be_converted_are_named_by_file_line_and_column():
    head = (1, ["Date", "Type of Casualty", "Number"])
    rows, problems = build_record.pre2020_rows({"all": [head, (2, ["13/45/2015", "Military Killed", "1"]),
                                                        (3, ["1/3/2015", "Military Eaten", "0"])]}, {})
    assert rows == []
    where = [(p.file, p.where) for p in problems]
    assert ("data/raw/crisisgroup_pre2020_all.csv", "line 2, column 'Date'") in where
    assert ("data/raw/crisisgroup_pre2020_all.csv", "line 3, column 'Type of Casualty'") in where
    assert ("data/raw/crisisgroup_pre2020_all.csv", "line 3, column 'Number'") in where


@pytest.mark.parametrize("table, old, new, message", [
    ("war_2020_tolls", ",2783,,,exact,", ",2783,3000,2900,exact,", "outside its interval"),
    ("war_2020_tolls", "wtl001,2020-09-30,", "wtl001,,", "an official claim or a media count needs the date it was made"),
    ("war_2020_tolls", ",aze_pgo,azertag_2020_09_30,", ",aze_pgo,no_such_source,", "no_such_source"),
    ("excess_deaths_2020", ",-29.2,-64.41008124,36,", ",-29.2,-20,36,", "outside its interval"),
    ("incidents_pre2020", "cpa001,2015-01-03,", "cpa001,2021-01-03,", "not before the 2020 war"),
    ("detentions", ",nk_shusha_stepanakert,", ",nk_nowhere,", "nk_nowhere"),
    ("unhcr_displacement", "unh0001,1992,population,refugees,stock,AZE,ARM,300000,",
     "unh0001,1992,population,refugees,stockpile,AZE,ARM,300000,", "stockpile"),
])
def test_broken_tables_are_refused_with_file_line_and_reason(data_copy, table, old, new, message):
    path = data_copy / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        tables.load_table(table, data_copy, checksum=False)
    assert f"{table}.csv" in str(err.value) and message in str(err.value) and "line " in str(err.value)
