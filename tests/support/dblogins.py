# SPDX-License-Identifier: MIT
"""Personal database logins in tests: people in groups, their logins, connections as them."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg2
import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from geoserver_app.models import DatabaseLogin
from geoserver_app.security import dblogins


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    password: str

    def connect(self, **options):
        """A psycopg2 connection as this login (autocommit off, as QGIS's transactions)."""
        return connect(self.role, self.password, **options)


def connect(role: str, password: str, **options):
    s = connection.settings_dict
    return psycopg2.connect(host=s["HOST"], port=s["PORT"], dbname=s["NAME"], user=role,
                            password=password, connect_timeout=5, **options)


def person(username: str, *groups: str, first_name: str = "", last_name: str = "") -> User:
    user = User.objects.create_user(username, first_name=first_name, last_name=last_name,
                                    is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def login_for(username: str, *groups: str) -> Login:
    if not User.objects.filter(username=username).exists():
        person(username, *groups)
    login, password = dblogins.grant(username)
    return Login(username, login.role, password)


@pytest.fixture
def logins(transactional_db) -> Iterator[None]:
    """Drop every login a test made (roles outlive the test database's flush)."""
    yield
    for login in DatabaseLogin.objects.all():
        dblogins.drop(login)
