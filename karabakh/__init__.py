"""karabakh: curated, sourced data and maps on the September 2023 offensive in Nagorno-Karabakh.

Tables (pandas): ``load_sources``, ``load_casualties``, ``load_actors``, ``load_events``,
``load_displacement``, ``load_article_figures``; places as points (GeoPandas): ``load_places``.
Crisis Group's incidents 2020-2023, sectors (GeoPandas) and timeline 2015-2023: ``load_incidents``,
``load_sectors``, ``load_timeline``. The whole record (``karabakh.io.record``): Crisis Group's incidents before the
2020 war and detentions after it (``load_incidents_pre2020``, ``load_detentions``), its Russian timeline (``load_timeline_ru``), the 2020 war's tolls claim by
claim (``load_war_tolls``), Karlinsky & Torrisi's excess deaths (``load_excess_deaths``) and UNHCR's figures
(``load_unhcr``).
Map layers (GeoPandas): ``load_boundaries``, ``load_front_lines(as_of=...)``.
Control history: ``load_control``, ``control_on(date)`` (who held each place that day), ``control_history(place_id)``,
``control_spans`` (see ``karabakh.analysis.control`` for the rule that resolves differing claims).
Places by any name: ``place_id(name)`` (any name or spelling in ``place_names.csv``, case, diacritics and script
insensitive: "Khankendi", "Xankəndi", "Ստեփանակերտ" → ``stepanakert``), ``place_names(place)``, ``place_label``;
every function that takes a place takes any of its names. Geometry: ``area_km2``, ``length_km``, ``distance_km``
and ``direction`` (places, Points or ``lon=``/``lat=``; never a bare tuple), ``point``, ``as_point``. Figures take the frames they draw: maps (``region_map``,
``nk_map``, ``front_lines_small_multiples``, ``base_map`` and its parts; ``karabakh.plot.maps``), charts
(``casualty_claims_chart``, ``arrivals_chart``, ``timeline_strip``; ``karabakh.plot.charts``), shown with
``show_figure(fig, name)`` (``karabakh.plot.protocol``), which uses the title and alt text the figure carries. Sources and
claims are written by ``karabakh.plot.captions`` (``source_list``, ``qualified``, ``day``); tables for the text
(``article_counts_compared``, ``latest_claims``, ...) are in ``karabakh.analysis.summaries``; the story's dates in
``karabakh.analysis.story``.
Every loader takes ``data_dir=None`` (default: the shipped data; ``$KARABAKH_DATA`` overrides) and raises
``DataValidationError`` (a ``ValueError``) naming file, line/feature, column and reason on bad data.

Importing the package is cheap: pandas loads with the first table, GeoPandas and matplotlib only when a map,
layer or figure is asked for. Inside IPython (JupyterLab, the notebooks' tests, the site's build) the import also
makes data frames display as a reader needs them (``karabakh.plot.display``: missing values as empty cells, no
index of CSV lines or row positions); the frames themselves are not changed.
"""
from __future__ import annotations

import importlib
from typing import Any

from karabakh.io.errors import CoverageWarning, DataValidationError, Problem

__version__ = "0.1.0"

# public name -> module that defines it (imported on first use)
_LAZY = {
    "load_sources": "io.tables", "load_casualties": "io.tables", "load_actors": "io.tables", "load_events": "io.tables",
    "load_displacement": "io.tables", "load_article_figures": "io.tables", "load_places": "io.tables",
    "load_table": "io.tables", "data_dir": "io.tables", "validate_tables": "io.tables",
    "load_boundaries": "io.layers", "load_front_lines": "io.layers", "load_manifest": "io.layers", "validate_layers": "io.layers",
    "area_km2": "analysis.geo", "length_km": "analysis.geo", "distance_km": "analysis.geo", "point": "analysis.geo", "as_point": "analysis.geo",
    "show_figure": "plot.protocol",
    "base_map": "plot.maps", "region_map": "plot.maps", "nk_map": "plot.maps", "front_lines_small_multiples": "plot.maps",
    "add_north_arrow": "plot.map_parts", "add_scale_bar": "plot.map_parts", "add_locator_inset": "plot.map_parts",
    "add_control_areas": "plot.map_parts", "draw_polygons": "plot.map_parts", "draw_lines": "plot.map_parts",
    "direction": "analysis.geo", "place_id": "analysis.places", "place_names": "analysis.places",
    "place_label": "analysis.places",
    "casualty_claims_chart": "plot.charts", "arrivals_chart": "plot.charts", "timeline_strip": "plot.charts",
    "add_caption": "plot.captions", "source_ids": "plot.protocol", "source_list": "plot.captions", "qualified": "analysis.wording",
    "day": "analysis.wording",
    "control_area_table": "analysis.summaries", "article_counts_compared": "analysis.summaries", "article_dates_compared": "analysis.summaries",
    "latest_claims": "analysis.summaries", "latest_counts": "analysis.summaries", "numbered_events": "analysis.summaries",
    "load_control": "analysis.control", "control_on": "analysis.control", "control_history": "analysis.control", "control_spans": "analysis.control",
    "load_incidents": "io.incidents", "load_sectors": "io.incidents", "load_timeline": "io.incidents",
    "load_incidents_pre2020": "io.record", "load_detentions": "io.record", "load_timeline_ru": "io.record", "load_excess_deaths": "io.record",
    "load_unhcr": "io.record", "load_war_tolls": "io.record",
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


def _tables_for_readers() -> None:
    """Inside IPython, data frames display with blank missing values and no meaningless index (plot.display)."""
    import sys

    if "IPython" in sys.modules:  # only a running IPython has imported it: nothing to do (or import) elsewhere
        from karabakh.plot import display

        display.use_in_ipython()


_tables_for_readers()
