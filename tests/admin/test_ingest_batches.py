# SPDX-License-Identifier: MIT
"""Ingest batches are listed and, for append loads, rolled back by deleting what they loaded."""
from __future__ import annotations

import pytest

from layers.models import FeatureTombstone, IngestBatch, LandParcel

pytestmark = pytest.mark.django_db

URL = "/admin/layers/ingestbatch/"


def _batch(mode: str, make_parcel, numbers: range) -> IngestBatch:
    batch = IngestBatch.objects.create(layer="land_parcels", source=f"{mode}.gpkg", mode=mode,
                                       report={"loaded": len(numbers)})
    for number in numbers:
        make_parcel(parcel_no=number, ingest_batch=batch)
    return batch


def test_append_batch_is_rolled_back_and_others_stay(admin_client, make_parcel):
    appended = _batch("append", make_parcel, range(1, 4))
    replaced = _batch("replace", make_parcel, range(10, 12))
    listing = admin_client.get(URL)
    assert listing.status_code == 200
    assert "append.gpkg" in listing.text and "replace.gpkg" in listing.text

    response = admin_client.post(URL, {"action": "rollback", "_selected_action":
                                       [appended.pk, replaced.pk]}, follow=True)
    assert f"Đã hoàn tác lô {appended.pk}: xóa 3 đối tượng." in response.text
    assert f"Lô {replaced.pk} được nạp theo chế độ “replace”" in response.text
    assert sorted(LandParcel.objects.values_list("parcel_no", flat=True)) == [10, 11]
    assert FeatureTombstone.objects.filter(layer="land_parcels", actor="user:admin").count() == 3
    appended.refresh_from_db()
    assert appended.report["rolled_back"]["deleted"] == 3
    assert appended.report["rolled_back"]["by"] == "admin"

    again = admin_client.post(URL, {"action": "rollback", "_selected_action": [appended.pk]},
                              follow=True)
    assert f"Lô {appended.pk} đã được hoàn tác trước đó." in again.text


def test_rollback_needs_delete_permission_on_the_layer(client, django_user_model, make_parcel):
    from django.contrib.auth.models import Permission

    batch = _batch("append", make_parcel, range(1, 3))
    user = django_user_model.objects.create_user("xem", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_ingestbatch"))
    client.force_login(user)
    response = client.post(URL, {"action": "rollback", "_selected_action": [batch.pk]},
                           follow=True)
    assert "Bạn không có quyền xóa đối tượng của lớp Thửa đất" in response.text
    assert LandParcel.objects.count() == 2
