"""Places by any of their names: the one resolver every function that takes a place uses.

A name is looked up in ``place_names.csv`` (every name and spelling of every place of ``places.csv``) after folding
case and diacritics (``"XANKƏNDI"``, ``"Xankendi"`` and ``"Xankəndi"`` are one name); names in other scripts are
rows of the table (``"Ստեփանակերտ"``, ``"Степанакерт"``). A place id always wins; then the sourced names (official,
local, exonym, historical) are tried before GeoNames' bare variants, so a stray variant (GeoNames lists "Gəncə"
for Yevlakh) does not make Ganja ambiguous. A name shared by several places within one tier is refused with their
list; an unknown name with the closest names (``difflib``).
"""
from __future__ import annotations

import difflib
import functools
import os
import unicodedata

import pandas as pd

from karabakh.io import checksums, tables

#: Resolution tiers: place ids first, then the sourced names, then the bare variants.
TIERS = ("id", "named", "variant")


def fold(name: str) -> str:
    """A name folded for matching: case, diacritics, apostrophes and spacing ignored.

    Parameters
    ----------
    name : str
        A place name in any script.

    Returns
    -------
    str

    Examples
    --------
    >>> fold("  Xankəndi "), fold("KHANKENDI"), fold("Ag'dam"), fold("Şuşa"), fold("Степанакерт")
    ('xankendi', 'khankendi', 'agdam', 'susa', 'степанакерт')
    """
    text = unicodedata.normalize("NFKD", str(name).replace("ə", "e").replace("Ə", "E").replace("ı", "i"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c for c in text if unicodedata.category(c)[0] in "LNZ")  # drop ' ʻ ’ - . and the like
    return " ".join(text.casefold().split())


def place_id(name: object, data_dir: str | os.PathLike[str] | None = None) -> str:
    """The ``places.id`` a name stands for: an id, or any name or spelling in ``place_names.csv``.

    Case, diacritics and apostrophes do not matter; names in Armenian and Cyrillic script are found as written in
    the table (see the module docstring for the order names are tried in).

    Parameters
    ----------
    name : str
        A place id (``"stepanakert"``) or a name (``"Khankendi"``, ``"Xankəndi"``, ``"Ստեփանակերտ"``).
    data_dir : path-like, optional
        Data folder (default: the shipped data).

    Returns
    -------
    str
        The place id.

    Raises
    ------
    TypeError
        ``name`` is not a string.
    ValueError
        No place has that name (the message suggests the closest names), or several places share it (the message
        lists them).

    Examples
    --------
    >>> [place_id(n) for n in ("stepanakert", "Khankendi", "Xankəndi", "Ստեփանակերտ", "Степанакерт")]
    ['stepanakert', 'stepanakert', 'stepanakert', 'stepanakert', 'stepanakert']
    >>> place_id("Stepanakertt")
    Traceback (most recent call last):
    ...
    ValueError: unknown place name 'Stepanakertt' (not in places.csv or place_names.csv); did you mean 'Stepanakert' (stepanakert)...?
    """
    if not isinstance(name, str):
        raise TypeError(f"a place is given by its id or name (a string), got {type(name).__name__} {name!r}")
    index, shown = _index(str(tables.data_dir(data_dir)), *_stamps(data_dir))
    key = fold(name)
    for tier in TIERS:
        found = index.get((tier, key))
        if not found:
            continue
        if len(found) == 1:
            return next(iter(found))
        labels = _labels(data_dir)
        candidates = ", ".join(f"{p} ({labels.get(p, p)})" for p in sorted(found))
        raise ValueError(f"place name {name!r} is ambiguous: it names {candidates}; pass the place id")
    close = difflib.get_close_matches(key, list(shown), n=12, cutoff=0.75)
    best = list({shown[c][1]: shown[c] for c in reversed(close)}.values())[::-1][:3]  # the closest name of each place
    hint = "; did you mean " + ", ".join(f"{n!r} ({p})" for n, p in best) + "?" if best else ""
    raise ValueError(f"unknown place name {name!r} (not in places.csv or place_names.csv){hint}")


def place_ids(places, data_dir: str | os.PathLike[str] | None = None, *, known=()) -> list[str]:
    """Several places resolved by :func:`place_id`: one name, or an iterable of names, in order.

    Parameters
    ----------
    places : str or iterable of str
        Place ids or names.
    data_dir : path-like, optional
        Data folder (default: the shipped data).
    known : collection of str
        Ids taken as they are, without reading the name tables (a figure passes the ids of the places frame it
        was given, so that it draws what it is given and reads nothing).

    Returns
    -------
    list of str

    Raises
    ------
    TypeError, ValueError
        As :func:`place_id`.

    Examples
    --------
    >>> place_ids(["Xankəndi", "Berdzor"]), place_ids("Yevlax")
    (['stepanakert', 'lachin'], ['yevlakh'])
    """
    if isinstance(places, str):
        places = [places]
    known = set(known)
    return [p if p in known else place_id(p, data_dir) for p in places]


def place_names(place: str, data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every name of one place: its rows of ``place_names.csv``, sourced names first.

    Parameters
    ----------
    place : str
        A place id or any of its names.
    data_dir : path-like, optional
        Data folder (default: the shipped data).

    Returns
    -------
    pandas.DataFrame
        ``place_id``, ``name``, ``language``, ``kind``, ``valid_from``, ``valid_to``, ``source_id``, ``notes``.

    Raises
    ------
    TypeError, ValueError
        As :func:`place_id`.

    Examples
    --------
    >>> names = place_names("Khankendi")
    >>> names[names["kind"] != "variant"][["name", "language", "kind"]].head(4).values.tolist()
    [['Ստեփանակերտ', 'hy', 'local'], ['Xankəndi', 'az', 'official'], ['Степанакерт', 'ru', 'exonym'], ['Ханкенди', 'ru', 'exonym']]
    """
    pid = place_id(place, data_dir)
    frame = tables.load_table("place_names", data_dir)
    return frame[frame["place_id"] == pid].reset_index(drop=True)


def place_label(place: str, data_dir: str | os.PathLike[str] | None = None) -> str:
    """A place's display label (Armenian usage first), from any of its names.

    Parameters
    ----------
    place : str
        A place id or name.
    data_dir : path-like, optional
        Data folder (default: the shipped data).

    Returns
    -------
    str

    Examples
    --------
    >>> place_label("Xankəndi")
    'Stepanakert / Khankendi'
    """
    return _labels(data_dir)[place_id(place, data_dir)]


# ---------------------------------------------------------------------------------------------- internals

def _stamps(data_dir) -> tuple:
    folder = tables.data_dir(data_dir)
    return tuple(checksums.file_stamp(folder / f) for f in ("places.csv", "place_names.csv"))


def _labels(data_dir) -> dict[str, str]:
    places = tables.load_table("places", data_dir)
    return dict(zip(places["id"], places["label"]))


@functools.lru_cache(maxsize=8)
def _index(folder: str, *stamps) -> tuple[dict, dict]:
    """(tier, folded name) -> place ids, and folded name -> (a name as written, its place) for suggestions."""
    places = tables.load_table("places", folder)
    names = tables.load_table("place_names", folder)
    index: dict[tuple[str, str], set[str]] = {}
    shown: dict[str, tuple[str, str]] = {}
    for pid in places["id"]:
        index.setdefault(("id", fold(pid)), set()).add(pid)
    for row in names.itertuples(index=False):
        tier = "variant" if row.kind == "variant" else "named"
        key = fold(row.name)
        if not key:
            continue
        index.setdefault((tier, key), set()).add(row.place_id)
        shown.setdefault(key, (row.name, row.place_id))
    return index, shown
