# SPDX-License-Identifier: MIT
"""Geometry validation on save: valid, right type, inside the province; Vietnamese messages."""
from __future__ import annotations

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon

from layers.models import AdminProvince, LandParcel
from tests.support.admin_forms import X0, Y0, change_url, parcel_form, square

pytestmark = pytest.mark.django_db


def _refused(admin_client, parcel, geom, message: str) -> None:
    response = admin_client.post(change_url(parcel), parcel_form(parcel, geom))
    assert response.status_code == 200
    assert message in response.text
    assert LandParcel.objects.get(pk=parcel.pk).version == 1


def test_self_intersecting_polygon_is_refused(admin_client, make_parcel):
    bowtie = MultiPolygon(Polygon(((X0, Y0), (X0 + 20, Y0 + 20), (X0 + 20, Y0), (X0, Y0 + 20),
                                   (X0, Y0))), srid=9214)
    _refused(admin_client, make_parcel(), bowtie, "Hình học không hợp lệ (Self-intersection")


def test_a_line_is_refused_for_a_polygon_layer(admin_client, make_parcel):
    line = LineString((X0, Y0), (X0 + 50, Y0), srid=9214)
    _refused(admin_client, make_parcel(), line, "Sai kiểu hình học: lớp này cần vùng, "
                                                "hình vẽ là đường")


def test_outside_the_province_bbox_is_refused(admin_client, make_parcel):
    far = square(600000.0, 2350000.0, 20.0)  # ~100 km east of the province
    _refused(admin_client, make_parcel(), far, "nằm ngoài phạm vi tỉnh")


def test_the_province_polygon_is_used_when_present(admin_client, make_parcel):
    """Inside the bbox but outside the stored province boundary: refused."""
    AdminProvince.objects.create(code="24", name="Bắc Giang", kind="tỉnh",
                                 valid_from="2008-08-01",
                                 geom=square(430000.0, 2340000.0, 20000.0))
    parcel = make_parcel()  # at 440000, 2350000: inside
    _refused(admin_client, parcel, square(470000.0, 2350000.0, 20.0), "nằm ngoài phạm vi tỉnh")
    ok = admin_client.post(change_url(parcel), parcel_form(parcel, square(X0, Y0, 21.0)))
    assert ok.status_code == 302


def test_a_single_polygon_is_stored_as_a_one_part_multipolygon(admin_client, make_parcel):
    parcel = make_parcel()
    single = square(X0, Y0, 10.0)[0]
    assert admin_client.post(change_url(parcel), parcel_form(parcel, single)).status_code == 302
    saved = LandParcel.objects.get(pk=parcel.pk)
    assert (saved.geom.geom_type, len(saved.geom)) == ("MultiPolygon", 1)


def test_a_point_for_a_polygon_layer_is_refused_on_add(admin_client):
    data = parcel_form(LandParcel(commune_code="07210", sheet_no=1, parcel_no=9,
                                  land_use_code="LUC", area_m2="10.0", version=1),
                       Point(X0, Y0, srid=9214))
    response = admin_client.post("/admin/layers/landparcel/add/", data)
    assert response.status_code == 200
    assert "Sai kiểu hình học" in response.text
    assert not LandParcel.objects.filter(parcel_no=9).exists()


def test_unreadable_geometry_is_refused(admin_client, make_parcel):
    parcel = make_parcel()
    data = {**parcel_form(parcel), "geom": '{"type": "Polygon", "coordinates": [[1, 2'}
    response = admin_client.post(change_url(parcel), data)
    assert response.status_code == 200
    assert "Không đọc được hình học. Hãy vẽ lại trên bản đồ." in response.text
    assert LandParcel.objects.get(pk=parcel.pk).version == 1
