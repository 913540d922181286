"""Rules beyond one cell: references between tables and files, and rules relating the columns of a row.

- every foreign key and list of ids resolves (``source_id``, ``claimant_actor_id``, ``place_id``,
  ``events.actor_ids`` ...);
- each ``article_figures.row_id`` is a row of the table its ``table`` column names, and each ``quote`` is verbatim
  in the seed article (``seed/article.txt``);
- row rules a Table Schema cannot say (a value or "unspecified", periods that end after they start ...).

``ids(table)`` is how a check reads another table's ids: :func:`karabakh.io.tables.table_ids` for a data folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pandas as pd

from karabakh.io.errors import Problem

LIST_SEPARATOR = ";"
# What check_rules enforces, in words, for the data dictionary (keep the two in step).
ROW_RULES = {
    "casualties": ("`value` is empty exactly when `value_qualifier` is `unspecified`",
                   "`period_start` ≤ `period_end`", "`reported_on` ≥ `period_start`"),
    "article_figures": ("a figure has a `value` or a `date` (or both)", "a `value` has a `value_qualifier`"),
    "raw_registry": ("`member` and `member_sha256` are both given or both empty",
                     "a spatial clip step (`select_features`, `clip_geometries`, `select_records`) has a `bbox`; "
                     "`verbatim` and `select_countries` have none",
                     "a verbatim copy's `extract_sha256` is its `upstream_sha256`"),
    "incidents_pre2020": ("a weapon row has a `weapon` and no `status`/`outcome`; every other row the reverse",
                          "`date` before 27 Sept 2020"),
    "excess_deaths_2020": ("`value_low` ≤ `value` ≤ `value_high`", "`expected_low` ≤ `expected` ≤ `expected_high`"),
    "war_2020_tolls": ("`value_low` and `value_high` together, and `value_low` ≤ `value` ≤ `value_high`",
                       "`period_start` ≤ `period_end`", "an official claim has `reported_on` ≥ `period_start`",
                       "an empty `reported_on` is explained in `notes`"),
    "place_names": ("a place has each name once", "`valid_from` ≤ `valid_to`"),
    "place_names_curated": ("a place has each name once", "`valid_from` ≤ `valid_to`"),
}
SPATIAL_CLIP_STEPS = ("select_features", "clip_geometries", "select_records")  # the clip steps that take a bbox
Ids = Callable[[str], "tuple[set[str] | None, str]"]
#: The last incident in Crisis Group's casualties.csv.
CRISISGROUP_DATA_ENDS = pd.Timestamp("2023-09-10")
#: The first day of the 2020 war (Crisis Group's pre-2020 files end before it).
WAR_2020_STARTS = pd.Timestamp("2020-09-27")


def check_keys(name: str, frame: pd.DataFrame, spec: dict[str, Any], label: str, ids: Ids) -> list[Problem]:
    """Every foreign key and ``karabakh:list_of`` column resolves to an id of the table it names.

    Parameters
    ----------
    name : str
        The table.
    frame : pandas.DataFrame
        The typed table, indexed by file line.
    spec : dict
        Its Table Schema.
    label : str
        How problems name the file (``"data/events.csv"``).
    ids : callable
        ``ids(table)`` -> (set of ids, or None and why when that table is broken).

    Returns
    -------
    list of Problem
        One per broken reference or rule, with file, line and column.

    Examples
    --------
    >>> import pandas as pd
    >>> spec = {"fields": [{"name": "source_id"}], "foreignKeys": [
    ...     {"fields": "source_id", "reference": {"resource": "sources", "fields": "id"}}]}
    >>> frame = pd.DataFrame({"id": ["a"], "source_id": ["nowhere"]}, index=[2])
    >>> [p.message for p in check_keys("x", frame, spec, "x.csv", lambda t: ({"voa"}, ""))]
    ['unknown sources id(s): nowhere (not in sources.csv)']
    """
    problems: list[Problem] = []
    refs = [(fk["fields"], fk["reference"]["resource"] or name, False) for fk in spec.get("foreignKeys", [])]
    refs += [(f["name"], f["karabakh:list_of"], True) for f in spec["fields"] if "karabakh:list_of" in f]
    for column, target, is_list in refs:
        values = frame[column].dropna()
        if values.empty:
            continue
        known, why = (set(frame["id"].dropna()), "") if target == name else ids(target)
        if known is None:
            problems.append(Problem(label, f"column '{column}'", f"cannot check references to {target}.id: {why}"))
            continue
        for line, value in values.items():
            parts = value.split(LIST_SEPARATOR) if is_list else [value]
            missing = [p for p in parts if p not in known]
            if missing:
                problems.append(Problem(label, f"line {line}, column '{column}'",
                                        f"unknown {target} id(s): {', '.join(missing)} (not in {target}.csv)"))
    return problems


def check_row_ids(frame: pd.DataFrame, label: str, ids: Ids) -> list[Problem]:
    """Each ``row_id`` of article_figures names a row of the table in its ``table`` column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The typed table, indexed by file line.
    label : str
        How problems name the file (``"data/events.csv"``).
    ids : callable
        ``ids(table)`` -> (set of ids, or None and why when that table is broken).

    Returns
    -------
    list of Problem
        One per broken reference or rule, with file, line and column.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"table": ["casualties"], "row_id": ["cas999"]}, index=[2])
    >>> [p.message for p in check_row_ids(frame, "af.csv", lambda t: ({"cas001"}, ""))]
    ["'cas999' is not an id in casualties.csv"]
    """
    problems: list[Problem] = []
    for table in frame["table"].dropna().unique():
        known, why = ids(str(table))
        rows = frame[(frame["table"] == table) & frame["row_id"].notna()]
        for line, row_id in rows["row_id"].items():
            if known is None:
                problems.append(Problem(label, f"line {line}, column 'row_id'", f"cannot check it: {why}"))
            elif row_id not in known:
                problems.append(Problem(label, f"line {line}, column 'row_id'",
                                        f"{row_id!r} is not an id in {table}.csv"))
    return problems


SEED_ARTICLE = "seed/article.txt"


def check_quotes(frame: pd.DataFrame, label: str, folder: Path) -> list[Problem]:
    """Each ``quote`` of article_figures is verbatim in the seed article (``seed/article.txt``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The typed table, indexed by file line.
    label : str
        How problems name the file (``"data/events.csv"``).
    folder : Path
        The data folder holding ``seed/article.txt``.

    Returns
    -------
    list of Problem
        One per broken reference or rule, with file, line and column.

    Examples
    --------
    >>> import pandas as pd
    >>> from karabakh.io.tables import shipped_data_dir
    >>> check_quotes(pd.DataFrame({"quote": ["no such words"]}, index=[2]), "af.csv", shipped_data_dir())[0].where
    "line 2, column 'quote'"
    """
    seed = f"{folder.name}/{SEED_ARTICLE}"
    path = folder / SEED_ARTICLE
    if not path.is_file():
        return [Problem(seed, "", "file not found (the seed article that article_figures.csv quotes)")]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [Problem(seed, f"line {line}", "not valid UTF-8; save it as UTF-8")]
    if not text.strip():
        return [Problem(seed, "", "file is empty (expected the article's title and text)")]
    return [Problem(label, f"line {line}, column 'quote'", f"not found verbatim in {SEED_ARTICLE} (value {quote!r})")
            for line, quote in frame["quote"].dropna().items() if quote not in text]


def check_rules(name: str, frame: pd.DataFrame, label: str) -> list[Problem]:
    """Rules that relate columns of one row to each other (beyond what a Table Schema can say).

    Parameters
    ----------
    name : str
        The table.
    frame : pandas.DataFrame
        The typed table, indexed by file line.
    label : str
        How problems name the file (``"data/events.csv"``).

    Returns
    -------
    list of Problem
        One per broken reference or rule, with file, line and column.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"value": [None], "date": [None], "value_qualifier": [None]}, index=[2])
    >>> check_rules("article_figures", frame, "af.csv")[0].message
    'a figure needs a value (a count) or a date (a dated claim)'
    """
    problems: list[Problem] = []

    def bad(mask: pd.Series, where: str, why: str) -> None:
        for line in frame.index[mask.fillna(False).astype(bool)]:
            problems.append(Problem(label, f"line {line}, {where}", why))

    if name == "casualties":
        unspecified = frame["value_qualifier"] == "unspecified"
        bad(frame["value"].isna() & ~unspecified, "column 'value'",
            "value is missing; leave it empty only when value_qualifier is 'unspecified'")
        bad(frame["value"].notna() & unspecified, "column 'value_qualifier'",
            "is 'unspecified' but a value is given")
        bad(frame["period_start"] > frame["period_end"], "column 'period_end'", "period ends before it starts")
        bad(frame["reported_on"] < frame["period_start"], "column 'reported_on'",
            "reported before the period it counts began")
    if name == "article_figures":
        bad(frame["value"].isna() & frame["date"].isna(), "column 'value'",
            "a figure needs a value (a count) or a date (a dated claim)")
        bad(frame["value"].notna() & frame["value_qualifier"].isna(), "column 'value_qualifier'",
            "a count needs its qualifier")
    if name == "raw_registry":
        bad(frame["member"].isna() != frame["member_sha256"].isna(), "column 'member_sha256'",
            "member and member_sha256 go together (both empty, or both given)")
        verbatim = frame["clip"] == "verbatim"
        spatial = frame["clip"].isin(SPATIAL_CLIP_STEPS)
        bad(spatial & frame["bbox"].isna(), "column 'bbox'", "a spatial clip step needs its bbox")
        bad(~spatial & frame["bbox"].notna(), "column 'bbox'",
            "only a spatial clip step has a bbox (verbatim copies and select_countries have none)")
        bad(verbatim & frame["member"].isna() & (frame["upstream_sha256"] != frame["extract_sha256"]),
            "column 'extract_sha256'", "a verbatim copy must have the upstream file's sha256")
    if name == "incidents":
        expected = (frame["status"].astype("string").map({"combatant": "Combatant",
                                                          "non_combatant": "Non-combatant"})
                    + "/" + frame["outcome"].astype("string").str.capitalize())
        bad(frame["incident_type"].astype("string") != expected, "column 'incident_type'",
            "disagrees with status and outcome")
        bad(frame["date"] > CRISISGROUP_DATA_ENDS, "column 'date'", "after 10 Sept 2023, where Crisis Group's data ends")
    if name == "sectors":
        bad(frame["lat"].isna() != frame["lon"].isna(), "column 'lat'", "lat and lon must both be given or both empty")
        bad(frame["lat"].notna() != frame["reference_line"].notna(), "column 'reference_line'",
            "a point needs its reference line, and a reference line its point")
        bad(frame["lat"].isna() & frame["notes"].isna(), "column 'notes'", "say why the sector has no point")
    if name == "timeline":
        bad(frame["end_date"] < frame["date"], "column 'end_date'", "ends before it starts")
    if name == "incidents_pre2020":
        weapon = frame["breakdown"] == "weapon"
        bad(weapon & (frame["status"].notna() | frame["outcome"].notna() | frame["weapon"].isna()), "column 'weapon'",
            "a weapon row has a weapon and no status or outcome")
        bad(~weapon & (frame["status"].isna() | frame["outcome"].isna() | frame["weapon"].notna()), "column 'status'",
            "a casualty row has a status and an outcome and no weapon")
        bad(frame["date"] >= WAR_2020_STARTS, "column 'date'", "on or after 27 Sept 2020: not before the 2020 war")
    if name in ("excess_deaths_2020", "war_2020_tolls"):
        low, high = frame["value_low"], frame["value_high"]
        bad(low.notna() != high.notna(), "column 'value_high'", "value_low and value_high go together")
        bad((low > frame["value"]) | (frame["value"] > high), "column 'value'",
            "outside its interval value_low..value_high")
    if name == "excess_deaths_2020":
        bad((frame["expected_low"] > frame["expected"]) | (frame["expected"] > frame["expected_high"]),
            "column 'expected'", "outside its interval expected_low..expected_high")
    if name == "war_2020_tolls":
        bad(frame["period_start"] > frame["period_end"], "column 'period_end'", "period ends before it starts")
        bad(frame["reported_on"].isna() & (frame["kind"] != "estimate"), "column 'reported_on'",
            "an official claim or a media count needs the date it was made")
        bad(frame["reported_on"].isna() & frame["notes"].isna(), "column 'notes'", "say why reported_on is empty")
        bad(frame["reported_on"] < frame["period_start"], "column 'reported_on'",
            "reported before the period it counts began")
    if name in ("place_names", "place_names_curated"):
        bad(frame.duplicated(["place_id", "name"], keep="first"), "column 'name'",
            "the place already has this name on an earlier line (one name, one row)")
        start, end = frame["valid_from"].astype("string"), frame["valid_to"].astype("string")
        # ISO years, months and days compare as text on their common length: 1959 vs 1959-05-01 is not a conflict
        width = pd.concat([start.str.len(), end.str.len()], axis=1).min(axis=1)
        cut = [(a[:int(n)], b[:int(n)]) if pd.notna(a) and pd.notna(b) else ("", "")
               for a, b, n in zip(start, end, width.fillna(0))]
        bad(pd.Series([a > b for a, b in cut], index=frame.index), "column 'valid_to'",
            "the name's period ends before it starts")
    return problems
