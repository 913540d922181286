"""Tables as a reader sees them in a notebook (karabakh.plot.display): missing values blank, no index of CSV lines
or row positions, the data unchanged; and the committed notebooks show them so."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import karabakh as kb
from karabakh.plot import display

ROOT = Path(__file__).resolve().parents[1]
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)


def body_rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [CELL.findall(row) for row in ROW.findall(body)]


def test_a_loaded_table_shows_its_csv_cells_blank_where_the_file_is_blank():
    """The oracle: data/displacement.csv read with csv; each shown row is the file's row, an empty field an empty
    cell (pandas would write NaN or <NA>), and no column of line numbers."""
    columns = ["id", "time_local", "cumulative_arrivals", "value_qualifier", "claimant"]
    frame = kb.load_displacement()
    assert frame.index.name == "line" and frame["time_local"].isna().any()  # what pandas shows as NaN and "line"
    with pd.option_context("display.max_colwidth", None):
        html = display.frame_html(frame[columns])
    with open(ROOT / "data" / "displacement.csv", newline="", encoding="utf-8") as f:
        raw = [[row[c] for c in columns] for row in csv.DictReader(f)]
    shown = [[cell.replace("&amp;", "&").replace("&#39;", "'") for cell in row] for row in body_rows(html)]
    assert shown == raw
    assert ">line<" not in html and "NaN" not in html and "&lt;NA&gt;" not in html
    assert frame["time_local"].isna().any()  # the data are not changed


def test_a_long_quote_is_shown_whole():
    """pandas cuts notebook cells at 50 characters with "..."; a quote a student reads is shown whole. The oracle:
    the longest quote of data/control.csv read with csv."""
    with open(ROOT / "data" / "control.csv", newline="", encoding="utf-8") as f:
        quote = max((row["quote"] for row in csv.DictReader(f)), key=len)
    assert len(quote) > 50
    html = display.frame_html(pd.DataFrame({"quote": [quote]}))
    assert body_rows(html)[0][0].replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') == quote


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_committed_tables_cut_no_text_short(path):
    """No cell of a committed notebook's tables ends in pandas' "..." (text cut at display.max_colwidth)."""
    cut = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", []))
            cut += [c for c in re.findall(r"<td>(.*?)</td>", html, re.S) if c.endswith("...")]
    assert cut == []


@pytest.mark.parametrize("index, shown", [
    (pd.RangeIndex(2), False), (pd.Index([4, 9]), False), (pd.Index([4, 9], name="line"), False),
    (pd.Index([2015, 2016], name="year"), True), (pd.Index(["a", "b"]), True),
    (pd.MultiIndex.from_tuples([("a", 1), ("b", 2)]), True)])
def test_the_index_is_shown_where_it_says_something(index, shown):
    frame = pd.DataFrame({"value": [1, 2]}, index=index)
    html = display.frame_html(frame)
    assert display.shows_index(frame) is shown
    assert all(len(row) == 1 + index.nlevels * shown for row in body_rows(html))
    if index.name == "year":
        assert "<th>year</th>" in html and html == frame._repr_html_()  # otherwise pandas' own HTML


def test_every_kind_of_missing_value_is_an_empty_cell():
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": pd.array(["a", None], dtype="string"),
                          "x": [0.5, None], "t": pd.to_datetime(["2023-09-19", None]),
                          "c": pd.Categorical(["a", None]), "b": pd.array([True, None], dtype="boolean"),
                          "o": pd.Series(["x", None], dtype=object)})
    assert body_rows(display.frame_html(frame)) == [["1", "a", "0.5", "19 Sept 2023", "a", "True", "x"], [""] * 7]
    assert frame.isna().sum().tolist() == [1] * 7


def test_ipython_shows_data_frames_so():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert display.use_in_ipython(shell)
        frame = pd.DataFrame({"x": [1.0, None]})
        data, _ = shell.display_formatter.format(frame)
        assert data["text/html"] == display.frame_html(frame) and "NaN" in data["text/plain"]
    finally:
        InteractiveShell.clear_instance()


NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_tables_show_no_nan_and_no_line_index(path):
    """What a student opens in JupyterLab (the committed outputs): no NaN, <NA>, NaT or None cell, no 'line' index."""
    bad = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", []))
            bad += re.findall(r"<td>(?:NaN|&lt;NA&gt;|NaT|None)</td>|<th>line</th>", html)
    assert bad == []


def test_a_table_by_month_reads_its_months_as_the_prose_does():
    """Notebook 08's last twelve months of Crisis Group's incidents: each row headed "Oct 2022" ... "Sept 2023"
    (written out here by hand), never "2022-10"; the counts are those of data/incidents.csv read with csv."""
    table = kb.load_incidents()
    from karabakh.analysis import incidents

    monthly = incidents.monthly_people(table).tail(12)
    html = display.frame_html(monthly)
    rows = body_rows(html)
    assert [row[0] for row in rows] == ["Oct 2022", "Nov 2022", "Dec 2022", "Jan 2023", "Feb 2023", "Mar 2023",
                                        "Apr 2023", "May 2023", "Jun 2023", "Jul 2023", "Aug 2023", "Sept 2023"]
    assert not re.search(r">20\d\d-\d\d<", html)
    killed = {}
    with open(ROOT / "data" / "incidents.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["outcome"] == "killed" and r["date"][:7] == "2023-04":
                killed[r["status"]] = killed.get(r["status"], 0) + int(r["people"])
    april = rows[6]
    assert april[1:3] == [str(killed.get("combatant", 0)), str(killed.get("non_combatant", 0))]
    assert isinstance(monthly.index, pd.PeriodIndex)  # the frame itself keeps its periods


def test_a_column_of_days_reads_as_the_prose_does():
    """A loaded column of days (displacement.csv's ``date``, read with csv) is shown "24 Sept 2023" (day, month
    abbreviation from the calendar module, Sept for September, year), never "2023-09-24", and a column with clock
    times is left as it is."""
    import calendar
    import datetime

    frame = kb.load_displacement()
    html = display.frame_html(frame[["id", "date"]])
    with open(ROOT / "data" / "displacement.csv", newline="", encoding="utf-8") as f:
        raw = [(r["id"], datetime.date.fromisoformat(r["date"])) for r in csv.DictReader(f)]
    months = {i: ("Sept" if i == 9 else calendar.month_abbr[i]) for i in range(1, 13)}
    assert body_rows(html) == [[i, f"{d.day} {months[d.month]} {d.year}"] for i, d in raw]
    timed = pd.DataFrame({"when": pd.to_datetime(["2023-09-24 18:00", "2023-09-25 00:00"])})
    assert "2023-09-24 18:00:00" in display.frame_html(timed)
    assert pd.api.types.is_datetime64_dtype(frame["date"])  # the data are not changed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_tables_write_days_as_the_prose_does(path):
    """No table cell of a committed notebook holds an ISO day or month ("2023-09-27", "2022-10"): tables read like the
    figures and the prose ("27 Sept 2023", "Oct 2022")."""
    bad = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", []))
            bad += re.findall(r"<t[dh][^>]*>\s*((?:19|20)\d\d-\d\d(?:-\d\d)?)\s*</t[dh]>", html)
    assert bad == []


def test_import_inside_ipython_sets_the_formatter_without_importing_pandas():
    """``import karabakh`` in IPython registers the table display by name: pandas is loaded with the first table,
    not by the import; frames and GeoDataFrames then display through frame_html."""
    import subprocess
    import sys

    code = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
import karabakh
assert "pandas" not in sys.modules, "import karabakh loaded pandas"
import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
from karabakh.plot import display
for frame in (pd.DataFrame({"x": [1.0, None]}), gpd.GeoDataFrame({"x": [1.0, None]}, geometry=[Point(0, 0)] * 2)):
    data, _ = shell.display_formatter.format(frame)
    assert data["text/html"] == display.frame_html(frame), type(frame)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "ok", done.stderr
