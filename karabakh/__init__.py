"""karabakh: curated, sourced data and maps on the September 2023 offensive in Nagorno-Karabakh.

Tables (pandas): ``load_sources``, ``load_casualties``, ``load_actors``, ``load_events``,
``load_displacement``, ``load_article_figures``; places as points (GeoPandas): ``load_places``.
Crisis Group's incidents 2020-2023, sectors (GeoPandas) and timeline 2015-2023: ``load_incidents``,
``load_sectors``, ``load_timeline``.
Map layers (GeoPandas): ``load_boundaries``, ``load_front_lines(as_of=...)``.
Control history: ``load_control``, ``control_on(date)`` (who held each place that day), ``control_history(place_id)``,
``control_spans`` (see ``karabakh.control`` for the rule that resolves differing claims).
Geometry: ``area_km2``, ``length_km``, ``distance_km`` (place ids, Points or ``lon=``/``lat=``; never a bare
tuple), ``point``, ``as_point``. Figures take the frames they draw: maps (``region_map``,
``nk_map``, ``front_lines_small_multiples``, ``base_map`` and its parts; ``karabakh.maps``), charts
(``casualty_claims_chart``, ``arrivals_chart``, ``timeline_strip``; ``karabakh.charts``), shown with
``show_figure(fig, name)`` (``karabakh.figures``), which uses the title and alt text the figure carries. Sources and
claims are written by ``karabakh.citations`` (``source_list``, ``qualified``, ``day``); tables for the text
(``article_counts_compared``, ``latest_claims``, ...) are in ``karabakh.summaries``; the story's dates in
``karabakh.story``.
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
    "area_km2": "geo", "length_km": "geo", "distance_km": "geo", "point": "geo", "as_point": "geo",
    "show_figure": "figures",
    "base_map": "maps", "region_map": "maps", "nk_map": "maps", "front_lines_small_multiples": "maps",
    "add_north_arrow": "map_parts", "add_scale_bar": "map_parts", "add_locator_inset": "map_parts",
    "add_control_areas": "map_parts", "draw_polygons": "map_parts", "draw_lines": "map_parts",
    "direction": "maps",
    "casualty_claims_chart": "charts", "arrivals_chart": "charts", "timeline_strip": "charts",
    "add_caption": "citations", "source_ids": "figures", "source_list": "citations", "qualified": "citations",
    "day": "citations",
    "control_area_table": "summaries", "article_counts_compared": "summaries", "article_dates_compared": "summaries",
    "latest_claims": "summaries", "latest_counts": "summaries", "numbered_events": "summaries",
    "load_control": "control", "control_on": "control", "control_history": "control", "control_spans": "control",
    "load_incidents": "incidents", "load_sectors": "incidents", "load_timeline": "incidents",
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
