"""Build the whole record's tables from their extracts in ``data/raw/`` (issue 20).

Every input is checked first against the sha256 that ``data/raw/registry.csv`` records for it; nothing is
written unless every input is sound, and the output is byte-identical on every run.

- Crisis Group's ``pre-2020-casualties/{all,arm,aze,weapon}.csv`` -> ``data/incidents_pre2020.csv``: one row per
  raw row, ``breakdown`` naming the file (``all``; ``armenian`` / ``azerbaijani`` side; ``weapon``), the raw
  category kept verbatim in ``category`` beside what it says (``status`` and ``outcome``, or ``weapon``).
  The pre-war files' own words are kept apart from the post-war ones: ``all.csv`` counts "Military" and
  "Civilians", the side files "Combatants" and "Non-combatants". Rows of ``arm.csv`` that hold only Crisis
  Group's ID (no date, category or count) are not incidents and are skipped (listed in ``data/CHANGES.md``).
  **Crisis Group states that the April 2016 escalation is not in these counts** (said in the table's description
  and by :data:`karabakh.io.record.APRIL_2016_GAP`).
- Crisis Group's ``detentions/detentions.csv`` -> ``data/detentions.csv``, the sector text joined to
  ``sectors.csv`` by :data:`karabakh.build.incidents.SECTORS`.
- The Russian versions (``ru/``) give ``category_ru`` where a Russian row pairs with the English row (same line,
  date and number) **and** its label is the translation of the English one (:data:`TRANSLATIONS`, checked by
  hand); where the label is another category's (Crisis Group's Russian ``all.csv`` labels military wounded as
  "killed civilians", for one), ``category_ru`` stays empty and ``notes`` says so. The Russian files name no
  sector in Russian (``ru/detentions`` keeps the English sector names): there is no Russian sector name to join.
- Crisis Group's ``nk-timeline-ru.csv`` -> ``data/timeline_ru.csv``: each dated Russian event joined to the English
  event of ``timeline.csv`` it translates (:data:`TIMELINE_RU`: read side by side by hand; the build checks the date
  and the English headline again, and refuses a dated Russian row nobody has checked).
- Karlinsky & Torrisi's ``KT_NK_War_data.csv`` -> ``data/excess_deaths_2020.csv``: their 2020 estimate for each
  territory, sex and age group (expected deaths and excess deaths with their enveloping intervals), numbers as
  written upstream. The age group "May-14" (a spreadsheet's reading of "5 - 14"; ``age_low`` 5) is repaired to
  "5 - 14" and the row says so.
- UNHCR's ``population``, ``flows``, ``idmc`` and ``solutions`` (rows between Armenia and Azerbaijan) ->
  ``data/unhcr_displacement.csv``: one row per non-empty count, labelled ``stock`` (people at the end of the
  year) or ``flow`` (people who moved during it).

Run ``python -m karabakh.build.record`` (``--data DIR`` for another data folder).
"""
from __future__ import annotations

import csv
import io
import os
import re
import sys
from pathlib import Path

from karabakh.build.incidents import SECTORS, us_date, ymd
from karabakh.build import datafiles
from karabakh.io import checksums
from karabakh.io.errors import DataValidationError, Problem

CG_SOURCE = "crisisgroup_nk_data"
KT_SOURCE = "karlinsky_torrisi_2023"
UNHCR_SOURCE = "unhcr_refugees_2025_12_1"
PRE2020 = {  # breakdown -> (English extract, Russian extract, id prefix)
    "all": ("crisisgroup_pre2020_all.csv", "crisisgroup_ru_pre2020_all.csv", "cpa"),
    "armenian": ("crisisgroup_pre2020_arm.csv", "crisisgroup_ru_pre2020_arm.csv", "cpr"),
    "azerbaijani": ("crisisgroup_pre2020_aze.csv", "crisisgroup_ru_pre2020_aze.csv", "cpz"),
    "weapon": ("crisisgroup_pre2020_weapon.csv", "crisisgroup_ru_pre2020_weapon.csv", "cpw"),
}
DETENTIONS = ("crisisgroup_detentions.csv", "crisisgroup_ru_detentions.csv")
TIMELINE_RU_FILE = "crisisgroup_nk_timeline_ru.csv"
KT_FILE = "karlinsky_torrisi_nk_war_data.csv"
UNHCR_FILES = ("unhcr_population.csv", "unhcr_flows.csv", "unhcr_idmc.csv", "unhcr_solutions.csv")
# raw category -> (status, outcome) or ("", "") for a weapon
CATEGORIES = {
    "Military Killed": ("military", "killed"), "Military Wounded": ("military", "wounded"),
    "Civilians Killed": ("civilian", "killed"), "Civilians Wounded": ("civilian", "wounded"),
    "Combatants Killed": ("combatant", "killed"), "Combatants Wounded": ("combatant", "wounded"),
    "Non-combatants Killed": ("non_combatant", "killed"), "Non-combatants Wounded": ("non_combatant", "wounded"),
}
WEAPONS = {"Special Operations": "special_operations", "Heavy Weaponry": "heavy_weaponry", "Drones": "drones"}
DETAINED = {  # raw 'Person(s) Detained' -> (side, status)
    "Armenian non-combatant": ("armenian", "non_combatant"), "Armenian combatant": ("armenian", "combatant"),
    "Azerbaijani non-combatant": ("azerbaijani", "non_combatant"),
    "Azerbaijani combatant": ("azerbaijani", "combatant"),
}
# English label -> its Russian translation (checked by hand); a Russian row is joined only when its label is this
TRANSLATIONS = {
    "Military Killed": "Убитые военные", "Military Wounded": "Раненые военные",
    "Civilians Killed": "Убитые гражданские", "Civilians Wounded": "Раненые гражданские",
    "Combatants Killed": "Число убитых комбатантов", "Combatants Wounded": "Число раненых комбатантов",
    "Non-combatants Killed": "Число убитых некомбатантов", "Non-combatants Wounded": "Число раненых некомбатантов",
    "Special Operations": "Спецоперации", "Heavy Weaponry": "Тяжелое вооружение", "Drones": "Дроны",
    "Armenian non-combatant": "Армянский некомбатант", "Armenian combatant": "Армянский комбатант",
    "Azerbaijani non-combatant": "Азербайджанский некомбатант", "Azerbaijani combatant": "Азербайджанский комбатант",
}
TIMELINE_RU: dict[int, str] = {  # line of nk-timeline-ru.csv -> the English headline it translates (read by hand)
    2: 'Death toll climbs as fighting over NK rages on',
    3: 'Three failed ceasefire attempts',
    4: 'Sides declare ceasefire after six weeks of war',
    5: 'Azerbaijan holds victory parade',
    6: 'Fresh clashes in NK',
    7: 'Moscow facilitates POW exchange',
    8: 'First post-war summit in Moscow',
    9: 'Turkish-Russian Joint Monitoring Centre opens in Azerbaijan',
    10: 'First ever Turkish-Azerbaijani drills in Kars',
    11: 'Sides meet in NK to discuss cooperation',
    12: 'Armenia’s General Staff demands PM’s resignation',
    13: 'Russian becomes second official language in Nagorno-Karabakh',
    14: 'Aliyev raises concerns over Iskander missiles',
    15: 'OSCE Minsk group co-chairs call for meeting of leaders',
    16: 'Biden makes statement on Armenian Genocide',
    17: 'Russian military reinforce new sites in south of Armenia',
    18: 'Armenian court sentences two Syrian fighters to life in prison',
    19: 'Baku releases three Armenian detainees amid international pressure',
    20: 'Russian FM visits region in attempt to revive OSCE Minsk process',
    21: 'Clashes and detentions on Armenia-Azerbaijan state border',
    22: 'Armenia and Azerbaijan make breakthrough deal on detainees and mines',
    23: 'Azerbaijan and Turkey sign new declaration to increase cooperation',
    24: 'Pashinyan’s party wins Armenian elections',
    25: 'Aliyev introduces “Eastern Zangezur” next to Armenia',
    26: 'Pashinyan and Aliyev meet with Putin',
    27: 'Deadliest clashes since second NK war',
    28: 'Russia stations new military post in Armenian border zone',
    29: 'Azerbaijan regains controls over highway in its border zone',
    30: 'OSCE Minsk Group resumes mediation functions',
    31: 'ICJ hosts first hearings',
    32: 'Armenia and Azerbaijan resume comms channel',
    33: 'Russian mediation yields no final agreement',
    34: 'ICJ preliminary ruling',
    35: 'First-ever EU mediation of Azerbaijan-Armenia talks',
    36: 'Armenia and Turkey start talks',
    37: 'Armenian president resigns',
    38: 'Damage to pipeline causes gas crisis in NK',
    39: 'Armenian FM visits Turkey for first time in over a decade',
    40: 'Baku gains control over Kartanglukh mountains in NK',
    41: 'Armenia and Azerbaijan ready to start work on peace deal',
    42: 'Lavrov says OSCE Minsk Group’s future is “uncertain”',
    43: 'First meeting of border commissions',
    44: 'Armenian opposition protests PM Pashinyan’s plan for NK',
    45: 'U.S. insists on relevance of OSCE Minsk Group',
    46: 'Armenia and Turkey reach first agreements',
    47: 'First bilateral meeting of FMs in Tbilisi',
    48: 'Baku launches military operation in NK',
    49: 'Azerbaijan regains control of Lachin',
    50: 'Brussels meeting produces no results',
    51: 'Deadliest escalation since 2020 war',
    53: 'EU deploys temporary mission to Armenia',
    54: 'Blocked road to NK',
    55: 'Armenia sends aid to Türkiye',
    56: 'New EU mission patrols Armenian borders',
    57: 'Baku and Stepanakert resume direct contacts',
    58: 'Azerbaijan sets up checkpoint on Lachin road',
    59: 'Armenia and Azerbaijan engage in peace talks',
}
KT_TERRITORIES = ("Armenia", "Azerbaijan", "Artsakh", "Georgia", "Iranian Azerbaijan", "Russia Dagestan")
AGE_REPAIRS = {"May-14": "5 - 14"}  # spreadsheet date-mangling -> the age group (age_low 5)
# UNHCR table -> {column: kind}; each non-empty cell becomes a row
UNHCR_MEASURES = {
    "population": {"refugees": "stock", "asylum_seekers": "stock", "returned_refugees": "flow", "idps": "stock",
                   "returned_idps": "flow", "stateless": "stock", "ooc": "stock", "oip": "stock", "hst": "stock"},
    "flows": {"refugees": "flow", "asylum_seekers": "flow", "refugee_like": "flow", "oip": "flow"},
    "idmc": {"total": "stock"},
    "solutions": {"returned_refugees": "flow", "resettlement": "flow", "naturalisation": "flow",
                  "returned_idps": "flow"},
}
PRE2020_COLUMNS = ("id", "date", "period", "breakdown", "category", "status", "outcome", "weapon", "people",
                   "category_ru", "cg_id", "source_id", "raw_file", "raw_line", "notes")
DETENTION_COLUMNS = ("id", "date", "detained", "side", "status", "people", "sector", "sector_id", "detained_ru",
                     "source_id", "raw_line", "notes")
EXCESS_COLUMNS = ("id", "territory", "group", "sex", "age_group", "age_low", "deaths_2020", "expected",
                  "expected_low", "expected_high", "value", "value_low", "value_high", "source_id", "raw_line", "notes")
TIMELINE_RU_COLUMNS = ("id", "timeline_id", "date", "display_date_ru", "headline_ru", "text_ru", "source_id",
                       "raw_line", "notes")
UNHCR_COLUMNS = ("id", "year", "table", "measure", "kind", "origin_iso", "asylum_iso", "value", "source_id",
                 "raw_file", "raw_line")


def read_extract(data: Path, file: str, registered) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The rows of one registered CSV extract with their physical line, after checking its sha256.

    Parameters
    ----------
    data : Path
        The data folder.
    file : str
        The extract's name in ``raw/``.
    registered : Mapping
        ``file -> extract_sha256`` from the registry.

    Returns
    -------
    tuple
        ``[(line, cells), ...]`` for every row after the header (the header is ``(1, cells)``, first), and the
        problems (missing, unregistered, or not the registered copy).

    Examples
    --------
    >>> from karabakh.io import raw, tables
    >>> reg = raw.load_registry().set_index("file")["extract_sha256"]
    >>> rows, problems = read_extract(tables.data_dir(), "crisisgroup_pre2020_all.csv", reg)
    >>> problems, rows[0], rows[1]
    ([], (1, ['Date', 'Type of Casualty', 'Number']), (2, ['1/3/2015', 'Military Killed', '2']))
    """
    label = f"data/raw/{file}"
    if file not in registered:
        return [], [Problem("data/raw/registry.csv", "column 'file'", f"{file} is not registered")]
    path = data / "raw" / file
    if not path.is_file():
        return [], [Problem(label, "", "file not found (`python -m karabakh sources --fetch` re-derives it)")]
    found = checksums.digest(path)
    if found != registered[file]:
        return [], [Problem(label, "", f"sha256 is {found}, expected {registered[file]} (raw/registry.csv)")]
    reader = csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
    rows, line = [], 1
    for cells in reader:
        rows.append((line, cells))
        line = reader.line_num + 1
    return rows, []


def pre2020_rows(english: dict[str, list], russian: dict[str, list]) -> tuple[list[dict], list[Problem]]:
    """Rows of ``incidents_pre2020.csv`` from the four English files and their Russian versions.

    Parameters
    ----------
    english, russian : dict
        breakdown -> rows from :func:`read_extract` (header first).

    Returns
    -------
    tuple
        The rows (dicts keyed by ``PRE2020_COLUMNS``) and the problems (file, line, column, why).

    Examples
    --------
    >>> en = {"all": [(1, ["Date", "Type of Casualty", "Number"]), (2, ["1/3/2015", "Military Wounded", "1"])]}
    >>> ru = {"all": [(1, ["Дата", "категория потерь", "Число"]), (2, ["1/3/2015", "Убитые гражданские", "1"])]}
    >>> rows, problems = pre2020_rows(en, ru)
    >>> rows[0]["status"], rows[0]["outcome"], rows[0]["category_ru"], problems
    ('military', 'wounded', '', [])
    >>> rows[0]["notes"]
    "Crisis Group's Russian label 'Убитые гражданские' is not 'Раненые военные': not joined"
    """
    out, problems = [], []
    for breakdown, rows in english.items():
        file, ru_file, prefix = PRE2020[breakdown]
        header, body = rows[0][1], rows[1:]
        ru_body = [cells for _, cells in russian.get(breakdown, [])[1:]]
        has_id = header[0] == "ID"
        kept = [(line, cells) for line, cells in body if any(cells[1:] if has_id else cells)]
        for number, (line, cells) in enumerate(kept, 1):
            cg_id = cells[0] if has_id else ""
            day_text, category, people = cells[1:4] if has_id else cells[:3]

            def bad(column: str, why: str, value: str) -> None:
                problems.append(Problem(f"data/raw/{file}", f"line {line}, column '{column}'", f"{why} (value {value!r})"))

            day = us_date(day_text)
            if day is None:
                bad(header[1 if has_id else 0], "not a date M/D/YYYY", day_text)
            known = WEAPONS if breakdown == "weapon" else CATEGORIES
            if category not in known:
                bad(header[2 if has_id else 1], f"not one of {', '.join(known)}", category)
            if not (people.isdigit() and int(people) >= 1):
                bad(header[-1], "not a whole number of people, 1 or more", people)
            if day is None or category not in known or not people.isdigit() or int(people) < 1:
                continue
            ru = ru_body[number - 1] if number <= len(ru_body) else None
            category_ru, notes = _russian(ru, day_text, category, people)
            status, outcome = CATEGORIES.get(category, ("", ""))
            out.append({"id": f"{prefix}{number:03d}", "date": day.isoformat(), "period": "pre_2020_war",
                        "breakdown": breakdown, "category": category, "status": status, "outcome": outcome,
                        "weapon": WEAPONS.get(category, ""), "people": people, "category_ru": category_ru,
                        "cg_id": cg_id, "source_id": CG_SOURCE, "raw_file": file, "raw_line": str(line),
                        "notes": notes})
    return out, problems


def detention_rows(english: list, russian: list, sector_ids: set[str]) -> tuple[list[dict], list[Problem]]:
    """Rows of ``detentions.csv`` (see the module docstring).

    Parameters
    ----------
    english, russian : list
        Rows from :func:`read_extract` of the English and Russian files (header first).
    sector_ids : set of str
        The ids of ``sectors.csv``.

    Returns
    -------
    tuple
        The rows (dicts keyed by ``DETENTION_COLUMNS``) and the problems.

    Examples
    --------
    >>> en = [(1, ["Date", "Person(s) Detained", "Origin", "Detentions"]),
    ...       (2, ["11/10/2020", "Armenian non-combatant", "NK: Shusha-Stepanakert", "2"])]
    >>> ru = [(1, ["Дата", "Category", "Destination Point", "Число"]),
    ...       (2, ["11/10/2020", "Армянский некомбатант", "NK: Shusha-Stepanakert", "2"])]
    >>> rows, problems = detention_rows(en, ru, {"nk_shusha_stepanakert"})
    >>> rows[0]["side"], rows[0]["status"], rows[0]["sector_id"], rows[0]["detained_ru"], problems
    ('armenian', 'non_combatant', 'nk_shusha_stepanakert', 'Армянский некомбатант', [])
    """
    file = DETENTIONS[0]
    out, problems = [], []
    ru_body = [cells for _, cells in russian[1:]]
    for number, (line, (day_text, detained, sector, people)) in enumerate(english[1:], 1):
        where = f"line {line}"
        day = us_date(day_text)
        kind = DETAINED.get(detained)
        place = SECTORS.get(sector)
        for ok, column, why, value in ((day is not None, "Date", "not a date M/D/YYYY", day_text),
                                       (kind is not None, "Person(s) Detained", f"not one of {', '.join(DETAINED)}",
                                        detained),
                                       (place is not None and place[0] in sector_ids, "Origin",
                                        "not a sector of build.incidents.SECTORS in sectors.csv", sector),
                                       (people.isdigit() and int(people) >= 1, "Detentions",
                                        "not a whole number of people, 1 or more", people)):
            if not ok:
                problems.append(Problem(f"data/raw/{file}", f"{where}, column '{column}'",
                                        f"{why} (value {value!r})"))
        if day is None or kind is None or place is None or place[0] not in sector_ids or not people.isdigit():
            continue
        ru = ru_body[number - 1] if number <= len(ru_body) else None
        ru_pair = [ru[0], ru[1], ru[3]] if ru and len(ru) == 4 else None
        detained_ru, notes = _russian(ru_pair, day_text, detained, people)
        out.append({"id": f"cgd{number:03d}", "date": day.isoformat(), "detained": detained, "side": kind[0],
                    "status": kind[1], "people": people, "sector": sector, "sector_id": place[0],
                    "detained_ru": detained_ru, "source_id": CG_SOURCE, "raw_line": str(line), "notes": notes})
    return out, problems


def timeline_ru_rows(rows: list, timeline: list[dict]) -> tuple[list[dict], list[Problem]]:
    """Rows of ``timeline_ru.csv``: each dated event of Crisis Group's Russian timeline joined to the English event
    it translates (:data:`TIMELINE_RU`, read by hand), checked again here by date and headline.

    Parameters
    ----------
    rows : list
        Rows from :func:`read_extract` of ``TIMELINE_RU_FILE`` (header first).
    timeline : list of dict
        The rows of ``timeline.csv`` (id, date, headline).

    Returns
    -------
    tuple
        The rows (dicts keyed by ``TIMELINE_RU_COLUMNS``) and the problems: a dated Russian row not in
        ``TIMELINE_RU`` (not checked), or whose English event is not in the timeline on that date.

    Examples
    --------
    >>> head = (1, ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
    ...             "Headline", "Text"])
    >>> ru = (2, ["2020", "9", "27", "", "", "", "", "", "27 сентября 2021", "Потери растут", "Текст"])
    >>> en = [{"id": "tl267", "date": "2020-09-27", "headline": "Death toll climbs as fighting over NK rages on"}]
    >>> out, problems = timeline_ru_rows([head, ru], en)
    >>> out[0]["timeline_id"], out[0]["headline_ru"], problems
    ('tl267', 'Потери растут', [])
    >>> out[0]["notes"]
    'the Russian display date gives the year 2021; the Year column and the English event give 2020'
    """
    by_key = {(t["date"], t["headline"]): t["id"] for t in timeline}
    out, problems = [], []
    for line, cells in rows[1:]:
        if not any(cells[:3]):
            continue
        where = f"line {line}"
        found = ymd(*cells[:3])
        day = found.isoformat() if found else None
        english = TIMELINE_RU.get(line)
        if day is None:
            problems.append(Problem(f"data/raw/{TIMELINE_RU_FILE}", f"{where}, column 'Day'",
                                    f"Year/Month/Day do not form a date (values {cells[:3]!r})"))
            continue
        if english is None:
            problems.append(Problem(f"data/raw/{TIMELINE_RU_FILE}", where, "a dated row not checked against the "
                                    "English timeline: add it to build.record.TIMELINE_RU after reading both"))
            continue
        timeline_id = by_key.get((day, english))
        if timeline_id is None:
            problems.append(Problem("data/timeline.csv", "column 'headline'", f"no event {english!r} on {day} "
                                    f"(joined from line {line} of raw/{TIMELINE_RU_FILE})"))
            continue
        display = " ".join(cells[8].split())
        years = set(re.findall(r"\b(?:19|20)\d\d\b", display))
        notes = ""
        if years and years != {day[:4]}:
            notes = (f"the Russian display date gives the year {', '.join(sorted(years))}; the Year column and the "
                     f"English event give {day[:4]}")
        out.append({"id": f"tlr{len(out) + 1:03d}", "timeline_id": timeline_id, "date": day,
                    "display_date_ru": display, "headline_ru": " ".join(cells[9].split()),
                    "text_ru": " ".join(cells[10].split()) if len(cells) > 10 else "", "source_id": CG_SOURCE,
                    "raw_line": str(line), "notes": notes})
    return out, problems


def excess_rows(rows: list) -> tuple[list[dict], list[Problem]]:
    """Rows of ``excess_deaths_2020.csv``: the 2020 rows of Karlinsky & Torrisi's file (see the module docstring).

    Parameters
    ----------
    rows : list
        Rows from :func:`read_extract` of ``KT_FILE`` (header first).

    Returns
    -------
    tuple
        The rows (dicts keyed by ``EXCESS_COLUMNS``) and the problems.

    Examples
    --------
    >>> head = ["territory", "group", "sex", "age_group", "age_low", "year", "deaths", "final_pred",
    ...         "final_ci_low", "final_ci_high", "excess", "excess_low", "excess_high"]
    >>> row = ["Armenia", "War", "Male", "May-14", "5", "2020", "45", "46.2", "24", "64", "-1.2", "-20.1", "22.1"]
    >>> out, problems = excess_rows([(1, head), (2, row)])
    >>> out[0]["age_group"], out[0]["value"], out[0]["value_low"], out[0]["notes"][:36], problems
    ('5 - 14', '-1.2', '-20.1', "age group 'May-14' in the file, read", [])
    """
    header = rows[0][1]
    out, problems = [], []
    number = 0
    for line, cells in rows[1:]:
        rec = dict(zip(header, cells))
        if rec.get("year") != "2020":
            continue
        number += 1
        where = f"line {line}"
        if rec["territory"] not in KT_TERRITORIES:
            problems.append(Problem(f"data/raw/{KT_FILE}", f"{where}, column 'territory'",
                                    f"not one of {', '.join(KT_TERRITORIES)} (value {rec['territory']!r})"))
            continue
        notes = ""
        age = rec["age_group"]
        if age in AGE_REPAIRS:
            notes = (f"age group {age!r} in the file, read as {AGE_REPAIRS[age]!r} (a spreadsheet turned '5 - 14' "
                     f"into a date; age_low is {rec['age_low']})")
            age = AGE_REPAIRS[age]
        numbers = {k: rec[k] for k in ("deaths", "final_pred", "final_ci_low", "final_ci_high", "excess",
                                       "excess_low", "excess_high")}
        for column, text in numbers.items():
            if not _is_number(text):
                problems.append(Problem(f"data/raw/{KT_FILE}", f"{where}, column '{column}'",
                                        f"not a number (value {text!r})"))
        if not all(_is_number(t) for t in numbers.values()):
            continue
        out.append({"id": f"ktx{number:03d}", "territory": rec["territory"], "group": rec["group"],
                    "sex": rec["sex"].lower(), "age_group": age, "age_low": rec["age_low"],
                    "deaths_2020": numbers["deaths"], "expected": numbers["final_pred"],
                    "expected_low": numbers["final_ci_low"], "expected_high": numbers["final_ci_high"],
                    "value": numbers["excess"], "value_low": numbers["excess_low"],
                    "value_high": numbers["excess_high"], "source_id": KT_SOURCE, "raw_line": str(line),
                    "notes": notes})
    return out, problems


def unhcr_rows(tables: dict[str, list]) -> tuple[list[dict], list[Problem]]:
    """Rows of ``unhcr_displacement.csv``: one per non-empty count of the four UNHCR extracts.

    Parameters
    ----------
    tables : dict
        UNHCR table name (``population`` ...) -> rows from :func:`read_extract` (header first).

    Returns
    -------
    tuple
        The rows (dicts keyed by ``UNHCR_COLUMNS``) and the problems.

    Examples
    --------
    >>> rows = [(1, ["year", "coo_iso", "coa_iso", "refugees", "asylum_seekers", "refugee_like", "oip"]),
    ...         (2, ["2023", "AZE", "ARM", "141942", "", "", ""])]
    >>> out, problems = unhcr_rows({"flows": rows})
    >>> [(r["measure"], r["kind"], r["value"]) for r in out], problems
    ([('refugees', 'flow', '141942')], [])
    """
    out, problems = [], []
    for table, rows in tables.items():
        header = rows[0][1]
        file = f"unhcr_{table}.csv"
        for line, cells in rows[1:]:
            rec = dict(zip(header, cells))
            for measure, kind in UNHCR_MEASURES[table].items():
                text = rec.get(measure, "")
                if text == "":
                    continue
                if not text.isdigit() or not rec["year"].isdigit():
                    problems.append(Problem(f"data/raw/{file}", f"line {line}, column '{measure}'",
                                            f"not a whole number (value {text!r}, year {rec['year']!r})"))
                    continue
                out.append({"id": f"unh{len(out) + 1:04d}", "year": rec["year"], "table": table, "measure": measure,
                            "kind": kind, "origin_iso": rec["coo_iso"], "asylum_iso": rec["coa_iso"], "value": text,
                            "source_id": UNHCR_SOURCE, "raw_file": file, "raw_line": str(line)})
    return out, problems


def build(data: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Check the extracts and write the four tables into ``data``.

    Parameters
    ----------
    data : path-like, optional
        The data folder (default: the shipped data, or ``$KARABAKH_DATA``).

    Returns
    -------
    dict
        Table name -> path written.

    Raises
    ------
    DataValidationError
        An extract is missing, unregistered or not the registered copy, or a row cannot be converted; nothing
        is written then.
    """
    from karabakh.io import raw, tables

    folder = tables.data_dir(data)
    registered = raw.load_registry(folder).set_index("file")["extract_sha256"]
    problems: list[Problem] = []

    def read(file: str) -> list:
        rows, found = read_extract(folder, file, registered)
        problems.extend(found)
        return rows

    english = {b: read(f) for b, (f, _, _) in PRE2020.items()}
    russian = {b: read(r) for b, (_, r, _) in PRE2020.items()}
    detentions = [read(f) for f in DETENTIONS]
    kt = read(KT_FILE)
    timeline_ru = read(TIMELINE_RU_FILE)
    unhcr = {f[6:-4]: read(f) for f in UNHCR_FILES}
    if problems:
        raise DataValidationError(problems)
    sector_ids = set(tables.load_table("sectors", folder)["id"])
    with open(folder / "timeline.csv", encoding="utf-8", newline="") as fh:
        timeline = list(csv.DictReader(fh))
    built = {"incidents_pre2020": (pre2020_rows(english, russian), PRE2020_COLUMNS),
             "detentions": (detention_rows(*detentions, sector_ids), DETENTION_COLUMNS),
             "timeline_ru": (timeline_ru_rows(timeline_ru, timeline), TIMELINE_RU_COLUMNS),
             "excess_deaths_2020": (excess_rows(kt), EXCESS_COLUMNS),
             "unhcr_displacement": (unhcr_rows(unhcr), UNHCR_COLUMNS)}
    for (_, found), _ in built.values():
        problems += found
    if problems:
        raise DataValidationError(problems)
    return {name: datafiles.write_csv(folder / f"{name}.csv", rows, columns)
            for name, ((rows, _), columns) in built.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m karabakh.build.record [--data DIR]``; exit 1 on problems (nothing written).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when the tables were written, 1 otherwise.

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> from karabakh.io import tables
    >>> copy = shutil.copytree(tables.data_dir(), pathlib.Path(tempfile.mkdtemp(), "data"))
    >>> main(["--data", str(copy)])  # doctest: +ELLIPSIS
    wrote .../incidents_pre2020.csv
    wrote .../detentions.csv
    wrote .../timeline_ru.csv
    wrote .../excess_deaths_2020.csv
    wrote .../unhcr_displacement.csv
    0
    >>> built = [f"{n}.csv" for n in ("incidents_pre2020", "detentions", "timeline_ru", "excess_deaths_2020",
    ...                                "unhcr_displacement")]
    >>> all(checksums.digest(copy / f) == checksums.digest(tables.data_dir() / f) for f in built)
    True
    >>> shutil.rmtree(copy.parent)
    """
    return datafiles.build_command("python -m karabakh.build.record", __doc__.splitlines()[0], build, argv)


# --------------------------------------------------------------------------------------------- helpers
def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() != "" and text.lower() not in {"nan", "inf", "-inf"}


def _russian(ru: list[str] | None, day_text: str, english: str, people: str) -> tuple[str, str]:
    """The Russian label of a row where it pairs (same date and number) and translates the English label."""
    if ru is None or len(ru) < 3 or ru[0] != day_text or ru[-1] != people:
        return "", "no Russian row pairs with this one (same line, date and number)"
    if ru[1] == TRANSLATIONS.get(english):
        return ru[1], ""
    return "", f"Crisis Group's Russian label {ru[1]!r} is not {TRANSLATIONS.get(english)!r}: not joined"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
