"""The one place that formats sources and claims: figure captions, reference lists, the cited-sources list.

A source is always written the same way, ``Publisher (20 Sept 2023)`` (or ``(undated)``: days in the one style of
every figure and sentence, :func:`karabakh.analysis.wording.day`), from the sources table:
in a figure's caption (:func:`caption_text`, :func:`add_caption`), in a notebook's list of sources
(:func:`source_list`) and in the report's list of cited sources (:func:`cited_sources`). Claimants are written by
:func:`claimant_labels` (the actor's name and role from ``actors.csv`` where the claim names one); numbers and days
by :mod:`karabakh.analysis.wording`. Nothing here loads a table: pass the tables (only :func:`add_caption` reads the
shipped ``datapackage.json`` for the compilation's licence, when none is given).
"""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import pandas as pd

from karabakh.analysis import wording
from karabakh.io import tables
from karabakh.plot import style
from karabakh.plot.protocol import remember_sources, source_ids

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["source_text", "caption_text", "add_caption",
           "source_list", "cited_sources", "layer_licences", "package_licence",
           "NOT_AN_ENDORSEMENT"]

#: The statement under every map.
NOT_AN_ENDORSEMENT = style.NOT_AN_ENDORSEMENT


def source_text(row: Mapping) -> str:
    """One source as every caption and list writes it: ``Publisher (20 Sept 2023)`` or ``Publisher (undated)``.

    Parameters
    ----------
    row : mapping
        A row of the sources table (``publisher``, ``published``).

    Returns
    -------
    str

    Examples
    --------
    >>> source_text({"publisher": "Voice of America", "published": "2023-09-20"})
    'Voice of America (20 Sept 2023)'
    """
    published = row.get("published")
    missing = published is None or (not isinstance(published, str) and pd.isna(published)) or published == ""
    return f"{row['publisher']} ({'undated' if missing else wording.day(published)})"


def _unique(ids: Iterable) -> list[str]:
    return [s for s in dict.fromkeys(ids) if isinstance(s, str) and s]


def layer_licences(manifest: pd.DataFrame) -> dict[str, str]:
    """The licence of each layer source, from the layers' manifest.

    Parameters
    ----------
    manifest : pandas.DataFrame
        ``kb.load_manifest()`` (columns ``source_id`` and ``licence``).

    Returns
    -------
    dict
        source id -> licence text (the first one listed for that source).

    Examples
    --------
    >>> layer_licences(pd.DataFrame({"source_id": ["a", "a"], "licence": ["GPL-3.0", "other"]}))
    {'a': 'GPL-3.0'}
    """
    out: dict[str, str] = {}
    for sid, licence in zip(manifest["source_id"], manifest["licence"]):
        if isinstance(sid, str) and sid and sid not in out:
            out[sid] = str(licence)
    return out


def package_licence(schema: Mapping) -> str:
    """The licence of the data compilation, as a data package descriptor states it (its first ``licenses`` entry).

    Parameters
    ----------
    schema : mapping
        The descriptor (``datapackage.json``; :func:`karabakh.io.tables.schema` for the shipped one).

    Returns
    -------
    str
        For example ``"CC-BY-4.0"``; ``""`` when the package states none.

    Examples
    --------
    >>> package_licence({"licenses": [{"name": "CC-BY-4.0"}]}), package_licence({})
    ('CC-BY-4.0', '')
    """
    licences = schema.get("licenses") or []
    return licences[0].get("name", "") if licences else ""


def caption_text(ids: Sequence[str], sources: pd.DataFrame, *, licences: Mapping[str, str] | None = None,
                 is_map: bool = True, note: str = "", compilation_licence: str = "") -> str:
    """The caption under a figure: its sources, the compilation and, on maps, the non-endorsement statement.

    Parameters
    ----------
    ids : sequence of str
        Source ids (``sources.id``), in the order to list them; duplicates are dropped, and so are sources written
        alike (two files a publisher released on one day, without a licence of their own).
    sources : pandas.DataFrame
        The sources table (``kb.load_sources()``).
    licences : mapping, optional
        source id -> licence (:func:`layer_licences`), written after the sources that have one.
    is_map : bool
        Add :data:`NOT_AN_ENDORSEMENT`.
    note : str
        A sentence written before the compilation's line.
    compilation_licence : str
        The licence of the data compilation (``datapackage.json``).

    Returns
    -------
    str
        Two lines: ``Sources: A (date), licence; B (undated).`` and the compilation's line.

    Examples
    --------
    >>> src = pd.DataFrame({"id": ["a"], "publisher": ["Pub A"], "published": ["2023-09-20"]})
    >>> caption_text(["a"], src, is_map=False).splitlines()[0]
    'Sources: Pub A (20 Sept 2023).'
    """
    by_id = sources.set_index("id")
    licences = licences or {}
    parts = []
    for sid in _unique(ids):
        text = source_text(by_id.loc[sid]) if sid in by_id.index else sid
        if licences.get(sid):
            text += f", {licences[sid]}"
        parts.append(text)
    parts = list(dict.fromkeys(parts))  # two files of one publication (same publisher, same day) read as one source
    tail = "Compilation: karabakh contributors" + (f", {compilation_licence}." if compilation_licence else ".")
    if note:
        tail = note.rstrip(".") + ". " + tail
    if is_map:
        tail += " " + NOT_AN_ENDORSEMENT
    return "Sources: " + "; ".join(parts) + ".\n" + tail


def add_caption(fig: Figure, sources: pd.DataFrame, ids: Sequence[str] = (), *,
                licences: Mapping[str, str] | None = None,
                is_map: bool = True, note: str = "", compilation_licence: str | None = None) -> Figure:
    """Write the source caption under the figure (gid ``"caption"``), in a band kept free at the bottom.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; ``ids`` are added to the sources it already draws on, and the caption lists all of them.
    sources : pandas.DataFrame
        The sources table.
    ids : sequence of str
        More source ids.
    licences, is_map, note
        As for :func:`caption_text`.
    compilation_licence : str, optional
        Default: the shipped data package's own (:func:`package_licence` of ``datapackage.json``).

    Returns
    -------
    matplotlib.figure.Figure
        The same figure. A figure legend made with ``bottom=True`` (see :mod:`karabakh.plot.charts`) sits just above.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> src = pd.DataFrame({"id": ["a"], "publisher": ["Pub A"], "published": [None]})
    >>> fig = add_caption(plt.figure(layout="constrained"), src, ["a"], is_map=False)
    >>> [t.get_text().splitlines()[0] for t in fig.texts]
    ['Sources: Pub A (undated).']
    """
    remember_sources(fig, ids)
    if compilation_licence is None:
        compilation_licence = package_licence(tables.schema())
    text = caption_text(source_ids(fig), sources, licences=licences, is_map=is_map, note=note,
                        compilation_licence=compilation_licence)
    width_chars = int(fig.get_figwidth() * 72 / (style.CAPTION_SIZE * 0.62))
    wrapped = "\n".join(textwrap.fill(line, width=width_chars) for line in text.splitlines())
    for old in [t for t in fig.texts if t.get_gid() == "caption"]:
        old.remove()
    n_lines = wrapped.count("\n") + 1
    band = (n_lines * style.CAPTION_SIZE * 1.25 / 72 + 0.12) / fig.get_figheight()
    fig.text(0.008, 0.04 / fig.get_figheight(), wrapped, ha="left", va="bottom", fontsize=style.CAPTION_SIZE,
             color=style.MUTED_TEXT, gid="caption", linespacing=1.25)
    for leg in fig.legends:  # a figure legend goes just above the caption
        if getattr(leg, "_kb_bottom", False):
            leg.set_bbox_to_anchor((0.5, band), transform=fig.transFigure)
            height = leg.get_window_extent(fig._get_renderer()).height / fig.dpi
            band += (height + 0.05) / fig.get_figheight()
    engine = fig.get_layout_engine()
    if engine is not None and "rect" in engine.get():
        engine.set(rect=(0, band, 1, 1 - band))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, band + 0.08))
    return fig


def source_list(ids: Sequence[str], sources: pd.DataFrame) -> str:
    """The reference list of a notebook: one line per source, ``- Publisher (date): "title", url``.

    Parameters
    ----------
    ids : sequence of str
        Source ids, in the order to list them (duplicates dropped).
    sources : pandas.DataFrame
        The sources table.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        For an id that the sources table does not have.

    Examples
    --------
    >>> src = pd.DataFrame({"id": ["a"], "publisher": ["Pub A"], "title": ["T"], "url": ["https://a.example/t"],
    ...                     "published": ["2023-09-20"]})
    >>> source_list(["a", "a"], src)
    '- Pub A (20 Sept 2023): "T", https://a.example/t'
    """
    by_id = sources.set_index("id")
    missing = [s for s in _unique(ids) if s not in by_id.index]
    if missing:
        raise KeyError(f"source ids not in the sources table: {', '.join(missing)}")
    return "\n".join(f"- {source_text(by_id.loc[s])}: \"{by_id.loc[s, 'title']}\", {by_id.loc[s, 'url']}"
                     for s in _unique(ids))


def cited_sources(ids: Iterable[str], sources: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The report's list of cited sources: ``{id: {"text": "Publisher (date)", "title": ..., "url": ...}}``.

    Parameters
    ----------
    ids : iterable of str
        Source ids cited by the figures; ids the table does not know are left out.
    sources : pandas.DataFrame
        The sources table.

    Returns
    -------
    dict
        Sorted by id.

    Examples
    --------
    >>> src = pd.DataFrame({"id": ["a"], "publisher": ["Pub A"], "title": ["T"], "url": ["u"], "published": [None]})
    >>> cited_sources(["a", "zz"], src)
    {'a': {'text': 'Pub A (undated)', 'title': 'T', 'url': 'u'}}
    """
    by_id = sources.set_index("id")
    return {s: {"text": source_text(by_id.loc[s]), "title": str(by_id.loc[s, "title"]), "url": str(by_id.loc[s, "url"])}
            for s in sorted(set(_unique(ids)) & set(by_id.index))}
