# SPDX-License-Identifier: MIT
"""OGC API Features Part 4: who may write, validation with reasons, ETags, the actor."""
from __future__ import annotations

import json

import pytest

from geoserver_app.ogcapi import db
from layers.grants import PUBLIC
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db
ITEMS = "/ogcapi/collections/land_parcels/items"


def parcel(no: int, lon: float = 106.3, lat: float = 21.4, **extra) -> dict:
    square = [[lon, lat], [lon + 0.0005, lat], [lon + 0.0005, lat + 0.0005], [lon, lat + 0.0005],
              [lon, lat]]
    props = {"commune_code": "07210", "sheet_no": 90, "parcel_no": no, "land_use_code": "ONT",
             "area_m2": "250.5", "address": "Thôn Mới", **extra}
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square]},
            "properties": props}


def post(client, feature, **headers):
    return client.post(f"{ITEMS}?f=json", json.dumps(feature),
                       content_type="application/geo+json", **headers)


def put(client, fid, feature, method="put", **headers):
    return getattr(client, method)(f"{ITEMS}/{fid}", json.dumps(feature),
                                   content_type="application/geo+json", **headers)


def history(fid: int) -> list[tuple]:
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT operation, version, actor FROM feature_history "
                       "WHERE layer = 'land_parcels' AND feature_id = %s ORDER BY id", [fid])
        return cursor.fetchall()


@pytest.fixture
def writer(as_grant):
    grant = everything(write=True)
    as_grant(grant)
    return grant


def test_anonymous_write_is_401(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    response = post(client, parcel(1001))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_read_only_token_is_403(client, ogc_data, as_grant):
    as_grant(everything(write=False))
    assert post(client, parcel(1002)).status_code == 403
    assert client.delete(f"{ITEMS}/{ogc_data['land_parcels'][0]}").status_code == 403


def test_create_replace_patch_delete_with_actor(client, ogc_data, writer):
    created = post(client, parcel(1003))
    assert created.status_code == 201, created.content
    location = created["Location"]
    fid = int(location.rsplit("/", 1)[-1])
    assert location == f"http://testserver{ITEMS}/{fid}"
    got = client.get(f"{ITEMS}/{fid}?f=json")
    assert got["ETag"] == f'"land_parcels.{fid}.v1"' == created["ETag"]
    assert got.json()["properties"]["area_m2"] == 250.5

    replaced = put(client, fid, parcel(1003, address="Thôn Cũ"), HTTP_IF_MATCH=got["ETag"])
    assert replaced.status_code == 204
    assert replaced["ETag"] == f'"land_parcels.{fid}.v2"'
    patched = put(client, fid, {"type": "Feature", "geometry": None,
                                "properties": {"land_use_code": "CLN"}}, method="patch",
                  HTTP_IF_MATCH=replaced["ETag"])
    assert patched.status_code == 204, patched.content
    props = client.get(f"{ITEMS}/{fid}?f=json").json()["properties"]
    assert (props["address"], props["land_use_code"], props["version"]) == ("Thôn Cũ", "CLN", 3)

    assert client.delete(f"{ITEMS}/{fid}", HTTP_IF_MATCH=patched["ETag"]).status_code == 204
    assert client.get(f"{ITEMS}/{fid}?f=json").status_code == 404
    assert history(fid) == [("I", 1, "token:all"), ("U", 2, "token:all"),
                            ("U", 3, "token:all"), ("D", 3, "token:all")]
    deletions = client.get("/ogcapi/collections/land_parcels/deletions").json()["deletions"]
    assert [(d["id"], d["version"]) for d in deletions if d["id"] == fid] == [(fid, 3)]


def test_stale_etag_is_412_and_changes_nothing(client, ogc_data, writer):
    fid = int(post(client, parcel(1004))["Location"].rsplit("/", 1)[-1])
    stale = f'"land_parcels.{fid}.v1"'
    assert put(client, fid, parcel(1004, address="A")).status_code == 204
    response = put(client, fid, parcel(1004, address="B"), HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert client.delete(f"{ITEMS}/{fid}", HTTP_IF_MATCH=stale).status_code == 412
    assert client.get(f"{ITEMS}/{fid}?f=json").json()["properties"]["address"] == "A"
    assert client.delete(f"{ITEMS}/{fid}").status_code == 204


def test_content_crs_vn2000(client, ogc_data, writer):
    square = [[420000.0, 2357000.0], [420020.0, 2357000.0], [420020.0, 2357020.0],
              [420000.0, 2357020.0], [420000.0, 2357000.0]]
    feature = parcel(1005)
    feature["geometry"] = {"type": "Polygon", "coordinates": [square]}
    created = post(client, feature,
                   HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/9214>")
    assert created.status_code == 201, created.content
    fid = int(created["Location"].rsplit("/", 1)[-1])
    back = client.get(f"{ITEMS}/{fid}?f=json&crs=http://www.opengis.net/def/crs/EPSG/0/9214")
    assert back.json()["geometry"]["coordinates"] == [[square]]
    assert client.delete(f"{ITEMS}/{fid}").status_code == 204


@pytest.mark.parametrize(("change", "reason"), [
    ({"land_use_code": "XYZ"}, "land_use_code"),
    ({"owner_name": None, "sheet_no": "abc"}, "sheet_no"),
    ({"version": 7}, "version"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_attributes_are_400_with_reasons(client, ogc_data, writer, change, reason):
    feature = parcel(1006)
    feature["properties"].update(change)
    response = post(client, feature)
    assert response.status_code == 400
    assert any(r.startswith(reason) for r in response.json()["reasons"]), response.json()


@pytest.mark.parametrize(("geometry", "word"), [
    ({"type": "Point", "coordinates": [106.3, 21.4]}, "MultiPolygon"),
    ({"type": "Polygon", "coordinates": [[[100, 10], [100.1, 10], [100.1, 10.1], [100, 10]]]},
     "ngoài phạm vi"),
    ({"type": "Polygon", "coordinates": [[[106.3, 21.4], [106.31, 21.41], [106.31, 21.4],
                                          [106.3, 21.41], [106.3, 21.4]]]}, "không hợp lệ"),
    ({"type": "Polygon", "coordinates": "nonsense"}, "GeoJSON"),
    (None, "geometry"),
])
def test_invalid_geometry_is_400(client, ogc_data, writer, geometry, word):
    feature = parcel(1007)
    feature["geometry"] = geometry
    response = post(client, feature)
    assert response.status_code == 400
    assert word in response.json()["description"]


@pytest.mark.parametrize(("body", "status"), [(b"not json", 400), (b"[1, 2]", 400),
                                              (b'{"type": "FeatureCollection"}', 400)])
def test_bodies_that_are_not_features(client, ogc_data, writer, body, status):
    response = client.post(f"{ITEMS}?f=json", body, content_type="application/geo+json")
    assert response.status_code == status


def test_too_large_body_is_413(client, ogc_data, writer):
    response = client.post(f"{ITEMS}?f=json", b"{}", content_type="application/geo+json",
                           CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413


def test_writer_without_sensitive_right_cannot_set_owner(client, ogc_data, as_grant):
    from layers.grants import LayerRights

    as_grant(PUBLIC.extended([("land_parcels", LayerRights(write=True))], "token:editor"))
    response = post(client, parcel(1008, owner_name="X"))
    assert response.status_code == 400
    assert response.json()["reasons"][0].startswith("owner_name")


def test_unknown_item_and_collection(client, ogc_data, writer):
    assert put(client, 999999, parcel(1009)).status_code == 404
    assert client.delete(f"{ITEMS}/abc").status_code == 404
    assert client.delete("/ogcapi/collections/nothing/items/1").status_code == 404


def test_duplicate_natural_key_is_409(client, ogc_data, writer):
    first = post(client, parcel(1010))
    assert first.status_code == 201
    again = post(client, parcel(1010))
    assert again.status_code == 409
    assert "land_parcels_natural_key" in again.json()["description"]
    assert client.delete(first["Location"].removeprefix("http://testserver")).status_code == 204


def test_point_layer_create_and_delete(client, ogc_data, writer):
    permit = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.21, 21.31]},
              "properties": {"permit_number": "XD-99", "issued_on": "2026-01-15",
                             "status": "issued", "purpose": "nhà ở", "investor_name": "Phạm E"}}
    created = client.post("/ogcapi/collections/construction_permits/items", json.dumps(permit),
                          content_type="application/geo+json")
    assert created.status_code == 201, created.content
    path = created["Location"].removeprefix("http://testserver")
    assert client.get(f"{path}?f=json").json()["properties"]["investor_name"] == "Phạm E"
    assert client.delete(path).status_code == 204
