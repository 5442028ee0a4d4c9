# SPDX-License-Identifier: MIT
"""StartTLS and LDAPS against a real slapd with a throwaway CA; certificates are checked."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from geoserver_app.ops.cluster import free_port
from geoserver_app.security.sso.forms import DIRECTORY_DOWN
from tests.support import slapd as directory
from tests.support.certs import make_certificates
from tests.support.sso_setup import sso_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tls_slapd(tmp_path_factory) -> Iterator[directory.Slapd]:
    certs = make_certificates(tmp_path_factory.mktemp("certs"))
    server = directory.Slapd(tmp_path_factory.mktemp("slapd-tls"), free_port(), tls=certs,
                             ldaps_port=free_port()).start()
    yield server
    server.stop()


def log_in(client, env: dict[str, str]):
    with sso_settings(env):
        return client.post("/admin/login/", {"username": "lan", "password": "lan-pass-1",
                                             "next": "/admin/"})


def test_start_tls_with_the_directory_ca(client, tls_slapd):
    env = directory.environment(tls_slapd.uri, LDAP_START_TLS="1",
                                LDAP_CA_FILE=str(tls_slapd.tls["ca"]))
    assert log_in(client, env).status_code == 302
    assert User.objects.get(username="lan").groups.get().name == "land"


def test_ldaps_with_the_directory_ca(client, tls_slapd):
    env = directory.environment(tls_slapd.ldaps_uri, LDAP_CA_FILE=str(tls_slapd.tls["ca"]))
    assert log_in(client, env).status_code == 302


def test_untrusted_certificate_is_refused(client, tls_slapd):
    env = directory.environment(tls_slapd.uri, LDAP_START_TLS="1")  # system CAs only
    response = log_in(client, env)
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [DIRECTORY_DOWN]
    assert not User.objects.filter(username="lan").exists()
