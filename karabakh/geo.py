"""Areas, lengths and distances on the ellipsoid, and the projections the maps use.

Units: areas in square kilometres (km²), lengths and distances in kilometres (km), all on the WGS 84 ellipsoid.
"""
from __future__ import annotations

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


def area_km2(gdf):
    """Area of each geometry in km², in the equal-area projection EQUAL_AREA_CRS (pandas Series, same index).

    Lines and points have area 0.
    """
    return _geoseries(gdf).to_crs(EQUAL_AREA_CRS).area / 1e6


def length_km(gdf):
    """Geodesic length of each geometry in km on the WGS 84 ellipsoid (pandas Series, same index).

    Polygons give their perimeter (holes included); points give 0.
    """
    import pandas as pd
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    geoms = _geoseries(gdf).to_crs(GEOGRAPHIC_CRS)
    values = [geod.geometry_length(g) / 1000.0 if g is not None and not g.is_empty else 0.0 for g in geoms]
    return pd.Series(values, index=geoms.index, dtype="float64", name="length_km")


def _lonlat(p) -> tuple[float, float]:
    """(lon, lat) from a (lon, lat) pair, a shapely Point, or a row with a Point geometry or lon/lat fields."""
    if hasattr(p, "geom_type"):
        if p.geom_type != "Point":
            raise TypeError(f"expected a Point, got a {p.geom_type}")
        return float(p.x), float(p.y)
    if hasattr(p, "get"):  # a pandas row or a dict
        geom = p.get("geometry")
        if geom is not None:
            return _lonlat(geom)
        lon, lat = p.get("lon", p.get("longitude")), p.get("lat", p.get("latitude"))
        if lon is None or lat is None:
            raise TypeError("a row needs a Point 'geometry' or 'lon' and 'lat' fields")
        return float(lon), float(lat)
    lon, lat = p
    return float(lon), float(lat)


def distance_km(a, b) -> float:
    """Geodesic distance in km between two places on the WGS 84 ellipsoid.

    Each of ``a`` and ``b`` is a ``(lon, lat)`` pair in degrees (longitude first), a shapely Point in
    EPSG:4326, or a place row (pandas Series / dict) with a Point ``geometry`` or ``lon`` / ``lat`` fields.
    """
    from pyproj import Geod

    (lon1, lat1), (lon2, lat2) = _lonlat(a), _lonlat(b)
    for lon, lat in ((lon1, lat1), (lon2, lat2)):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"({lon}, {lat}) is not a (lon, lat) pair in degrees")
    return float(Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000.0)
