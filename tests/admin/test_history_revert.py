# SPDX-License-Identifier: MIT
"""A feature's history page shows who/when/what; reverting writes an old version back as new."""
from __future__ import annotations

import pytest

from layers.models import FeatureHistory, LandParcel
from tests.support.admin_forms import X0, Y0, change_url, parcel_form, square

pytestmark = pytest.mark.django_db


def _history_url(parcel: LandParcel) -> str:
    return f"/admin/layers/landparcel/{parcel.pk}/history/"


def _edit(admin_client, parcel: LandParcel, **changes) -> None:
    parcel.refresh_from_db()
    geom = changes.pop("geom", None)
    response = admin_client.post(change_url(parcel), parcel_form(parcel, geom, **changes))
    assert response.status_code == 302


def test_history_lists_versions_with_actor_and_diff(admin_client, make_parcel):
    parcel = make_parcel()
    _edit(admin_client, parcel, land_use_code="ODT", geom=square(X0, Y0, 30.0))
    page = admin_client.get(_history_url(parcel))
    assert page.status_code == 200
    text = page.text
    assert text.count('class="history-version"') == 2
    assert "user:admin" in text and "db:basemap" in text
    assert "<strong>loại đất</strong>: ONT &rarr; ODT" in text
    assert "hình học thay đổi" in text
    assert text.count("Khôi phục phiên bản này") == 1  # version 1 only; 2 is current


def test_revert_writes_the_old_attributes_and_geometry_as_a_new_version(admin_client,
                                                                       make_parcel):
    parcel = make_parcel()
    _edit(admin_client, parcel, address="Sai địa chỉ", geom=square(X0 + 5, Y0, 50.0))
    response = admin_client.post(f"{_history_url(parcel)}1/revert/", {"expected_version": 2})
    assert response.status_code == 302
    assert response["Location"] == _history_url(parcel)

    reverted = LandParcel.objects.get(pk=parcel.pk)
    assert (reverted.version, reverted.address) == (3, "Thôn Đông")
    assert reverted.geom.extent == pytest.approx((X0, Y0, X0 + 20, Y0 + 20), abs=0.001)
    last = FeatureHistory.objects.get(layer="land_parcels", feature_id=parcel.pk, version=3)
    assert (last.operation, last.actor, last.data["address"]) == ("U", "user:admin", "Thôn Đông")
    assert "Đã khôi phục phiên bản 1 thành phiên bản mới 3" in admin_client.get(
        _history_url(parcel)).text


def test_revert_from_a_stale_history_page_is_refused(admin_client, make_parcel):
    parcel = make_parcel()
    _edit(admin_client, parcel, address="Lần 2")
    LandParcel.objects.filter(pk=parcel.pk).update(address="Lần 3 của người khác")
    response = admin_client.post(f"{_history_url(parcel)}1/revert/", {"expected_version": 2},
                                 follow=True)
    assert "Thay đổi của bạn chưa được lưu" in response.text
    assert LandParcel.objects.get(pk=parcel.pk).address == "Lần 3 của người khác"


def test_revert_needs_post_and_an_existing_version(admin_client, make_parcel):
    parcel = make_parcel()
    assert admin_client.get(f"{_history_url(parcel)}1/revert/").status_code == 404
    response = admin_client.post(f"{_history_url(parcel)}9/revert/", {"expected_version": 1},
                                 follow=True)
    assert "Phiên bản này không tồn tại" in response.text
    assert LandParcel.objects.get(pk=parcel.pk).version == 1


def test_an_attribute_edit_does_not_rewrite_the_geometry(admin_client, make_parcel):
    parcel = make_parcel()
    before = bytes(parcel.geom.ewkb)
    _edit(admin_client, parcel, address="Thôn Bắc")
    saved = LandParcel.objects.get(pk=parcel.pk)
    assert bytes(saved.geom.ewkb) == before  # not round-tripped through Web Mercator
    text = admin_client.get(_history_url(parcel)).text
    newest = text.split('class="history-version"')[1]
    assert "hình học thay đổi" not in newest
    assert "<strong>địa chỉ</strong>: Thôn Đông &rarr; Thôn Bắc" in newest


def test_saving_without_changes_makes_no_version(admin_client, make_parcel):
    parcel = make_parcel()
    _edit(admin_client, parcel)
    assert LandParcel.objects.get(pk=parcel.pk).version == 1
    assert FeatureHistory.objects.filter(layer="land_parcels", feature_id=parcel.pk).count() == 1
