# SPDX-License-Identifier: MIT
"""GetTile over the province: a real 256x256 base-map PNG drawn by MapServer."""
from __future__ import annotations

from tests.support.tile_client import count_colour, xyz

QL1_RED = (0xE8, 0x46, 0x3A)  # registry colour of national roads
BACKGROUND = (0xF2, 0xEF, 0xE9)


def test_wmts_rest_tile_over_the_town_is_a_drawn_256_png(client, tile_env):
    x, y = xyz(106.20, 21.27, 14)
    reply = client.get(f"/wmts/basemap/webmercator/14/{x}/{y}.png")
    assert reply.status == 200
    assert reply.headers["Content-type"] == "image/png"
    image = reply.image()
    assert image.size == (256, 256)
    assert len(image.convert("RGB").getcolors(65536)) > 50
    assert count_colour(image, QL1_RED) > 300
    assert (tile_env / "basemap" / "webmercator" / "14" / str(x) / f"{y}.png").is_file()
    assert reply.headers["Vary"] == "Authorization"


def test_tile_far_from_roads_is_plain_background(client):
    x, y = xyz(106.95, 21.60, 14)  # inside the province box, no sample feature there
    image = client.get(f"/wmts/basemap/webmercator/14/{x}/{y}.png").image()
    assert image.convert("RGB").getcolors() == [(256 * 256, BACKGROUND)]


def test_same_tile_through_tms_kvp_and_ogcapi_is_identical(client):
    x, y = xyz(106.20, 21.27, 13)
    rest = client.get(f"/wmts/basemap/webmercator/13/{x}/{y}.png").body
    tms = client.get(f"/tms/1.0.0/basemap/webmercator/12/{x}/{2 ** 13 - 1 - y}.png").body
    kvp = client.get("/service", "SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=basemap"
                     "&STYLE=default&TILEMATRIXSET=webmercator&TILEMATRIX=13"
                     f"&TILEROW={y}&TILECOL={x}&FORMAT=image/png").body
    assert rest[:8] == b"\x89PNG\r\n\x1a\n"
    assert tms == rest  # MapProxy's TMS global-mercator profile numbers levels from 1
    assert kvp == rest


def test_roads_overlay_is_transparent_except_roads(client):
    x, y = xyz(106.20, 21.27, 14)
    image = client.get(f"/wmts/roads/webmercator/14/{x}/{y}.png").image().convert("RGBA")
    alpha = image.getchannel("A").tobytes()
    assert alpha.count(0) > 256 * 256 // 2
    assert count_colour(image, QL1_RED) > 300
