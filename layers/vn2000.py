# SPDX-License-Identifier: MIT
"""VN-2000 reference systems: the TM-3 provincial zones EPSG:9205-9218 for ``spatial_ref_sys``.

The datum shift is EPSG:6960 (VN-2000 to WGS 84 (2), Decision 05/2007/QĐ-BTNMT). PROJ states
it in the coordinate-frame convention; ``+towgs84`` is position-vector, so the rotation
signs are negated here. The widely copied string with un-negated rotations is ~0.76 m off.
"""
from __future__ import annotations

TOWGS84 = ("-191.90441429,-39.30318279,-111.45032835,"
           "0.00928836,-0.01975479,0.00427372,0.252906278")

# EPSG code -> central meridian (degrees, "DDD-MM" as in the EPSG names)
TM3_ZONES: dict[int, str] = {
    9205: "103-00", 9206: "104-00", 9207: "104-30", 9208: "104-45", 9209: "105-30",
    9210: "105-45", 9211: "106-00", 9212: "106-15", 9213: "106-30", 9214: "107-00",
    9215: "107-15", 9216: "107-30", 9217: "108-15", 9218: "108-30",
}

_WKT = (
    'PROJCS["VN-2000 / TM-3 {name}",GEOGCS["VN-2000",DATUM["Vietnam_2000",'
    'SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'TOWGS84[{towgs84}],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{lon0}],'
    'PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],'
    'PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],'
    'AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","{srid}"]]'
)


def central_meridian(zone: str) -> float:
    degrees, minutes = zone.split("-")
    return int(degrees) + int(minutes) / 60


def proj4text(srid: int, towgs84: str = TOWGS84) -> str:
    lon0 = central_meridian(TM3_ZONES[srid])
    return (f"+proj=tmerc +lat_0=0 +lon_0={lon0:g} +k=0.9999 +x_0=500000 +y_0=0 "
            f"+ellps=WGS84 +towgs84={towgs84} +units=m +no_defs")


def srtext(srid: int) -> str:
    zone = TM3_ZONES[srid]
    return _WKT.format(name=zone, towgs84=TOWGS84, lon0=f"{central_meridian(zone):g}", srid=srid)


def spatial_ref_sys_rows() -> list[tuple[int, str, int, str, str]]:
    """(srid, auth_name, auth_srid, srtext, proj4text) for every TM-3 zone."""
    return [(srid, "EPSG", srid, srtext(srid), proj4text(srid)) for srid in TM3_ZONES]
