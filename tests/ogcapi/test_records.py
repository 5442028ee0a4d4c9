# SPDX-License-Identifier: MIT
"""The OGC API Records catalogue: one record per layer the grant may read, q and bbox."""
from __future__ import annotations

import pytest

from layers import registry
from layers.grants import PUBLIC
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db
RECORDS = "/ogcapi/collections/catalog/items"


def record_ids(client, query: str = "") -> list[str]:
    response = client.get(f"{RECORDS}?f=json&limit=100&{query}")
    assert response.status_code == 200, response.content[:300]
    return [r["id"] for r in response.json()["features"]]


def test_one_record_per_public_layer(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    assert record_ids(client) == [layer.id for layer in registry.public_layers()]


def test_token_sees_records_of_its_layers(client, ogc_data, as_grant):
    as_grant(everything())
    assert record_ids(client) == [layer.id for layer in registry.LAYERS]


def test_search_by_words_in_either_language(client, ogc_data):
    assert record_ids(client, "q=thửa") == ["land_parcels"]
    assert record_ids(client, "q=railway") == ["railways"]
    assert record_ids(client, "q=quy hoạch") == ["land_use_plan_zones", "urban_planning_zones"]


def test_bbox_search(client, ogc_data):
    assert "land_parcels" in record_ids(client, "bbox=106.19,21.29,106.21,21.31")
    assert record_ids(client, "bbox=0,0,1,1") == []


def test_record_content(client, ogc_data):
    record = client.get(f"{RECORDS}/land_parcels?f=json").json()
    props = record["properties"]
    assert props["title"] == "Thửa đất"
    assert props["license"] == "Giấy phép Dữ liệu mở (CC BY 4.0)"  # from layer_metadata
    assert props["updated"] is not None
    assert "http://www.opengis.net/def/crs/EPSG/0/9214" in props["crs"]
    hrefs = {link["rel"]: link["href"] for link in record["links"]}
    assert hrefs["related"] == "http://testserver/ogcapi/collections/land_parcels"
    assert hrefs["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"].endswith(
        "/collections/land_parcels/tiles")


def test_internal_record_is_404_for_the_public(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    assert client.get(f"{RECORDS}/mineral_sites?f=json").status_code == 404


def test_sorting(client, ogc_data):
    # "Quy hoạch sử dụng đất" < "Quy hoạch đô thị" < "Thửa đất"
    assert record_ids(client, "q=quy hoạch&sortby=-title") == [
        "urban_planning_zones", "land_use_plan_zones"]
    assert record_ids(client, "q=quy hoạch&sortby=title") == [
        "land_use_plan_zones", "urban_planning_zones"]


def test_records_carry_the_metadata_analysts_edit(client, ogc_data):
    from geoserver_app.ogcapi import db

    columns = ("abstract", "keywords", "topic_category", "contact_organisation",
               "contact_email", "update_frequency")
    assignments = ", ".join(f"{c} = %s" for c in columns)
    update = f"UPDATE layer_metadata SET {assignments} WHERE layer = 'roads'"
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM layer_metadata WHERE layer = 'roads'")
        original = cursor.fetchone()
        cursor.execute(update, ["Mạng lưới đường bộ do Sở Xây dựng quản lý.",
                                "giao thông, cầu đường", "transportation",
                                "Sở Xây dựng tỉnh Bắc Ninh", "gis@sxd.example.org", "monthly"])
    try:
        props = client.get(f"{RECORDS}/roads?f=json").json()["properties"]
        assert props["description"] == "Mạng lưới đường bộ do Sở Xây dựng quản lý."
        assert "cầu đường" in props["keywords"] and "giao thông" in props["keywords"]
        assert props["themes"][0]["concepts"] == [{"id": "transportation"}]
        assert props["contacts"][0]["organization"] == "Sở Xây dựng tỉnh Bắc Ninh"
        assert props["updateFrequency"] == "monthly"
        assert record_ids(client, "q=do Sở Xây dựng quản lý") == ["roads"]
    finally:
        with db.connection() as conn, conn.cursor() as cursor:
            cursor.execute(update, list(original))


def test_an_internal_layers_metadata_stays_out_of_the_public_catalogue(client, ogc_data,
                                                                       as_grant):
    from geoserver_app.ogcapi import db

    update = "UPDATE layer_metadata SET abstract = %s WHERE layer = 'mineral_sites'"
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT abstract FROM layer_metadata WHERE layer = 'mineral_sites'")
        original = cursor.fetchone()
        cursor.execute(update, ["Ghi chú nội bộ của Sở Tài nguyên."])
    try:
        as_grant(PUBLIC)
        assert record_ids(client, "q=Ghi chú nội bộ") == []
        as_grant(everything())
        staff = client.get(f"{RECORDS}/mineral_sites?f=json").json()["properties"]
        assert staff["description"] == "Ghi chú nội bộ của Sở Tài nguyên."
    finally:
        with db.connection() as conn, conn.cursor() as cursor:
            cursor.execute(update, list(original))
