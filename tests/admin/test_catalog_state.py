# SPDX-License-Identifier: MIT
"""The feature admin follows the catalog: a retired layer is hidden, a read-only one viewed."""
from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
PARCELS = "/admin/layers/landparcel/"


def test_a_retired_layer_leaves_the_admin_and_comes_back(admin_client, make_parcel):
    parcel = make_parcel(5)
    assert admin_client.get(PARCELS).status_code == 200
    assert PARCELS in admin_client.get("/admin/").text
    call_command("layer", "retire", "land_parcels")
    assert admin_client.get(PARCELS).status_code == 403
    assert admin_client.get(f"{PARCELS}{parcel.pk}/change/").status_code == 403
    assert PARCELS not in admin_client.get("/admin/").text
    call_command("layer", "restore", "land_parcels")
    assert admin_client.get(f"{PARCELS}{parcel.pk}/change/").status_code == 200


def test_a_layer_marked_not_editable_is_shown_read_only(admin_client, make_parcel):
    parcel = make_parcel(6)
    call_command("layer", "set", "land_parcels", "--editable", "off")
    page = admin_client.get(f"{PARCELS}{parcel.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client.get(f"{PARCELS}add/").status_code == 403
    assert admin_client.post(f"{PARCELS}{parcel.pk}/delete/", {"post": "yes"}).status_code == 403
