# SPDX-License-Identifier: MIT
"""Single sign-on settings come only from the environment, and are off when it is unset."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ldap
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_auth_ldap.config import ActiveDirectoryGroupType, GroupOfNamesType

from geoserver_app.security.sso import (
    KNOWN_GROUPS,
    LDAP_BACKEND,
    MODEL_BACKEND,
    OIDC_BACKEND,
    THROTTLE_BACKEND,
    settings_from_env,
)

ROOT = Path(__file__).resolve().parents[2]
LDAP = {"LDAP_SERVER_URI": "ldaps://dc1.tinh.gov.vn",
        "LDAP_USER_SEARCH_BASE": "ou=Staff,dc=tinh,dc=gov,dc=vn"}
OIDC = {"OIDC_ISSUER": "https://sso.tinh.gov.vn/realms/tinh/", "OIDC_CLIENT_ID": "ban-do-nen"}


@pytest.mark.unit
def test_off_when_unset():
    assert settings_from_env({}) == {"SSO_LDAP": None, "SSO_OIDC": None,
                                     "AUTHENTICATION_BACKENDS": [THROTTLE_BACKEND,
                                                                 MODEL_BACKEND]}
    assert settings.AUTHENTICATION_BACKENDS == [THROTTLE_BACKEND, MODEL_BACKEND]


@pytest.mark.unit
def test_off_means_no_ldap_or_oidc_import():
    code = ("import django, sys; django.setup(); from django.urls import resolve; "
            "resolve('/admin/login/'); resolve('/sso/login/'); "
            "print(sorted(m for m in ('ldap', 'django_auth_ldap', 'mozilla_django_oidc', 'jwt')"
            " if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LDAP_", "OIDC_"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={**env, "DJANGO_SETTINGS_MODULE": "geoserver_app.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.unit
def test_backends_in_order_local_last():
    assert settings_from_env({**LDAP, **OIDC})["AUTHENTICATION_BACKENDS"] == [
        THROTTLE_BACKEND, LDAP_BACKEND, OIDC_BACKEND, MODEL_BACKEND]


@pytest.mark.unit
def test_active_directory_example():
    values = settings_from_env({
        **LDAP, "LDAP_USER_ATTR": "sAMAccountName", "LDAP_GROUP_TYPE": "nestedActiveDirectory",
        "LDAP_USER_FILTER": "(!(userAccountControl:1.2.840.113556.1.4.803:=2))",
        "LDAP_GROUP_MAP": "CN=GIS-Dat-Dai,OU=Groups,DC=tinh,DC=gov,DC=vn:land;"
                          "CN=GIS-Giao-Thong,OU=Groups,DC=tinh,DC=gov,DC=vn:transport",
        "LDAP_STAFF_GROUP": "CN=GIS,OU=Groups,DC=tinh,DC=gov,DC=vn"})
    search = values["AUTH_LDAP_USER_SEARCH"]
    assert search.base_dn == "ou=Staff,dc=tinh,dc=gov,dc=vn"
    assert search.filterstr == ("(&(sAMAccountName=%(user)s)"
                                "(!(userAccountControl:1.2.840.113556.1.4.803:=2)))")
    assert type(values["AUTH_LDAP_GROUP_TYPE"]).__name__ == "NestedActiveDirectoryGroupType"
    assert values["SSO_LDAP"].group_map == {
        "cn=gis-dat-dai,ou=groups,dc=tinh,dc=gov,dc=vn": "land",
        "cn=gis-giao-thong,ou=groups,dc=tinh,dc=gov,dc=vn": "transport"}
    assert values["SSO_LDAP"].staff_group == "cn=gis,ou=groups,dc=tinh,dc=gov,dc=vn"
    assert values["AUTH_LDAP_GROUP_SEARCH"].base_dn == "ou=Staff,dc=tinh,dc=gov,dc=vn"


@pytest.mark.unit
def test_defaults_and_tls_options():
    values = settings_from_env({**LDAP, "LDAP_START_TLS": "1", "LDAP_CA_FILE": "/etc/ca.pem"})
    options = values["AUTH_LDAP_CONNECTION_OPTIONS"]
    assert values["AUTH_LDAP_START_TLS"] is True
    assert values["AUTH_LDAP_USER_SEARCH"].filterstr == "(uid=%(user)s)"
    assert isinstance(values["AUTH_LDAP_GROUP_TYPE"], GroupOfNamesType)
    assert options[ldap.OPT_X_TLS_CACERTFILE] == "/etc/ca.pem"
    assert options[ldap.OPT_X_TLS_REQUIRE_CERT] == ldap.OPT_X_TLS_DEMAND
    assert options[ldap.OPT_NETWORK_TIMEOUT] == 5.0 and options[ldap.OPT_REFERRALS] == 0
    assert list(options)[-1] == ldap.OPT_X_TLS_NEWCTX
    assert settings_from_env(LDAP)["AUTH_LDAP_START_TLS"] is False
    assert isinstance(settings_from_env({**LDAP, "LDAP_GROUP_TYPE": "activeDirectory"})[
        "AUTH_LDAP_GROUP_TYPE"], ActiveDirectoryGroupType)


@pytest.mark.unit
def test_oidc_settings():
    values = settings_from_env({**OIDC, "OIDC_CLIENT_SECRET": "s", "OIDC_CA_FILE": "/ca.pem",
                                "OIDC_GROUP_MAP": "/gis/dat-dai:land;gis-kiem-toan:auditor",
                                "OIDC_API_AUDIENCE": "basemap-api",
                                "OIDC_SCOPE_MAP": "gis.ks=mineral_sites:read,roads:write;"
                                                  "gis.gd=truong_hoc:read"})
    config = values["SSO_OIDC"]
    assert config.issuer == "https://sso.tinh.gov.vn/realms/tinh"
    assert config.group_map == {"/gis/dat-dai": "land", "gis-kiem-toan": "auditor"}
    assert config.scope_map == {"gis.ks": (("mineral_sites", "read"), ("roads", "write")),
                                "gis.gd": (("truong_hoc", "read"),)}  # checked when used
    assert (config.username_claim, config.groups_claim) == ("preferred_username", "groups")
    assert values["OIDC_USE_PKCE"] is True and values["OIDC_PKCE_CODE_CHALLENGE_METHOD"] == "S256"
    assert values["OIDC_VERIFY_SSL"] == "/ca.pem" and values["OIDC_RP_SIGN_ALGO"] == "RS256"


@pytest.mark.parametrize(("env", "message"), [
    ({"LDAP_SERVER_URI": "ldap://x"}, "LDAP_USER_SEARCH_BASE must be set when LDAP_SERVER_URI"),
    ({**LDAP, "LDAP_GROUP_MAP": "cn=a,dc=b:landlord"}, "LDAP_GROUP_MAP: unknown group 'landlord'"),
    ({**LDAP, "LDAP_GROUP_MAP": "cn=a,dc=b"}, "LDAP_GROUP_MAP: 'cn=a,dc=b' is not 'KEY:VALUE'"),
    ({**LDAP, "LDAP_GROUP_TYPE": "ad"}, "LDAP_GROUP_TYPE='ad': use one of groupOfNames"),
    ({**LDAP, "LDAP_TLS_REQUIRE_CERT": "maybe"}, "LDAP_TLS_REQUIRE_CERT='maybe'"),
    ({**LDAP, "LDAP_TIMEOUT": "five"}, "LDAP_TIMEOUT='five': give a number of seconds, e.g. 5"),
    ({**OIDC, "OIDC_TIMEOUT": "0"}, "OIDC_TIMEOUT='0': give a number of seconds"),
    ({"OIDC_ISSUER": "https://x"}, "OIDC_CLIENT_ID must be set when OIDC_ISSUER is set"),
    ({**OIDC, "OIDC_SCOPE_MAP": "s=Thửa đất:read"}, "OIDC_SCOPE_MAP: Thửa đất:read is not a "
                                                     "layer id and a right"),
    ({**OIDC, "OIDC_SCOPE_MAP": "s=roads:own"}, "OIDC_SCOPE_MAP: roads:own is not a layer id"),
    ({**OIDC, "OIDC_SCOPE_MAP": "just-a-scope"}, "OIDC_SCOPE_MAP: 'just-a-scope' is not"),
])
@pytest.mark.unit
def test_configuration_mistakes_are_named(env, message):
    with pytest.raises(ImproperlyConfigured) as error:
        settings_from_env(env)
    assert str(error.value).startswith(message)


@pytest.mark.django_db
def test_known_groups_are_the_groups_roles_creates():
    from django.contrib.auth.models import Group

    from geoserver_app.security.roles import AUDITOR, CATALOG_EDITOR, GROUP_SECTORS, SENSITIVE

    assert sorted(KNOWN_GROUPS) == sorted([*GROUP_SECTORS, AUDITOR, CATALOG_EDITOR, SENSITIVE])
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(KNOWN_GROUPS)
