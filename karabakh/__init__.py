"""karabakh: curated, sourced data and maps on the September 2023 offensive in Nagorno-Karabakh.

Tables (pandas): ``load_sources``, ``load_casualties``, ``load_actors``, ``load_events``,
``load_displacement``, ``load_article_figures``; places as points (GeoPandas): ``load_places``.
Map layers (GeoPandas): ``load_boundaries``, ``load_front_lines(as_of=...)``.
Control history: ``load_control``, ``control_on(date)`` (who held each place that day), ``control_history(place_id)``,
``control_spans`` (see ``karabakh.control`` for the rule that resolves differing claims).
Geometry: ``area_km2``, ``length_km``, ``distance_km``. Figures: ``show_figure`` and the plotting helpers
(``region_map``, ``front_lines_small_multiples``, ``casualty_claims_chart``, ``arrivals_chart``, ``timeline_strip``,
``base_map`` and its parts; see ``karabakh.plot``).
Every loader takes ``data_dir=None`` (default: the shipped data; ``$KARABAKH_DATA`` overrides) and raises
``DataValidationError`` (a ``ValueError``) naming file, line/feature, column and reason on bad data.

Importing the package is cheap: pandas loads with the first table, GeoPandas and matplotlib only when a map,
layer or figure is asked for.
"""
from __future__ import annotations

import importlib
from typing import Any

from karabakh.errors import CoverageWarning, DataValidationError, Problem

__version__ = "0.1.0"

# public name -> module that defines it (imported on first use)
_LAZY = {
    "load_sources": "tables", "load_casualties": "tables", "load_actors": "tables", "load_events": "tables",
    "load_displacement": "tables", "load_article_figures": "tables", "load_places": "tables",
    "load_table": "tables", "data_dir": "tables", "validate_tables": "tables",
    "load_boundaries": "layers", "load_front_lines": "layers", "load_manifest": "layers", "validate_layers": "layers",
    "area_km2": "geo", "length_km": "geo", "distance_km": "geo",
    "show_figure": "figures",
    "base_map": "plot", "region_map": "plot", "nk_map": "plot", "front_lines_small_multiples": "plot",
    "control_area_table": "plot", "casualty_claims_chart": "plot", "arrivals_chart": "plot", "timeline_strip": "plot",
    "add_caption": "plot", "add_north_arrow": "plot", "add_scale_bar": "plot", "add_locator_inset": "plot",
    "source_ids": "plot",
    "load_control": "control", "control_on": "control", "control_history": "control", "control_spans": "control",
}

__all__ = ["CoverageWarning", "DataValidationError", "Problem", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"karabakh.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'karabakh' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
