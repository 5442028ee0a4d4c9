# SPDX-License-Identifier: MIT
"""Items through our one-statement provider: paging, bbox, datetime, properties, sorting,
CQL2 text and JSON, output CRSs, formats, gzip and conditional GET."""
from __future__ import annotations

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db
ITEMS = "/ogcapi/collections/land_parcels/items"
# parcel n lies at column n % 6, row n // 6 of a 0.001° grid from (106.2, 21.3)


def items(client, query: str = "", **headers) -> dict:
    response = client.get(f"{ITEMS}?f=json&{query}", **headers)
    assert response.status_code == 200, response.content[:400]
    return response.json()


def parcel_nos(body: dict) -> list[int]:
    return [f["properties"]["parcel_no"] for f in body["features"]]


def next_href(body: dict) -> str:
    [link] = [link for link in body["links"] if link["rel"] == "next"]
    return link["href"]


def test_limit_offset_and_keyset_next_link(client, ogc_data):
    last_page = items(client, "limit=4&offset=8&land_use_code=LUC")
    assert parcel_nos(last_page) == [24, 27]
    assert "next" not in {link["rel"] for link in last_page["links"]}
    body = items(client, "limit=4&offset=8")
    assert parcel_nos(body) == [8, 9, 10, 11]
    assert body["numberReturned"] == 4
    href = next_href(body)
    last = ogc_data["land_parcels"][11]
    assert href == (f"http://testserver/ogcapi/collections/land_parcels/items?f=json&limit=4"
                    f"&after={last}")
    following = client.get(href.removeprefix("http://testserver")).json()
    assert parcel_nos(following) == [12, 13, 14, 15]


def test_sorted_pages_use_offsets(client, ogc_data):
    body = items(client, "limit=3&sortby=-parcel_no")
    assert parcel_nos(body) == [29, 28, 27]
    assert "offset=3" in next_href(body)


def test_bad_after_is_400(client, ogc_data):
    response = client.get(f"{ITEMS}?f=json&after=1;DROP")
    assert response.status_code == 400
    assert response.json()["description"].startswith("after")


def test_bbox_selects_the_parcels_inside(client, ogc_data):
    # the first row's first three cells
    body = items(client, "bbox=106.2001,21.3001,106.2021,21.3005&limit=100")
    assert sorted(parcel_nos(body)) == [0, 1, 2]


def test_bbox_in_web_mercator(client, ogc_data):
    crs = "http://www.opengis.net/def/crs/EPSG/0/3857"
    body = items(client, f"bbox=11822141,2427698,11822341,2427746&bbox-crs={crs}&limit=100")
    assert sorted(parcel_nos(body)) == [0, 1]


def test_properties_equality_and_sortby(client, ogc_data):
    body = items(client, "land_use_code=ONT&sortby=-parcel_no&limit=3")
    assert parcel_nos(body) == [28, 25, 22]


def test_select_properties_and_skip_geometry(client, ogc_data):
    body = items(client, "properties=parcel_no,land_use_code&skipGeometry=true&limit=1")
    feature = body["features"][0]
    assert feature["properties"] == {"parcel_no": 0, "land_use_code": "LUC"}
    assert feature["geometry"] is None


def test_datetime_interval_on_updated_at(client, ogc_data):
    assert len(items(client, "datetime=2000-01-01T00:00:00Z/..&limit=100")["features"]) == 30
    assert items(client, "datetime=../2000-01-01T00:00:00Z")["features"] == []


def test_cql2_text_with_spatial_predicate(client, ogc_data):
    query = ("filter=parcel_no BETWEEN 3 AND 20 AND land_use_code IN ('LUC','CLN') AND "
             "S_INTERSECTS(geometry, BBOX(106.2, 21.3, 106.206, 21.3005))&limit=100")
    assert sorted(parcel_nos(items(client, query))) == [3, 5]


def test_cql2_text_like_and_not(client, ogc_data):
    body = items(client, "filter=address LIKE 'Thôn 1%' AND NOT parcel_no = 1&limit=100")
    assert sorted(parcel_nos(body)) == [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]


def test_cql2_json_by_post(client, ogc_data):
    cql = {"op": "and", "args": [
        {"op": "<", "args": [{"property": "parcel_no"}, 4]},
        {"op": "s_intersects", "args": [{"property": "geometry"},
                                        {"type": "Point", "coordinates": [106.20105, 21.30005]}]}]}
    response = client.post(f"{ITEMS}?f=json&limit=100", json.dumps(cql),
                           content_type="application/query-cql-json")
    assert response.status_code == 200, response.content[:300]
    assert parcel_nos(response.json()) == [1]


@pytest.mark.parametrize(("code", "axis_first"), [
    ("OGC/1.3/CRS84", 106.2), ("EPSG/0/4326", 21.3), ("EPSG/0/3857", 11822130.0)])
def test_output_crs(client, ogc_data, code, axis_first):
    uri = f"http://www.opengis.net/def/crs/{code}"
    response = client.get(f"{ITEMS}?f=json&limit=1&crs={uri}")
    assert response.status_code == 200
    assert response["Content-Crs"] == f"<{uri}>"
    first = response.json()["features"][0]["geometry"]["coordinates"][0][0][0]
    assert first[0] == pytest.approx(axis_first, abs=1 if axis_first > 1000 else 0.001)


def test_native_vn2000_output_is_exact(client, ogc_data):
    from geoserver_app.ogcapi import db

    fid = ogc_data["land_parcels"][0]
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT ST_AsGeoJSON(geom, 3)::json FROM land_parcels WHERE id = %s",
                       [fid])
        stored = cursor.fetchone()[0]
    uri = "http://www.opengis.net/def/crs/EPSG/0/9214"
    response = client.get(f"{ITEMS}/{fid}?f=json&crs={uri}")
    assert response["Content-Crs"] == f"<{uri}>"
    assert response.json()["geometry"]["coordinates"] == stored["coordinates"]


def test_csv_has_a_header_and_one_row_per_feature(client, ogc_data):
    response = client.get(f"{ITEMS}?f=csv&limit=3")
    assert response.status_code == 200
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 4
    assert "parcel_no" in lines[0]


def test_gzip_when_accepted(client, ogc_data):
    response = client.get(f"{ITEMS}?f=json&limit=20", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 20


def test_etag_and_not_modified(client, ogc_data):
    first = client.get(f"{ITEMS}?f=json&limit=2")
    etag = first["ETag"]
    again = client.get(f"{ITEMS}?f=json&limit=2", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(f"{ITEMS}?f=json&limit=3", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_queryables_list_land_use_codes(client, ogc_data):
    body = client.get("/ogcapi/collections/land_parcels/queryables?f=json").json()
    assert body["properties"]["land_use_code"]["enum"][:3] == ["LUC", "BHK", "CLN"]
    assert body["properties"]["parcel_no"]["type"] == "integer"


def test_html_items_page_is_vietnamese(client, ogc_data):
    response = client.get(f"{ITEMS}?f=html&limit=2")
    assert response.status_code == 200
    assert "Thửa đất" in response.content.decode()
