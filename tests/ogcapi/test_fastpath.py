# SPDX-License-Identifier: MIT
"""The fast paths of item pages and tiles answer exactly as pygeoapi does (body structure,
links, headers), through the same access policy; anything unusual goes to pygeoapi."""
from __future__ import annotations

import gzip
import json

import pygeoapi.django_.views as pygeoapi_views
import pytest
from django.test import RequestFactory

from geoserver_app.ogcapi import fastpath
from geoserver_app.ogcapi import urls as _urls  # noqa: F401 (pygeoapi's views need our patches)
from layers.grants import PUBLIC
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db
ITEMS = "/ogcapi/collections/land_parcels/items"
TILE = "/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/15/14398/26050"
# headers whose values depend on the bytes (pygeoapi writes compact ASCII JSON, the fast path
# PostgreSQL's JSON text): the rest must be equal
BYTE_HEADERS = {"ETag", "Content-Length"}


def _both(path: str, **headers) -> tuple:
    """(fast path response, pygeoapi's response) to the same request."""
    factory = RequestFactory()
    fast = fastpath.items(factory.get(path, **headers), "land_parcels")
    slow = pygeoapi_views.collection_items(factory.get(path, **headers), "land_parcels")
    assert fast is not None, path
    return fast, slow


def _body(response) -> dict:
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    body = json.loads(content)
    assert body.pop("timeStamp").endswith("Z")
    return body


def _headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in BYTE_HEADERS}


@pytest.mark.parametrize("query", [
    "f=json&limit=4&offset=8",                              # full page: keyset next link
    "f=json&limit=4&offset=28",                             # last page: prev link, no next
    "f=json&limit=100&bbox=106.2001,21.3001,106.2021,21.3005",
    "f=json&limit=3&after={after}",
    "limit=5",                                               # no f: JSON by default
    "f=json",                                                # the default limit (10)
    "f=json&limit=50000",                                    # throttled to max_items
])
def test_fast_page_equals_pygeoapi(ogc_data, query):
    path = f"{ITEMS}?{query.format(after=ogc_data['land_parcels'][5])}"
    fast, slow = _both(path)
    assert (fast.status_code, slow.status_code) == (200, 200)
    assert _body(fast) == _body(slow)
    assert _headers(fast) == _headers(slow)
    assert fast["Vary"] == "Authorization, Accept, Accept-Encoding, Accept-Language"


def test_fast_page_structure(ogc_data):
    fast, _slow = _both(f"{ITEMS}?f=json&limit=4&offset=8")
    body = _body(fast)
    assert [f["properties"]["parcel_no"] for f in body["features"]] == [8, 9, 10, 11]
    assert body["numberReturned"] == 4
    assert [link["rel"] for link in body["links"]] == [
        "next", "self", "alternate", "alternate", "alternate", "collection"]
    assert body["links"][0]["href"] == (
        f"http://testserver{ITEMS}?f=json&limit=4&after={ogc_data['land_parcels'][11]}")
    assert fast["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"


def test_fast_page_gzip_equals_pygeoapi(ogc_data):
    fast, slow = _both(f"{ITEMS}?f=json&limit=20", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert fast["Content-Encoding"] == "gzip"
    assert fast["Content-Type"] == slow["Content-Type"] == "application/json; charset=utf-8"
    assert _body(fast) == _body(slow)
    assert len(_body(fast)["features"]) == 20


@pytest.mark.parametrize("query", [
    "f=html", "f=csv", "f=jsonld", "f=json&sortby=-parcel_no", "f=json&land_use_code=LUC",
    "f=json&filter=parcel_no=3", "f=json&properties=parcel_no", "f=json&lang=en",
    "f=json&crs=http://www.opengis.net/def/crs/EPSG/0/3857", "f=json&limit=2&limit=3",
    "f=json&datetime=2000-01-01T00:00:00Z/..", "f=json&skipGeometry=true",
])
def test_other_requests_go_to_pygeoapi(ogc_data, query):
    assert fastpath.items(RequestFactory().get(f"{ITEMS}?{query}"), "land_parcels") is None


def test_other_languages_and_formats_by_header_go_to_pygeoapi(ogc_data):
    factory = RequestFactory()
    assert fastpath.items(factory.get(f"{ITEMS}?f=json", HTTP_ACCEPT_LANGUAGE="en"),
                          "land_parcels") is None
    assert fastpath.items(factory.get(ITEMS, HTTP_ACCEPT="text/html"), "land_parcels") is None


@pytest.mark.parametrize(("query", "parameter"), [
    ("bbox=1,2,3", "bbox"), ("bbox=1,a,3,4", "bbox"), ("bbox=0,5,1,4", "bbox"),
    ("limit=0", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"),
    ("offset=x", "offset"), ("offset=2147483648", "offset"), ("after=1;DROP", "after"),
])
def test_bad_input_is_still_400_naming_the_parameter(client, ogc_data, query, parameter):
    assert fastpath.items(RequestFactory().get(f"{ITEMS}?f=json&{query}"),
                          "land_parcels") is None
    response = client.get(f"{ITEMS}?f=json&{query}")
    assert response.status_code == 400
    description = response.json()["description"]
    assert parameter in description.lower(), description


def test_anonymous_fast_page_has_no_sensitive_attribute(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    response = client.get(f"{ITEMS}?f=json&limit=30")
    assert response.status_code == 200
    features = response.json()["features"]
    assert len(features) == 30
    assert sorted(features[0]["properties"]) == sorted([
        "created_at", "updated_at", "version", "commune_code", "sheet_no", "parcel_no",
        "land_use_code", "area_m2", "address", "commune_code_2025", "address_original"])
    assert "Nguyễn Văn" not in response.content.decode()
    assert "Authorization" in response["Vary"]


def test_token_fast_page_has_the_sensitive_attributes(client, ogc_data, as_grant):
    as_grant(everything())
    features = client.get(f"{ITEMS}?f=json&limit=2").json()["features"]
    assert features[1]["properties"]["owner_name"] == "Nguyễn Văn 1"
    assert features[1]["properties"]["owner_id_number"] == "000000000001"


def test_internal_layer_is_404_for_anonymous_and_fast_for_a_token(client, ogc_data, as_grant):
    path = "/ogcapi/collections/mineral_sites/items?f=json"
    as_grant(PUBLIC)
    assert fastpath.items(RequestFactory().get(path), "mineral_sites") is None
    assert client.get(path).status_code == 404
    as_grant(everything())
    response = client.get(path)
    assert response.status_code == 200
    assert [f["properties"]["licensee"] for f in response.json()["features"]] == [
        "Công ty A", "Công ty C"]


def test_fast_tile_equals_pygeoapi(ogc_data):
    factory = RequestFactory()
    fast = fastpath.tile(factory.get(f"{TILE}?f=mvt"), "land_parcels", "WebMercatorQuad",
                         "15", "14398", "26050")
    slow = pygeoapi_views.collection_item_tiles(factory.get(f"{TILE}?f=mvt"), "land_parcels",
                                                "WebMercatorQuad", "15", "14398", "26050")
    assert fast is not None
    assert (fast.status_code, slow.status_code) == (200, 200)
    assert len(fast.content) > 1000
    assert fast.content == slow.content
    assert dict(fast.headers) == dict(slow.headers)
    assert fast["Cache-Control"] == "public, max-age=300"


def test_tiles_outside_the_range_or_unusual_go_to_pygeoapi(client, ogc_data):
    factory = RequestFactory()
    assert fastpath.tile(factory.get(f"{TILE}?f=mvt"), "land_parcels", "WebMercatorQuad",
                         "14", "7199", "13025") is None
    assert fastpath.tile(factory.get(f"{TILE}?f=mvt&x=1"), "land_parcels",
                         "WebMercatorQuad", "15", "14398", "26050") is None
    assert fastpath.tile(factory.get(f"{TILE}?f=mvt"), "mineral_sites", "WebMercatorQuad",
                         "15", "14398", "26050") is None
    assert client.get(
        "/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/14/7199/13025?f=mvt"
    ).status_code == 404
    assert client.get(
        "/ogcapi/collections/mineral_sites/tiles/WebMercatorQuad/15/14398/26050?f=mvt"
    ).status_code == 404


def test_token_tile_is_private(client, ogc_data, as_grant):
    as_grant(everything())
    response = client.get(f"{TILE}?f=mvt")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["Vary"] == "Authorization, Accept, Accept-Encoding, Accept-Language"
