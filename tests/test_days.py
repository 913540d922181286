"""One reading of a day for the whole package (karabakh.io.days): the accepted forms, the refused ones, and every
public function that takes a date reading it the same way. Oracles are hand-written days."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import karabakh as kb
from karabakh.io.days import to_day

DAY = pd.Timestamp("2023-09-20")
ACCEPTED = [
    "2023-09-20", " 2023-09-20 ", "2023-09-20T13:00", "2023-09-20 23:59:59", "2023-09-20T01:30+04:00",
    "2023-09-19T20:00Z", "2023-09-19T21:30:00+00:00", "2023-09-20T03:00+0700",
    dt.date(2023, 9, 20), dt.datetime(2023, 9, 20, 18, 5), dt.datetime(2023, 9, 19, 22, 0, tzinfo=dt.timezone.utc),
    pd.Timestamp("2023-09-20 10:00"), pd.Timestamp("2023-09-20 05:00", tz="Asia/Tokyo"),
    np.datetime64("2023-09-20"), np.datetime64("2023-09-20T11:00"),
]
REFUSED = [  # (value, words the message must hold)
    ("01/02/2023", "read two ways"), ("20/09/2023", "read two ways"), ("09.20.2023", "read two ways"),
    (20230920, "bare number"), (2023, "bare number"), (1695168000.0, "bare number"), (np.int64(20230920), "bare number"),
    ("2023", "a year or a month alone"), ("2023-09", "a year or a month alone"),
    (True, "boolean"), (None, "None"), (float("nan"), "bare number"), (pd.NaT, "missing"),
    ("20 Sept 2023", "not an ISO 8601 day"), ("yesterday", "not an ISO 8601 day"), ("", "not an ISO 8601 day"),
    ("2023-02-30", "not a real day"), ([2023, 9, 20], "a list"),
]


@pytest.mark.parametrize("value", ACCEPTED, ids=repr)
def test_accepted_forms_read_as_the_local_day(value):
    assert to_day(value) == DAY


def test_a_time_with_a_zone_is_read_in_utc_plus_4():
    assert to_day("2023-09-19T19:59Z") == pd.Timestamp("2023-09-19")  # 23:59 in Baku and Yerevan
    assert to_day("2023-09-19T20:00Z") == pd.Timestamp("2023-09-20")  # midnight there
    assert to_day("2023-09-20T01:30+04:00") == DAY  # the example of the issue: not 19 Sept


@pytest.mark.parametrize("value, words", REFUSED, ids=repr)
def test_refused_forms_say_why_and_show_the_accepted_ones(value, words):
    with pytest.raises(ValueError) as caught:
        to_day(value)
    assert words in str(caught.value) and "'YYYY-MM-DD'" in str(caught.value)


# every public function that takes a date, with the argument that carries it
TAKES_A_DATE = [
    ("control_on", lambda d: kb.control_on(d, ["stepanakert"])),
    ("load_front_lines", lambda d: kb.load_front_lines(as_of=d)),
    ("control_spans", lambda d: kb.control_spans(["stepanakert"], end=d)),
    ("day", lambda d: kb.day(d)),
]


@pytest.mark.parametrize("name, call", TAKES_A_DATE, ids=[n for n, _ in TAKES_A_DATE])
@pytest.mark.parametrize("value, words", REFUSED[:6], ids=repr)
def test_every_function_that_takes_a_date_refuses_the_same_forms(name, call, value, words):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        call(value)


def test_control_on_answers_for_the_local_day():
    late_utc = kb.control_on("2023-09-19T21:30+00:00", ["stepanakert"])  # 01:30 on 20 Sept in the region
    assert late_utc.equals(kb.control_on("2023-09-20", ["stepanakert"]))


def test_no_other_parser_of_days_is_left_in_the_package():
    from pathlib import Path
    import re

    package = Path(kb.__file__).parent
    offenders = [f"{p.relative_to(package)}:{n}" for p in package.rglob("*.py") if p.name != "days.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"pd\.Timestamp\(\s*[A-Za-z_][\w.]*\s*\)", line) and ">>>" not in line]
    assert not offenders, offenders
