# SPDX-License-Identifier: MIT
"""No default password: the first superuser comes from the environment, once."""
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_superuser_from_environment_once(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "quantri")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "mat-khau-du-dai-123")
    call_command("ensure_superuser", stdout=StringIO())
    out = StringIO()
    call_command("ensure_superuser", stdout=out)
    assert "already exists" in out.getvalue()
    user = User.objects.get(username="quantri")
    assert user.is_superuser and user.check_password("mat-khau-du-dai-123")
    assert User.objects.count() == 1


def test_short_or_missing_password_is_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "quantri")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "ngan")
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("ensure_superuser")
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD")
    with pytest.raises(CommandError, match="set DJANGO_SUPERUSER_USERNAME"):
        call_command("ensure_superuser")
    assert not User.objects.exists()
