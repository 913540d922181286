"""The one reader of days for the whole package: every public function that takes a date reads it here.

Accepted: an ISO 8601 day (``"2023-09-20"``), optionally with a time and a UTC offset
(``"2023-09-20T13:00"``, ``"2023-09-20T01:30+04:00"``, ``"...Z"``); a ``datetime.date`` or ``datetime.datetime``;
a ``pandas.Timestamp``; a ``numpy.datetime64``. A time with a time zone or offset is read in the region's local time,
UTC+4 (Baku, Yerevan and Stepanakert all keep UTC+4, without summer time since 2016), so
``"2023-09-19T23:30+00:00"`` is 20 Sept there. A time without a zone is taken as local time already.

Refused, with a message that shows the accepted forms: day and month orders that can be read two ways
(``"01/02/2023"``), bare numbers (``20230920``), a year or a month alone (``"2023"``, ``"2023-09"``), booleans,
``None`` and missing values (``NaN``, ``NaT``).
"""
from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

#: The region's local time: UTC+4 (Azerbaijan, Armenia, Nagorno-Karabakh).
LOCAL_TIME = _dt.timezone(_dt.timedelta(hours=4), "UTC+4")
ACCEPTED = ("a day as 'YYYY-MM-DD' (optionally with a time, 'YYYY-MM-DDTHH:MM', and an offset such as '+04:00' "
            "or 'Z'), a datetime.date or datetime.datetime, a pandas.Timestamp or a numpy.datetime64")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def to_day(value: object, *, name: str = "date") -> pd.Timestamp:
    """Read one day: a timezone-naive ``pandas.Timestamp`` at midnight, in the region's local time (UTC+4).

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime, pandas.Timestamp or numpy.datetime64
        The day (see the module docstring for the accepted forms).
    name : str
        The argument's name, for the message.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ValueError
        ``value`` is not one of the accepted forms, or names no real day; the message lists the accepted forms.

    Examples
    --------
    >>> to_day("2023-09-20T01:30+04:00"), to_day("2023-09-19T23:30Z")
    (Timestamp('2023-09-20 00:00:00'), Timestamp('2023-09-20 00:00:00'))
    >>> to_day("01/02/2023")
    Traceback (most recent call last):
    ...
    ValueError: date must be a day, got '01/02/2023': day/month order can be read two ways; give a day as 'YYYY-MM-DD' ...
    """
    why = _refusal(value)
    if why is None:
        try:
            day = pd.Timestamp(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError, OverflowError) as exc:
            why = f"not a real day ({exc})"
        else:
            if pd.isna(day):
                why = "a missing value"
    if why is not None:
        raise ValueError(f"{name} must be a day, got {value!r}: {why}; give {ACCEPTED}")
    if day.tzinfo is not None:
        day = day.tz_convert(LOCAL_TIME).tz_localize(None)
    return day.normalize()


def _refusal(value: object) -> str | None:
    """Why ``value`` is not an accepted form of a day, or None."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "a bare number"
    if isinstance(value, str):
        text = value.strip()
        if _ISO.fullmatch(text):
            return None
        if re.fullmatch(r"\d{4}(-\d{2})?", text):
            return "a year or a month alone"
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text):
            return "day/month order can be read two ways"
        return "not an ISO 8601 day"
    if isinstance(value, (_dt.date, pd.Timestamp, np.datetime64)):
        return None
    return f"a {type(value).__name__}"
