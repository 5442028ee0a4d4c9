# SPDX-License-Identifier: MIT
"""Sector groups edit only their layers; auditors read; the audit trail is append-only."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import LineString, MultiLineString
from django.db import DatabaseError, connection, transaction

from layers.models import FeatureHistory, Road

pytestmark = pytest.mark.django_db


def member(group: str) -> User:
    user = User.objects.create_user(f"u-{group}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_transport_group_edits_roads_but_not_parcels():
    user = member("transport")
    assert user.has_perm("layers.change_road") and user.has_perm("layers.add_bridge")
    assert not user.has_perm("layers.change_landparcel")
    assert user.has_perm("layers.view_landparcel")


def test_land_group_edits_parcels_and_admin_units():
    user = member("land")
    assert user.has_perm("layers.change_landparcel")
    assert user.has_perm("layers.change_admincommune")
    assert not user.has_perm("layers.change_road")


def test_auditor_only_views():
    user = member("auditor")
    assert user.has_perm("layers.view_road") and user.has_perm("layers.view_featurehistory")
    assert user.has_perm("geoserver_app.view_apitoken")
    assert not any(user.has_perm(f"layers.{a}_road") for a in ("add", "change", "delete"))


def test_groups_are_exactly_the_sectors_auditor_catalog_and_sensitive():
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "auditor", "catalog", "construction", "land", "resources", "sensitive", "transport"]


def test_audit_trail_cannot_be_rewritten():
    line = LineString((440000, 2350000), (441000, 2350000), srid=9214)
    road = Road.objects.create(code="ĐT.999", road_class="provincial",
                               geom=MultiLineString(line, srid=9214))
    assert FeatureHistory.objects.filter(layer="roads", feature_id=road.pk).count() == 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE feature_history SET actor = 'someone-else'")


def test_audit_log_in_admin_is_read_only_for_staff(client):
    staff = member("auditor")
    client.force_login(staff)
    assert client.get("/admin/layers/featurehistory/").status_code == 200
    assert client.get("/admin/layers/featurehistory/add/").status_code == 403


def test_new_token_key_is_shown_once_in_the_admin(client):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = client.post("/admin/geoserver_app/apitoken/add/", {
        "name": "cong-thong-tin", "rights-TOTAL_FORMS": "1", "rights-INITIAL_FORMS": "0",
        "rights-0-layer": "roads", "rights-0-read": "on"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) >= 1 and "bm_" in shown[0]
    listing = client.get("/admin/geoserver_app/apitoken/").content.decode()
    key = shown[0].split(": ")[-1]
    assert key not in listing
