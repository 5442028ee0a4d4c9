# SPDX-License-Identifier: MIT
"""``publish --table``: a table a DBA loaded is served through a view named after the layer."""
from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql

from geoserver_app.ogcapi import queries
from layers import catalog
from layers.registry import Attribute, Geometry
from tests.publish.conftest import (
    catalog_rows,
    drop_published,
    publish,
    relation_exists,
    write_schools,
)
from tests.support.ingest_sources import fetch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dba_tables():
    """What ogr2ogr or QGIS would leave: a table with a key, one without, one without SRID."""
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE SCHEMA nhap;
            CREATE TABLE nhap.tram_y_te (gid serial PRIMARY KEY, "Tên trạm" varchar(80),
                "Số giường" integer, "Bác sĩ" text, wkb_geometry geometry(Point, 4326));
            INSERT INTO nhap.tram_y_te ("Tên trạm", "Số giường", "Bác sĩ", wkb_geometry) VALUES
                ('Trạm y tế xã Tân Sỏi', 12, 'Lê Văn An',
                 ST_SetSRID(ST_MakePoint(106.2, 21.3), 4326)),
                ('Trạm y tế xã Đào Mỹ', 8, 'Phạm Thị Bình',
                 ST_SetSRID(ST_MakePoint(106.25, 21.35), 4326));
            CREATE TABLE nhap.khong_khoa (ten text, geom geometry(Point, 4326));
            CREATE TABLE nhap.khong_srid (id bigint PRIMARY KEY, geom geometry(Point));
            INSERT INTO nhap.khong_srid VALUES (1, 'POINT(1 1)');
        """)
    yield
    drop_published("tram_y_te")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA nhap CASCADE")


def test_a_table_with_a_key_is_served_through_a_view(dba_tables, client):
    publish("--table", "nhap.tram_y_te", "--id", "tram_y_te", "--title-vi", "Trạm y tế",
            "--sensitive", "Bác sĩ")
    layer = catalog.current().get("tram_y_te")
    assert (layer.geometry, layer.editable, layer.sensitive) == (Geometry.POINT, False,
                                                                  ("bac_si",))
    assert layer.attributes == (Attribute("ten_tram", "Tên trạm", "text"),
                                Attribute("so_giuong", "Số giường", "integer"),
                                Attribute("bac_si", "Bác sĩ", "text"))
    assert fetch("SELECT id, ten_tram, so_giuong, ST_SRID(geom), ST_SRID(geom_4326) "
                 "FROM tram_y_te ORDER BY id") == [
        (1, "Trạm y tế xã Tân Sỏi", 12, 9214, 4326), (2, "Trạm y tế xã Đào Mỹ", 8, 9214, 4326)]
    with connection.cursor() as cursor:  # the DBA's later edits show at once
        cursor.execute("""UPDATE nhap.tram_y_te SET "Số giường" = 20 WHERE gid = 2""")
    body = json.loads(client.get("/ogcapi/collections/tram_y_te/items?f=json").content)
    assert sorted(f["properties"]["so_giuong"] for f in body["features"]) == [12, 20]
    assert all("bac_si" not in f["properties"] for f in body["features"])


@pytest.mark.parametrize(("table", "reason"), [
    ("nhap.khong_khoa", "không có khóa chính / has no primary key"),
    ("nhap.khong_srid", "unknown CRS"),
    ("nhap.khong_co", "no such table"),
    ("khong_schema", "ghi SCHEMA.TABLE"),
])
def test_tables_that_cannot_be_served_are_refused(dba_tables, table, reason):
    with pytest.raises(CommandError, match=reason):
        publish("--table", table, "--id", "bang_dba", "--title-vi", "Bảng")
    assert not relation_exists("bang_dba")
    assert catalog_rows("bang_dba")[0] == 0


def test_an_unknown_source_crs_is_refused(dba_tables):
    with pytest.raises(CommandError, match="EPSG:999999 không có trong PostGIS"):
        publish("--table", "nhap.khong_srid", "--id", "bang_dba", "--title-vi", "Bảng",
                "--source-crs", "EPSG:999999")
    assert not relation_exists("bang_dba")


def test_ingest_refuses_a_registered_table(dba_tables, tmp_path):
    publish("--table", "nhap.tram_y_te", "--id", "tram_y_te", "--title-vi", "Trạm y tế")
    with pytest.raises(CommandError, match="đăng ký bằng publish --table"):
        call_command("ingest", str(write_schools(tmp_path / "t.shp")), "--layer", "tram_y_te")


def test_the_last_change_of_a_registered_table_costs_no_scan(dba_tables, client):
    """The view cannot know when the DBA changed the table (its ``updated_at`` is NULL): the
    layer's last change is NULL from the planner's one-time filter, the table is never read,
    and pages carry no Last-Modified, so no conditional GET is answered from a guess."""
    publish("--table", "nhap.tram_y_te", "--id", "tram_y_te", "--title-vi", "Trạm y tế")
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) {}").format(
            queries.layer_last_change("tram_y_te")).as_string(cursor.connection),
            ["tram_y_te"])
        plan = json.dumps(cursor.fetchone()[0])
    scans = re.findall(r'"Node Type": "Seq Scan", [^}]*?"Relation Name": "tram_y_te"[^}]*?'
                       r'"Actual Loops": (\d+)', plan)
    assert scans == ["0"]  # planned, never executed
    page = client.get("/ogcapi/collections/tram_y_te/items?f=json",
                      HTTP_IF_MODIFIED_SINCE="Wed, 01 Jan 2031 00:00:00 GMT")
    assert page.status_code == 200 and "Last-Modified" not in page.headers
