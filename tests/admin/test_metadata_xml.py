# SPDX-License-Identifier: MIT
"""Layer metadata: one row per catalog layer, edited in the admin, ISO 19139 XML download."""
from __future__ import annotations

import pytest
from django.db import connection
from lxml import etree

from geoserver_app.metadata.models import LayerMetadata
from layers import catalog, catalog_edit, registry

pytestmark = pytest.mark.django_db

NS = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco",
      "gml": "http://www.opengis.net/gml"}


def _text(doc: etree._Element, path: str) -> list[str]:
    return [node.text for node in doc.xpath(path, namespaces=NS)]


def test_the_data_migration_made_one_row_per_layer_from_the_registry():
    rows = {m.layer: m for m in LayerMetadata.objects.all()}
    assert sorted(rows) == sorted(layer.id for layer in registry.LAYERS)
    assert rows["land_parcels"].title == "Thửa đất"
    assert rows["land_parcels"].topic_category == "planningCadastre"
    assert rows["mineral_sites"].licence == "Chỉ sử dụng nội bộ các cơ quan nhà nước; không công bố."
    assert rows["roads"].contact_organisation == "Sở Xây dựng tỉnh Bắc Ninh"


def test_public_layer_xml_is_well_formed_iso19139_with_the_key_elements(client, make_parcel):
    make_parcel()  # at x=440000, y=2350000 (EPSG:9214): the extent's south-west corner
    response = client.get("/metadata/land_parcels.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    doc = etree.fromstring(response.content)
    assert doc.tag == "{http://www.isotc211.org/2005/gmd}MD_Metadata"
    ident = "gmd:identificationInfo/gmd:MD_DataIdentification/"
    assert _text(doc, "gmd:fileIdentifier/gco:CharacterString") == ["basemap-land_parcels"]
    assert _text(doc, ident + "gmd:citation/gmd:CI_Citation/gmd:title/gco:CharacterString") == [
        "Thửa đất"]
    assert _text(doc, ident + "gmd:topicCategory/gmd:MD_TopicCategoryCode") == [
        "planningCadastre"]
    assert _text(doc, "gmd:referenceSystemInfo//gmd:code/gco:CharacterString") == ["EPSG:9214"]
    denominator = ident + "gmd:spatialResolution//gmd:denominator/gco:Integer"
    assert _text(doc, denominator) == ["2000"]
    box = ident + "gmd:extent//gmd:EX_GeographicBoundingBox/"
    west = float(_text(doc, box + "gmd:westBoundLongitude/gco:Decimal")[0])
    south = float(_text(doc, box + "gmd:southBoundLatitude/gco:Decimal")[0])
    assert (west, south) == (pytest.approx(106.4238, abs=1e-4), pytest.approx(21.2433, abs=1e-4))
    assert _text(doc, "gmd:dataQualityInfo//gmd:statement/gco:CharacterString")[0].startswith(
        "Số hóa và chuẩn hóa")
    assert doc.xpath(ident + "gmd:resourceMaintenance//gmd:MD_MaintenanceFrequencyCode/"
                     "@codeListValue", namespaces=NS) == ["asNeeded"]


def test_edits_in_the_admin_reach_the_xml(admin_client):
    meta = LayerMetadata.objects.get(layer="roads")
    url = f"/admin/metadata/layermetadata/{meta.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Tần suất cập nhật" in page.text and "Mẫu số tỷ lệ" in page.text
    data = {"title": "Mạng lưới đường bộ", "abstract": "Đường bộ tỉnh.", "keywords": "đường, QL1",
            "topic_category": "transportation", "lineage": "Đo đạc 2024.",
            "scale_denominator": "5000", "resolution_m": "", "reference_system": "EPSG:9214",
            "west": "106.0", "east": "106.9", "south": "21.1", "north": "21.6",
            "temporal_start": "2024-01-01", "temporal_end": "", "update_frequency": "monthly",
            "contact_organisation": "Sở Xây dựng", "contact_person": "Trần Thị B",
            "contact_email": "b@example.vn", "licence": "CC BY 4.0",
            "_save": "Lưu"}
    assert admin_client.post(url, data).status_code == 302
    doc = etree.fromstring(admin_client.get("/metadata/roads.xml").content)
    assert _text(doc, "//gmd:keyword/gco:CharacterString") == ["đường", "QL1"]
    assert _text(doc, "//gmd:individualName/gco:CharacterString") == ["Trần Thị B", "Trần Thị B"]
    assert _text(doc, "//gmd:westBoundLongitude/gco:Decimal") == ["106.000000"]
    assert _text(doc, "//gml:TimePeriod/gml:beginPosition") == ["2024-01-01"]
    assert doc.xpath("//gml:TimePeriod/gml:endPosition/@indeterminatePosition",
                     namespaces=NS) == ["now"]


def test_internal_layer_xml_is_for_staff_only(client, admin_client):
    assert client.get("/metadata/mineral_sites.xml").status_code == 404
    assert admin_client.get("/metadata/mineral_sites.xml").status_code == 200


def test_a_layer_made_internal_in_the_catalog_has_staff_only_metadata(client, admin_client):
    assert client.get("/metadata/rivers.xml").status_code == 200
    catalog_edit.update(connection, "rivers", "test:metadata", access="internal")
    response = client.get("/metadata/rivers.xml")
    assert response.status_code == 404
    assert "Không có siêu dữ liệu công khai" in response.text
    assert admin_client.get("/metadata/rivers.xml").status_code == 200


def test_the_metadata_page_shows_the_catalog_access_read_only_with_a_link(admin_client):
    meta = LayerMetadata.objects.get(layer="mineral_sites")
    page = admin_client.get(f"/admin/metadata/layermetadata/{meta.pk}/change/").text
    assert '<a href="/admin/layers/catalogentry/mineral_sites/change/">nội bộ</a>' in page
    assert 'name="access_level"' not in page


def test_a_retired_layer_has_no_metadata_download(admin_client):
    catalog_edit.retire(connection, "bridges", "test:metadata")
    assert admin_client.get("/metadata/bridges.xml").status_code == 404


def test_unknown_layer_is_a_404_with_a_message(client):
    response = client.get("/metadata/khong_co.xml")
    assert response.status_code == 404
    assert "khong_co" in response.text


PUBLISHED_STYLE = ('{"fill": "#FF0000", "stroke": "#000000", "width": 1, "classify_by": null, '
                   '"classes": [], "label": null}')


def test_a_published_layer_gets_its_metadata_row_and_xml(client):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE schools (id bigserial PRIMARY KEY, name text, "
                       "updated_at timestamptz NOT NULL DEFAULT now(), "
                       "geom geometry(Point, 9214), geom_4326 geometry(Point, 4326) "
                       "GENERATED ALWAYS AS (ST_Transform(geom, 4326)) STORED)")
        cursor.execute("INSERT INTO schools (name, geom) VALUES "
                       "('Trường THCS Đông', ST_SetSRID(ST_Point(440000, 2350000), 9214))")
        cursor.execute("INSERT INTO layer_catalog (id, origin, table_name, title_vi, title_en, "
                       "sector, geometry, style) VALUES ('schools', 'published', 'schools', "
                       "'Trường học', 'Schools', 'construction', 'Point', %s)", [PUBLISHED_STYLE])
    catalog.invalidate()
    assert not LayerMetadata.objects.filter(layer="schools").exists()
    response = client.get("/metadata/schools.xml")
    assert response.status_code == 200
    doc = etree.fromstring(response.content)
    assert _text(doc, "//gmd:citation//gmd:title/gco:CharacterString") == ["Trường học"]
    assert _text(doc, "//gmd:topicCategory/gmd:MD_TopicCategoryCode") == ["structure"]
    assert LayerMetadata.objects.get(layer="schools").contact_organisation == (
        "Sở Xây dựng tỉnh Bắc Ninh")
