# SPDX-License-Identifier: MIT
"""WMS GetFeatureInfo: HTML in Vietnamese, JSON and GML, per grant; nothing where nothing is."""
from __future__ import annotations

import json

import pytest

from tests.ows.conftest import FULL, xml

# 100 x 100 pixels over the sample town's first parcel (106.2005-106.2009 E,
# 21.2705-21.2709 N); pixel (50, 50) is its middle. WMS 1.3.0 EPSG:4326 is lat, lon.
CLICK = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetFeatureInfo",
         "LAYERS": "land_parcels", "QUERY_LAYERS": "land_parcels", "STYLES": "",
         "CRS": "EPSG:4326", "BBOX": "21.2700,106.2000,21.2714,106.2014", "WIDTH": "100",
         "HEIGHT": "100", "I": "50", "J": "50", "FEATURE_COUNT": "5"}


def info(ows, grant=None, **changes: str):
    query = {**CLICK, **changes}
    return ows.get("/tiles/service", query, grant) if grant else ows.get("/tiles/service", query)


def test_html_is_vietnamese_and_has_no_sensitive_attribute(ows):
    reply = info(ows, INFO_FORMAT="text/html")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    page = reply.body.decode()
    assert '<html lang="vi">' in page and "<h3>Thửa đất</h3>" in page
    assert "<th>số thửa</th><td>1</td>" in page and "<th>loại đất</th><td>ODT</td>" in page
    assert "Nguyễn Văn A" not in page and "024000000001" not in page
    full = info(ows, FULL, INFO_FORMAT="text/html").body.decode()
    assert "<td>Nguyễn Văn A</td>" in full


def test_json_names_the_layer_of_each_feature(ows):
    reply = info(ows, INFO_FORMAT="application/json", QUERY_LAYERS="land_parcels,buildings")
    found = json.loads(reply.body)
    assert [(f["layer"], f["properties"].get("parcel_no")) for f in found["features"]] == [
        ("land_parcels", 1), ("buildings", None)]
    assert "owner_name" not in reply.body.decode()


@pytest.mark.parametrize("fmt", ["text/xml", "application/vnd.ogc.gml"])
def test_gml_lists_the_parcel(ows, fmt):
    reply = info(ows, INFO_FORMAT=fmt)
    assert reply.status == 200
    assert xml(reply).xpath("count(//*[local-name()='land_parcels_feature'])") == 1
    assert b"owner" not in reply.body


def test_a_click_outside_the_layer_or_the_province_is_an_empty_answer(ows):
    for bbox in ("21.2000,106.1000,21.2014,106.1014", "1.0,1.0,1.1,1.1"):
        reply = info(ows, INFO_FORMAT="application/json", BBOX=bbox)
        assert (reply.status, json.loads(reply.body)) == (
            200, {"type": "FeatureCollection", "features": []})
    empty = info(ows, INFO_FORMAT="text/html", BBOX="1.0,1.0,1.1,1.1").body.decode()
    assert "Không có đối tượng nào tại điểm này." in empty


def test_wms_111_uses_x_y_and_srs(ows):
    query = {key: value for key, value in CLICK.items() if key not in ("I", "J", "CRS")}
    reply = ows.get("/tiles/service", {**query, "VERSION": "1.1.1", "SRS": "EPSG:4326",
                                       "BBOX": "106.2000,21.2700,106.2014,21.2714",
                                       "X": "50", "Y": "50", "INFO_FORMAT": "application/json"})
    assert [f["properties"]["parcel_no"] for f in json.loads(reply.body)["features"]] == [1]
