# SPDX-License-Identifier: MIT
"""Every OGC API URL answers the same with and without a final slash: 200, no redirect
(QGIS does not follow a 301 from ``/ogcapi`` to ``/ogcapi/``)."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

PARCELS = "/ogcapi/collections/land_parcels"
ROUTES = [
    "/ogcapi", "/ogcapi/openapi", "/ogcapi/conformance", "/ogcapi/collections",
    "/ogcapi/TileMatrixSets", "/ogcapi/TileMatrixSets/WebMercatorQuad", PARCELS,
    f"{PARCELS}/schema", f"{PARCELS}/queryables", f"{PARCELS}/items",
    f"{PARCELS}/tiles", f"{PARCELS}/tiles/WebMercatorQuad",
    f"{PARCELS}/tiles/WebMercatorQuad/metadata", f"{PARCELS}/deletions",
    "/ogcapi/processes", "/ogcapi/jobs", "/ogcapi/collections/catalog/items",
]


def _stable(content: bytes) -> object:
    body = json.loads(content)
    if isinstance(body, dict):
        body.pop("timeStamp", None)
    return body


@pytest.mark.parametrize("route", ROUTES)
def test_with_and_without_slash(client, ogc_data, route):
    bare, slashed = (client.get(f"{url}?f=json") for url in (route, route + "/"))
    assert (bare.status_code, slashed.status_code) == (200, 200), route
    assert _stable(bare.content) == _stable(slashed.content)


def test_one_item_and_one_tile_with_a_slash(client, ogc_data):
    item = f"{PARCELS}/items/{ogc_data['land_parcels'][0]}"
    assert client.get(f"{item}/?f=json").json() == client.get(f"{item}?f=json").json()
    tile = f"{PARCELS}/tiles/WebMercatorQuad/15/14398/26050"
    assert client.get(f"{tile}/?f=mvt").content == client.get(f"{tile}?f=mvt").content


def test_unknown_path_with_a_slash_is_404(client, ogc_data):
    assert client.get("/ogcapi/nothing/?f=json").status_code == 404
    assert client.get("/ogcapi/collections/nothing/?f=json").status_code == 404
    assert client.get("/ogcapi/nothing?f=json").status_code == 404
