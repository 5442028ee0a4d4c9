# SPDX-License-Identifier: MIT
"""Filters, names and numbers are checked before MapServer sees a request (no database)."""
from __future__ import annotations

import pytest

from geoserver_app.ows import fes, mapfile, wfs_request
from geoserver_app.ows.exceptions import OwsError
from geoserver_app.ows.mapfile import Visible
from geoserver_app.ows.views import View
from layers import registry

pytestmark = pytest.mark.unit
FES = 'xmlns:fes="http://www.opengis.net/fes/2.0"'
PARCELS = Visible(registry.get("land_parcels"), ("commune_code", "parcel_no", "address"))
ROADS = Visible(registry.get("roads"), ("code", "name", "road_class"))
VIEW = View((7, ()), (PARCELS, ROADS), {})


def equal_to(name: str, value: str = "x") -> str:
    return (f"<fes:Filter {FES}><fes:PropertyIsEqualTo><fes:ValueReference>{name}"
            f"</fes:ValueReference><fes:Literal>{value}</fes:Literal></fes:PropertyIsEqualTo>"
            "</fes:Filter>")


def refused(query: dict[str, str]) -> OwsError:
    with pytest.raises(OwsError) as caught:
        wfs_request.build({"SERVICE": "WFS", "VERSION": "2.0.0", **query}, VIEW)
    return caught.value


def known(name: str) -> str | None:
    return VIEW.attribute((PARCELS,), name)


def test_a_visible_attribute_passes_in_its_plain_form():
    checked = fes.check(equal_to("basemap:address", "Số 1"), known)
    assert "<fes:ValueReference>address</fes:ValueReference>" in checked
    assert "Số 1" in checked


@pytest.mark.parametrize("name", ["owner_name", "certificate_number", "nope", "id",
                                  "address[1]", "land_parcels/../owner_name", "exec(x)"])
def test_hidden_unknown_and_xpath_names_are_the_same_unknown_name(name):
    with pytest.raises(OwsError) as caught:
        fes.check(equal_to(name), known)
    assert (caught.value.code, caught.value.locator) == ("InvalidParameterValue", "filter")
    assert caught.value.message_en == f"unknown name {name!r}"


@pytest.mark.parametrize("text", [
    "<fes:Filter", "not xml", f"<fes:Bogus {FES}/>",
    f'<!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><fes:Filter {FES}>&x;</fes:Filter>',
    f"<fes:Filter {FES}><fes:PropertyIsEqualTo><fes:Function name='strSubstring'>"
    "<fes:ValueReference>address</fes:ValueReference></fes:Function><fes:Literal>1</fes:Literal>"
    "</fes:PropertyIsEqualTo></fes:Filter>",
    f"<fes:Filter {FES}><fes:PropertyIsEqualTo><fes:ValueReference><b/>address"
    "</fes:ValueReference></fes:PropertyIsEqualTo></fes:Filter>",
])
def test_malformed_or_unsupported_filters_fail_parsing(text):
    with pytest.raises(OwsError) as caught:
        fes.check(text, known)
    assert caught.value.code == "OperationParsingFailed"


def test_a_comment_cannot_split_a_name_past_the_check():
    text = (f"<fes:Filter {FES}><fes:PropertyIsNull><fes:ValueReference>owner<!-- -->_name"
            "</fes:ValueReference></fes:PropertyIsNull></fes:Filter>")
    with pytest.raises(OwsError) as caught:
        fes.check(text, known)
    assert caught.value.message_en == "unknown name 'owner_name'"


def test_get_feature_is_rebuilt_from_checked_values():
    version, checked = wfs_request.build(
        {"SERVICE": "WFS", "REQUEST": "getfeature", "TYPENAMES": "basemap:roads",
         "COUNT": "1000000", "STARTINDEX": "20", "SRSNAME": "urn:ogc:def:crs:EPSG::9214",
         "PROPERTYNAME": "name,basemap:code", "SORTBY": "name DESC", "MAP": "/etc/x.map",
         "OUTPUTFORMAT": "application/geo+json"}, VIEW)
    assert version == "2.0.0"
    assert checked == [("SERVICE", "WFS"), ("VERSION", "2.0.0"), ("REQUEST", "GetFeature"),
                       ("TYPENAMES", "roads"), ("SRSNAME", "urn:ogc:def:crs:EPSG::9214"),
                       ("COUNT", str(mapfile.MAX_FEATURES)), ("STARTINDEX", "20"),
                       ("RESULTTYPE", "results"), ("PROPERTYNAME", "name,code"),
                       ("SORTBY", "name DESC"), ("OUTPUTFORMAT", "application/json")]


@pytest.mark.parametrize(("query", "code", "locator"), [
    ({"REQUEST": "GetFeature", "TYPENAMES": "mineral_sites"}, "InvalidParameterValue", "typenames"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "COUNT": "99999999999"},
     "InvalidParameterValue", "count"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "COUNT": "-1"}, "InvalidParameterValue", "count"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "SRSNAME": "EPSG:2154"},
     "InvalidParameterValue", "srsname"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "BBOX": "1,2,x,4"}, "InvalidParameterValue", "bbox"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "land_parcels", "PROPERTYNAME": "owner_name"},
     "InvalidParameterValue", "propertyname"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "land_parcels", "SORTBY": "owner_id_number"},
     "InvalidParameterValue", "sortby"),
    ({"REQUEST": "GetFeature", "RESOURCEID": "mineral_sites.1"}, "InvalidParameterValue", "resourceid"),
    ({"REQUEST": "GetFeature"}, "MissingParameterValue", "typenames"),
    ({"REQUEST": "Transaction"}, "OperationNotSupported", "request"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "OUTPUTFORMAT": "shape-zip"},
     "InvalidParameterValue", "outputformat"),
    ({"REQUEST": "GetFeature", "TYPENAMES": "roads", "VERSION": "3.0.0"},
     "InvalidParameterValue", "version"),
])
def test_bad_requests_are_refused_with_their_code_and_locator(query, code, locator):
    error = refused(query)
    assert (error.code, error.locator, error.status) == (code, locator, 400)
