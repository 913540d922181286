"""Areas, lengths and distances on the ellipsoid, and the projections the maps use.

Units: areas in square kilometres (km²), lengths and distances in kilometres (km), all on the WGS 84 ellipsoid.
"""
from __future__ import annotations

import os
from typing import Any

# Lambert azimuthal equal-area centred on Nagorno-Karabakh: area distortion is nil by construction and
# shapes are near-true across the South Caucasus.
EQUAL_AREA_CRS = "+proj=laea +lat_0=40 +lon_0=46.5 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
GEOGRAPHIC_CRS = "EPSG:4326"


def _geoseries(gdf):
    import geopandas as gpd

    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    if not isinstance(geoms, gpd.GeoSeries):
        raise TypeError(f"expected a GeoDataFrame or GeoSeries, got {type(gdf).__name__}")
    if geoms.crs is None:
        raise ValueError("the geometries have no CRS; set one (layers are EPSG:4326) before measuring")
    return geoms


def area_km2(gdf: Any) -> Any:
    """Area of each geometry in km², in the equal-area projection EQUAL_AREA_CRS.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or GeoSeries
        Geometries with a CRS (any; they are reprojected).

    Returns
    -------
    pandas.Series
        km², same index; lines and points have area 0.

    Raises
    ------
    TypeError
        Not a GeoDataFrame or GeoSeries.
    ValueError
        No CRS.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> round(float(area_km2(gpd.GeoSeries([shapely.box(46, 39.5, 47, 40.5)], crs=4326)).iloc[0]))
    9481
    """
    return _geoseries(gdf).to_crs(EQUAL_AREA_CRS).area / 1e6


def length_km(gdf: Any) -> Any:
    """Geodesic length of each geometry in km on the WGS 84 ellipsoid.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or GeoSeries
        Geometries with a CRS (any; they are reprojected).

    Returns
    -------
    pandas.Series
        km, same index; polygons give their perimeter (holes included), points 0.

    Raises
    ------
    TypeError
        Not a GeoDataFrame or GeoSeries.
    ValueError
        No CRS.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> round(float(length_km(gpd.GeoSeries([shapely.LineString([(46.5, 39.5), (46.5, 40.5)])], crs=4326)).iloc[0]), 2)
    111.03
    """
    import pandas as pd
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    geoms = _geoseries(gdf).to_crs(GEOGRAPHIC_CRS)
    values = [geod.geometry_length(g) / 1000.0 if g is not None and not g.is_empty else 0.0 for g in geoms]
    return pd.Series(values, index=geoms.index, dtype="float64", name="length_km")


def point(*, lon: float, lat: float):
    """A shapely Point from explicitly named longitude and latitude (degrees, EPSG:4326).

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees; keyword-only, so they cannot be swapped by accident.

    Returns
    -------
    shapely.Point
        ``Point(lon, lat)``.

    Raises
    ------
    ValueError
        Not a longitude in [-180, 180] and a latitude in [-90, 90].

    Examples
    --------
    >>> point(lon=46.75, lat=39.82)
    <POINT (46.75 39.82)>
    """
    from shapely.geometry import Point

    lon, lat = float(lon), float(lat)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"lon={lon}, lat={lat} is not a longitude in [-180, 180] and a latitude in [-90, 90]")
    return Point(lon, lat)


_TUPLE_REFUSED = ("a bare pair of numbers {value!r} is refused: it does not say which is the longitude (people "
                  "often write latitude first, and swapping them moves the point hundreds of km). Pass a place id "
                  "such as 'stepanakert', a shapely Point(lon, lat), or named values: point(lon=..., lat=...) or "
                  "distance_km(..., lon=..., lat=...)")


def as_point(p: Any, data_dir: str | os.PathLike[str] | None = None):
    """A place as a shapely Point in EPSG:4326, from something that says unambiguously where it is.

    Parameters
    ----------
    p : str, shapely Point, or mapping / pandas Series
        A place id of ``places.csv`` (``"yevlakh"``) or any of its names (``"Yevlax"``, ``"Khankendi"``; see
        :func:`karabakh.analysis.places.place_id`), a Point(lon, lat), or a row with a Point ``geometry`` or
        named ``lon`` / ``lat`` fields. A bare tuple, list or array is refused (see Raises).
    data_dir : path-like, optional
        The data folder whose ``places.csv`` resolves place ids.

    Returns
    -------
    shapely.Point

    Raises
    ------
    TypeError
        A bare (x, y) pair, a non-Point geometry, or a row without a geometry or lon/lat.
    ValueError
        An unknown or ambiguous place name, or coordinates that are not degrees.

    Examples
    --------
    >>> as_point("stepanakert") == as_point("Xankəndi")
    True
    >>> as_point("stepanakert")
    <POINT (46.753 39.818)>
    """
    if isinstance(p, str):
        from karabakh.analysis.places import place_id
        from karabakh.io import tables

        places = tables.load_table("places", data_dir).set_index("id")
        pid = place_id(p, data_dir)
        return point(lon=places.at[pid, "lon"], lat=places.at[pid, "lat"])
    if hasattr(p, "geom_type"):
        if p.geom_type != "Point":
            raise TypeError(f"expected a Point, got a {p.geom_type}")
        return point(lon=p.x, lat=p.y)
    if hasattr(p, "get") and not isinstance(p, (tuple, list)):  # a pandas row or a dict
        geom = p.get("geometry")
        if geom is not None:
            return as_point(geom)
        lon, lat = p.get("lon", p.get("longitude")), p.get("lat", p.get("latitude"))
        if lon is None or lat is None:
            raise TypeError("a row needs a Point 'geometry' or 'lon' and 'lat' fields")
        return point(lon=lon, lat=lat)
    raise TypeError(_TUPLE_REFUSED.format(value=_shown(p)))


def _shown(value: Any) -> Any:
    try:
        return tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return value


def distance_km(a: Any = None, b: Any = None, *, lon: Any = None, lat: Any = None,
                data_dir: str | os.PathLike[str] | None = None) -> float:
    """Geodesic distance in km between two places on the WGS 84 ellipsoid.

    Parameters
    ----------
    a, b : str, shapely Point, or row, optional
        Each a place id (``"yevlakh"``) or any of its names (``"Khankendi"``), a Point(lon, lat) in EPSG:4326, or a
        place row (pandas Series / dict)
        with a Point ``geometry`` or ``lon`` / ``lat`` fields (see :func:`as_point`). Bare tuples are refused.
    lon, lat : float or pair of floats, optional
        Named coordinates: with ``a`` alone they give ``b`` (``distance_km("goris", lon=46.75, lat=39.82)``);
        with neither ``a`` nor ``b`` they are pairs (``lon=(47.15, 46.75), lat=(40.62, 39.82)``).
    data_dir : path-like, optional
        The data folder whose ``places.csv`` resolves place ids.

    Returns
    -------
    float
        Kilometres.

    Raises
    ------
    TypeError
        A bare (x, y) pair, a non-Point geometry, or a missing or doubled place.
    ValueError
        An unknown or ambiguous place name, or coordinates that are not degrees.

    Examples
    --------
    >>> round(distance_km("yevlakh", "stepanakert"), 1), round(distance_km("Yevlax", "Khankendi"), 1)
    (95.1, 95.1)
    >>> round(distance_km(lon=(47.15, 46.75), lat=(40.62, 39.82)), 1)
    95.1
    """
    from pyproj import Geod

    named = lon is not None or lat is not None
    if named and (lon is None or lat is None):
        raise TypeError("give both lon= and lat=")
    if named and a is None and b is None:
        try:
            (lon_a, lon_b), (lat_a, lat_b) = lon, lat
        except (TypeError, ValueError):
            raise TypeError("without places, lon= and lat= are pairs: lon=(lon_a, lon_b), lat=(lat_a, lat_b)") from None
        p, q = point(lon=lon_a, lat=lat_a), point(lon=lon_b, lat=lat_b)
    elif named and b is None:
        p, q = as_point(a, data_dir), point(lon=lon, lat=lat)
    elif named or a is None or b is None:
        raise TypeError("give two places (a, b), one place and lon=/lat=, or lon=(…, …) and lat=(…, …)")
    else:
        p, q = as_point(a, data_dir), as_point(b, data_dir)
    return float(Geod(ellps="WGS84").inv(p.x, p.y, q.x, q.y)[2] / 1000.0)


def direction(a: Any, b: Any, data_dir: str | os.PathLike[str] | None = None) -> str:
    """The compass point (16 winds) from place ``a`` to place ``b``, from the geodesic's initial azimuth (WGS 84).

    Parameters
    ----------
    a, b : str, shapely Point, or row
        Each a place id or name, a Point(lon, lat) in EPSG:4326, or a place row (see :func:`as_point`).
    data_dir : path-like, optional
        The data folder whose ``places.csv`` resolves place names.

    Returns
    -------
    str
        For example ``"north-north-east"``.

    Raises
    ------
    TypeError, ValueError
        As :func:`as_point`.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> direction(Point(46.75, 39.82), Point(47.15, 40.61)), direction("stepanakert", "Yevlax")
    ('north-north-east', 'north-north-east')
    """
    from pyproj import Geod

    p, q = as_point(a, data_dir), as_point(b, data_dir)
    azimuth = Geod(ellps="WGS84").inv(p.x, p.y, q.x, q.y)[0] % 360
    winds = ("north", "north-north-east", "north-east", "east-north-east", "east", "east-south-east", "south-east",
             "south-south-east", "south", "south-south-west", "south-west", "west-south-west", "west",
             "west-north-west", "north-west", "north-north-west")
    return winds[int((azimuth + 11.25) // 22.5) % 16]
