"""The figure export: :func:`show_figure` is the one way a notebook shows a figure.

It draws the title at the top of the matplotlib figure (its suptitle), renders it to a deterministic PNG and
displays it as a single ``display_data`` output whose metadata carries the alt text (where IPython's own
``Image(alt=...)`` puts it, ``metadata["image/png"]["alt"]``) and the figure's record (``metadata["karabakh"]``:
name, title, drawn_title, source_ids). When ``KARABAKH_FIGURE_DIR`` is set (the main job sets it), it also writes
``<name>.png`` and ``<name>.svg`` there. The report collects the figures from that protocol.
"""
from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["show_figure", "figure_output", "draw_title", "describe", "description", "remember_sources", "source_ids",
           "png_bytes", "svg_bytes",
           "png_size", "FIGURE_DIR_ENV", "FIGURE_DPI", "DISPLAY_DPI", "META_KEY"]

#: When set, :func:`show_figure` writes ``<name>.png`` and ``<name>.svg`` into this folder.
FIGURE_DIR_ENV = "KARABAKH_FIGURE_DIR"
FIGURE_DPI = 150
#: Figures are displayed at 100 dpi (the PNG is drawn at FIGURE_DPI, so it stays sharp on dense screens).
DISPLAY_DPI = 100
SVG_HASHSALT = "karabakh"
#: The key of the figure's record in the output's metadata.
META_KEY = "karabakh"

_NAME_RE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
_INFO_ATTR = "_karabakh_description"
_SOURCES_ATTR = "_karabakh_source_ids"
_BOX_ATTR = "_karabakh_png_box"


def describe(fig: Figure, *, title: str | None = None, alt: str | None = None) -> Figure:
    """Attach a default title and alt text to a figure, for :func:`show_figure` to use.

    The drawing functions call this with the text built from the numbers they drew, so a notebook shows a
    figure with ``kb.show_figure(fig, "name")``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    title, alt : str, optional
        The title and the alt text; None keeps what the figure has.

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = describe(plt.figure(), title="Demo", alt="An empty figure")
    >>> description(fig)["alt"]
    'An empty figure'
    """
    info = dict(getattr(fig, _INFO_ATTR, {}))
    if title is not None:
        info["title"] = title
    if alt is not None:
        info["alt"] = alt
    setattr(fig, _INFO_ATTR, info)
    return fig


def remember_sources(fig: Figure, ids: Iterable[str]) -> None:
    """Add source ids to those a figure draws on (kept on the figure, first use first).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    ids : iterable of str
        Source ids; empty and missing values are skipped.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); remember_sources(fig, ["a", "b", "a", None]); source_ids(fig)
    ['a', 'b']
    """
    known = list(getattr(fig, _SOURCES_ATTR, []))
    merged = [s for s in dict.fromkeys([*known, *ids]) if isinstance(s, str) and s]
    setattr(fig, _SOURCES_ATTR, merged)


def source_ids(fig: Figure) -> list[str]:
    """The ids of every source a figure draws on, in first-use order.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure drawn by :mod:`karabakh.plot.maps` or :mod:`karabakh.plot.charts`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> source_ids(plt.figure())
    []
    """
    return list(getattr(fig, _SOURCES_ATTR, []))


def description(fig: Figure) -> dict[str, Any]:
    """The title, alt text and source ids a drawing function attached to a figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    dict
        ``{"title": str or None, "alt": str or None, "source_ids": list of str}``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> description(plt.figure())
    {'title': None, 'alt': None, 'source_ids': []}
    """
    info = getattr(fig, _INFO_ATTR, {})
    return {"title": info.get("title"), "alt": info.get("alt"), "source_ids": source_ids(fig)}


def _check_figure_args(name: Any, title: Any, alt: Any, source_ids: Any) -> list[str]:
    if not isinstance(name, str) or not _NAME_RE.match(name) or len(name) > 64:
        raise ValueError(
            f"figure name {name!r} must be lower-case letters and digits joined by '_' or '-' (at most 64 characters);"
            " it becomes the file name build/figures/<name>.png"
        )
    for label, value in (("title", title), ("alt", alt)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"figure {name!r}: {label} must be a non-empty string")
    if isinstance(source_ids, str):
        source_ids = [source_ids]
    ids = list(source_ids) if source_ids is not None else []
    if not ids or not all(isinstance(s, str) and s.strip() for s in ids):
        raise ValueError(f"figure {name!r}: source_ids must list at least one source id (non-empty strings)")
    if any(";" in s for s in ids):
        raise ValueError(f"figure {name!r}: source ids cannot contain ';'")
    return [s.strip() for s in ids]


def _tight_render(fig: Figure) -> tuple[bytes, Any]:
    """Draw the figure once with Agg at ``FIGURE_DPI`` (its layout engine runs in that draw) and return the PNG of
    the drawn content on white, cropped to its tight box padded as ``savefig(bbox_inches="tight")`` pads it, and
    that box in inches.

    ``savefig(..., bbox_inches="tight")`` draws a figure twice (a dry draw for the layout, then the picture) and
    does it again for every format; this draws it once for the PNG, and the SVG reuses the layout and the box
    (:func:`svg_bytes` with the box). Where an artist lies outside the figure, the PNG is drawn again with the box
    instead.
    """
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    old_canvas, old_dpi, old_face = fig.canvas, fig.dpi, fig.get_facecolor()
    try:
        fig.set_facecolor("white")
        fig.dpi = FIGURE_DPI
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # the layout engine places the axes in this draw
        tight, box = _content_box(fig, canvas.get_renderer())
        width, height = canvas.get_width_height()
        inside = tight.x0 >= 0 and tight.y0 >= 0 and tight.x1 <= width / FIGURE_DPI and tight.y1 <= height / FIGURE_DPI
        if inside:  # crop the drawn pixels; the padding beyond the figure's edge is white, as savefig makes it
            x0, x1 = int(np.floor(box.x0 * FIGURE_DPI)), int(np.ceil(box.x1 * FIGURE_DPI))
            top, bottom = int(np.floor(height - box.y1 * FIGURE_DPI)), int(np.ceil(height - box.y0 * FIGURE_DPI))
            drawn = np.asarray(canvas.buffer_rgba())[:, :, :3]
            pixels = np.full((bottom - top, x1 - x0, 3), 255, dtype=np.uint8)
            rows, cols = slice(max(top, 0), min(bottom, height)), slice(max(x0, 0), min(x1, width))
            pixels[rows.start - top:rows.stop - top, cols.start - x0:cols.stop - x0] = drawn[rows, cols]
            buf = io.BytesIO()
            Image.fromarray(pixels).save(buf, format="png", dpi=(FIGURE_DPI, FIGURE_DPI))
            return buf.getvalue(), box
    finally:
        fig.set_canvas(old_canvas)
        fig.dpi = old_dpi
        fig.set_facecolor(old_face)
    buf = io.BytesIO()  # something is drawn outside the figure: let savefig grow the canvas to the box
    with _layout_kept(fig):
        fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches=box, facecolor="white",
                    metadata={"Software": None})
    return buf.getvalue(), box


def _content_box(fig: Figure, renderer: Any) -> tuple[Any, Any]:
    """The box (inches) of everything drawn on a laid-out figure, and that box padded as the exports crop it.

    Legends kept out of the layout (figure legends under the panels) count: they are part of the picture.
    """
    import matplotlib
    from matplotlib.transforms import Bbox

    # matplotlib's own box, then the legends it leaves out: not bbox_extra_artists, which replaces every axes' own
    # artists with the list given, so that each axes measures every artist of the figure
    to_inches = fig.dpi_scale_trans.inverted()
    legends = [lg.get_window_extent(renderer).transformed(to_inches) for lg in fig.legends if lg.get_visible()]
    tight = Bbox.union([fig.get_tightbbox(renderer), *legends])
    return tight, tight.padded(matplotlib.rcParams["savefig.pad_inches"])


@contextlib.contextmanager
def _layout_kept(fig: Figure):
    """Keep the axes where the last draw put them: no layout engine runs again (restored on exit)."""
    engine = fig.get_layout_engine()
    fig._layout_engine = None  # not set_layout_engine("none"): its placeholder engine still costs savefig a dry draw
    try:
        yield
    finally:
        fig._layout_engine = engine


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG, byte-identical for identical figures (no timestamp, no software version).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render.

    Returns
    -------
    bytes
        The PNG file, at ``FIGURE_DPI``, cropped to the drawn content on a white background.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(1, 1))
    >>> png_bytes(fig)[:4]
    b'\\x89PNG'
    """
    return _tight_render(fig)[0]


def svg_bytes(fig: Figure, box: Any = None) -> bytes:
    """The figure as SVG, byte-identical for identical figures (fixed id salt, no date).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render.
    box : matplotlib.transforms.Bbox, optional
        The box (inches) to crop to, as :func:`png_bytes` drew it; the figure is then drawn once, as it was laid
        out for the PNG. None: laid out and cropped by ``savefig`` (``bbox_inches="tight"``).

    Returns
    -------
    bytes
        The SVG file (UTF-8 XML).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> svg_bytes(plt.figure(figsize=(1, 1))).startswith(b"<?xml")
    True
    """
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}), \
            (_layout_kept(fig) if box is not None else contextlib.nullcontext()):
        fig.savefig(buf, format="svg", dpi=FIGURE_DPI, bbox_inches="tight" if box is None else box,
                    facecolor="white", metadata={"Date": None})
    return buf.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG file, read from its header.

    Parameters
    ----------
    png : bytes
        A PNG file.

    Returns
    -------
    tuple of int
        ``(width, height)``.

    Raises
    ------
    ValueError
        If ``png`` is not a PNG file.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> png_size(png_bytes(plt.figure(figsize=(1, 1))))[0] > 0
    True
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def draw_title(fig: Figure, title: str) -> None:
    """Draw ``title`` as the figure's suptitle (top left, bold).

    The PNG, the SVG, the report and the README show it; the layout engine makes room for it above the axes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    title : str
        The one-line title.

    Raises
    ------
    ValueError
        If the figure already has a different suptitle (the picture and the record must say the same). A figure
        that already has this suptitle is left as it is.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> draw_title(fig, "Arrivals in Armenia")
    >>> fig.get_suptitle()
    'Arrivals in Armenia'
    """
    from karabakh.plot import style
    current = fig.get_suptitle()
    if current and current != title:
        raise ValueError(f"the figure already has the title {current!r}; show_figure was given {title!r}")
    fig.suptitle(title, x=0.01, ha="left", fontsize=style.TITLE_SIZE, fontweight="bold", color=style.TEXT)


def figure_output(fig: Figure, name: str, *, title: str, alt: str,
                  source_ids: Sequence[str] | str) -> tuple[dict, dict, bytes]:
    """The display bundle ``(data, metadata, png)`` that :func:`show_figure` publishes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; ``title`` is drawn on it (:func:`draw_title`).
    name : str
        The figure's stable file name: lower-case letters and digits joined by ``_`` or ``-``.
    title, alt : str
        The title drawn at the top, and the text a screen reader reads instead of the picture.
    source_ids : sequence of str or str
        The ids (``sources.id``) the figure draws on; at least one.

    Returns
    -------
    data : dict
        ``{"image/png": base64 text, "text/plain": "[figure NAME] TITLE"}``.
    metadata : dict
        ``{"image/png": {"alt", "width", "height"}, "karabakh": {"name", "title", "drawn_title", "source_ids"}}``;
        ``drawn_title`` is the suptitle as read back from the figure.
    png : bytes
        The PNG file.

    Raises
    ------
    ValueError
        On a bad name, an empty title or alt text, no source id, or a figure that already has another title.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> data, meta, png = figure_output(plt.figure(), "demo", title="Demo", alt="An empty figure", source_ids="s1")
    >>> data["text/plain"]
    '[figure demo] Demo'
    """
    ids = _check_figure_args(name, title, alt, source_ids)
    draw_title(fig, title.strip())
    png, box = _tight_render(fig)
    width, height = png_size(png)
    data = {
        "image/png": base64.b64encode(png).decode("ascii"),
        # nbval compares text/plain: keep it a stable, readable stand-in for the picture.
        "text/plain": f"[figure {name}] {title.strip()}",
    }
    metadata = {
        "image/png": {
            "alt": alt.strip(),
            "width": round(width * DISPLAY_DPI / FIGURE_DPI),
            "height": round(height * DISPLAY_DPI / FIGURE_DPI),
        },
        META_KEY: {"name": name, "title": title.strip(), "drawn_title": fig.get_suptitle(), "source_ids": ids},
    }
    setattr(fig, _BOX_ATTR, box)  # show_figure's SVG reuses the PNG's layout and box
    return data, metadata, png


def show_figure(fig: Figure, name: str, *, title: str | None = None, alt: str | None = None,
                source_ids: Sequence[str] | str | None = None) -> None:
    """Show a matplotlib figure in the notebook as one PNG output with alt text, and close it.

    ``title``, ``alt`` and ``source_ids`` default to what the drawing function attached to the figure
    (:func:`description`): the alt text is built beside the numbers the figure drew.

    Nothing else is output (no ``<Figure ...>`` repr). Create and show a figure in the same cell: the inline
    backend would otherwise display it once more at the end of the cell that created it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (closed afterwards, also on error).
    name : str
        The figure's stable file name, unique across the notebooks.
    title : str, optional
        A one-line title drawn at the top of the figure (and kept in the output's metadata).
    alt : str, optional
        The text a screen reader reads instead of the picture.
    source_ids : sequence of str or str, optional
        The ids of the sources the figure draws on.

    Raises
    ------
    ValueError
        See :func:`figure_output` (also when neither the call nor the figure gives a title, alt text or source).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> show_figure(plt.figure(), "demo", title="Demo", alt="An empty figure", source_ids="s1")

    When ``KARABAKH_FIGURE_DIR`` is set, ``<name>.png`` and ``<name>.svg`` are written there too.
    """
    import matplotlib.pyplot as plt

    info = description(fig)
    title = info["title"] if title is None else title
    alt = info["alt"] if alt is None else alt
    source_ids = info["source_ids"] if source_ids is None else source_ids
    try:
        data, metadata, png = figure_output(fig, name, title=title, alt=alt, source_ids=source_ids)
        out_dir = os.environ.get(FIGURE_DIR_ENV)
        if out_dir:
            out = Path(out_dir)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.png").write_bytes(png)
            (out / f"{name}.svg").write_bytes(svg_bytes(fig, getattr(fig, _BOX_ATTR, None)))
    finally:
        plt.close(fig)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    if get_ipython() is not None:
        display(data, raw=True, metadata=metadata)
