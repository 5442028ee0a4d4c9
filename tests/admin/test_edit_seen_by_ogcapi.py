# SPDX-License-Identifier: MIT
"""An edit in the admin is what the OGC API serves next (same database, no copy)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.admin_forms import X0, Y0, change_url, parcel_form, square


@pytest.fixture
def ogcapi_pools(django_db_blocker) -> Iterator[None]:
    """The providers read through their own pool: closed afterwards so the test database can
    be dropped."""
    yield
    from geoserver_app.ogcapi import db

    with django_db_blocker.unblock():
        db.close_pools()


@pytest.mark.django_db(transaction=True)
def test_polygon_edited_in_the_admin_is_served_by_ogcapi(admin_client, client, make_parcel,
                                                        ogcapi_pools):
    parcel = make_parcel(5)
    item = f"/ogcapi/collections/land_parcels/items/{parcel.pk}?f=json"
    before = client.get(item).json()
    assert before["properties"]["version"] == 1

    wider = square(X0, Y0, 40.0)
    response = admin_client.post(change_url(parcel), parcel_form(parcel, wider,
                                                                address="Thôn Nam"))
    assert response.status_code == 302

    after = client.get(item).json()
    assert after["properties"]["version"] == 2
    assert after["properties"]["address"] == "Thôn Nam"
    lons = [lon for lon, _lat in after["geometry"]["coordinates"][0][0]]
    old_lons = [lon for lon, _lat in before["geometry"]["coordinates"][0][0]]
    assert max(lons) - min(lons) == pytest.approx(2 * (max(old_lons) - min(old_lons)), rel=1e-3)
    assert "owner_name" not in after["properties"]  # the public never sees the owner
