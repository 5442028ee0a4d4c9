# SPDX-License-Identifier: MIT
"""A directory group change, applied at the next LDAP login, changes the person's database
login rights at once (real slapd, real PostgreSQL login)."""
from __future__ import annotations

import psycopg2
import pytest

from tests.support import slapd as directory
from tests.support.dblogins import login_for, logins  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("logins")


def can_update(login, relation: str) -> bool:
    conn = login.connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"UPDATE {relation} SET name = name WHERE false")  # noqa: S608
        return True
    except psycopg2.errors.InsufficientPrivilege:
        return False
    finally:
        conn.close()


def test_moving_to_another_department_in_the_directory_moves_the_rights(client, ldap_on):
    with ldap_on():
        assert client.post("/admin/login/", {"username": "lan",
                                             "password": "lan-pass-1"}).status_code == 302
    lan = login_for("lan")
    assert can_update(lan, "public.admin_communes") and not can_update(lan, "public.rivers")
    client.logout()
    # the directory now puts lan's group in the resources department
    with ldap_on(LDAP_GROUP_MAP=f"{directory.LAND_GROUP}:resources"):
        assert client.post("/admin/login/", {"username": "lan",
                                             "password": "lan-pass-1"}).status_code == 302
    assert can_update(lan, "public.rivers") and not can_update(lan, "public.admin_communes")
