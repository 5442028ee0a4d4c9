# SPDX-License-Identifier: MIT
"""The VN-2000 grid (EPSG:9214) uses the EPSG:6960 shift and lines up with Web Mercator."""
from __future__ import annotations

import math

import pytest
from mapproxy.srs import SRS
from pyproj import CRS, Transformer

from geoserver_app.tiles.bounds import build_grids
from layers import vn2000
from tests.support.tile_client import count_colour

QL1_RED = (0xE8, 0x46, 0x3A)
ON_QL1 = (106.15, 21.235)  # midpoint of QL1's first segment in the sample town
OFF_QL1 = (106.15, 21.245)  # 1.1 km north of it: no road there
SURVEY_POINTS = [(420000.0, 2340000.0), (480000.0, 2380000.0), (550000.0, 2300000.0)]


@pytest.mark.parametrize(("x", "y"), SURVEY_POINTS)
def test_mapproxy_transforms_9214_with_the_6960_parameters(x, y):
    reference = Transformer.from_crs(CRS.from_proj4(vn2000.proj4text(9214)), "EPSG:4326",
                                     always_xy=True)
    lon, lat = reference.transform(x, y)
    (mlon, mlat), = SRS(9214).transform_to(SRS(4326), [(x, y)])
    pyproj_lon, pyproj_lat = Transformer.from_crs("EPSG:9214", "EPSG:4326",
                                                  always_xy=True).transform(x, y)
    metres = 111_000  # per degree, near enough for a 1 cm check
    assert abs(mlon - lon) * metres < 0.01 and abs(mlat - lat) * metres < 0.01
    assert abs(pyproj_lon - lon) * metres < 0.01 and abs(pyproj_lat - lat) * metres < 0.01


def pixel_of(grid, lon: float, lat: float, level: int) -> tuple[tuple[int, int, int], int, int]:
    """The tile (x, y, z, north-west numbering) and pixel holding a WGS 84 point."""
    (x, y), = SRS(4326).transform_to(grid.srs, [(lon, lat)])
    tile = grid.tile_coord_for_point(x, y, level)
    x0, _y0, _x1, y1 = grid.tile_bbox(tile)
    resolution = grid.resolution(level)
    return tile, math.floor((x - x0) / resolution), math.floor((y1 - y) / resolution)


def road_pixels_near(client, grid_name: str, level: int, point: tuple[float, float]) -> int:
    grid = build_grids()[grid_name]
    (tx, ty, tz), px, py = pixel_of(grid, *point, level)
    image = client.get(f"/wmts/basemap/{grid_name}/{tz}/{tx}/{ty}.png").image()
    assert image.size == (256, 256)
    box = (max(px - 3, 0), max(py - 3, 0), min(px + 4, 256), min(py + 4, 256))
    return count_colour(image.crop(box), QL1_RED)


@pytest.mark.parametrize(("grid_name", "level"), [("webmercator", 15), ("vn2000", 8)])
def test_the_same_road_is_where_pyproj_puts_it_in_both_grids(client, grid_name, level):
    assert road_pixels_near(client, grid_name, level, ON_QL1) >= 20
    assert road_pixels_near(client, grid_name, level, OFF_QL1) == 0
