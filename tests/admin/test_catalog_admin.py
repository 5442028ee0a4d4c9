# SPDX-License-Identifier: MIT
"""The layer catalog in the admin: a change is validated, audited with the user's name, and
followed by the OGC API at once; bad input changes nothing; only editors may write."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection

from layers import catalog, registry
from tests.support.admin_forms import catalog_form

pytestmark = pytest.mark.django_db
ROADS = "/admin/layers/catalogentry/roads/change/"


def roads() -> registry.Layer:
    with connection.cursor() as cursor:
        return catalog.read(cursor).get("roads")


def audit_rows(layer_id: str, since: int = 0) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT actor, before->>'access', after->>'access', after->>'sensitive' "
                       "FROM layer_catalog_audit WHERE layer = %s AND operation = 'U' "
                       "AND id > %s ORDER BY id", [layer_id, since])
        return cursor.fetchall()


def staff(username: str, *permissions: str, group: str | None = None) -> User:
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def ogcapi_pools(django_db_blocker):
    yield
    from geoserver_app.ogcapi import db

    with django_db_blocker.unblock():
        db.close_pools()


def test_the_list_shows_every_layer_with_access_sensitive_and_state(admin_client):
    page = admin_client.get("/admin/layers/catalogentry/")
    assert page.status_code == 200
    assert page.text.count('class="field-id"') == len(registry.LAYERS)
    assert admin_client.get("/admin/layers/catalogentry/?state=retired").text.count(
        'class="field-id"') == 0
    assert "owner_name<br>owner_id_number<br>certificate_number" in page.text


@pytest.mark.django_db(transaction=True)
def test_admin_makes_roads_internal_with_surface_sensitive_audited_and_hidden(
        admin_client, client, restored_catalog, ogcapi_pools):
    assert client.get("/ogcapi/collections/roads?f=json").status_code == 200
    response = admin_client.post(ROADS, catalog_form(roads(), access="internal",
                                                     sensitive=["surface"]))
    assert response.status_code == 302
    assert (roads().access, roads().sensitive) == (registry.Access.INTERNAL, ("surface",))
    assert audit_rows("roads", restored_catalog) == [
        ("user:admin", "public", "internal", '["surface"]')]
    assert client.get("/ogcapi/collections/roads?f=json").status_code == 404
    history = admin_client.get(ROADS).text
    assert "user:admin" in history and "public &rarr; internal" in history


@pytest.mark.parametrize("changes, error", [
    ({"sensitive": ["no_such_column"]}, "no_such_column"),
    ({"stroke": "red"}, "#RRGGBB"),
    ({"min_zoom": "15", "max_zoom": "10"}, "Mức thu phóng lớn nhất không được nhỏ hơn"),
    ({"label": "code", "sensitive": ["code"]}, "code là thuộc tính nhạy cảm"),
    ({"classes-0-colour": "#12345"}, "#RRGGBB"),
])
def test_bad_input_rerenders_the_form_with_the_error_and_changes_nothing(admin_client, changes,
                                                                         error):
    before = roads()
    response = admin_client.post(ROADS, catalog_form(before, **changes))
    assert response.status_code == 200
    assert error in response.text
    assert roads() == before
    assert audit_rows("roads") == []


def test_a_staff_user_without_the_permission_gets_403(client):
    client.force_login(staff("lan"))
    assert client.get(ROADS).status_code == 403
    assert client.post(ROADS, catalog_form(roads(), access="internal")).status_code == 403
    assert client.post("/admin/layers/catalogentry/roads/retire/").status_code == 403
    assert roads().access is registry.Access.PUBLIC


def test_an_auditor_reads_the_page_but_may_not_save(client):
    client.force_login(staff("kiemtoan", group="auditor"))
    page = client.get(ROADS)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text and "disabled" in page.text
    assert client.post(ROADS, catalog_form(roads(), access="internal")).status_code == 403


def test_the_catalog_group_has_the_change_catalog_permission_and_saves(client):
    client.force_login(staff("hoa", group="catalog"))
    assert client.post(ROADS, catalog_form(roads(), title_en="Road network")).status_code == 302
    assert roads().title_en == "Road network"
    assert audit_rows("roads")[0][0] == "user:hoa"


@pytest.mark.django_db(transaction=True)
def test_retire_and_restore_from_the_layer_page(admin_client, client, restored_catalog,
                                                ogcapi_pools):
    assert admin_client.post("/admin/layers/catalogentry/bridges/retire/").status_code == 302
    with connection.cursor() as cursor:
        assert "bridges" not in catalog.read(cursor).ids
    assert client.get("/ogcapi/collections/bridges?f=json").status_code == 404
    assert "Khôi phục lớp này" in admin_client.get(
        "/admin/layers/catalogentry/bridges/change/").text
    assert admin_client.post("/admin/layers/catalogentry/bridges/restore/").status_code == 302
    with connection.cursor() as cursor:
        assert "bridges" in catalog.read(cursor).ids
        cursor.execute("SELECT actor, after->>'retired_at' IS NULL FROM layer_catalog_audit "
                       "WHERE layer = 'bridges' AND operation = 'U' AND id > %s ORDER BY id",
                       [restored_catalog])
        assert cursor.fetchall() == [("user:admin", False), ("user:admin", True)]
