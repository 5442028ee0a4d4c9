# SPDX-License-Identifier: MIT
"""List pages: search by natural key and name, filters by commune, class/type and date."""
from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import LineString, MultiLineString

from layers.models import AdminCommune, Road
from tests.support.admin_forms import X0, Y0, square

pytestmark = pytest.mark.django_db

URL = "/admin/layers/landparcel/"


def _parcels(html: str) -> list[str]:
    return re.findall(r"<th class=\"field-commune_code\"><a [^>]*>(\d+)</a></th>"
                      r"<td class=\"field-sheet_no\">(\d+)</td><td class=\"field-parcel_no\">(\d+)",
                      html)


def test_search_by_natural_key_matches_whole_values(admin_client, make_parcel):
    make_parcel(7, sheet_no=12)
    make_parcel(17, sheet_no=12)
    make_parcel(70, sheet_no=12)
    make_parcel(7, sheet_no=3)
    html = admin_client.get(URL, {"q": "12 7"}).text
    assert _parcels(html) == [("07210", "12", "7")]
    assert len(_parcels(admin_client.get(URL, {"q": "07210"}).text)) == 4


def test_roads_are_found_by_code_or_part_of_the_name(admin_client):
    line = MultiLineString(LineString((X0, Y0), (X0 + 500, Y0)), srid=9214)
    Road.objects.create(code="QL1", name="Quốc lộ 1", road_class="national", geom=line)
    Road.objects.create(code="ĐT293", name="Đường tỉnh 293", road_class="provincial", geom=line)
    found = lambda q: re.findall(r'field-code"><a [^>]*>([^<]+)<',  # noqa: E731
                                 admin_client.get("/admin/layers/road/", {"q": q}).text)
    assert found("ql1") == ["QL1"]
    assert found("tỉnh") == ["ĐT293"]


def test_filters_by_commune_type_and_date(admin_client, make_parcel):
    AdminCommune.objects.create(code="07210", name="Tân An", kind="xã", province_code="24",
                                valid_from="2025-07-01", geom=square(X0 - 100, Y0 - 100, 1000))
    make_parcel(1)
    make_parcel(2, commune_code="07999", land_use_code="LUC")
    page = admin_client.get(URL).text
    assert "Bởi xã/phường" in page and "xã Tân An (07210)" in page
    assert "Bởi loại đất" in page and "Bởi cập nhật lúc" in page
    assert "?land_use_code=DGD" in page  # from the code list: no scan for distinct values
    assert _parcels(admin_client.get(URL, {"commune": "07210"}).text) == [("07210", "12", "1")]
    assert _parcels(admin_client.get(URL, {"land_use_code": "LUC"}).text) == [("07999", "12", "2")]
    inside = MultiLineString(LineString((X0, Y0), (X0 + 100, Y0)), srid=9214)
    outside = MultiLineString(LineString((X0 + 5000, Y0), (X0 + 5100, Y0)), srid=9214)
    Road.objects.create(code="ĐX.01", road_class="commune", geom=inside)
    Road.objects.create(code="ĐX.02", road_class="commune", geom=outside)
    roads = admin_client.get("/admin/layers/road/", {"commune": "07210"}).text  # spatially
    assert re.findall(r'field-code"><a [^>]*>([^<]+)<', roads) == ["ĐX.01"]
