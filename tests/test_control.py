"""The control history: who held a place on a day, checked against what the sources say (not against the code),
bad inputs to control.csv, and the dated control areas of the layers."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from conftest import snapshot

import karabakh as kb
from karabakh.__main__ import main

EAF, AZE, ARM, CON, UNK = "ethnic_armenian_forces", "azerbaijan", "armenia", "contested", "unknown"

# (place, day, expected holder, what says so). Each change covered has the day before and the day itself.
EXPECTED = [
    ("stepanakert", "1994-05-11", UNK, "before the table's first claim (the 1994 cease-fire)"),
    ("stepanakert", "1994-05-12", EAF, "1994 cease-fire line (Natural Earth)"),
    ("shusha", "2020-11-01", EAF, "the issue's question: before Aliyev's claim of 8 Nov"),
    ("shusha", "2020-11-07", EAF, "day before Aliyev's claim"),
    ("shusha", "2020-11-08", CON, "Aliyev: 'liberated'; Armenian MoD: 'battles ... continue'"),
    ("shusha", "2020-11-09", AZE, "Artsakh spokesman: 'completely out of our control'"),
    ("sugovushan", "2020-10-02", EAF, "day before Aliyev's announcement"),
    ("sugovushan", "2020-10-03", AZE, "Aliyev renames Madagiz Sugovushan 'as of 03 October'"),
    ("jabrayil", "2020-10-03", EAF, "day before Aliyev's claim"),
    ("jabrayil", "2020-10-04", CON, "Aliyev's claim, denied as 'another lie' by Armenia's MoD"),
    ("jabrayil", "2020-10-06", CON, "claim and denial stand"),
    ("jabrayil", "2020-10-07", CON, "Pashinyan: fighting in the Jabrayil direction, not who holds the town"),
    ("jabrayil", "2020-11-09", CON, "eve of the cease-fire: no source read settles it before the map"),
    ("jabrayil", "2020-11-10", AZE, "outside the peacekeepers' zone when the cease-fire froze positions"),
    ("hadrut", "2020-10-08", EAF, "day before Aliyev's claim"),
    ("hadrut", "2020-10-09", EAF, "Aliyev's claim and the denials; Russian war reporters: held by the Defense Army"),
    ("hadrut", "2020-10-14", EAF, "the third party's report of 9 Oct stands until the next one"),
    ("hadrut", "2020-10-15", AZE, "Bellingcat: Azerbaijani soldiers filmed in the town"),
    ("hadrut", "2020-11-09", AZE, "eve of the cease-fire"),
    ("hadrut", "2020-11-10", AZE, "RFE/RL: Hadrut district occupied during the war"),
    ("fizuli", "2020-10-16", EAF, "day before Aliyev's claim"),
    ("fizuli", "2020-10-17", AZE, "Aliyev: 'Fuzuli is ours' (no denial read)"),
    ("agdam", "2020-11-15", EAF, "the issue's question: hand-over due 20 Nov"),
    ("agdam", "2020-11-19", EAF, "day before the hand-over"),
    ("agdam", "2020-11-20", AZE, "Azerbaijan's MoD and JAMnews: army entered on 20 Nov"),
    ("kalbajar", "2020-11-15", EAF, "the statement's first date, postponed"),
    ("kalbajar", "2020-11-24", EAF, "day before the postponed hand-over"),
    ("kalbajar", "2020-11-25", AZE, "JAMnews: army entered on 25 Nov"),
    ("lachin", "2020-12-01", EAF, "JAMnews: district handed over except the corridor"),
    ("hin_tagher", "2020-12-11", EAF, "RFE/RL: 'last two Armenian-controlled villages'"),
    ("hin_tagher", "2020-12-12", CON, "RFE/RL: seized over the weekend of 12-13 Dec"),
    ("hin_tagher", "2020-12-13", CON, "the weekend's second day"),
    ("hin_tagher", "2020-12-14", AZE, "seized by Monday 14 Dec"),
    ("khtsaberd", "2020-12-11", EAF, "RFE/RL: 'last two Armenian-controlled villages'"),
    ("khtsaberd", "2020-12-12", CON, "RFE/RL: seized over the weekend of 12-13 Dec"),
    ("khtsaberd", "2020-12-13", CON, "the weekend's second day"),
    ("khtsaberd", "2020-12-14", AZE, "seized by Monday 14 Dec"),
    ("taghavard", "2020-11-10", CON, "divided by the 2020 line (Artsakh ombudsman)"),
    ("parukh", "2022-03-23", EAF, "Armenian MFA: infiltration 'started on March 24'"),
    ("parukh", "2022-03-24", CON, "Armenia: in the village; Russia: entered the zone, strikes near it"),
    ("parukh", "2022-03-26", CON, "eve of Russia's withdrawal statement"),
    ("parukh", "2022-03-27", EAF, "Russian MoD (third party): withdrawal; Azerbaijan denies"),
    ("lachin", "2022-08-25", EAF, "day before Azerbaijan took the corridor towns"),
    ("lachin", "2022-08-26", AZE, "Azerbaijan's MoD and OC Media, 26 Aug 2022"),
    ("aghavno", "2022-08-25", EAF, "day before"),
    ("aghavno", "2022-08-26", AZE, "Zabukh taken with Lachin"),
    ("sus", "2022-08-25", EAF, "day before"),
    ("sus", "2022-08-26", AZE, "Sus taken with Lachin"),
    ("stepanakert", "2023-09-18", EAF, "day before the offensive"),
    ("stepanakert", "2023-09-19", EAF, "the operation began; no source says any place changed hands that day"),
    ("stepanakert", "2023-09-20", UNK, "the cease-fire text says nothing of who holds what"),
    ("martakert", "2023-10-01", UNK, "no source gives the day Azerbaijani forces entered"),
    ("stepanakert", "2023-10-14", UNK, "eve of the flag-raising"),
    ("stepanakert", "2023-10-15", AZE, "AP: Aliyev raises the flag"),
    ("martakert", "2023-10-14", UNK, "eve of the flag-raising"),
    ("martakert", "2023-10-15", AZE, "News.Az: Aliyev raised the flag in Aghdara"),
    ("goris", "2021-06-01", ARM, "in Armenia throughout"),
    ("tartar", "2020-11-01", AZE, "outside the 1994 area"),
]


@pytest.mark.parametrize("place, day, expected, why", EXPECTED, ids=[f"{p}-{d}" for p, d, *_ in EXPECTED])
def test_holder_on_day_matches_the_sources(place, day, expected, why):
    got = kb.control_on(day, [place]).iloc[0]
    assert got["held_by"] == expected, f"{place} on {day}: {why}"


def test_table_covers_every_change_it_lists():
    """At least 25 pairs; wherever the expected holder of a place changes, the table lists the eve and the day."""
    assert len(EXPECTED) >= 25
    by_place: dict[str, list[tuple[pd.Timestamp, str]]] = {}
    for place, day, expected, _ in EXPECTED:
        by_place.setdefault(place, []).append((pd.Timestamp(day), expected))
    changes = 0
    for place, items in by_place.items():
        items.sort()
        for (d0, h0), (d1, h1) in zip(items, items[1:]):
            if h0 != h1:
                changes += 1
                assert d1 - d0 == pd.Timedelta(days=1), f"{place}: no eve listed for the change on {d1.date()}"
    assert changes >= 20


def test_required_places_are_covered():
    places = kb.load_places().set_index("id")
    near = [p for p, row in places.iterrows()
            if kb.distance_km(places.loc["stepanakert"], row) <= 60]
    required = set(near) | {"agdam", "kalbajar", "lachin", "qubadli", "jabrayil", "zangilan", "fizuli",
                            "hin_tagher", "khtsaberd", "parukh", "aghavno", "sus"}
    covered = set(kb.load_control()["place_id"])
    assert required <= covered, sorted(required - covered)


def test_since_is_the_first_day_of_the_run():
    row = kb.control_on("2021-06-01", ["agdam"]).iloc[0]
    assert row["since"] == pd.Timestamp("2020-11-20")
    row = kb.control_on("2021-06-01", ["stepanakert"]).iloc[0]
    assert row["since"] == pd.Timestamp("1994-05-12")  # the 2020 reconfirmation does not restart the run


def test_disagreement_is_flagged_and_names_both_sources():
    row = kb.control_on("2020-11-08", ["shusha"]).iloc[0]
    assert row["claims_differ"]
    assert set(row["source_id"].split(";")) == {"alarabiya_shusha_2020_11_08", "unian_shusha_2020_11_08"}
    row = kb.control_on("2022-03-28", ["parukh"]).iloc[0]  # third party decides; the denial is still flagged
    assert row["claims_differ"] and row["source_id"] == "arynews_farukh_2022_03_27"


def test_history_is_in_order_with_publishers():
    hist = kb.control_history("parukh")
    assert hist["date"].is_monotonic_increasing
    assert {"publisher", "url"} <= set(hist.columns)
    assert hist["publisher"].notna().all()
    same_day = hist[hist["date"] == pd.Timestamp("2022-03-27")]
    assert list(same_day["qualifier"]) == ["reported_by_third_parties", "claimed_by_one_side"]


def test_spans_hatch_where_claims_differ():
    spans = kb.control_spans(["jabrayil"])
    war = spans[(spans["start"] == pd.Timestamp("2020-10-04"))].iloc[0]
    assert war["held_by"] == CON and war["claims_differ"] and war["end"] == pd.Timestamp("2020-10-07")
    assert (spans["start"] < spans["end"]).all()


@pytest.mark.parametrize("call, error, words", [
    (lambda: kb.control_on("not a day"), ValueError, "give a day as 'YYYY-MM-DD'"),
    (lambda: kb.control_on("2021-01-01", ["atlantis"]), ValueError, "unknown place name 'atlantis'"),
    (lambda: kb.control_history("atlantis"), ValueError, "unknown place name 'atlantis'"),
    (lambda: kb.control_history("yevlakh"), KeyError, "no control history"),
])
def test_api_errors_name_the_problem(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ---------------------------------------------------------------------------------------- bad inputs
def _mutate(path, column, value, row=1):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


SCHEMA_CASES = [
    ("held_by", "russia", ["line 2, column 'held_by'", "not one of the allowed values", "'russia'"]),
    ("qualifier", "confirmed", ["line 2, column 'qualifier'", "not one of the allowed values"]),
    ("place_id", "atlantis", ["line 2, column 'place_id'", "unknown places id(s): atlantis"]),
    ("claimant_actor_id", "nobody_known", ["line 2, column 'claimant_actor_id'", "unknown actors id(s)"]),
    ("source_id", "no_such_source", ["line 2, column 'source_id'", "unknown sources id(s)"]),
    ("date", "2020-11-31", ["line 2, column 'date'", "not a valid date"]),
    ("id", "c1", ["line 2, column 'id'", "does not match the pattern"]),
    ("claimant", "", ["line 2, column 'claimant'", "required value is missing"]),
]


@pytest.mark.parametrize("column, value, expected", SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_broken_control_table(data_copy, capsys, column, value, expected):
    _mutate(data_copy / "control.csv", column, value)
    before = snapshot(data_copy)
    with pytest.raises(kb.DataValidationError) as info:
        kb.load_control(data_copy)
    for part in ["control.csv", *expected]:
        assert part in str(info.value)
    assert main(["validate", str(data_copy)]) == 1
    assert "control.csv" in capsys.readouterr().err
    assert snapshot(data_copy) == before


def test_contested_row_needs_a_reason(data_copy):
    path = data_copy / "control.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    line = next(i for i, r in enumerate(rows) if r[rows[0].index("held_by")] == "contested")
    _mutate(path, "notes", "", row=line)
    (data_copy / "SHA256SUMS").unlink()  # a user's own folder: only the rule is at fault
    with pytest.raises(kb.DataValidationError, match=rf"line {line + 1}, column 'notes': held_by is 'contested'"):
        kb.load_control(data_copy)


def test_one_claim_one_row(data_copy):
    path = data_copy / "control.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(csv.reader([lines[1]]))
    first[0] = "ctl999"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(first)
    path.write_text("\n".join(lines) + "\n" + out.getvalue(), encoding="utf-8")
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(kb.DataValidationError, match="one claim, one row"):
        kb.load_control(data_copy)


# ---------------------------------------------------------------------------------------- figures
def test_timeline_hatches_where_claims_differ_and_colours_by_holder():
    from matplotlib.colors import to_hex

    from karabakh.plot import control
    fig = control.control_timeline(kb.control_spans(["jabrayil", "goris"]), kb.load_places(),
                                         kb.load_sources())
    patches = {p.get_gid(): p for ax in fig.axes for p in ax.patches if p.get_gid()}
    war = patches["span:jabrayil:2020-10-04"]
    assert "////" in (war.get_hatch() or "") and "xx" in war.get_hatch()
    assert to_hex(war.get_facecolor()) == control.HOLDER_COLOR["contested"].lower()
    calm = patches["span:goris:1994-05-12"]
    assert calm.get_hatch() is None
    assert to_hex(calm.get_facecolor()) == control.HOLDER_COLOR["armenia"].lower()
    assert any(line.get_gid() == "change_tick" for ax in fig.axes for line in ax.lines)


def test_held_list_labels_and_groups_places():
    from karabakh.plot import control
    places = kb.load_places()
    table = control.held_list(kb.control_on("2020-11-22", ["agdam", "stepanakert", "goris"]), places)
    label = places.set_index("id")["label"]
    assert list(table["place"]) == [label["stepanakert"], label["agdam"], label["goris"]]  # held by: EAF, AZE, ARM
    assert list(table["since"]) == ["12 May 1994", "20 Nov 2020", "12 May 1994"]


# ---------------------------------------------------------------------------------------- dated control areas
def _held_area_km2(day: str) -> float:
    fl = kb.load_front_lines(as_of=day)
    held = fl[(fl["feature"] == "control_area") & (fl["held_by"] == EAF)]
    return float(kb.area_km2(held).sum())


def test_area_held_shrinks_at_each_hand_over():
    areas = [_held_area_km2(d) for d in ("2020-11-15", "2020-11-22", "2020-11-28", "2020-12-05")]
    assert areas[0] > areas[1] > areas[2] > areas[3] > 0, areas


def test_every_control_area_says_who_held_it():
    fl = kb.load_front_lines()
    areas = fl[fl["feature"] == "control_area"]
    assert areas["held_by"].isin(["ethnic_armenian_forces", "azerbaijan", "armenia", "contested", "unknown"]).all()
    assert areas["peacekeepers"].notna().all()
    assert bool(fl.set_index("key").loc["area_2020_2023", "peacekeepers"])
    assert not bool(fl.set_index("key").loc["area_1994_2020", "peacekeepers"])


@pytest.mark.parametrize("place, day", [("agdam", "2020-11-15"), ("agdam", "2020-11-22"), ("kalbajar", "2020-11-22"),
                                        ("kalbajar", "2020-11-28"), ("stepanakert", "2020-12-05"),
                                        ("shusha", "2020-12-05"), ("lachin", "2020-11-28")])
def test_map_and_claims_agree_on_the_hand_overs(place, day):
    """The dated areas (district polygons) and the claims table (sources) are independent: they must agree."""
    point = kb.load_places().set_index("id").geometry[place]
    fl = kb.load_front_lines(as_of=day)
    in_held_area = fl[(fl["feature"] == "control_area") & (fl["held_by"] == EAF)].contains(point).any()
    assert in_held_area == (kb.control_on(day, [place]).iloc[0]["held_by"] == EAF)


@pytest.mark.parametrize("day", ["2020-09-27", "2020-10-15", "2020-11-09"])
def test_a_war_day_warns_and_returns_no_control_area(day):
    with pytest.warns(kb.CoverageWarning, match=r"2020 war.*control_on"):
        fl = kb.load_front_lines(as_of=day)
    assert not fl["feature"].isin(["control_area", "contact_line"]).any()


def test_days_either_side_of_the_war_do_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", kb.CoverageWarning)
        assert "area_1994_2020" in set(kb.load_front_lines(as_of="2020-09-26")["key"])
        assert "area_2020_2023" in set(kb.load_front_lines(as_of="2020-11-10")["key"])


def test_a_control_area_without_holder_is_refused(data_copy):
    import json

    path = data_copy / "layers" / "front_lines.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["held_by"] = ""
    path.write_text(json.dumps(doc), encoding="utf-8")
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(kb.DataValidationError, match=r"feature 0 \(area_1994_2020\): a control area needs held_by"):
        kb.load_front_lines(data_dir=data_copy)


def test_as_of_explorer_is_text_outside_a_server_and_a_widget_inside(monkeypatch):
    from karabakh.plot import control
    explorer = control.AsOfExplorer(kb.control_on, lambda d: kb.load_front_lines(as_of=d),
                                          boundaries=kb.load_boundaries(), places=kb.load_places(), value="2020-11-15")
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert explorer._repr_mimebundle_() == {"text/plain": control.AsOfExplorer.TEXT}
    assert explorer.widget is None  # no widget state in a headless run

    monkeypatch.setenv("JPY_SESSION_NAME", "05_control_over_time.ipynb")
    bundle = explorer._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert explorer.label.value == "15 Nov 2020"
    kinds = [set(o.get("data", {})) or {o.get("name")} for o in explorer.out.outputs]
    assert any("image/png" in k for k in kinds)
    (listed,) = explorer.list_out.outputs  # the list of places, beside the map
    assert "text/html" in listed["data"] and "Shushi / Shusha" in listed["data"]["text/plain"]
    assert explorer.picker.value == pd.Timestamp("2020-11-15").date()
    explorer.slider.value = (pd.Timestamp("2020-10-15") - explorer.start).days  # a war day: the note replaces a map line
    assert explorer.picker.value == pd.Timestamp("2020-10-15").date() and explorer.label.value == "15 Oct 2020"
    notes = [o["text"] for o in explorer.out.outputs if o.get("output_type") == "stream"]
    assert notes and "control_on" in notes[0]
    explorer.picker.value = pd.Timestamp("2023-09-19").date()  # a typed or picked day moves the slider
    assert explorer.slider.value == (pd.Timestamp("2023-09-19") - explorer.start).days
    assert explorer.label.value == "19 Sept 2023" and explorer.slider.step == 1  # one arrow key: one day
