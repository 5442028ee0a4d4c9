# SPDX-License-Identifier: MIT
"""Guessing a directory account's password through this server stops at the throttle: the
guesses after the limit never reach LDAP/AD, so its own lockout is not triggered by us."""
from __future__ import annotations

import pytest
from django.conf import settings

from geoserver_app.security.sso import THROTTLE_BACKEND

pytestmark = pytest.mark.django_db


def test_locked_directory_account_is_not_asked_again(client, ldap_on):
    with ldap_on():
        assert settings.AUTHENTICATION_BACKENDS[0] == THROTTLE_BACKEND  # before the directory
        statuses = [client.post("/admin/login/", {"username": "lan", "password": "bad"},
                                REMOTE_ADDR="203.0.113.8").status_code for _ in range(12)]
        locked = client.post("/admin/login/", {"username": "lan", "password": "lan-pass-1"},
                             REMOTE_ADDR="198.51.100.20")
    assert statuses == [200] * 4 + [429] * 8
    assert locked.status_code == 429  # the account, from any address
    assert "_auth_user_id" not in client.session
