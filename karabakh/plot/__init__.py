"""Answers -> figures: style, maps and their parts, charts, the control and incident figures, captions, the figure
protocol (``describe`` -> ``show_figure``) and how tables display in a notebook (``display``). Imports
:mod:`karabakh.analysis` and :mod:`karabakh.io` below it."""
