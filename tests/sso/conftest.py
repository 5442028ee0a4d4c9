# SPDX-License-Identifier: MIT
"""Fixtures: a real OpenLDAP server and a real OIDC provider on loopback, and SSO settings."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support import slapd as directory
from tests.support.oidc_provider import Provider, serving
from tests.support.sso_setup import (
    API_AUDIENCE,
    CLIENT_ID,
    CLIENT_SECRET,
    PROVIDER_ACCOUNTS,
    oidc_environment,
    sso_settings,
)


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


@pytest.fixture
def oidc_on(provider) -> Callable:
    provider.misbehave.clear()
    return lambda **extra: sso_settings(oidc_environment(provider.issuer, **extra))
