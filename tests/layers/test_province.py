# SPDX-License-Identifier: MIT
"""The province's one extent: the services' box holds it, the VN-2000 box is derived from it."""
from __future__ import annotations

import pyproj
import pytest

from layers import province, vn2000

pytestmark = pytest.mark.unit


def test_the_services_box_is_the_extent_with_the_margin_on_every_side():
    west, south, east, north = province.EXTENT
    margins = (west - province.BBOX[0], south - province.BBOX[1],
               province.BBOX[2] - east, province.BBOX[3] - north)
    assert min(round(m, 6) for m in margins) == province.MARGIN_DEG


def test_the_extent_holds_both_former_provinces_and_the_home_view():
    west, south, east, north = province.EXTENT
    former_bac_giang = (105 + 53 / 60, 21 + 7 / 60, 107 + 2 / 60, 21 + 37 / 60)
    former_bac_ninh = (105 + 54 / 60, 20 + 58 / 60, 106 + 19 / 60, 21 + 16 / 60)
    for w, s, e, n in (former_bac_giang, former_bac_ninh):
        assert west <= w and south <= s and e <= east and n <= north
    assert west < province.HOME_LON < east and south < province.HOME_LAT < north


def test_the_vn2000_box_holds_the_extent_corners():
    xmin, ymin, xmax, ymax = province.extent_vn2000()
    to_vn2000 = pyproj.Transformer.from_crs(
        "EPSG:4326", pyproj.CRS(vn2000.proj4text(province.SRID)), always_xy=True)
    west, south, east, north = province.EXTENT
    for lon, lat in ((west, south), (west, north), (east, south), (east, north)):
        x, y = to_vn2000.transform(lon, lat)
        assert xmin <= x <= xmax and ymin <= y <= ymax
    assert (xmin, ymin, xmax, ymax) == tuple(float(round(v)) for v in (xmin, ymin, xmax, ymax))
