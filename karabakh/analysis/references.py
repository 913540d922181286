"""The map layers' areas, lengths and widths next to figures published elsewhere.

The published figures are the table ``layers/reference_figures.csv`` (validated like every table; each row has its
``source_id``). Published figures disagree among themselves; each is compared separately, never averaged.
"""
from __future__ import annotations

import os

from karabakh.io import layers, tables


def compare_with_references(data_dir: str | os.PathLike[str] | None = None):
    """The layers' areas, lengths and widths next to published figures (``layers/reference_figures.csv``).

    Areas: equal-area projection (karabakh.analysis.geo.area_km2); lengths: geodesic (length_km); width: diameter of the
    largest circle inside the polygon, in the same equal-area projection.

    Parameters
    ----------
    data_dir : path-like, optional
        The data folder.

    Returns
    -------
    pandas.DataFrame
        Columns key, measure, computed, published, diff_pct (computed vs published, %), tolerance_pct,
        reference, source_id (the published figure's source in sources.csv).

    Raises
    ------
    DataValidationError
        A layer or the reference table is broken.

    Examples
    --------
    >>> float(compare_with_references().set_index("key").loc["nkao", "published"])
    4400.0
    """
    import pandas as pd
    import shapely

    from karabakh.analysis.geo import EQUAL_AREA_CRS, area_km2, length_km

    b = layers.load_boundaries(data_dir)
    b.index = ["nkao" if k == "nkao" else f"country_{iso.lower()}" for k, iso in zip(b["kind"], b["iso3"])]
    f = layers.load_front_lines(data_dir=data_dir).set_index("key")
    geoms = pd.concat([b.geometry, f.geometry])
    measures = {
        "area_km2": area_km2(geoms), "length_km": length_km(geoms),
        "width_km": geoms.to_crs(EQUAL_AREA_CRS).apply(
            lambda g: 2 * shapely.maximum_inscribed_circle(g).length / 1000 if g.geom_type in layers.POLYGONS else 0.0),
    }
    rows = []
    for ref in tables.load_table("layer_references", data_dir).itertuples(index=False):
        computed = float(measures[ref.measure][ref.key])
        rows.append({"key": ref.key, "measure": ref.measure, "computed": round(computed, 1),
                     "published": ref.published, "diff_pct": round((computed - ref.published) / ref.published * 100, 1),
                     "tolerance_pct": ref.tolerance_pct, "reference": ref.reference, "source_id": ref.source_id})
    return pd.DataFrame(rows)
