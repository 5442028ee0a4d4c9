# SPDX-License-Identifier: MIT
"""Fixtures: a real OpenLDAP server and a real OIDC provider on loopback, and SSO settings."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.test import override_settings

from geoserver_app.security.sso import settings_from_env
from tests.sso import slapd as directory
from tests.sso.provider import Account, Provider, serving

CLIENT_ID = "ban-do-nen"
CLIENT_SECRET = "client-secret-for-tests"
API_AUDIENCE = "basemap-api"
PROVIDER_ACCOUNTS = {
    "mai": Account("mai-pass", {"preferred_username": "mai", "email": "mai@tinh.vn",
                                "given_name": "Mai", "family_name": "Phạm",
                                "groups": ["/gis-construction", "/other-team"]}),
    "son": Account("son-pass", {"preferred_username": "son", "email": "son@tinh.vn",
                                "groups": ["/gis-resources", "/gis-audit"]}),
    "guest": Account("guest-pass", {"preferred_username": "guest", "groups": []}),
    "admin": Account("sso-admin-pass", {"preferred_username": "admin",
                                        "groups": ["/gis-construction"]}),
}


@contextmanager
def sso_settings(env: dict[str, str]) -> Iterator[None]:
    """The settings a deployment with this environment gets (through settings_from_env)."""
    with override_settings(**settings_from_env(env)):
        yield


@pytest.fixture(scope="module")
def slapd_server(tmp_path_factory) -> Iterator[directory.Slapd]:
    server = directory.start_slapd(tmp_path_factory.mktemp("slapd"))
    yield server
    server.stop()


@pytest.fixture
def ldap_on(slapd_server) -> Callable:
    """Context manager: settings for the test directory, with extra variables."""
    return lambda **extra: sso_settings(directory.environment(slapd_server.uri, **extra))


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    op = Provider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                  redirect_uri="http://testserver/sso/callback/", api_audience=API_AUDIENCE,
                  accounts=PROVIDER_ACCOUNTS)
    with serving(op):
        yield op


def oidc_environment(issuer: str, **extra: str) -> dict[str, str]:
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_TIMEOUT": "3",
            "OIDC_GROUP_MAP": "/gis-construction:construction;/gis-resources:resources;"
                              "/gis-audit:auditor", **extra}


@pytest.fixture
def oidc_on(provider) -> Callable:
    provider.misbehave.clear()
    return lambda **extra: sso_settings(oidc_environment(provider.issuer, **extra))
