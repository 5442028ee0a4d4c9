# SPDX-License-Identifier: MIT
"""Password guessing on /admin/login/ is throttled per account and per address, with a clear
message, an audit entry and an administrator's unlock."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db
LIMIT = 5


def log_in(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post("/admin/login/?next=/admin/", {"username": username,
                                                      "password": password,
                                                      "next": "/admin/"},
                       REMOTE_ADDR=address)


def test_25_wrong_passwords_are_throttled_and_an_administrator_unlocks(client):
    User.objects.create_user("lan", password="right-pass-1", is_staff=True)
    statuses = [log_in(client, "lan", f"guess-{n}").status_code for n in range(25)]
    assert statuses == [200] * (LIMIT - 1) + [429] * (25 - LIMIT + 1)
    locked = log_in(client, "lan", "right-pass-1")
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 15 * 60
    assert "Đăng nhập sai quá nhiều lần" in locked.text
    assert "_auth_user_id" not in client.session
    # the audit: every attempt, the one with the right password while locked too
    assert AccessFailureLog.objects.filter(username="lan").count() == 26
    assert AccessFailureLog.objects.filter(username="lan", locked_out=True).exists()
    assert AccessAttempt.objects.filter(username="lan").exists()
    call_command("axes_reset_username", "lan")  # the administrator's unlock
    assert log_in(client, "lan", "right-pass-1").status_code == 302


def test_one_address_guessing_many_accounts_is_throttled(client):
    statuses = [log_in(client, f"user{n}", "guess").status_code for n in range(8)]
    assert statuses == [200] * (LIMIT - 1) + [429] * (8 - LIMIT + 1)
    # another address is not locked by it
    User.objects.create_user("mai", password="mai-pass-1", is_staff=True)
    assert log_in(client, "mai", "mai-pass-1", address="198.51.100.9").status_code == 302


def test_a_command_line_authenticate_is_not_throttled():
    from django.contrib.auth import authenticate

    User.objects.create_user("son", password="son-pass-1")
    assert authenticate(username="son", password="son-pass-1").username == "son"
