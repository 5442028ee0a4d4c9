# SPDX-License-Identifier: MIT
"""SSO test settings: the OIDC client, the provider's accounts, settings from an environment."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.test import override_settings

from geoserver_app.security.sso import settings_from_env
from tests.support.oidc_provider import Account

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


def oidc_environment(issuer: str, **extra: str) -> dict[str, str]:
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_TIMEOUT": "3",
            "OIDC_GROUP_MAP": "/gis-construction:construction;/gis-resources:resources;"
                              "/gis-audit:auditor", **extra}
