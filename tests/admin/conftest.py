# SPDX-License-Identifier: MIT
"""Fixtures of the admin tests: features made in the test, form data as the browser posts it."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction
from psycopg2 import sql

from layers import catalog, catalog_sql
from layers.models import LandParcel
from tests.support.admin_forms import X0, Y0, square
from tests.support.servers import ROOT


@pytest.fixture
def make_parcel() -> Callable[..., LandParcel]:
    def make(parcel_no: int = 1, **overrides) -> LandParcel:
        values = {"commune_code": "07210", "sheet_no": 12, "parcel_no": parcel_no,
                  "land_use_code": "ONT", "area_m2": "400.0", "address": "Thôn Đông",
                  "owner_name": "Nguyễn Văn A", "owner_id_number": "024090001234",
                  "certificate_number": "CS 01234", "geom": square(X0, Y0, 20.0)}
        return LandParcel.objects.create(**{**values, **overrides})

    return make


@pytest.fixture
def restored_catalog(django_db_blocker) -> Iterator[int]:
    """For tests that commit (the OGC API reads with its own connections): the catalog rows
    are put back afterwards (a flush leaves the unmanaged table alone). Yields the last
    audit id before the test."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT id, to_jsonb(c)::text FROM layer_catalog c")
        saved = cursor.fetchall()
        cursor.execute("SELECT coalesce(max(id), 0) FROM layer_catalog_audit")
        last_audit = cursor.fetchone()[0]
    yield last_audit
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in catalog_sql.COLUMNS)
    restore = sql.SQL("UPDATE layer_catalog SET ({c}) = (SELECT {c} FROM "
                      "jsonb_populate_record(NULL::layer_catalog, %s::jsonb)) WHERE id = %s"
                      ).format(c=columns)
    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('basemap.actor', 'test:restore', true)")
        for layer_id, row in saved:
            cursor.execute(restore.as_string(cursor.connection), [row, layer_id])
    catalog.invalidate()


def committed_database_url() -> str:
    """DATABASE_URL of the test database that a test's committed rows live in."""
    s = connection.settings_dict
    return f"postgis://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def site(serve, tmp_path) -> str:
    """The whole WSGI app under gunicorn on the test database, static files collected."""
    env = {**os.environ, "BASEMAP_VAR_DIR": str(tmp_path), "DATABASE_URL": committed_database_url()}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True, timeout=300)
    return serve({"BASEMAP_VAR_DIR": str(tmp_path), "DATABASE_URL": env["DATABASE_URL"]})
