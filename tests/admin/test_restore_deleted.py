# SPDX-License-Identifier: MIT
"""A feature deleted by mistake is listed with its last state and restored with its id."""
from __future__ import annotations

import pytest

from layers.models import FeatureHistory, FeatureTombstone, LandParcel
from tests.support.admin_forms import X0, Y0

pytestmark = pytest.mark.django_db

DELETED = "/admin/layers/landparcel/deleted/"


def test_deleted_parcel_is_listed_and_restored_with_its_id(admin_client, make_parcel):
    parcel = make_parcel(42)
    assert admin_client.post(f"/admin/layers/landparcel/{parcel.pk}/delete/",
                             {"post": "yes"}).status_code == 302
    listing = admin_client.get(DELETED).text
    assert f'<tr data-feature="{parcel.pk}">' in listing
    assert "<td>07210</td>" in listing and "<td>42</td>" in listing and "user:admin" in listing
    assert DELETED in admin_client.get("/admin/layers/landparcel/").text  # linked from the list

    response = admin_client.post(f"{DELETED}{parcel.pk}/restore/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/layers/landparcel/{parcel.pk}/change/"
    restored = LandParcel.objects.get(pk=parcel.pk)
    assert (restored.parcel_no, restored.owner_name, restored.version) == (42, "Nguyễn Văn A", 2)
    assert restored.geom.extent == pytest.approx((X0, Y0, X0 + 20, Y0 + 20), abs=0.001)
    assert not FeatureTombstone.objects.filter(layer="land_parcels", feature_id=parcel.pk).exists()
    ops = list(FeatureHistory.objects.filter(layer="land_parcels", feature_id=parcel.pk)
               .order_by("id").values_list("operation", "version", "actor"))
    assert ops == [("I", 1, "db:basemap"), ("D", 1, "user:admin"), ("I", 2, "user:admin")]


def test_restoring_twice_is_refused(admin_client, make_parcel):
    parcel = make_parcel()
    LandParcel.objects.filter(pk=parcel.pk).delete()
    assert admin_client.post(f"{DELETED}{parcel.pk}/restore/").status_code == 302
    again = admin_client.post(f"{DELETED}{parcel.pk}/restore/", follow=True)
    assert f"Không khôi phục được đối tượng {parcel.pk}" in again.text
    assert LandParcel.objects.filter(pk=parcel.pk).count() == 1
