# SPDX-License-Identifier: MIT
"""WFS 2.0.0 and 1.1.0 over the sample town: what each grant sees, paging, filters, CRSs."""
from __future__ import annotations

import json

import pytest
from django.db import connection

from geoserver_app.ows import mapfile
from geoserver_app.security import access
from layers import catalog, catalog_edit, registry
from tests.ows.conftest import FULL, OWS, xml

PUBLIC_IDS = [layer.id for layer in registry.LAYERS if layer.public]
INTERNAL_IDS = [layer.id for layer in registry.LAYERS if not layer.public]


def count(table: str, where: str = "TRUE") -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}")
        return cursor.fetchone()[0]


def type_names(reply) -> list[str]:
    return xml(reply).xpath("//wfs:FeatureType/wfs:Name/text()", namespaces=OWS)


def test_capabilities_list_the_public_layers_only(ows):
    reply = ows.wfs(REQUEST="GetCapabilities")
    assert reply.status == 200
    assert type_names(reply) == [f"basemap:{name}" for name in PUBLIC_IDS]
    assert reply.headers["Vary"] == "Authorization"
    assert b"http://testserver/wfs?" in reply.body and mapfile.ROOT.encode() not in reply.body
    assert set(type_names(ows.wfs(FULL, REQUEST="GetCapabilities"))) == {
        f"basemap:{name}" for name in PUBLIC_IDS + INTERNAL_IDS}
    legacy = ows.wfs(REQUEST="GetCapabilities", VERSION="1.1.0")
    assert xml(legacy).get("version") == "1.1.0"


def test_describe_feature_type_has_the_visible_attributes_only(ows):
    public = ows.wfs(REQUEST="DescribeFeatureType", TYPENAMES="land_parcels").body.decode()
    assert 'name="address"' in public and 'name="parcel_no"' in public
    for hidden in registry.get("land_parcels").sensitive:
        assert hidden not in public
    full = ows.wfs(FULL, REQUEST="DescribeFeatureType", TYPENAMES="land_parcels").body.decode()
    assert 'name="owner_name"' in full


@pytest.mark.parametrize("layer_id", ["land_parcels", "roads", "admin_communes", "bridges"])
def test_hits_and_pages_count_what_the_database_holds(ows, layer_id):
    total = count(layer_id)
    hits = xml(ows.wfs(REQUEST="GetFeature", TYPENAMES=layer_id, RESULTTYPE="hits"))
    assert (hits.get("numberMatched"), hits.get("numberReturned")) == (str(total), "0")
    seen = []
    for start in range(0, total, 2):
        page = json.loads(ows.wfs(REQUEST="GetFeature", TYPENAMES=layer_id, COUNT="2",
                                  STARTINDEX=str(start), OUTPUTFORMAT="application/json").body)
        seen += [json.dumps(f["properties"], sort_keys=True) for f in page["features"]]
    assert len(seen) == total


def test_gml_members_carry_no_sensitive_value(ows):
    reply = ows.wfs(REQUEST="GetFeature", TYPENAMES="land_parcels")
    root = xml(reply)
    assert root.get("numberReturned") == "6"
    assert root.xpath("//basemap:land_parcels/basemap:address", namespaces=OWS)
    for secret in (b"owner", b"024000000001", "Nguyễn Văn A".encode()):
        assert secret not in reply.body
    full = ows.wfs(FULL, REQUEST="GetFeature", TYPENAMES="land_parcels").body
    assert "Nguyễn Văn A".encode() in full


def test_a_filter_and_property_names_select_like_sql(ows):
    fes = ('<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
           "<fes:ValueReference>road_class</fes:ValueReference><fes:Literal>national"
           "</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>")
    page = json.loads(ows.wfs(REQUEST="GetFeature", TYPENAMES="roads", FILTER=fes,
                              PROPERTYNAME="code", SORTBY="code", OUTPUTFORMAT="json").body)
    assert [f["properties"] for f in page["features"]] == [{"code": "QL1"}, {"code": "QL31"}]
    assert count("roads", "road_class = 'national'") == 2


def test_an_xml_get_feature_is_answered_like_its_key_value_twin(ows):
    document = (
        '<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" '
        'xmlns:fes="http://www.opengis.net/fes/2.0" service="WFS" version="2.0.0" count="5" '
        'outputFormat="application/json"><wfs:Query typeNames="basemap:roads">'
        "<wfs:PropertyName>code</wfs:PropertyName><fes:Filter><fes:PropertyIsEqualTo>"
        "<fes:ValueReference>road_class</fes:ValueReference><fes:Literal>national</fes:Literal>"
        "</fes:PropertyIsEqualTo></fes:Filter><fes:SortBy><fes:SortProperty><fes:ValueReference>"
        "code</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty>"
        "</fes:SortBy></wfs:Query></wfs:GetFeature>")
    page = json.loads(ows.post("/wfs", document.encode()).body)
    assert [f["properties"] for f in page["features"]] == [{"code": "QL31"}, {"code": "QL1"}]


def test_bbox_selects_what_postgis_selects(ows):
    bbox = (106.19, 21.26, 106.21, 21.28)
    where = f"geom_4326 && ST_MakeEnvelope({', '.join(map(str, bbox))}, 4326)"
    reply = ows.wfs(REQUEST="GetFeature", TYPENAMES="roads", RESULTTYPE="hits",
                    BBOX=",".join(map(str, bbox)) + ",urn:ogc:def:crs:OGC:1.3:CRS84")
    assert xml(reply).get("numberMatched") == str(count("roads", where)) == "6"


def test_vn2000_coordinates_round_trip_within_a_millimetre(ows):
    page = json.loads(ows.wfs(REQUEST="GetFeature", TYPENAMES="bridges",
                              SRSNAME="EPSG:9214", OUTPUTFORMAT="json").body)
    x, y = page["features"][0]["geometry"]["coordinates"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_X(geom), ST_Y(geom) FROM bridges")
        expected = cursor.fetchone()
    assert abs(x - expected[0]) < 0.001 and abs(y - expected[1]) < 0.001


@pytest.mark.parametrize("srs", ["EPSG:3857", "EPSG:3405", "urn:ogc:def:crs:EPSG::4326",
                                 "http://www.opengis.net/def/crs/EPSG/0/9214"])
def test_every_served_crs_is_answered(ows, srs):
    reply = ows.wfs(REQUEST="GetFeature", TYPENAMES="bridges", SRSNAME=srs)
    assert reply.status == 200
    assert xml(reply).get("numberReturned") == "1"


def test_a_token_in_the_query_comes_back_in_the_capabilities_urls(ows):
    query = {"SERVICE": "WFS", "REQUEST": "GetCapabilities"}
    assert b"token=" not in ows.get("/wfs", query).body
    reply = ows.get("/wfs", query, **{access.QUERY_TOKEN_KEY: "bm_abc"})
    assert b'href="http://testserver/wfs?token=bm_abc&amp;"' in reply.body


def test_a_layer_made_internal_leaves_the_public_wfs_at_once(ows, catalog_restored):
    catalog_edit.update(connection, "roads", "tests", access="internal")
    catalog.invalidate()
    assert "basemap:roads" not in type_names(ows.wfs(REQUEST="GetCapabilities"))
    reply = ows.wfs(REQUEST="GetFeature", TYPENAMES="roads")
    assert reply.status == 400 and b"unknown name 'roads'" in reply.body
