"""Crisis Group's incidents, sectors and timeline: faithful to the raw files, rebuilt byte-identically, refused when
broken. The oracles read the raw CSVs with the csv module, not through the builder."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, snapshot

import karabakh as kb
from karabakh.build import incidents as build_incidents
from karabakh.analysis import incidents
from karabakh.io import tables
from karabakh.io.errors import DataValidationError

RAW = DATA / "raw"
STATUS = {"Combatant": "combatant", "Non-combatant": "non_combatant"}


def _raw(name: str) -> list[dict[str, str]]:
    with open(RAW / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _raw_totals() -> Counter:
    totals: Counter = Counter()
    for row in _raw("crisisgroup_casualties.csv"):
        status, outcome = row["Incident Type"].split("/")
        totals[(STATUS[status], outcome.lower())] += int(row["Casualties"])
    return totals


# ------------------------------------------------------------------------------------------- faithful

def test_every_raw_incident_is_kept_with_its_date_type_sector_and_count():
    raw = _raw("crisisgroup_casualties.csv")
    inc = kb.load_incidents()
    assert len(inc) == len(raw) == 239
    expected = [(datetime.strptime(r["Date"], "%m/%d/%Y").date(), r["Incident Type"], r["Place of Origin"],
                 int(r["Casualties"])) for r in raw]
    got = [(d.date(), t, s, int(p)) for d, t, s, p in zip(inc["date"], inc["incident_type"], inc["sector"],
                                                            inc["people"])]
    assert got == expected


def test_totals_by_type_equal_the_raw_files():
    inc = kb.load_incidents()
    ours = inc.groupby(["status", "outcome"], observed=True)["people"].sum()
    assert {k: int(v) for k, v in ours.items()} == dict(_raw_totals())
    assert int(inc["people"].sum()) == sum(_raw_totals().values())


def test_killed_totals_agree_with_crisis_groups_other_file():
    """all-casualties.csv (deaths by type) gives the same numbers killed; it classes one wounded person differently
    (see CHANGES.md), so only the killed and the grand total are compared."""
    other: Counter = Counter()
    for row in _raw("crisisgroup_all_casualties.csv"):
        other[row["Type of Casualty"]] += int(row["Number"])
    ours = _raw_totals()
    assert other["Combatants Killed"] == ours[("combatant", "killed")]
    assert other["Non-combatants Killed"] == ours[("non_combatant", "killed")]
    assert sum(other.values()) == sum(ours.values())


def test_monthly_table_adds_up_to_the_raw_totals_and_covers_every_month():
    table = incidents.monthly_people(kb.load_incidents())
    assert len(table) == 35  # Nov 2020 .. Sept 2023
    for (status, outcome), total in _raw_totals().items():
        assert int(table[(outcome, status)].sum()) == total
    april_2023 = sum(int(r["Casualties"]) for r in _raw("crisisgroup_casualties.csv") if r["Date"].startswith("4/")
                     and r["Date"].endswith("/2023"))
    assert int(table.loc[pd.Period("2023-04", "M")].sum()) == april_2023


def test_timeline_keeps_every_raw_event():
    raw = _raw("crisisgroup_nk_timeline.csv")
    tl = kb.load_timeline()
    assert len(tl) == len(raw) == 327
    assert tl["headline"].tolist() == [" ".join(r["Headline"].split()) for r in raw]
    years = Counter(str(y) for y in tl["date"].dt.year)
    assert years == Counter(r["Year"] for r in raw)
    assert tl["date"].min() >= pd.Timestamp("2015-01-01") and tl["date"].max() <= pd.Timestamp("2023-09-30")


def test_timeline_links_point_at_the_same_day_in_events():
    tl = kb.load_timeline().dropna(subset=["event_id"])
    events = kb.load_events().set_index("id")
    assert len(tl) >= 5
    for row in tl.itertuples():
        gap = abs((events.loc[row.event_id, "date"] - row.date).days)
        assert gap <= 1, (row.id, row.event_id, gap)


def test_sector_points_lie_on_their_reference_line_near_their_places():
    sectors = kb.load_sectors().set_index("id")
    places = kb.load_places().set_index("id").to_crs(build_incidents.METRIC_CRS)
    front = kb.load_front_lines().to_crs(build_incidents.METRIC_CRS)
    line = front[front["key"] == "line_2020_2023"].geometry.iloc[0]
    countries = kb.load_boundaries().set_index("iso3").to_crs(build_incidents.METRIC_CRS).geometry
    placed = sectors[sectors.geometry.notna()].to_crs(build_incidents.METRIC_CRS)
    assert len(placed) == 11 and set(sectors.index) == {s[0] for s in build_incidents.SECTORS.values()}
    for sector_id, row in placed.iterrows():
        p = row.geometry
        if row["reference_line"] == "line_2020_2023":
            assert p.distance(line) < 5, sector_id
        else:  # on the Armenia-Azerbaijan border: touching both countries
            assert p.distance(countries["ARM"]) < 5 and p.distance(countries["AZE"]) < 250, sector_id
        nearest_place = min(p.distance(places.geometry[i]) for i in row["place_ids"].split(";"))
        assert nearest_place < 40_000, (sector_id, nearest_place)
    assert sectors.geometry.isna().sum() == 3


def test_incidents_are_attributed_to_crisis_group():
    sources = kb.load_sources().set_index("id")
    for table in (kb.load_incidents(), kb.load_sectors(), kb.load_timeline()):
        (source_id,) = table["source_id"].unique()
        assert "Crisis Group" in sources.loc[source_id, "publisher"]
        assert "GPL-3.0" in sources.loc[source_id, "notes"]


# ------------------------------------------------------------------------------------------- rebuild

def test_rebuild_is_byte_identical(data_copy: Path):
    for name in ("incidents", "sectors", "timeline"):
        (data_copy / f"{name}.csv").unlink()
    build_incidents.build(data_copy)
    for name in ("incidents", "sectors", "timeline"):
        assert (data_copy / f"{name}.csv").read_bytes() == (DATA / f"{name}.csv").read_bytes(), name


def test_build_refuses_a_raw_file_that_is_not_the_registered_copy(data_copy: Path):
    raw = data_copy / build_incidents.RAW_CASUALTIES
    raw.write_bytes(raw.read_bytes().replace(b"Martakert-Terter,4", b"Martakert-Terter,5", 1))
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=r"crisisgroup_casualties\.csv.*sha256 is [0-9a-f]{64}, expected"):
        build_incidents.build(data_copy)
    assert snapshot(data_copy) == before


def test_build_refuses_a_missing_raw_file(data_copy: Path, capsys):
    (data_copy / build_incidents.RAW_TIMELINE).unlink()
    before = snapshot(data_copy)
    assert build_incidents.main(["--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "crisisgroup_nk_timeline.csv" in err and "file not found" in err and "nothing was written" in err
    assert snapshot(data_copy) == before


def test_build_refuses_a_raw_file_missing_from_the_registry(data_copy: Path):
    registry = data_copy / "raw" / "registry.csv"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    registry.write_text("".join(ln for ln in lines if not ln.startswith("crisisgroup_nk_timeline.csv,")),
                        encoding="utf-8")
    (data_copy / "SHA256SUMS").unlink()  # a user's own folder: the registry, not the manifest, must catch it
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=r"raw/registry\.csv: column 'file': crisisgroup_nk_timeline\.csv "
                                                  r"is not registered"):
        build_incidents.build(data_copy)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("column, value, message", [
    ("Date", "13/45/2021", "not a valid date in the form M/D/YYYY"),
    ("Incident Type", "Civilian/Killed", "not one of Combatant/Killed"),
    ("Casualties", "0", "not a whole number of people, 1 or more"),
    ("Casualties", "two", "not a whole number of people, 1 or more"),
    ("Place of Origin", "NK: Somewhere", "a sector not in build_incidents.SECTORS"),
])
def test_a_bad_raw_row_is_named_with_line_and_column(column, value, message):
    good = {"Date": "11/10/2020", "Incident Type": "Combatant/Killed", "Place of Origin": "NK: Kelbajar",
            "Casualties": "1"}
    rows, problems = build_incidents.incident_rows([(2, good), (3, {**good, column: value})])
    assert len(rows) == 1
    (problem,) = problems
    assert (problem.file, problem.where) == ("data/raw/crisisgroup_casualties.csv", f"line 3, column '{column}'")
    assert problem.message.startswith(message) and repr(value) in problem.message


# ------------------------------------------------------------------------------------------- bad tables

def _edit(folder: Path, name: str, column: str, row: int, value: str) -> None:
    path = folder / f"{name}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("name, column, row, value, message", [
    ("incidents", "incident_type", 1, "Combatant/Killed", "line 2, column 'incident_type': disagrees with status"),
    ("incidents", "sector_id", 1, "nk_nowhere", "line 2, column 'sector_id': unknown sectors id(s): nk_nowhere"),
    ("incidents", "people", 1, "0", "line 2, column 'people': below the minimum of 1"),
    ("incidents", "date", 1, "2023-09-20", "line 2, column 'date': after 10 Sept 2023"),
    ("incidents", "outcome", 1, "injured", "line 2, column 'outcome': not one of the allowed values"),
    ("sectors", "lon", 2, "", "line 3, column 'lat': lat and lon must both be given or both empty"),
    ("sectors", "reference_line", 2, "", "line 3, column 'reference_line': a point needs its reference line"),
    ("sectors", "place_ids", 2, "goris;nowhere", "line 3, column 'place_ids': unknown places id(s): nowhere"),
    ("timeline", "end_date", 3, "2015-01-01", "line 4, column 'end_date': ends before it starts"),
    ("timeline", "event_id", 1, "ev999", "line 2, column 'event_id': unknown events id(s): ev999"),
])
def test_a_broken_table_is_refused_with_file_line_and_column(data_copy: Path, name, column, row, value, message):
    _edit(data_copy, name, column, row, value)
    (data_copy / "SHA256SUMS").unlink()  # a user's own folder: the rules, not the manifest, must catch it
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError) as info:
        tables.load_table(name, data_copy)
    assert f"data/{name}.csv: {message}" in str(info.value)
    assert any(p.file == f"data/{name}.csv" for p in tables.validate_tables(data_copy))
    assert snapshot(data_copy) == before


def test_unplaced_sectors_load_without_a_point_and_say_why():
    sectors = kb.load_sectors()
    unplaced = sectors[sectors.geometry.isna()]
    assert set(unplaced["id"]) == {"am_az_nakhchivan_1", "am_az_nakhchivan_2", "am_az_border_sept_2022"}
    assert unplaced["notes"].str.contains("no point").all()


# ------------------------------------------------------------------------------------------- figures, summary

@pytest.fixture(scope="module")
def frames():
    from karabakh.plot import incidents as incident_plots
    inc = kb.load_incidents()
    return {"inc": inc, "sources": kb.load_sources(), "per_sector": incidents.people_by_sector(inc, kb.load_sectors()),
            "claims": incident_plots.offensive_claims(kb.load_casualties(), kb.load_actors())}


def _caption(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "caption")


def test_monthly_chart_bars_add_up_to_the_raw_totals_and_claims_stay_apart(frames):
    from karabakh.plot import incidents as incident_plots
    fig = incident_plots.monthly_chart(incidents.monthly_people(frames["inc"]), frames["claims"],
                                       sources=frames["sources"])
    heights: Counter = Counter()
    for ax in fig.axes:
        for bar in ax.patches:
            if (bar.get_gid() or "").startswith("bars:"):
                _, outcome, status = bar.get_gid().split(":")
                heights[(status, outcome)] += bar.get_height()
    assert {k: round(v) for k, v in heights.items()} == dict(_raw_totals())
    claim_axes = [ax for ax in fig.axes if any((line.get_gid() or "").startswith("claim:") for line in ax.lines)]
    assert len(claim_axes) == 1 and not claim_axes[0].containers  # claims drawn in their own panel, no bars
    assert len([ln for ln in claim_axes[0].lines if (ln.get_gid() or "").startswith("claim:")]) == len(frames["claims"])
    assert "10 Sept 2023" in _caption(fig) and "Crisis Group" in _caption(fig)
    for gid in ("road_blocked", "offensive", "data_end"):
        assert all(any(a.get_gid() == gid for a in ax.patches + ax.lines) for ax in fig.axes), gid


def test_sector_map_draws_every_located_sector_and_lists_the_others(frames):
    from karabakh.plot import incidents as incident_plots
    per_sector = frames["per_sector"]
    fig = incident_plots.sector_map(per_sector, boundaries=kb.load_boundaries(), front_lines=kb.load_front_lines(),
                                    sources=frames["sources"])
    ax = fig.axes[0]
    circles = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("sector:")}
    located = per_sector[per_sector["lat"].notna()]
    assert set(circles) == {f"sector:{i}" for i in located["id"]}
    sizes = {gid.split(":")[1]: float(c.get_sizes()[0]) for gid, c in circles.items()}
    people = located.set_index("id")["people"]
    ratios = {i: sizes[i] / people[i] for i in sizes}
    assert max(ratios.values()) == pytest.approx(min(ratios.values()))  # area proportional to people
    off_map = {c.get_gid().split(":")[1]: float(c.get_sizes()[0]) for c in ax.collections
               if (c.get_gid() or "").startswith("sector_off_map:")}
    unplaced = per_sector[per_sector["lat"].isna()]
    assert set(off_map) == set(unplaced["id"])  # drawn beside the map, at the same scale
    for row in unplaced.itertuples():
        assert off_map[row.id] / max(row.people, 0.5) == pytest.approx(min(ratios.values()))
        label = next(t.get_text() for t in ax.texts if t.get_gid() == f"sector_label:{row.id}")
        assert f"{row.killed} killed, {row.wounded} wounded" in label
    # the largest number of people is the largest circle (here the Sept 2022 escalation, off the map)
    everything = {**sizes, **off_map}
    assert max(everything, key=everything.get) == per_sector.loc[per_sector["people"].idxmax(), "id"]
    assert "not an endorsement" in _caption(fig) and "10 Sept 2023" in _caption(fig)


def test_key_events_chart_labels_the_events_asked_for(frames):
    from karabakh.plot import incidents as incident_plots
    tl = kb.load_timeline()
    wanted = tl[tl["headline"].str.contains("Four days of fighting|Deadliest escalation")]["id"].tolist()
    fig = incident_plots.key_events_chart(tl, wanted, sources=frames["sources"])
    labels = {t.get_gid() for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith("key_label:")}
    assert labels == {f"key_label:{i}" for i in wanted} and len(wanted) == 2


def test_summary_numbers_come_from_the_raw_file(frames):
    text = " ".join(incidents.summary_sentences(frames["inc"], frames["per_sector"]))
    totals = _raw_totals()
    killed = totals[("combatant", "killed")] + totals[("non_combatant", "killed")]
    wounded = totals[("combatant", "wounded")] + totals[("non_combatant", "wounded")]
    assert f"{killed:,} people killed ({totals[('combatant', 'killed')]:,} combatants" in text
    assert f"and {wounded:,} wounded" in text
    since = [r for r in _raw("crisisgroup_casualties.csv")
             if datetime.strptime(r["Date"], "%m/%d/%Y") >= datetime(2022, 12, 12)]
    closure_killed = sum(int(r["Casualties"]) for r in since if r["Incident Type"].endswith("Killed"))
    assert f"counted {closure_killed:,} people killed" in text and f"in {len(since)} incidents" in text


def test_latest_claims_keep_each_claimant_and_drop_only_relays(frames):
    sentences = incidents.latest_claim_sentences(frames["claims"], "killed")
    assert len(sentences) == len(set(sentences))
    claims = frames["claims"]
    for side in claims["side"].astype(str).unique():
        rows = claims[(claims["side"].astype(str) == side) & (claims["category"].astype(str) == "killed")]
        last = rows[rows["reported_on"] == rows["reported_on"].max()]
        for who in last["who"].unique():
            assert any(who in sentence for sentence in sentences), who


def test_each_sector_point_is_the_point_of_its_line_nearest_to_its_places():
    """Checked another way than the builder: in an azimuthal equidistant projection centred on the places' centre,
    no vertex of the reference line lies closer to that centre than the sector's point (allowing 1 km for the
    different projection and for the line between vertices)."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    sectors = kb.load_sectors()
    places = kb.load_places().set_index("id")
    front = kb.load_front_lines()
    loc = front[front["key"] == "line_2020_2023"].geometry.iloc[0]
    countries = kb.load_boundaries().set_index("iso3").geometry
    border = countries["ARM"].boundary.intersection(countries["AZE"].buffer(0.005))
    lines = {"line_2020_2023": loc, "armenia_azerbaijan_border": border}
    for row in sectors[sectors.geometry.notna()].itertuples():
        ids = row.place_ids.split(";")
        lon0, lat0 = float(places.loc[ids, "lon"].mean()), float(places.loc[ids, "lat"].mean())
        to_local = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lon_0={lon0} +lat_0={lat0} +units=m",
                                        always_xy=True)
        xy = np.array([c[:2] for part in shapely.get_parts(lines[row.reference_line]) for c in part.coords])
        vx, vy = to_local.transform(xy[:, 0], xy[:, 1])
        nearest_vertex = float(np.hypot(vx, vy).min())
        px, py = to_local.transform(row.geometry.x, row.geometry.y)
        assert float(np.hypot(px, py)) <= nearest_vertex + 1_000, row.id
