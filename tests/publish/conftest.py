# SPDX-License-Identifier: MIT
"""Publish fixtures: a TCVN3 shapefile of schools in VN-2000, and the OGC API's pools."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from django.core.management import call_command
from django.db import connection

from layers import catalog
from tests.ogcapi.conftest import as_grant, close_ogcapi_pools, pools_closed_at_the_end
from tests.support.ingest_sources import ESRI_TM3_107, ORIGIN, write_legacy_shapefile

__all__ = ["as_grant", "close_ogcapi_pools", "pools_closed_at_the_end"]

# TCVN3 (ABC) bytes written by hand: "Tên trường", "HiệuTrưởng", "Số HS"
SCHOOL_FIELDS = (b"T\xaan tr\xad\xeang", b"Hi\xd6uTr\xad\xebng", b"S\xe8 HS")
SCHOOL_NAMES = [b"Tr\xad\xeang THCS T\xa9n S\xe1i", b"Tr\xad\xeang TH \xa7\xb5o L\xfd"]
EXPECTED_NAMES = ["Trường THCS Tân Sỏi", "Trường TH Đào Lý"]
PRINCIPALS = [b"Nguy\xd4n V\xa8n T\xad\xebng", b"Tr\xc7n Th\xde H\xe5ng"]
EXPECTED_PRINCIPALS = ["Nguyễn Văn Tưởng", "Trần Thị Hồng"]


def point(i: int) -> shapely.Point:
    return shapely.Point(ORIGIN[0] + i * 100.0, ORIGIN[1] + 50.0)


def write_schools(path: Path, count: int = 2) -> Path:
    """A TCVN3 shapefile of ``count`` schools (no .cpg) with an ESRI VN-2000 .prj."""
    columns = {SCHOOL_FIELDS[0]: [SCHOOL_NAMES[i % 2] for i in range(count)],
               SCHOOL_FIELDS[1]: [PRINCIPALS[i % 2] for i in range(count)],
               SCHOOL_FIELDS[2]: [420 + i for i in range(count)]}
    return write_legacy_shapefile(path, columns, [point(i) for i in range(count)], ESRI_TM3_107,
                                  geometry_type="Point")


def relation_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(format('public.%%I', %s)) IS NOT NULL", [name])
        return cursor.fetchone()[0]


def catalog_rows(layer_id: str) -> tuple[int, int]:
    """(catalog rows, audit rows) of a layer id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM layer_catalog WHERE id = %s), "
                       "(SELECT count(*) FROM layer_catalog_audit WHERE layer = %s)",
                       [layer_id, layer_id])
        return cursor.fetchone()


def drop_published(layer_id: str) -> None:
    """Remove a published layer a committed test made (table, catalog row)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('basemap.actor', 'test', false)")
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [layer_id])
        kind = (cursor.fetchone() or [None])[0]
        if kind is not None:
            cursor.execute(f'DROP {"VIEW" if kind == "v" else "TABLE"} "{layer_id}"')
        cursor.execute("DELETE FROM layer_catalog WHERE id = %s", [layer_id])
    catalog.invalidate()


@pytest.fixture
def schools(tmp_path) -> Iterator[Path]:
    yield write_schools(tmp_path / "truong_hoc.shp")


def publish(*args: str) -> None:
    call_command("publish", *args)
