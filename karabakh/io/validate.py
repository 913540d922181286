"""One ``validate()`` for a whole data folder: tables, layers, raw extracts and the checksum manifest.

``python -m karabakh validate`` and the main job (:mod:`karabakh.build.site`) call :func:`validate`;
``python -m karabakh summary`` prints :func:`summary`.
"""
from __future__ import annotations

from pathlib import Path

from karabakh.io import checksums, layers, raw, tables, texts
from karabakh.io.errors import Problem


def validate(folder: Path | None) -> list[Problem]:
    """Every problem in the tables, layers and raw extracts of a data folder, and its checksum manifest.

    Parameters
    ----------
    folder : Path or None
        The data folder (None: the shipped data).

    Returns
    -------
    list of Problem
        Empty when the folder is sound.

    Examples
    --------
    >>> validate(None)
    []
    """
    return content_problems(folder) + checksums.verify(tables.data_dir(folder))


def content_problems(folder: Path | None) -> list[Problem]:
    """Every problem in the text files, tables, layers and raw extracts (without the checksum manifest).

    Parameters
    ----------
    folder : Path or None
        The data folder (None: the shipped data).

    Returns
    -------
    list of Problem
    """
    found = (texts.text_problems(tables.data_dir(folder)) + tables.validate_tables(folder)
             + layers.validate_layers(folder) + raw.verify(folder))
    unique: dict[Problem, None] = dict.fromkeys(found)  # the registry's own problems come from two checks
    return list(unique)


def summary(folder: Path | None) -> str:
    """A short, plain-text summary of every table: rows, and the main counts.

    Parameters
    ----------
    folder : Path or None
        The data folder (None: the shipped data).

    Returns
    -------
    str

    Raises
    ------
    DataValidationError
        A table is broken.

    Examples
    --------
    >>> summary(None).splitlines()[0].split()[0]
    'sources'
    """
    lines = []
    for name in tables.TABLES:
        frame = tables.load_table(name, folder)
        lines.append(f"{name:16s} {len(frame):4d} rows")
    cas = tables.load_table("casualties", folder)
    lines.append("")
    lines.append("casualty claims by side and category (number of claims, not people):")
    counts = cas.groupby(["side", "category"], observed=True).size()
    for (side, category), n in counts.items():
        lines.append(f"  {side:22s} {category:20s} {n:3d}")
    dsp = tables.load_table("displacement", folder)
    last = dsp.sort_values(["date", "cumulative_arrivals"]).iloc[-1]
    lines.append("")
    lines.append(f"latest arrivals count: {last['cumulative_arrivals']:,} on {last['date']:%Y-%m-%d} "
                 f"({last['measure']}, claimant: {last['claimant']})")
    return "\n".join(lines)
