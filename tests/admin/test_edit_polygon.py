# SPDX-License-Identifier: MIT
"""Editing a parcel's polygon in the admin: the database and the history see it, with the actor."""
from __future__ import annotations

import pytest

from layers.models import FeatureHistory, LandParcel
from tests.support.admin_forms import X0, Y0, change_url, parcel_form, square

pytestmark = pytest.mark.django_db


def test_moving_a_polygon_saves_it_with_a_new_version_and_the_actor(admin_client, make_parcel):
    parcel = make_parcel()
    form_page = admin_client.get(change_url(parcel))
    assert form_page.status_code == 200
    assert f'name="expected_version" value="{parcel.version}"' in form_page.text

    bigger = square(X0, Y0, 30.0)
    response = admin_client.post(change_url(parcel), parcel_form(parcel, bigger, address="Thôn Tây"))
    assert response.status_code == 302, response.text

    saved = LandParcel.objects.get(pk=parcel.pk)
    assert saved.version == 2
    assert saved.address == "Thôn Tây"
    assert saved.geom.area == pytest.approx(900.0, abs=0.01)
    assert saved.geom.extent == pytest.approx((X0, Y0, X0 + 30, Y0 + 30), abs=0.005)
    history = list(FeatureHistory.objects.filter(layer="land_parcels", feature_id=parcel.pk)
                   .order_by("version").values_list("version", "operation", "actor"))
    assert history == [(1, "I", "db:basemap"), (2, "U", "user:admin")]
    last = FeatureHistory.objects.get(layer="land_parcels", feature_id=parcel.pk, version=2)
    assert last.data["address"] == "Thôn Tây"
    assert last.geom.area == pytest.approx(900.0, abs=0.01)


def test_deleting_in_the_admin_records_the_actor(admin_client, make_parcel):
    parcel = make_parcel()
    url = f"/admin/layers/landparcel/{parcel.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not LandParcel.objects.filter(pk=parcel.pk).exists()
    deleted = FeatureHistory.objects.get(layer="land_parcels", feature_id=parcel.pk,
                                         operation="D")
    assert deleted.actor == "user:admin"


def test_vertices_the_user_did_not_move_keep_their_surveyed_coordinates(admin_client,
                                                                        make_parcel):
    """The map works in Web Mercator; the round trip must not shift untouched vertices."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    parcel = make_parcel()
    moved = MultiPolygon(Polygon(((X0, Y0), (X0 + 20, Y0), (X0 + 30, Y0 + 20), (X0, Y0 + 20),
                                  (X0, Y0))), srid=9214)
    assert admin_client.post(change_url(parcel), parcel_form(parcel, moved)).status_code == 302
    ring = LandParcel.objects.get(pk=parcel.pk).geom[0][0].coords
    assert [ring[0], ring[1], ring[3], ring[4]] == [(X0, Y0), (X0 + 20, Y0), (X0, Y0 + 20),
                                                    (X0, Y0)]  # exactly, not to a millimetre
    assert ring[2] == (pytest.approx(X0 + 30, abs=0.001), pytest.approx(Y0 + 20, abs=0.001))
