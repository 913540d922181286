"""How a table reads in a notebook: a missing value is an empty cell, an index that means nothing is not shown, and
months and days (an index, a column of days) read as the prose writes them ("Oct 2022", "19 Sept 2023"), not
"2022-10" or "2023-09-19".

pandas writes a missing value as ``NaN``, ``<NA>``, ``NaT`` or ``None``, and shows every frame's index. The frames
the loaders return are indexed by their CSV line (``line``, kept for error messages), and frames built afresh or
filtered carry row positions (an unnamed integer index): neither tells a reader anything. :func:`frame_html` writes a
frame as pandas' own notebook HTML does (same options: ``display.max_rows``, ``max_columns``...), with those
differences; :func:`use_in_ipython` makes it IPython's HTML formatter for data frames. ``import karabakh`` calls it
when it runs inside IPython (JupyterLab, nbval, the site's build), so every notebook shows its tables this way
without a line of its own. Only the display changes: the frames, and their plain-text repr, are left as they are.
An index with a name of its own (``year``, ``n``, ``place``...) is shown. Text is never cut short with "...": a
long quote is shown whole, in a cell that wraps.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["shows_index", "frame_html", "use_in_ipython"]

#: The name the loaders give their index: the CSV line of each row (:mod:`karabakh.io.csvfile`).
LINE_INDEX = "line"


def shows_index(frame: pd.DataFrame) -> bool:
    """Whether a reader learns anything from the frame's index: not from CSV lines, nor from row positions.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    bool
        False for a one-level index named ``line`` or an unnamed integer index; True otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> shows_index(pd.DataFrame({"a": [1]})), shows_index(pd.DataFrame({"a": [1]}, index=pd.Index([7], name="year")))
    (False, True)
    """
    import pandas as pd

    index = frame.index
    if index.nlevels > 1:
        return True
    return not (index.name == LINE_INDEX or (index.name is None and pd.api.types.is_integer_dtype(index.dtype)))


def _blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy whose nullable and object columns (``Int64``, ``string``, ``boolean``, ``object``) hold "" where
    a value is missing: pandas writes ``<NA>`` or ``None`` for those whatever ``na_rep`` says."""
    import pandas as pd

    out = frame.copy(deep=False)
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        dtype = col.dtype
        nullable = (isinstance(dtype, pd.api.extensions.ExtensionDtype)
                    and not isinstance(dtype, (pd.CategoricalDtype, pd.DatetimeTZDtype, pd.PeriodDtype)))
        if (nullable or dtype == object) and col.isna().any():
            out.isetitem(i, col.astype(object).where(col.notna(), ""))
    return out


def _readable_index(frame: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy whose index of periods (months, days, years) or of days is written as the prose writes them
    (:func:`karabakh.analysis.wording.day`): "Oct 2022", "19 Sept 2023", "2023". Any other index is left as it is."""
    import pandas as pd

    from karabakh.analysis import wording

    index = frame.index
    if isinstance(index, pd.PeriodIndex) and index.freqstr[0] in "MDY":
        keep = {"M": slice(1, None), "D": slice(None), "Y": slice(2, None)}[index.freqstr[0]]
        words = [" ".join(wording.day(p.start_time).split()[keep]) for p in index]
    elif (isinstance(index, pd.DatetimeIndex) and index.tz is None and len(index)
          and (index == index.normalize()).all()):
        words = [wording.day(d) for d in index]
    else:
        return frame
    out = frame.copy(deep=False)
    out.index = pd.Index(words, name=index.name)
    return out


def _readable_days(frame: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy whose columns of days (datetime64 without time zone, every value at midnight, or strings every one
    an ISO day) hold the days as the prose writes them ("19 Sept 2023"), and "" where a day is missing. A column with
    clock times is left as it is."""
    import pandas as pd

    from karabakh.analysis import wording

    out = None
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        days = col.dropna()
        days = days[days.astype(str) != ""]
        if days.empty:
            continue
        if pd.api.types.is_datetime64_dtype(col.dtype):
            if not (days == days.dt.normalize()).all():
                continue
        elif not (pd.api.types.is_string_dtype(col.dtype)
                  and days.astype(str).str.fullmatch(r"\d{4}-\d\d-\d\d").all()):
            continue  # neither days nor a library's ISO days ("2023-09-27", as latest_claims gives them)
        out = frame.copy(deep=False) if out is None else out
        out.isetitem(i, col.map(lambda d: "" if pd.isna(d) or d == "" else wording.day(d)).astype(object))
    return frame if out is None else out


def frame_html(frame: pd.DataFrame) -> str:
    """The frame as pandas' notebook HTML, missing values as empty cells, the index left out where it means nothing.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    str
        What ``frame._repr_html_()`` returns, but for those differences (and ``""`` for an info repr).

    Examples
    --------
    >>> import pandas as pd, re
    >>> frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [0.5, None]},
    ...                      index=pd.Index([2, 3], name="line"))
    >>> html = frame_html(frame)
    >>> re.findall(r"<td>(.*?)</td>", html), "line" in html
    (['1', '0.5', '', ''], False)
    >>> months = pd.DataFrame({"n": [1, 2]}, index=pd.period_range("2022-09", periods=2, freq="M"))
    >>> re.findall(r"<th>(.*?)</th>", frame_html(months))[2:]  # after the corner and the column "n"
    ['Sept 2022', 'Oct 2022']
    >>> days = pd.DataFrame({"since": pd.to_datetime(["2023-09-20", None])})
    >>> re.findall(r"<td>(.*?)</td>", frame_html(days))
    ['20 Sept 2023', '']
    """
    import pandas as pd

    rows = pd.get_option("display.max_rows")
    if rows is not None and len(frame) > rows:  # a long frame shows its first and last min_rows, as pandas does
        rows = pd.get_option("display.min_rows") or rows
    with pd.option_context("display.max_colwidth", None):  # a quote is shown whole (the cell wraps), never cut at 50
        return _blank_missing(_readable_days(_readable_index(frame))).to_html(
            na_rep="", index=shows_index(frame), notebook=True, bold_rows=True, escape=True,
            max_rows=rows, max_cols=pd.get_option("display.max_columns"),
            show_dimensions=pd.get_option("display.show_dimensions"),
            float_format=pd.get_option("display.float_format"))


def use_in_ipython(shell=None) -> bool:
    """Make :func:`frame_html` the HTML formatter of data frames in the running IPython (nothing outside IPython).

    Parameters
    ----------
    shell : IPython shell, optional
        Default: ``IPython.get_ipython()``.

    Returns
    -------
    bool
        Whether a shell was there to take it.

    Examples
    --------
    >>> use_in_ipython()  # no IPython shell runs the doctests
    False
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with ipykernel
            return False
        shell = get_ipython()
    if shell is None:
        return False
    # by name, so that pandas is not imported for it (``import karabakh`` stays cheap); subclasses too, as IPython
    # looks up a frame's classes in order. pandas 3 gives DataFrame the module "pandas", pandas 2 "pandas.core.frame".
    html = shell.display_formatter.formatters["text/html"]
    for module in ("pandas", "pandas.core.frame"):
        html.for_type_by_name(module, "DataFrame", frame_html)
    return True
