# SPDX-License-Identifier: MIT
"""Vector tiles: per-layer zoom range, the viewer's attributes only, both tile matrix sets."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ogc_data import everything, read_tile

pytestmark = pytest.mark.django_db
TILES = "/ogcapi/collections/land_parcels/tiles"
# z15 tile 26050/14398 covers lon 106.19385..106.20483: parcel columns 0-4 of the test grid
# (column 5 starts at 106.205), and all five rows.


def decode(content: bytes, tmp_path: Path, z: int, x: int, y: int) -> list[dict]:
    """The features of an MVT tile, read by GDAL's MVT driver."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    return [{name: value for name, value in row.items() if name != "geometry"}
            for row in read_tile(path, "land_parcels")]


def test_web_mercator_tile_has_viewer_attributes_only(client, ogc_data, as_grant, tmp_path):
    as_grant(everything())  # even a token with the sensitive right gets no owner in tiles
    response = client.get(f"{TILES}/WebMercatorQuad/15/14398/26050?f=mvt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["ETag"].startswith('W/"')
    features = decode(response.content, tmp_path, 15, 26050, 14398)
    assert len(features) == 25
    assert sorted(f["parcel_no"] for f in features) == sorted(
        n for n in range(30) if n % 6 != 5)
    # the feature id is the MVT feature id (GDAL calls it mvt_id)
    assert set(features[0]) == {"mvt_id", "commune_code", "sheet_no", "parcel_no",
                                "land_use_code"}
    ids = dict(zip(range(30), ogc_data["land_parcels"], strict=True))
    assert {f["mvt_id"] for f in features} == {ids[f["parcel_no"]] for f in features}


def test_public_tiles_are_publicly_cacheable(client, ogc_data):
    response = client.get(f"{TILES}/WebMercatorQuad/15/14398/26050?f=mvt")
    assert response["Cache-Control"] == "public, max-age=300"
    again = client.get(f"{TILES}/WebMercatorQuad/15/14398/26050?f=mvt",
                       HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_outside_the_layer_zoom_range_is_404(client, ogc_data):
    assert client.get(f"{TILES}/WebMercatorQuad/14/7199/13025?f=mvt").status_code == 404
    assert client.get(f"{TILES}/WebMercatorQuad/23/0/0?f=mvt").status_code == 404
    assert client.get(f"{TILES}/WebMercatorQuad/15/99999/0?f=mvt").status_code == 404
    assert client.get(f"{TILES}/Nope/15/0/0?f=mvt").status_code == 404


def test_empty_tile_is_empty(client, ogc_data):
    response = client.get(f"{TILES}/WebMercatorQuad/15/0/0?f=mvt")
    assert response.status_code == 200
    assert response.content == b""


def test_world_crs84_tile(client, ogc_data):
    # z15 of WorldCRS84Quad: 180/2^15 degrees per tile; column 52101, row 12506
    response = client.get(f"{TILES}/WorldCRS84Quad/15/12506/52101?f=mvt")
    assert response.status_code == 200
    assert len(response.content) > 100


def test_tilesets_list_both_matrix_sets(client, ogc_data):
    body = client.get(f"{TILES}?f=json").json()
    assert {t["tileMatrixSetURI"].rsplit("/", 1)[-1] for t in body["tilesets"]} == {
        "WebMercatorQuad", "WorldCRS84Quad"}
