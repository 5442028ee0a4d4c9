# SPDX-License-Identifier: MIT
"""The directory going down: a clear message on the login page; local accounts still log in."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from geoserver_app.security.sso.forms import DIRECTORY_DOWN
from tests.support import slapd as directory
from tests.support.sso_setup import sso_settings

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str):
    return client.post("/admin/login/", {"username": username, "password": password,
                                         "next": "/admin/"})


def test_directory_down_says_so_and_local_login_still_works(client, tmp_path):
    User.objects.create_superuser("quantri", password="local-pass")
    server = directory.start_slapd(tmp_path)
    try:
        with sso_settings(directory.environment(server.uri)):
            assert log_in(client, "lan", "lan-pass-1").status_code == 302
            client.logout()
            server.stop()
            response = log_in(client, "lan", "lan-pass-1")
            assert response.status_code == 200
            assert response.context["form"].errors["__all__"] == [DIRECTORY_DOWN]
            assert DIRECTORY_DOWN in response.content.decode()
            assert log_in(client, "quantri", "local-pass").status_code == 302
    finally:
        server.stop()


def test_wrong_service_password_is_reported_as_directory_trouble(client, slapd_server):
    env = directory.environment(slapd_server.uri, LDAP_BIND_PASSWORD="not-the-password")
    with sso_settings(env):
        response = log_in(client, "lan", "lan-pass-1")
    assert response.context["form"].errors["__all__"] == [DIRECTORY_DOWN]
    assert not User.objects.filter(username="lan").exists()
