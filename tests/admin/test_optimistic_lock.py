# SPDX-License-Identifier: MIT
"""Saving a feature someone changed after the form was opened is refused, never overwritten."""
from __future__ import annotations

import pytest

from geoserver_app.editor import sql
from layers import registry
from layers.models import FeatureHistory, LandParcel
from tests.support.admin_forms import X0, Y0, change_url, parcel_form, square

pytestmark = pytest.mark.django_db


def test_stale_form_is_refused_with_a_message_and_the_other_edit_survives(admin_client,
                                                                         make_parcel):
    parcel = make_parcel()
    stale = parcel_form(parcel, square(X0, Y0, 25.0), address="Bản của tôi")
    LandParcel.objects.filter(pk=parcel.pk).update(address="Bản của đồng nghiệp")  # version 2

    response = admin_client.post(change_url(parcel), stale)

    assert response.status_code == 200  # the form again, with the user's edits kept
    assert "Thay đổi của bạn chưa được lưu" in response.text
    assert "phiên bản 2" in response.text
    assert 'value="Bản của tôi"' in response.text
    saved = LandParcel.objects.get(pk=parcel.pk)
    assert (saved.version, saved.address) == (2, "Bản của đồng nghiệp")
    assert saved.geom.area == pytest.approx(400.0, abs=0.01)
    assert FeatureHistory.objects.filter(layer="land_parcels", feature_id=parcel.pk).count() == 2


def test_fresh_form_after_the_conflict_saves(admin_client, make_parcel):
    parcel = make_parcel()
    LandParcel.objects.filter(pk=parcel.pk).update(address="Bản của đồng nghiệp")
    parcel.refresh_from_db()
    response = admin_client.post(change_url(parcel), parcel_form(parcel, address="Bản mới"))
    assert response.status_code == 302
    assert LandParcel.objects.get(pk=parcel.pk).version == 3


def test_form_without_version_is_refused(admin_client, make_parcel):
    parcel = make_parcel()
    data = parcel_form(parcel, address="X")
    del data["expected_version"]
    response = admin_client.post(change_url(parcel), data)
    assert response.status_code == 200
    assert LandParcel.objects.get(pk=parcel.pk).address == "Thôn Đông"


def test_the_update_itself_is_conditional_on_the_version(make_parcel):
    """The write is ``UPDATE ... WHERE id AND version``: a stale version changes no row."""
    parcel = make_parcel()
    layer = registry.get("land_parcels")
    assert sql.update_if_version(layer, parcel.pk, 7, {"address": "Không được ghi"}) is None
    assert sql.update_if_version(layer, parcel.pk, 1, {"address": "Được ghi"}) == 2
    assert LandParcel.objects.get(pk=parcel.pk).address == "Được ghi"
