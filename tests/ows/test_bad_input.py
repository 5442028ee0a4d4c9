# SPDX-License-Identifier: MIT
"""Bad WFS and GetFeatureInfo requests: OGC exception reports, 400, nothing leaked."""
from __future__ import annotations

import pytest

from tests.ows.conftest import OWS, xml
from tests.ows.test_featureinfo import CLICK

FES = 'xmlns:fes="http://www.opengis.net/fes/2.0"'
HIDDEN_FILTER = (f"<fes:Filter {FES}><fes:PropertyIsEqualTo><fes:ValueReference>owner_name"
                 "</fes:ValueReference><fes:Literal>Nguyễn Văn A</fes:Literal>"
                 "</fes:PropertyIsEqualTo></fes:Filter>")
LEAKS = (b"SELECT", b"msPostGIS", b"mapserv", b"Traceback", b".map", b"owner_name\x00")


def code_and_locator(reply) -> tuple[str, str]:
    found = xml(reply).xpath("//ows:Exception | //ows10:Exception", namespaces=OWS)[0]
    return found.get("exceptionCode"), found.get("locator")


@pytest.mark.parametrize(("query", "expected"), [
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "FILTER": "<fes:Filter><oops"},
     ("OperationParsingFailed", "filter")),
    ({"REQUEST": "GetFeature", "TYPENAMES": "construction_permits"},
     ("InvalidParameterValue", "typenames")),
    ({"REQUEST": "GetFeature", "TYPENAMES": "land_parcels", "FILTER": HIDDEN_FILTER},
     ("InvalidParameterValue", "filter")),
    ({"REQUEST": "GetFeature", "TYPENAMES": "land_parcels", "PROPERTYNAME": "owner_id_number"},
     ("InvalidParameterValue", "propertyname")),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "COUNT": "1" + "0" * 30},
     ("InvalidParameterValue", "count")),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "SRSNAME": "EPSG:99999"},
     ("InvalidParameterValue", "srsname")),
    ({"REQUEST": "GetPropertyValue", "TYPENAMES": "roads", "VALUEREFERENCE": "name"},
     ("OperationNotSupported", "request")),
])
def test_bad_wfs_requests_get_exception_reports(ows, query, expected):
    reply = ows.wfs(**query)
    assert reply.status == 400
    assert reply.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert code_and_locator(reply) == expected
    assert not any(word in reply.body for word in LEAKS)
    assert "Nguyễn".encode() not in reply.body


def test_a_hidden_attribute_is_refused_exactly_like_a_missing_one(ows):
    hidden = ows.wfs(REQUEST="GetFeature", TYPENAMES="land_parcels", PROPERTYNAME="owner_name")
    missing = ows.wfs(REQUEST="GetFeature", TYPENAMES="land_parcels", PROPERTYNAME="no_such")
    assert hidden.body.replace(b"owner_name", b"X") == missing.body.replace(b"no_such", b"X")
    internal = ows.wfs(REQUEST="GetFeature", TYPENAMES="mineral_sites")
    unknown = ows.wfs(REQUEST="GetFeature", TYPENAMES="no_such_sites")
    assert internal.body.replace(b"mineral_sites", b"X") == unknown.body.replace(b"no_such_sites", b"X")


def test_wfs_11_reports_in_ows_10(ows):
    reply = ows.wfs(REQUEST="GetFeature", VERSION="1.1.0", TYPENAME="nope")
    assert reply.status == 400
    assert xml(reply).tag == "{http://www.opengis.net/ows}ExceptionReport"


@pytest.mark.parametrize(("document", "expected"), [
    (b'<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS"/>',
     ("OperationNotSupported", "request")),
    (b"<wfs:GetFeature", ("OperationParsingFailed", "request")),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
     ("OperationParsingFailed", "request")),
    (b'<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" '
     b'version="2.0.0"><wfs:Query typeNames="land_parcels"><wfs:PropertyName>owner_name'
     b"</wfs:PropertyName></wfs:Query></wfs:GetFeature>", ("InvalidParameterValue", "propertyname")),
])
def test_bad_xml_posts_get_exception_reports(ows, document, expected):
    reply = ows.post("/wfs", document)
    assert (reply.status, code_and_locator(reply)) == (400, expected)
    assert b"root:" not in reply.body


@pytest.mark.parametrize(("changes", "code"), [
    ({"I": "100"}, "InvalidPoint"), ({"J": "-1"}, "InvalidPoint"),
    ({"QUERY_LAYERS": "construction_permits"}, "LayerNotDefined"),
    ({"QUERY_LAYERS": "basemap"}, "LayerNotDefined"),
    ({"INFO_FORMAT": "image/png"}, "InvalidFormat"),
    ({"CRS": "EPSG:2154"}, "InvalidCRS"),
    ({"BBOX": "21.3,106.2,21.2,106.3"}, "InvalidParameterValue"),
    ({"WIDTH": "0"}, "InvalidParameterValue"),
])
def test_bad_featureinfo_requests_get_service_exceptions(ows, changes, code):
    reply = ows.get("/tiles/service", {**CLICK, "INFO_FORMAT": "text/html", **changes})
    assert reply.status == 400
    exception = xml(reply).xpath("//ogc:ServiceException", namespaces=OWS)[0]
    assert exception.get("code") == code
    assert not any(word in reply.body for word in LEAKS)
