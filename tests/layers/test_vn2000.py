# SPDX-License-Identifier: MIT
"""PostGIS transforms VN-2000 (EPSG:9214) like PROJ does, to within 1 cm across the province."""
from __future__ import annotations

import math

import pytest
from django.db import connection
from pyproj import Transformer

from layers import vn2000

pytestmark = pytest.mark.django_db

# VN-2000 / TM-3 107-00 points spread over the province (x east, y north), metres
PROVINCE_POINTS = [
    (390000.0, 2350000.0),  # Hiệp Hòa, west
    (420000.0, 2360000.0),  # Tân Yên
    (440000.0, 2355000.0),  # Bắc Giang city
    (455000.0, 2385000.0),  # Lục Ngạn, north
    (470000.0, 2345000.0),  # Lục Nam
    (500000.0, 2350000.0),  # Sơn Động, on the central meridian
    (505000.0, 2340000.0),  # east of the meridian
]
WRONG_SIGN_TOWGS84 = ("-191.90441429,-39.30318279,-111.45032835,"
                      "-0.00928836,0.01975479,-0.00427372,0.252906278")


def ground_error_m(srid: int) -> float:
    """Worst distance in metres between PostGIS's and PROJ's EPSG:9214 -> 4326 results."""
    proj = Transformer.from_crs("EPSG:9214", "EPSG:4326", always_xy=True)
    worst = 0.0
    with connection.cursor() as cursor:
        for x, y in PROVINCE_POINTS:
            cursor.execute("SELECT ST_X(p), ST_Y(p) FROM ST_Transform("
                           "ST_SetSRID(ST_MakePoint(%s, %s), %s), 4326) AS p", [x, y, srid])
            lon, lat = cursor.fetchone()
            ref_lon, ref_lat = proj.transform(x, y)
            dx = (lon - ref_lon) * 111_320 * math.cos(math.radians(lat))
            dy = (lat - ref_lat) * 110_574
            worst = max(worst, math.hypot(dx, dy))
    return worst


def test_all_tm3_zones_registered():
    with connection.cursor() as cursor:
        cursor.execute("SELECT srid, auth_name, auth_srid FROM spatial_ref_sys "
                       "WHERE srid BETWEEN 9205 AND 9218 ORDER BY srid")
        assert cursor.fetchall() == [(s, "EPSG", s) for s in range(9205, 9219)]


def test_postgis_agrees_with_proj_within_1_cm():
    assert ground_error_m(9214) < 0.01


def test_registered_proj4text_alone_is_within_1_cm():
    """The row's own +towgs84 (used where PROJ lacks the EPSG code) is right too."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text) "
                       "VALUES (990214, 'TEST', 990214, %s)", [vn2000.proj4text(9214)])
    assert ground_error_m(990214) < 0.01


def test_unnegated_rotations_are_caught():
    """The common copy with coordinate-frame signs is ~0.76 m off: the check must fail it."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text) "
                       "VALUES (990215, 'TEST', 990215, %s)",
                       [vn2000.proj4text(9214, towgs84=WRONG_SIGN_TOWGS84)])
    error = ground_error_m(990215)
    assert 0.5 < error < 1.0


def test_round_trip_through_wgs84_within_1_mm():
    with connection.cursor() as cursor:
        for x, y in PROVINCE_POINTS:
            cursor.execute("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_Transform("
                           "ST_SetSRID(ST_MakePoint(%s, %s), 9214), 4326), 9214) AS p", [x, y])
            back_x, back_y = cursor.fetchone()
            assert math.hypot(back_x - x, back_y - y) < 0.001


def test_every_zone_uses_its_own_meridian():
    assert vn2000.central_meridian("107-00") == 107.0
    assert vn2000.central_meridian("104-45") == 104.75
    assert "+lon_0=105.75 " in vn2000.proj4text(9210)
    assert 'PARAMETER["central_meridian",108.5]' in vn2000.srtext(9218)
