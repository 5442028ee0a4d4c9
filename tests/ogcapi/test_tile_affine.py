# SPDX-License-Identifier: MIT
"""Features inside a deep tile are mapped to tile units by one affine (no ST_AsMVTGeom): the
error bound holds, and the tiles decode to the same geometries as with ST_AsMVTGeom."""
from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest
from psycopg2 import sql

from geoserver_app.ogcapi import db, vector_tiles
from tests.support.ogc_data import read_tile

pytestmark = pytest.mark.django_db
WEB, CRS84 = "WebMercatorQuad", "WorldCRS84Quad"
COLUMNS = ["commune_code", "parcel_no"]


def mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def measured_error(z: int, y: int) -> float:
    """The largest distance, in tile units, between Mercator y and the secant (sampled)."""
    _w, south, _e, north = vector_tiles.tile_bounds(WEB, z, 0, y)
    top, bottom = mercator_y(north), mercator_y(south)
    worst = 0.0
    for i in range(1001):
        lat = south + (north - south) * i / 1000
        exact = (top - mercator_y(lat)) / (top - bottom) * vector_tiles.EXTENT
        linear = (north - lat) / (north - south) * vector_tiles.EXTENT
        worst = max(worst, abs(exact - linear))
    return worst


def tile_index(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


@pytest.mark.parametrize(("z", "lat"), [(15, 21.3), (14, 21.3), (18, 23.4), (15, 60.0)])
def test_error_bound_matches_the_measured_error(z, lat):
    _x, y = tile_index(106.2, lat, z)
    bound, measured = vector_tiles.affine_error(WEB, z, y), measured_error(z, y)
    assert measured <= bound
    assert measured >= 0.95 * bound


def test_affine_only_where_the_error_is_small():
    def y_at(z: int) -> int:
        return tile_index(106.2, 21.3, z)[1]

    assert vector_tiles.affine_error(WEB, 15, y_at(15)) == pytest.approx(0.0357, abs=0.0005)
    assert [vector_tiles.uses_affine(WEB, z, y_at(z)) for z in (12, 13, 14, 15, 20)] == [
        False, False, True, True, True]
    assert vector_tiles.affine_error(CRS84, 15, 0) == 0.0
    assert vector_tiles.uses_affine(CRS84, 13, 0) and not vector_tiles.uses_affine(CRS84, 12, 0)


def _decode(content: bytes, tmp_path: Path, name: str) -> dict[int, object]:
    path = tmp_path / name / "0" / "0" / "0.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    return {row["mvt_id"]: SimpleNamespace(**row) for row in read_tile(path, "land_parcels")}


def _tile(tileset: str, z: int, x: int, y: int, affine: bool) -> bytes:
    query = vector_tiles.tile_query(tileset, z, "land_parcels", COLUMNS, affine)
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute(query, vector_tiles.tile_params(tileset, z, x, y, "land_parcels"))
        return bytes(cursor.fetchone()[0] or b"")


@pytest.mark.parametrize(("tileset", "z", "expected"), [
    (WEB, 15, 25), (WEB, 16, 25), (CRS84, 15, 15)])
def test_affine_tiles_decode_to_the_same_geometries(ogc_data, tmp_path, tileset, z, expected):
    if tileset == WEB:
        x, y = tile_index(106.2001, 21.3001, z)
    else:
        x, y = int((106.2001 + 180) / (180 / 2 ** z)), int((90 - 21.3001) / (180 / 2 ** z))
    assert vector_tiles.uses_affine(tileset, z, y)
    exact = _decode(_tile(tileset, z, x, y, False), tmp_path, "exact")
    affine = _decode(_tile(tileset, z, x, y, True), tmp_path, "affine")
    assert len(exact) == expected
    assert sorted(affine) == sorted(exact)
    unit = 40075016.68557849 / vector_tiles.EXTENT  # GDAL reads the file as tile 0/0/0
    for fid, feature in exact.items():
        # the same shape, to the rounding of a vertex to the tile grid (one unit)
        assert affine[fid].geometry.hausdorff_distance(feature.geometry) <= unit * 1.001, fid
        assert affine[fid].geometry.area == pytest.approx(feature.geometry.area, rel=0.01)
        assert affine[fid].parcel_no == feature.parcel_no


COMPARE = """
SELECT count(*), count(*) FILTER (WHERE NOT t.geom_4326 @ ST_MakeEnvelope(
           %(west)s, %(south)s, %(east)s, %(north)s, 4326)),
       count(*) FILTER (WHERE ST_IsPolygonCCW(e) = ST_IsPolygonCCW(a)),
       count(*) FILTER (WHERE ST_Equals(e, a)),
       max(ST_HausdorffDistance(e, a))
FROM (SELECT t.geom_4326, ST_SetSRID({exact}, 0) AS e, ST_SetSRID({affine}, 0) AS a
      FROM land_parcels AS t
      WHERE t.geom_4326 && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
     ) AS t WHERE e IS NOT NULL
"""


@pytest.mark.parametrize(("tileset", "z", "expected", "exactly_equal"), [
    (WEB, 15, (25, 5), 17),    # 8 parcels: one row's edge rounds to the next unit
    (WEB, 16, (25, 9), 25),
    (CRS84, 15, (15, 7), 15),  # an exact affine
])
def test_affine_rings_turn_as_st_asmvtgeom_turns_them(ogc_data, tileset, z, expected,
                                                      exactly_equal):
    """(features, of which crossing the tile's edge); all with the exterior ring oriented as
    ST_AsMVTGeom orients it, no vertex more than one unit away."""
    if tileset == WEB:
        x, y = tile_index(106.2001, 21.3001, z)
    else:
        x, y = int((106.2001 + 180) / (180 / 2 ** z)), int((90 - 21.3001) / (180 / 2 ** z))
    query = sql.SQL(COMPARE).format(exact=vector_tiles.mvt_geometry(tileset, z, False),
                                    affine=vector_tiles.mvt_geometry(tileset, z, True))
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute(query, vector_tiles.tile_params(tileset, z, x, y, "land_parcels"))
        count, crossing, same_turn, equal, farthest = cursor.fetchone()
    assert (count, crossing) == expected
    assert same_turn == count
    assert equal == exactly_equal
    assert farthest <= 1.0

