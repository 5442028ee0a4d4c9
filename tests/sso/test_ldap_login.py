# SPDX-License-Identifier: MIT
"""LDAP login on /admin/login/ against a real slapd: groups, rights, refusals."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.support import slapd as directory

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str):
    return client.post("/admin/login/?next=/admin/",
                       {"username": username, "password": password, "next": "/admin/"})


def error_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data()["__all__"]]


def groups_of(username: str) -> list[str]:
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_land_analyst_logs_in_and_may_edit_land_layers_only(client, ldap_on):
    with ldap_on():
        response = log_in(client, "lan", "lan-pass-1")
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    user = User.objects.get(username="lan")
    assert (user.first_name, user.last_name, user.email) == ("Lan", "Nguyễn Thị", "lan@tinh.vn")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert groups_of("lan") == ["land"]
    assert user.has_perm("layers.change_landparcel") and user.has_perm("layers.add_admincommune")
    assert not user.has_perm("layers.change_road")


def test_transport_analyst_gets_the_transport_group(client, ldap_on):
    with ldap_on():
        assert log_in(client, "hung", "hung-pass-2").status_code == 302
    user = User.objects.get(username="hung")
    assert groups_of("hung") == ["transport"]
    assert user.has_perm("layers.change_road") and not user.has_perm("layers.change_landparcel")


def test_mapping_follows_the_directory_on_each_login(client, ldap_on):
    with ldap_on(LDAP_GROUP_MAP=f"{directory.LAND_GROUP.upper()}:resources"):
        assert log_in(client, "lan", "lan-pass-1").status_code == 302
    assert groups_of("lan") == ["resources"]  # DNs compare case-insensitively
    client.logout()
    with ldap_on():
        assert log_in(client, "lan", "lan-pass-1").status_code == 302
    assert groups_of("lan") == ["land"]


def test_staff_flag_from_a_configured_group(client, ldap_on):
    with ldap_on(LDAP_STAFF_GROUP=directory.TRANSPORT_GROUP):
        response = log_in(client, "lan", "lan-pass-1")
    assert response.status_code == 200  # authenticated, but the admin wants staff
    user = User.objects.get(username="lan")
    assert not user.is_staff and groups_of("lan") == ["land"]


def test_wrong_password_is_refused(client, ldap_on):
    with ldap_on():
        response = log_in(client, "lan", "wrong")
    assert response.status_code == 200
    assert error_codes(response) == ["invalid_login"]
    assert not User.objects.filter(username="lan").exists()
    assert "_auth_user_id" not in client.session


def test_disabled_account_is_refused(client, ldap_on):
    with ldap_on():
        response = log_in(client, directory.DISABLED, "khoa-pass-3")
    assert response.status_code == 200 and error_codes(response) == ["invalid_login"]
    assert not User.objects.filter(username=directory.DISABLED).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["*)(uid=*", "*", "la*", "lan)(uid=*", "*)(|(uid=*"])
def test_filter_characters_in_the_user_name_log_nobody_in(client, ldap_on, name):
    with ldap_on():
        response = log_in(client, name, "lan-pass-1")
    assert response.status_code == 200 and error_codes(response) == ["invalid_login"]
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_a_directory_user_cannot_take_over_a_local_account(client, ldap_on):
    User.objects.create_superuser("admin", password="local-admin-pass")
    with ldap_on():
        assert log_in(client, "admin", "directory-admin-pass").status_code == 200
        assert "_auth_user_id" not in client.session
        assert log_in(client, "admin", "local-admin-pass").status_code == 302
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.groups.count() == 0


def test_an_account_deactivated_here_stays_out(client, ldap_on):
    with ldap_on():
        assert log_in(client, "lan", "lan-pass-1").status_code == 302
        client.logout()
        User.objects.filter(username="lan").update(is_active=False)
        response = log_in(client, "lan", "lan-pass-1")
    assert response.status_code == 200 and error_codes(response) == ["inactive"]
    assert "_auth_user_id" not in client.session
