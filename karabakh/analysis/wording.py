"""How the project writes days and claimed numbers in prose, tables and labels: the one home of each format.

Days: :func:`day` ("20 Sept 2023", the style of every figure and sentence) and :func:`iso_date` ("2023-09-20");
:func:`short_months` rewrites a source's own wording of a day or span ("2-5 April 2016") in that style, and
:func:`en_dashes` writes every span of years or days with an en dash ("1994–2020", "10 Nov 2020 – 19 Sept 2023").
Claimed numbers with their qualifier: :func:`qualified` ("at least 32") and :func:`value_text` ("≥32").
Claimants: :func:`claimant_keys` and :func:`claimant_labels` (the actor's name and role from ``actors.csv``).
Reading a day from an argument is :func:`karabakh.io.days.to_day`.
"""
from __future__ import annotations

import re

import pandas as pd

from karabakh.io.days import to_day

_QUALIFIER_WORDS = {"exact": "", "at_least": "at least ", "more_than": "more than ", "approx": "about ",
                    "unspecified": ""}
_QUALIFIER_SIGNS = {"exact": "", "at_least": "\u2265", "more_than": ">", "approx": "~", "unspecified": "?"}


def iso_date(value: object) -> str:
    """A date as ``YYYY-MM-DD``, or ``""`` for a missing one.

    Parameters
    ----------
    value : str, datetime-like or None
        The date.

    Returns
    -------
    str

    Examples
    --------
    >>> iso_date("2023-09-20 18:00"), iso_date(None)
    ('2023-09-20', '')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    ts = value if isinstance(value, pd.Timestamp) and value.tzinfo is None else to_day(value)  # a day read already
    return ts.strftime("%Y-%m-%d")


def day(value: object) -> str:
    """A date as the notebooks write it in prose: ``20 Sept 2023``.

    Parameters
    ----------
    value : str or datetime-like
        The date.

    Returns
    -------
    str

    Examples
    --------
    >>> day("2023-09-20")
    '20 Sept 2023'
    """
    ts = value if isinstance(value, pd.Timestamp) and value.tzinfo is None else to_day(value)  # a day read already
    month = {"Sep": "Sept"}.get(ts.strftime("%b"), ts.strftime("%b"))
    return f"{ts.day} {month} {ts.year}"


_MONTHS = {"January": "Jan", "February": "Feb", "March": "Mar", "April": "Apr", "June": "Jun", "July": "Jul",
           "August": "Aug", "September": "Sept", "October": "Oct", "November": "Nov", "December": "Dec"}


def short_months(text: str) -> str:
    """A day or span as a source words it, its month names written as :func:`day` writes them.

    Only a month name followed by a year is rewritten ("in April" stays as it is).

    Parameters
    ----------
    text : str
        For example Crisis Group's ``display_date``.

    Returns
    -------
    str

    Examples
    --------
    >>> short_months("2-5 April 2016"), short_months("12 December 2022 - ongoing"), short_months("9 May 2023")
    ('2–5 Apr 2016', '12 Dec 2022 – ongoing', '9 May 2023')
    """
    return en_dashes(re.sub(r"\b(" + "|".join(_MONTHS) + r")(?= \d{4}\b)", lambda m: _MONTHS[m.group(1)], text))


_SHORT = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec)"
_SPANS = (  # (pattern, replacement): years, days of one month, and a span between two written days or months
    (re.compile(r"\b((?:19|20)\d\d) ?- ?((?:19|20)\d\d)\b"), "\\1\N{EN DASH}\\2"),
    (re.compile(r"\b(\d{1,2}) ?- ?(\d{1,2})(?= " + _SHORT + r"\b)"), "\\1\N{EN DASH}\\2"),
    (re.compile(r"(\b(?:19|20)\d\d|\b" + _SHORT + r") - (?=\d|ongoing\b|" + _SHORT + r"\b)"), "\\1 \N{EN DASH} "),
)


def en_dashes(text: str) -> str:
    """A text's spans of years or days written with an en dash, as every title and label of the project writes
    them: unspaced between two years or two days of a month, spaced between two written days or months.

    Hyphens of anything else (an ISO date, "ethnic-Armenian", "2020-09-27") are left alone.

    Parameters
    ----------
    text : str
        A label, for example a layer's ``label`` from ``data/layers/front_lines.geojson``.

    Returns
    -------
    str

    Examples
    --------
    >>> en_dashes("Line of contact, 1994-2020"), en_dashes("Districts still held: Lachin, 25-30 Nov 2020")
    ('Line of contact, 1994–2020', 'Districts still held: Lachin, 25–30 Nov 2020')
    >>> en_dashes("27 Sept - 10 Nov 2020"), en_dashes("ethnic-Armenian, 2023-09-20")
    ('27 Sept – 10 Nov 2020', 'ethnic-Armenian, 2023-09-20')
    """
    for pattern, replacement in _SPANS:
        text = pattern.sub(replacement, text)
    return text


def qualified(value: float, qualifier: str) -> str:
    """A claimed number in words, as the claimant qualified it.

    Parameters
    ----------
    value : int or float
        The number.
    qualifier : str
        ``exact``, ``at_least``, ``more_than``, ``approx`` or ``unspecified`` (the tables' ``value_qualifier``).

    Returns
    -------
    str

    Examples
    --------
    >>> qualified(32, "at_least"), qualified(100417, "exact")
    ('at least 32', '100,417')
    """
    return f"{_QUALIFIER_WORDS.get(str(qualifier), '')}{int(value):,}"


def value_text(value: float, qualifier: str) -> str:
    """A claimed number with its qualifier as a sign, for labels on charts.

    Parameters
    ----------
    value : int or float
        The number.
    qualifier : str
        The tables' ``value_qualifier``.

    Returns
    -------
    str

    Examples
    --------
    >>> value_text(200, "more_than"), value_text(32, "at_least"), value_text(30, "approx")
    ('>200', '≥32', '~30')
    """
    return f"{_QUALIFIER_SIGNS.get(str(qualifier), '')}{int(value):,}"


def claimant_keys(frame: pd.DataFrame) -> pd.Series:
    """The key claims are grouped by: the actor id (``claimant_actor_id``) where present, else the claimant text.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of the casualties or displacement table.

    Returns
    -------
    pandas.Series of str

    Examples
    --------
    >>> list(claimant_keys(pd.DataFrame({"claimant_actor_id": ["unhcr", None], "claimant": ["UNHCR chief", "A town"]})))
    ['unhcr', 'A town']
    """
    ids = frame["claimant_actor_id"].astype(object)
    return ids.where(ids.notna(), frame["claimant"].astype(object)).astype(str).rename(None)


def claimant_labels(frame: pd.DataFrame, actors: pd.DataFrame, *, with_role: bool = True) -> pd.Series:
    """Who made each claim: the actor's name and role where the claim names an actor, else the claimant text.

    The role is the actor's ``position_title`` for a person (``Gegham Stepanyan, Human Rights Defender
    (ombudsman) of Artsakh``); a state speaks through its government (``Government of Armenia``); other bodies
    are named by their own name.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``claimant`` and ``claimant_actor_id``.
    actors : pandas.DataFrame
        The actors table (``kb.load_actors()``).
    with_role : bool
        Add the role after a person's name.

    Returns
    -------
    pandas.Series of str

    Examples
    --------
    >>> actors = pd.DataFrame({"id": ["unhcr"], "name": ["UNHCR"], "kind": ["international_org"],
    ...                        "position_title": [None]})
    >>> list(claimant_labels(pd.DataFrame({"claimant_actor_id": ["unhcr", None],
    ...                                    "claimant": ["UNHCR chief", "A town"]}), actors))
    ['UNHCR', 'A town']
    """
    by_id = actors.set_index("id")
    labels = {}
    for aid, row in by_id.iterrows():
        role = row.get("position_title")
        person = str(row.get("kind")) == "person"
        if with_role and person and isinstance(role, str) and role:
            labels[aid] = f"{row['name']}, {role}"
        elif with_role and str(row.get("kind")) == "state":
            labels[aid] = f"Government of {row['name']}"
        else:
            labels[aid] = row["name"]
    named = frame["claimant_actor_id"].astype(object).map(labels)
    return named.where(named.notna(), frame["claimant"].astype(object)).astype(str).rename(None)
