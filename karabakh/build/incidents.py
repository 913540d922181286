"""Build ``incidents.csv``, ``sectors.csv`` and ``timeline.csv`` from Crisis Group's raw files.

Inputs (verbatim copies of files of CrisisGroup/nk-data-repo at commit 3d79388, GPL-3.0, attribution to the
Europe and Central Asia program of the International Crisis Group), checked first against the sha256 that
``data/raw/registry.csv`` records for them:

- ``data/raw/crisisgroup_casualties.csv`` -> ``data/incidents.csv``: one row per raw row, in the raw order;
  ``M/D/YYYY`` dates become ISO dates, "Combatant/Killed" is split into ``status`` and ``outcome``, the
  number of people is kept as is, the raw sector text is kept beside a ``sector_id``.
- ``SECTORS`` below -> ``data/sectors.csv``: the places that name each sector (``places.csv``) and a point
  that stands for it, labelled by its places' labels (``places.label``: "Armenian usage / Azerbaijani usage" where
  the names differ, e.g. "Martakert / Aghdara - Tartar"). **Rule**: take the mean of the sector's places in UTM zone 38N (EPSG:32638); the point
  is the point of the reference line nearest to that mean (same projection), back in WGS84, rounded to
  5 decimals (about 1 m). The reference line is the 2020-2023 line of contact (layer ``line_2020_2023``) for
  Crisis Group's "NK:" sectors, the Armenia-Azerbaijan border (where the Natural Earth polygons of the two
  countries meet) for the "Armenia-Azerbaijan:" sectors. Sectors that Crisis Group does not place (its
  "Nakhchivan 1" and "2", and the Sept 2022 border escalation, which spanned several sections) get no point.
- ``data/raw/crisisgroup_nk_timeline.csv`` -> ``data/timeline.csv``: one row per event; ``date`` from the
  Year/Month/Day columns (the day from "Display Date" where the Day column is empty), ``end_date`` from the
  End columns where they form a date on or after ``date``; "Display Date", "Headline" and "Text" kept with
  only their whitespace normalised (line breaks become spaces); the media, colour and empty columns dropped.
  ``EVENT_LINKS`` ties an event to the row of our own ``events.csv`` that describes the same event.

Run ``python -m karabakh.build.incidents`` (``--data DIR`` for another data folder). Nothing is written
unless every input is sound; the output is byte-identical on every run.
"""
from __future__ import annotations

import csv
import io
import os
import re
import sys
from datetime import date
from pathlib import Path

from karabakh.build import datafiles
from karabakh.io import checksums
from karabakh.io.errors import DataValidationError, Problem

RAW_CASUALTIES = "raw/crisisgroup_casualties.csv"
RAW_TIMELINE = "raw/crisisgroup_nk_timeline.csv"
CASUALTIES_SOURCE = "crisisgroup_nk_casualties"
TIMELINE_SOURCE = "crisisgroup_nk_timeline"
LINE_OF_CONTACT = "line_2020_2023"
STATE_BORDER = "armenia_azerbaijan_border"
METRIC_CRS = "EPSG:32638"  # UTM zone 38N: metres, fits the region
BORDER_TOLERANCE_M = 200.0  # how far apart the two countries' outlines may be and still count as their border

# Crisis Group's sector text -> (sector_id, places that name it (places.id), reference line or "")
SECTORS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "NK: Martakert-Terter": ("nk_martakert_terter", ("martakert", "tartar"), LINE_OF_CONTACT),
    "NK: Agdam-Askeran": ("nk_agdam_askeran", ("agdam", "askeran"), LINE_OF_CONTACT),
    "NK: Shusha-Stepanakert": ("nk_shusha_stepanakert", ("shusha", "stepanakert"), LINE_OF_CONTACT),
    "NK: Martuni-Hadrut": ("nk_martuni_hadrut", ("martuni", "hadrut"), LINE_OF_CONTACT),
    "NK: Hadrut-Jebrail-Fizuli": ("nk_hadrut_jebrail_fizuli", ("hadrut", "jabrayil", "fizuli"), LINE_OF_CONTACT),
    "NK: Kelbajar": ("nk_kelbajar", ("kalbajar",), LINE_OF_CONTACT),
    "Armenia-Azerbaijan: Ijevan-Gazakh": ("am_az_ijevan_gazakh", ("ijevan", "gazakh"), STATE_BORDER),
    "Armenia-Azerbaijan: Ijevan-Tovuz": ("am_az_ijevan_tovuz", ("ijevan", "tovuz"), STATE_BORDER),
    "Armenia-Azerbaijan: Vardenis-Kelbajar": ("am_az_vardenis_kelbajar", ("vardenis", "kalbajar"), STATE_BORDER),
    "Armenia-Azerbaijan: Goris-Lachin": ("am_az_goris_lachin", ("goris", "lachin"), STATE_BORDER),
    "Armenia-Azerbaijan: Kapan-Kubatli": ("am_az_kapan_kubatli", ("kapan", "qubadli"), STATE_BORDER),
    "Armenia-Azerbaijan: Nakhchivan 1": ("am_az_nakhchivan_1", ("nakhchivan",), ""),
    "Armenia-Azerbaijan: Nakhchivan 2": ("am_az_nakhchivan_2", ("nakhchivan",), ""),
    "ARM-AZ Border (Sep 2022 escalation)": ("am_az_border_sept_2022", (), ""),
}
UNPLACED_NOTE = {
    "am_az_nakhchivan_1": "Crisis Group does not say where on the Armenia-Nakhchivan border this sector lies: no point",
    "am_az_nakhchivan_2": "Crisis Group does not say where on the Armenia-Nakhchivan border this sector lies: no point",
    "am_az_border_sept_2022": "Crisis Group groups the 13-14 Sept 2022 escalation along the Armenia-Azerbaijan "
                              "border in one sector without a place: no point",
}
INCIDENT_TYPES = {  # raw "Incident Type" -> (status, outcome)
    "Combatant/Killed": ("combatant", "killed"), "Combatant/Wounded": ("combatant", "wounded"),
    "Non-combatant/Killed": ("non_combatant", "killed"), "Non-combatant/Wounded": ("non_combatant", "wounded"),
}
# (raw date 'YYYY-MM-DD', raw headline) of a timeline event -> events.id of the same event in events.csv
EVENT_LINKS: dict[tuple[str, str], str] = {
    ("2020-09-27", "Death toll climbs as fighting over NK rages on"): "ev040",
    ("2020-11-09", "Sides declare ceasefire after six weeks of war"): "ev001",
    ("2022-08-25", "Azerbaijan regains control of Lachin"): "ev041",
    ("2022-12-12", "Blocked road to NK"): "ev003",
    ("2023-04-23", "Azerbaijan sets up checkpoint on Lachin road"): "ev004",
    ("2023-09-09", "NK elects new leader"): "ev007",
}
INCIDENT_COLUMNS = ("id", "date", "status", "outcome", "people", "incident_type", "sector", "sector_id",
                    "source_id", "raw_line")
SECTOR_COLUMNS = ("id", "sector", "label", "place_ids", "reference_line", "lat", "lon", "source_id", "notes")
TIMELINE_COLUMNS = ("id", "date", "end_date", "display_date", "headline", "text", "event_id", "source_id",
                    "raw_line", "notes")
_CASUALTY_HEADER = ["Date", "Incident Type", "Place of Origin", "Casualties"]
_TIMELINE_HEADER = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
                    "Display Date", "Headline", "Text"]
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})")


def read_raw(data: Path, name: str, expected_sha256: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Read one raw file after checking its sha256; return ``[(line, record), ...]`` and the problems.

    Parameters
    ----------
    data : Path
        The data folder (holding ``raw/``).
    name : str
        ``RAW_CASUALTIES`` or ``RAW_TIMELINE``.
    expected_sha256 : str
        The file's sha256 as registered (``raw/registry.csv``, column ``extract_sha256``).

    Returns
    -------
    tuple
        The records with the physical line each starts on, and a list of :class:`Problem` (empty when sound).

    Examples
    --------
    >>> from karabakh.io import raw, tables
    >>> registered = raw.load_registry().set_index("file")["extract_sha256"]["crisisgroup_nk_timeline.csv"]
    >>> records, problems = read_raw(tables.data_dir(), RAW_TIMELINE, registered)
    >>> problems, records[0][0], list(records[0][1])[:3]
    ([], 2, ['Year', 'Month', 'Day'])
    >>> read_raw(tables.data_dir(), RAW_TIMELINE, "0" * 64)[1][0].message
    "sha256 is ..., expected 000...000 (raw/registry.csv): not the registered copy of Crisis Group's file"
    """
    path = data / name
    label = f"data/{name}"
    if not path.is_file():
        return [], [Problem(label, "", "file not found (a verbatim copy of Crisis Group's file is expected)")]
    found = checksums.digest(path)
    if found != expected_sha256:
        return [], [Problem(label, "", f"sha256 is {found}, expected {expected_sha256} (raw/registry.csv): not the "
                                       "registered copy of Crisis Group's file")]
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    expected = _CASUALTY_HEADER if name == RAW_CASUALTIES else _TIMELINE_HEADER
    if header[: len(expected)] != expected:
        return [], [Problem(label, "line 1", f"header {header[:len(expected)]} is not {expected}")]
    records, line = [], reader.line_num + 1
    for row in reader:
        records.append((line, dict(zip(header, row))))
        line = reader.line_num + 1
    return records, []


def incident_rows(records: list[tuple[int, dict[str, str]]]) -> tuple[list[dict], list[Problem]]:
    """One output row per raw incident, in the raw order (see the module docstring).

    Parameters
    ----------
    records : list of (int, dict)
        From :func:`read_raw` on ``RAW_CASUALTIES``.

    Returns
    -------
    tuple
        The rows (dicts keyed by ``INCIDENT_COLUMNS``) and the problems found (file, line, column, why).

    Examples
    --------
    >>> rows, problems = incident_rows([(2, {"Date": "11/10/2020", "Incident Type": "Combatant/Killed",
    ...                                      "Place of Origin": "NK: Kelbajar", "Casualties": "2"})])
    >>> rows[0]["date"], rows[0]["status"], rows[0]["outcome"], rows[0]["people"], rows[0]["sector_id"]
    ('2020-11-10', 'combatant', 'killed', '2', 'nk_kelbajar')
    """
    label = f"data/{RAW_CASUALTIES}"
    rows, problems = [], []
    for number, (line, rec) in enumerate(records, 1):
        def bad(column: str, why: str) -> None:
            problems.append(Problem(label, f"line {line}, column '{column}'", f"{why} (value {rec.get(column)!r})"))

        day = us_date(rec.get("Date", ""))
        if day is None:
            bad("Date", "not a valid date in the form M/D/YYYY")
        kind = INCIDENT_TYPES.get(rec.get("Incident Type", ""))
        if kind is None:
            bad("Incident Type", f"not one of {', '.join(INCIDENT_TYPES)}")
        people = rec.get("Casualties", "")
        counted = people.isdigit() and int(people) >= 1
        if not counted:
            bad("Casualties", "not a whole number of people, 1 or more")
        sector = SECTORS.get(rec.get("Place of Origin", ""))
        if sector is None:
            bad("Place of Origin", "a sector not in build_incidents.SECTORS; add it there with its places")
        if day is None or kind is None or sector is None or not counted:
            continue
        rows.append({"id": f"cgi{number:03d}", "date": day.isoformat(), "status": kind[0], "outcome": kind[1],
                     "people": people, "incident_type": rec["Incident Type"], "sector": rec["Place of Origin"],
                     "sector_id": sector[0], "source_id": CASUALTIES_SOURCE, "raw_line": str(line)})
    return rows, problems


def sector_rows(places, front_lines, boundaries) -> tuple[list[dict], list[Problem]]:
    """One row per sector of ``SECTORS`` with its places and the point that stands for it.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        ``load_places()``; must hold every place id named in ``SECTORS``.
    front_lines : geopandas.GeoDataFrame
        ``load_front_lines()``; must hold the key ``line_2020_2023``.
    boundaries : geopandas.GeoDataFrame
        ``load_boundaries()``; must hold Armenia and Azerbaijan (``iso3`` ARM, AZE).

    Returns
    -------
    tuple
        The rows (dicts keyed by ``SECTOR_COLUMNS``) and the problems found.

    Examples
    --------
    >>> from karabakh.io import layers, tables
    >>> rows, problems = sector_rows(tables.load_places(), layers.load_front_lines(), layers.load_boundaries())
    >>> problems, len(rows) == len(SECTORS), sorted(r["id"] for r in rows if not r["lat"]) == sorted(UNPLACED_NOTE)
    ([], True, True)
    """
    from shapely.ops import nearest_points

    problems: list[Problem] = []
    by_id = places.set_index("id")
    missing = sorted({p for _, ids, _ in SECTORS.values() for p in ids} - set(by_id.index))
    if missing:
        return [], [Problem("data/places.csv", "column 'id'", f"place(s) named by a sector are missing: "
                                                              f"{', '.join(missing)}")]
    lines = _reference_lines(front_lines, boundaries)
    metric = by_id.to_crs(METRIC_CRS).geometry
    rows = []
    for sector, (sector_id, ids, reference) in sorted(SECTORS.items(), key=lambda kv: kv[1][0]):
        lat = lon = ""
        if reference:
            import shapely

            mean = shapely.Point(sum(metric[p].x for p in ids) / len(ids), sum(metric[p].y for p in ids) / len(ids))
            point = nearest_points(lines[reference], mean)[0]
            lon, lat = (f"{v:.5f}" for v in _to_wgs84(point))
        label = " – ".join(by_id.loc[p, "label"] for p in ids) if ids else "Armenia-Azerbaijan border (several sections)"
        rows.append({"id": sector_id, "sector": sector, "label": label, "place_ids": ";".join(ids),
                     "reference_line": reference, "lat": lat, "lon": lon, "source_id": CASUALTIES_SOURCE,
                     "notes": UNPLACED_NOTE.get(sector_id, "")})
    return rows, problems


def timeline_rows(records: list[tuple[int, dict[str, str]]], event_ids: set[str]) -> tuple[list[dict], list[Problem]]:
    """One output row per raw timeline event, in the raw order (see the module docstring).

    Parameters
    ----------
    records : list of (int, dict)
        From :func:`read_raw` on ``RAW_TIMELINE``.
    event_ids : set of str
        The ids of ``events.csv``, to check ``EVENT_LINKS``.

    Returns
    -------
    tuple
        The rows (dicts keyed by ``TIMELINE_COLUMNS``) and the problems found.

    Examples
    --------
    >>> record = {"Year": "2023", "Month": "9", "Day": "", "End Year": "", "End Month": "", "End Day": "",
    ...           "Display Date": "19 September 2023", "Headline": " Azerbaijan\\nlaunches offensive ", "Text": ""}
    >>> rows, problems = timeline_rows([(5, record)], set())
    >>> rows[0]["date"], rows[0]["headline"], rows[0]["notes"]
    ('2023-09-19', 'Azerbaijan launches offensive', "day taken from 'Display Date' (the Day column is empty)")
    >>> len(problems) == len(EVENT_LINKS)  # each linked event is missing from this one-record file
    True
    """
    label = f"data/{RAW_TIMELINE}"
    rows, problems, linked = [], [], set()
    for number, (line, rec) in enumerate(records, 1):
        notes = []
        start = ymd(rec["Year"], rec["Month"], rec["Day"])
        if start is None and rec["Year"] and rec["Month"] and not rec["Day"]:
            start = _day_from_display(rec)
            if start is not None:
                notes.append("day taken from 'Display Date' (the Day column is empty)")
        if start is None:
            problems.append(Problem(label, f"line {line}, column 'Day'", "Year/Month/Day do not form a date "
                                    f"(values {rec['Year']!r}, {rec['Month']!r}, {rec['Day']!r})"))
            continue
        end = ymd(rec["End Year"], rec["End Month"], rec["End Day"])
        ends = (rec["End Year"], rec["End Month"], rec["End Day"])
        if any(ends) and (end is None or end < start):
            notes.append(f"end columns ({'/'.join(ends)}) do not form a date on or after the start: end date unknown "
                         "here, see display_date")
            end = None
        key = (start.isoformat(), rec["Headline"].strip())
        event_id = EVENT_LINKS.get(key, "")
        if event_id:
            linked.add(key)
            if event_id not in event_ids:
                problems.append(Problem("data/events.csv", "column 'id'", f"{event_id} (linked from timeline "
                                                                          f"line {line}) is missing"))
        rows.append({"id": f"tl{number:03d}", "date": start.isoformat(), "end_date": end.isoformat() if end else "",
                     "display_date": _spaces(rec["Display Date"]), "headline": _spaces(rec["Headline"]),
                     "text": _spaces(rec["Text"]), "event_id": event_id, "source_id": TIMELINE_SOURCE,
                     "raw_line": str(line), "notes": "; ".join(notes)})
    for key in sorted(set(EVENT_LINKS) - linked):
        problems.append(Problem(label, "", f"EVENT_LINKS names an event that is not in the file: {key}"))
    return rows, problems


def build(data: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Check the raw files and write ``incidents.csv``, ``sectors.csv`` and ``timeline.csv`` into ``data``.

    Parameters
    ----------
    data : path-like, optional
        The data folder (default: the shipped data, or ``$KARABAKH_DATA``). Places, layers and events are read
        from it too.

    Returns
    -------
    dict
        ``{"incidents": path, "sectors": path, "timeline": path}`` of the files written.

    Raises
    ------
    DataValidationError
        A raw file is missing, unregistered or not the registered copy (sha256 in ``raw/registry.csv``), or has a
        row that cannot be converted; the message lists every problem. Nothing is written then.
    """
    from karabakh.io import layers, raw, tables
    folder = tables.data_dir(data)
    registered = raw.load_registry(folder).set_index("file")["extract_sha256"]
    problems: list[Problem] = []
    records = {}
    for name in (RAW_CASUALTIES, RAW_TIMELINE):
        file = Path(name).name
        if file not in registered.index:
            problems.append(Problem("data/raw/registry.csv", "column 'file'", f"{file} is not registered"))
            records[name] = []
            continue
        records[name], found = read_raw(folder, name, registered[file])
        problems += found
    cas, tl = records[RAW_CASUALTIES], records[RAW_TIMELINE]
    incidents, found = incident_rows(cas)
    problems += found
    events = tables.load_table("events", folder)
    timeline, found = timeline_rows(tl, set(events["id"]))
    problems += found
    if problems:
        raise DataValidationError(problems)
    sectors, found = sector_rows(tables.load_places(folder), layers.load_front_lines(data_dir=folder),
                                 layers.load_boundaries(folder))
    if found:
        raise DataValidationError(found)
    out = {"incidents": (incidents, INCIDENT_COLUMNS), "sectors": (sectors, SECTOR_COLUMNS),
           "timeline": (timeline, TIMELINE_COLUMNS)}
    return {name: datafiles.write_csv(folder / f"{name}.csv", rows, columns) for name, (rows, columns) in out.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m karabakh.build.incidents [--data DIR]``; exit 1 on problems.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when the three files were written; 1 when a problem was found (printed on stderr; nothing written).

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> from karabakh.io import tables
    >>> copy = shutil.copytree(tables.data_dir(), pathlib.Path(tempfile.mkdtemp(), "data"))
    >>> main(["--data", str(copy)])
    wrote .../incidents.csv
    wrote .../sectors.csv
    wrote .../timeline.csv
    0
    >>> built = ("incidents.csv", "sectors.csv", "timeline.csv")
    >>> all(checksums.digest(copy / f) == checksums.digest(tables.data_dir() / f) for f in built)
    True
    >>> main(["--data", str(copy.parent / "empty")])  # no registry, no raw files: nothing is written
    1
    >>> shutil.rmtree(copy.parent)
    """
    return datafiles.build_command("python -m karabakh.build.incidents", __doc__.splitlines()[0], build, argv)


# --------------------------------------------------------------------------------------------- helpers

def us_date(text: str) -> date | None:
    """A day of Crisis Group's raw files written month/day/year (``"9/13/2022"``), or None when it is not one.

    Parameters
    ----------
    text : str

    Returns
    -------
    datetime.date or None

    Examples
    --------
    >>> us_date("9/13/2022"), us_date("13/9/2022")
    (datetime.date(2022, 9, 13), None)
    """
    m = _US_DATE.fullmatch(text.strip())
    return ymd(m.group(3), m.group(1), m.group(2)) if m else None


def ymd(year: str, month: str, day: str) -> date | None:
    """A day from the year, month and day cells of a raw file, or None when they name no day.

    Parameters
    ----------
    year, month, day : str

    Returns
    -------
    datetime.date or None

    Examples
    --------
    >>> ymd("2016", "4", "2"), ymd("2016", "2", "30")
    (datetime.date(2016, 4, 2), None)
    """
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _day_from_display(rec: dict[str, str]) -> date | None:
    m = _DAY_MONTH_YEAR.fullmatch(rec["Display Date"].strip())
    if not m or m.group(3) != rec["Year"]:
        return None
    found = ymd(m.group(3), rec["Month"], m.group(1))
    return found if found and found.strftime("%B") == m.group(2) else None


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _reference_lines(front_lines, boundaries) -> dict:
    """The two reference lines in ``METRIC_CRS``: the 2020-2023 line of contact and the Armenia-Azerbaijan border."""
    loc = front_lines[front_lines["key"] == LINE_OF_CONTACT].to_crs(METRIC_CRS).geometry.union_all()
    countries = boundaries[boundaries["kind"] == "country"].set_index("iso3").to_crs(METRIC_CRS).geometry
    border = countries["ARM"].boundary.intersection(countries["AZE"].buffer(BORDER_TOLERANCE_M))
    return {LINE_OF_CONTACT: loc, STATE_BORDER: border}


def _to_wgs84(point) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True).transform(point.x, point.y)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
