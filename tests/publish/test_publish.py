# SPDX-License-Identifier: MIT
"""A TCVN3 shapefile of schools in VN-2000 published public with one sensitive attribute."""
from __future__ import annotations

import json
import math
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from geoserver_app.security import access
from layers import catalog
from layers.grants import Grant, LayerRights
from layers.registry import Attribute, Geometry, Origin
from tests.publish.conftest import (
    EXPECTED_NAMES,
    EXPECTED_PRINCIPALS,
    drop_published,
    publish,
    write_schools,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(schools, tmp_path):
    publish(str(schools), "--id", "truong_hoc", "--title-vi", "Trường học",
            "--title-en", "Schools", "--sector", "construction", "--sensitive", "HiệuTrưởng",
            "--report", str(tmp_path / "r.json"))
    yield json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    drop_published("truong_hoc")


def columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name, data_type FROM information_schema.columns "
                       "WHERE table_name = 'truong_hoc' ORDER BY ordinal_position")
        return cursor.fetchall()


def rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ten_truong, hieutruong, so_hs, ST_SRID(geom), "
                       "ST_SRID(geom_4326), version, ingest_batch_id IS NOT NULL "
                       "FROM truong_hoc ORDER BY id")
        return cursor.fetchall()


def test_catalog_row_table_and_decoded_text(published):
    assert (published["read"], published["loaded"], published["rejected"]) == (2, 2, [])
    assert (published["encoding"], published["source_crs"]) == ("tcvn3", "EPSG:9214")
    layer = catalog.current().get("truong_hoc")
    assert (layer.origin, layer.geometry, layer.title_en, layer.sector.value) == (
        Origin.PUBLISHED, Geometry.POINT, "Schools", "construction")
    assert layer.sensitive == ("hieutruong",)
    assert layer.attributes == (Attribute("ten_truong", "Tên trường", "text"),
                                Attribute("hieutruong", "HiệuTrưởng", "text"),
                                Attribute("so_hs", "Số HS", "integer"))
    assert columns() == [
        ("id", "bigint"), ("created_at", "timestamp with time zone"),
        ("updated_at", "timestamp with time zone"), ("version", "integer"),
        ("ten_truong", "text"), ("hieutruong", "text"), ("so_hs", "bigint"),
        ("geom", "USER-DEFINED"), ("geom_4326", "USER-DEFINED"), ("ingest_batch_id", "bigint")]
    with connection.cursor() as cursor:  # built after the load, like the curated layers'
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'truong_hoc' "
                       "ORDER BY indexname")
        assert [name for (name,) in cursor.fetchall()] == [
            "truong_hoc_batch", "truong_hoc_g4326", "truong_hoc_geom", "truong_hoc_pkey",
            "truong_hoc_updated_at"]
    assert rows() == [(EXPECTED_NAMES[0], EXPECTED_PRINCIPALS[0], 420, 9214, 4326, 1, True),
                      (EXPECTED_NAMES[1], EXPECTED_PRINCIPALS[1], 421, 9214, 4326, 1, True)]


def items(client) -> dict:
    response = client.get("/ogcapi/collections/truong_hoc/items?f=json")
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_anonymous_clients_get_no_sensitive_attribute_a_sensitive_token_does(
        published, client, as_grant):
    anonymous = items(client)
    assert len(anonymous["features"]) == 2
    assert sorted(f["properties"]["ten_truong"] for f in anonymous["features"]) == sorted(
        EXPECTED_NAMES)
    assert all("hieutruong" not in f["properties"] for f in anonymous["features"])
    out = StringIO()
    call_command("apitoken", "create", "so-giao-duc", "--layers", "truong_hoc", "--sensitive",
                 stdout=out)
    key = out.getvalue().splitlines()[-1]
    as_grant(access.grant_for_environ({"HTTP_AUTHORIZATION": f"Bearer {key}"}))
    revealed = items(client)
    assert sorted(f["properties"]["hieutruong"] for f in revealed["features"]) == sorted(
        EXPECTED_PRINCIPALS)


def test_queryables_and_a_cql2_filter(published, client):
    queryables = json.loads(client.get(
        "/ogcapi/collections/truong_hoc/queryables?f=json").content)
    assert "so_hs" in queryables["properties"] and "hieutruong" not in queryables["properties"]
    found = json.loads(client.get("/ogcapi/collections/truong_hoc/items",
                                  {"f": "json", "filter": "so_hs > 420",
                                   "filter-lang": "cql2-text"}).content)
    assert [f["properties"]["ten_truong"] for f in found["features"]] == [EXPECTED_NAMES[1]]


def test_ingest_appends_to_a_published_layer(published, tmp_path):
    more = write_schools(tmp_path / "them.shp", count=3)
    call_command("ingest", str(more), "--layer", "truong_hoc", "--mode", "append",
                 "--report", str(tmp_path / "a.json"), stdout=StringIO())
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert (report["read"], report["loaded"], report["inserted"]) == (3, 3, 3)
    assert [row[2] for row in rows()] == [420, 421, 420, 421, 422]
    assert rows()[4][:2] == (EXPECTED_NAMES[0], EXPECTED_PRINCIPALS[0])
    # a whole-layer page's numberMatched: the publish's count (2) and the append's (+3)
    body = Client().get("/ogcapi/collections/truong_hoc/items?f=json&limit=1").json()
    assert body["numberMatched"] == 5


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The WebMercatorQuad column and row of a point."""
    n = 2 ** z
    row = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(row)


def test_vector_tiles_serve_the_schools(published, client):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_X(geom_4326), ST_Y(geom_4326) FROM truong_hoc ORDER BY id")
        lon, lat = cursor.fetchone()
    x, y = tile_of(lon, lat, 14)
    base = "/ogcapi/collections/truong_hoc/tiles/WebMercatorQuad/14"
    tile = client.get(f"{base}/{y}/{x}?f=mvt")  # tileRow, then tileCol
    assert tile.status_code == 200
    assert b"truong_hoc" in tile.content  # the MVT layer of the features
    assert b"hieutruong" not in tile.content
    assert client.get(f"{base}/{y + 3}/{x + 3}?f=mvt").content == b""


def test_every_service_page_follows(published, client, admin_client):
    collections = json.loads(client.get("/ogcapi/collections?f=json").content)
    assert "truong_hoc" in [c["id"] for c in collections["collections"]]
    collection = json.loads(client.get("/ogcapi/collections/truong_hoc?f=json").content)
    assert collection["title"] in ("Trường học", "Schools")
    openapi = client.get("/ogcapi/openapi?f=json")
    assert openapi.status_code == 200 and b"truong_hoc" in openapi.content
    assert client.get("/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_replace_and_upsert_on_a_published_layer(published, tmp_path):
    more = write_schools(tmp_path / "thay.shp", count=3)
    call_command("ingest", str(more), "--layer", "truong_hoc", "--mode", "replace",
                 stdout=StringIO())
    assert [row[2] for row in rows()] == [420, 421, 422]
    with pytest.raises(CommandError, match="không có khóa tự nhiên"):
        call_command("ingest", str(more), "--layer", "truong_hoc", "--mode", "upsert")


def test_ogc_api_transactions_write_a_published_layer(published, client, as_grant):
    as_grant(Grant((("truong_hoc", LayerRights(sensitive=True, write=True)),), "token:gd"))
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.21, 21.29]},
               "properties": {"ten_truong": "Trường Mầm non Hoa Sen", "so_hs": 150}}
    created = client.post("/ogcapi/collections/truong_hoc/items?f=json", json.dumps(feature),
                          content_type="application/geo+json")
    assert created.status_code == 201, created.content[:300]
    wrong = {**feature, "properties": {"so_hs": "nhiều"}}
    refused = client.post("/ogcapi/collections/truong_hoc/items?f=json", json.dumps(wrong),
                          content_type="application/geo+json")
    assert refused.status_code == 400
    assert rows()[2][:3] == ("Trường Mầm non Hoa Sen", None, 150)
