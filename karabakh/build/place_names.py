"""Build ``data/place_names.csv``: every name and spelling of every place of ``places.csv``, one row each.

Three inputs, read in this order (the first row of a place and name wins, so a sourced row is never replaced by a
bare spelling):

1. ``place_names_curated.csv``: names with their language, kind, period and source, chosen and checked by hand
   (the Armenian, Azerbaijani and Russian names in their own scripts of the former NKAO and the seven districts).
2. ``places.csv`` itself: the label's two halves (Armenian usage in Latin script, ``hy-Latn``, then the Azerbaijani
   usage as written in English, ``en``), ``name_azerbaijani`` (``az``) and every ``alt_names`` spelling; their source
   is the place's ``source_id``.
3. The GeoNames alternate names of the place's ``geonameid`` in ``raw/geonames_cities500.json`` (kind ``variant``,
   source ``geonames``). GeoNames gives no language for them here, so the language tag says only what the
   characters show: the script is read from the Unicode names of the letters (``unicodedata``; modifier letters
   such as ʻ do not count); Armenian script is
   written only for Armenian (``hy``) and Georgian script for Georgian (``ka``); any other script is ``und-`` and
   its ISO 15924 code (``und-Cyrl``: Russian, Ukrainian and Azerbaijani Cyrillic look alike); letters of several
   scripts give ``und``. A GeoNames string holding several names separated by runs of spaces is split.

Rows are written in ``places.csv`` order, then in the order above; the file is rebuilt byte for byte by
``make place-names`` (``python -m karabakh build-place-names``).
"""
from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from pathlib import Path

from karabakh.build import datafiles
from karabakh.io import checksums
from karabakh.io.errors import DataValidationError, Problem

COLUMNS = ("place_id", "name", "language", "kind", "valid_from", "valid_to", "source_id", "notes")
RAW_GEONAMES = "geonames_cities500.json"
GEONAMES_SOURCE = "geonames"
#: First word of a letter's Unicode name -> ISO 15924 script code.
SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARMENIAN": "Armn", "GEORGIAN": "Geor", "GREEK": "Grek",
           "ARABIC": "Arab", "HEBREW": "Hebr", "DEVANAGARI": "Deva", "BENGALI": "Beng", "GURMUKHI": "Guru",
           "TAMIL": "Taml", "MALAYALAM": "Mlym", "THAI": "Thai", "TIBETAN": "Tibt", "ETHIOPIC": "Ethi",
           "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "CJK": "Hani", "HANGUL": "Hang"}
#: Scripts written for one language only in this region's names.
SCRIPT_LANGUAGE = {"Armn": "hy", "Geor": "ka"}


def script_of(name: str) -> str | None:
    """The ISO 15924 code of the script a name is written in, from its letters; None for a mix or no letters.

    Parameters
    ----------
    name : str
        A name.

    Returns
    -------
    str or None

    Examples
    --------
    >>> script_of("Ստեփանակերտ"), script_of("Степанакерт"), script_of("Xankəndi"), script_of("Ganҷa")
    ('Armn', 'Cyrl', 'Latn', None)
    """
    found = set()
    for char in name:
        if unicodedata.category(char) in ("Lu", "Ll", "Lt", "Lo"):  # not modifier letters such as ʻ (Lm)
            word = unicodedata.name(char, "UNKNOWN").split()[0]
            found.add(SCRIPTS.get(word, word.title()))
    return found.pop() if len(found) == 1 else None


def language_of(name: str) -> str:
    """A BCP 47 tag for a name of unknown language: what its script alone shows (see the module docstring).

    Parameters
    ----------
    name : str
        A name.

    Returns
    -------
    str
        ``hy``, ``ka``, ``und-`` and the script code (``und-Cyrl``) or ``und``.

    Examples
    --------
    >>> language_of("Ստեփանակերտ"), language_of("Ханкенди"), language_of("Khankendi"), language_of("ʿeግdaም")
    ('hy', 'und-Cyrl', 'und-Latn', 'und')
    """
    script = script_of(name)
    if script is None:
        return "und"
    return SCRIPT_LANGUAGE.get(script, f"und-{script}")


def geonames_names(record: dict) -> list[str]:
    """The names of one GeoNames record: its ``name``, then its alternate names, split where they hold several.

    Parameters
    ----------
    record : dict
        One record of ``geonames_cities500.json``.

    Returns
    -------
    list of str
        In the record's order, stripped, without repeats.

    Examples
    --------
    >>> geonames_names({"name": "Goris", "alternatenames": ["Goris", "Горис", "Basargecʻar  Basarkʻecʻar"]})
    ['Goris', 'Горис', 'Basargecʻar', 'Basarkʻecʻar']
    """
    names = [record["name"]]
    for alt in record.get("alternatenames") or []:
        names += re.split(r"\s{2,}", alt)
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def place_name_rows(places, curated, geonames: dict) -> tuple[list[dict], list[Problem]]:
    """The rows of ``place_names.csv`` from the three inputs (see the module docstring).

    Parameters
    ----------
    places : pandas.DataFrame
        ``places.csv`` as loaded.
    curated : pandas.DataFrame
        ``place_names_curated.csv`` as loaded.
    geonames : dict
        ``geonames_cities500.json``: geonameid (str) -> record.

    Returns
    -------
    tuple
        The rows (dicts keyed by ``COLUMNS``) and the problems found (a place's ``geonameid`` missing from the
        extract).

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame([{"id": "goris", "label": "Goris", "name_armenian": "Goris", "name_azerbaijani": "Goris",
    ...     "alt_names": None, "country_de_jure": "Armenia", "geonameid": "1", "source_id": "geonames"}])
    >>> curated = pd.DataFrame(columns=COLUMNS)
    >>> rows, problems = place_name_rows(places, curated, {"1": {"name": "Goris", "alternatenames": ["Горис"]}})
    >>> [(r["name"], r["language"], r["kind"]) for r in rows], problems
    ([('Goris', 'en', 'exonym'), ('Горис', 'und-Cyrl', 'variant')], [])
    """
    problems: list[Problem] = []
    by_place: dict[str, list[dict]] = {}

    def add(place: str, name: str, language: str, kind: str, source: str, *, valid_from="", valid_to="", notes=""):
        rows = by_place.setdefault(place, [])
        if any(r["name"] == name for r in rows):
            return
        rows.append({"place_id": place, "name": name, "language": language, "kind": kind, "valid_from": valid_from,
                     "valid_to": valid_to, "source_id": source, "notes": notes})

    for row in curated.itertuples(index=False):
        add(row.place_id, row.name, row.language, row.kind, row.source_id, valid_from=_text(row.valid_from),
            valid_to=_text(row.valid_to), notes=_text(row.notes))
    for place in places.itertuples(index=False):
        in_azerbaijan = place.country_de_jure == "Azerbaijan"
        halves = str(place.label).split(" / ")
        if len(halves) == 2:
            add(place.id, halves[0], "hy-Latn", "local" if in_azerbaijan else "exonym", place.source_id,
                notes="Armenian usage, the first half of the label")
            add(place.id, halves[1], "en", "exonym", place.source_id,
                notes="Azerbaijani usage as written in English, the second half of the label")
        else:
            add(place.id, halves[0], "en", "exonym", place.source_id, notes="the label")
        add(place.id, place.name_azerbaijani, "az", "official" if in_azerbaijan else "exonym", place.source_id)
        for alt in _text(place.alt_names).split(";"):
            if alt:
                add(place.id, alt, language_of(alt), "variant", place.source_id, notes="places.csv alt_names")
        geonameid = _text(place.geonameid)
        if not geonameid:
            continue
        record = geonames.get(geonameid)
        if record is None:
            problems.append(Problem("data/places.csv", f"place {place.id!r}, column 'geonameid'",
                                    f"GeoNames record {geonameid} is not in raw/{RAW_GEONAMES}"))
            continue
        for name in geonames_names(record):
            add(place.id, name, language_of(name), "variant", GEONAMES_SOURCE,
                notes=f"GeoNames {geonameid}; language from the script only")
    order = list(places["id"])
    rows = [r for place in order for r in by_place.get(place, [])]
    rows += [r for place, rs in by_place.items() if place not in set(order) for r in rs]  # flagged by the schema
    return rows, problems


def build(data: str | os.PathLike[str] | None = None) -> Path:
    """Check the inputs and write ``place_names.csv`` into ``data`` (atomically; nothing written on a problem).

    Parameters
    ----------
    data : path-like, optional
        The data folder (default: the shipped data, or ``$KARABAKH_DATA``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataValidationError
        ``places.csv`` or ``place_names_curated.csv`` breaks its schema, the GeoNames extract is missing, not the
        registered copy or not JSON, or a ``geonameid`` is not in it; the message lists every problem.

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> from karabakh.io import tables
    >>> copy = shutil.copytree(tables.data_dir(), pathlib.Path(tempfile.mkdtemp(), "data"))
    >>> (copy / "raw" / RAW_GEONAMES).write_text("{}", encoding="utf-8") and None
    >>> build(copy)
    Traceback (most recent call last):
    ...
    karabakh.io.errors.DataValidationError: 1 problem(s) in the data:
      - data/raw/geonames_cities500.json: file: sha256 differs from raw/registry.csv: not the registered extract
    >>> shutil.rmtree(copy.parent)
    """
    from karabakh.io import raw, tables

    folder = tables.data_dir(data)
    # the inputs are edited just before a rebuild: their schema is checked here, their checksums afterwards
    places = tables.load_table("places", folder, checksum=False)
    curated = tables.load_table("place_names_curated", folder, checksum=False)
    geonames, problems = read_geonames(folder, raw.load_registry(folder))
    if problems:
        raise DataValidationError(problems)
    rows, problems = place_name_rows(places, curated, geonames)
    if problems:
        raise DataValidationError(problems)
    return datafiles.write_csv(folder / "place_names.csv", rows, COLUMNS)


def read_geonames(folder: Path, registry) -> tuple[dict, list[Problem]]:
    """The GeoNames extract, checked against its registered sha256.

    Parameters
    ----------
    folder : Path
        The data folder.
    registry : pandas.DataFrame
        ``raw/registry.csv`` as loaded.

    Returns
    -------
    tuple
        (geonameid -> record, problems); the dict is empty when there is a problem.

    Examples
    --------
    >>> from karabakh.io import raw, tables
    >>> records, problems = read_geonames(tables.data_dir(), raw.load_registry())
    >>> records["146970"]["name"], problems
    ('Khankendi', [])
    """
    label = f"data/raw/{RAW_GEONAMES}"
    path = folder / "raw" / RAW_GEONAMES
    entry = registry[registry["file"] == RAW_GEONAMES]
    if entry.empty:
        return {}, [Problem("data/raw/registry.csv", "column 'file'", f"{RAW_GEONAMES} is not registered")]
    if not path.is_file():
        return {}, [Problem(label, "file", "missing (python -m karabakh sources --fetch restores it)")]
    if checksums.digest(path) != entry["extract_sha256"].iloc[0]:
        return {}, [Problem(label, "file", "sha256 differs from raw/registry.csv: not the registered extract")]
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [Problem(label, "file", f"not JSON: {exc}")]
    return records, []


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m karabakh.build.place_names [--data DIR]``; exit 1 on problems.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when the file was written; 1 when a problem was found (printed on stderr; nothing written).

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> from karabakh.io import tables
    >>> copy = shutil.copytree(tables.data_dir(), pathlib.Path(tempfile.mkdtemp(), "data"))
    >>> main(["--data", str(copy)])
    wrote .../place_names.csv
    0
    >>> checksums.digest(copy / "place_names.csv") == checksums.digest(tables.data_dir() / "place_names.csv")
    True
    >>> shutil.rmtree(copy.parent)
    """
    return datafiles.build_command("python -m karabakh.build.place_names", __doc__.splitlines()[0], build, argv)


def _text(value) -> str:
    """A cell as text: missing values (None, NaN, pd.NA) are ''."""
    import pandas as pd

    return "" if value is None or pd.isna(value) else str(value)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
