"""A call trace of one ``as_of`` from notebook 05 to the pixels: the day is read once where it enters (io for the
front lines, analysis for control), the figure draws what it is given (reads no day and loads nothing again), and no
call runs from a lower layer up to a higher one. The trace is recorded with sys.setprofile, not inferred."""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import karabakh as kb
from karabakh.plot import control as control_plots

PACKAGE = Path(kb.__file__).resolve().parent
RANK = {"io": 0, "analysis": 1, "plot": 2, "build": 3}


def _layer(filename: str) -> str | None:
    path = Path(filename)
    if PACKAGE not in path.parents:
        return None
    part = path.relative_to(PACKAGE).parts[0]
    return part if part in RANK else None


def _trace(call):
    """Run ``call``; return its result and every call between karabakh functions: (caller layer, callee layer,
    callee module, callee name, first argument)."""
    calls = []

    def profile(frame, event, arg):
        if event != "call":
            return
        callee = _layer(frame.f_code.co_filename)
        if callee is None:
            return
        caller = frame.f_back
        while caller is not None and _layer(caller.f_code.co_filename) is None and caller.f_back is not None \
                and "karabakh" not in caller.f_code.co_filename:
            caller = caller.f_back
        first = next(iter(frame.f_locals.values()), None) if frame.f_code.co_argcount else None
        calls.append((_layer(caller.f_code.co_filename) if caller else None, callee,
                      Path(frame.f_code.co_filename).stem, frame.f_code.co_name, first))

    sys.setprofile(profile)
    try:
        result = call()
    finally:
        sys.setprofile(None)
    return result, calls


def test_one_day_from_the_notebook_to_the_pixels(monkeypatch):
    day = "2020-12-01"
    base = dict(boundaries=kb.load_boundaries(), places=kb.load_places(), sources=kb.load_sources(),
                manifest=kb.load_manifest())
    front, io_calls = _trace(lambda: kb.load_front_lines(as_of=day))
    control, analysis_calls = _trace(lambda: kb.control_on(day))
    reads = lambda calls: [c for c in calls if (c[2], c[3]) == ("days", "to_day")]  # noqa: E731
    assert [c[4] for c in reads(io_calls)] == [day]  # read once where it enters the io layer
    assert [c[4] for c in reads(analysis_calls)] == [day]  # and once where it enters analysis
    for calls in (io_calls, analysis_calls):
        upward = [c for c in calls if c[0] in RANK and RANK[c[1]] > RANK[c[0]]]
        assert upward == [], upward[:3]

    # drawing: a profile of every matplotlib call would take seconds; spies on the day reader and the loaders
    # record what the figure asks of the layers below it
    from karabakh.io import days, layers, tables

    asked = []
    spy = lambda name, f: lambda *a, **k: asked.append((name, a[:1])) or f(*a, **k)  # noqa: E731
    monkeypatch.setattr(days, "to_day", spy("to_day", days.to_day))
    for module in (tables, layers):
        for name in [n for n in dir(module) if n.startswith("load_")]:
            monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
    for module in list(sys.modules.values()):  # names bound by `from karabakh.io.days import to_day`
        if getattr(module, "__name__", "").startswith("karabakh.") and getattr(module, "to_day", None) is not None:
            monkeypatch.setattr(module, "to_day", days.to_day)
    fig = control_plots.control_small_multiples([front], [control], **base)
    try:
        the_day = {day, control.attrs["as_of"]}
        assert [a for a in asked if a[0] == "to_day" and a[1] and a[1][0] in the_day] == []  # the day is not read
        assert [a for a in asked if a[0].startswith("load_")] == []  # again, and nothing is loaded: the figure
        assert fig.axes[0].get_title(loc="left") == "1 Dec 2020"  # draws what it is given
    finally:
        plt.close("all")


def test_panels_of_different_days_are_refused():
    with pytest.raises(ValueError, match="front lines of 2022-01-01 beside control on 2020-12-01"):
        control_plots.control_small_multiples([kb.load_front_lines(as_of="2022-01-01")], [kb.control_on("2020-12-01")],
                                              boundaries=None, places=None, sources=None, manifest=None)
