# SPDX-License-Identifier: MIT
"""The unit catalog in PostgreSQL: refreshed from the package, read back as a ``Catalog``.

``admin_unit_catalog`` holds every unit (a unit without a boundary is still a valid entry:
boundaries are province data in ``admin_communes``); ``admin_commune_successions`` the
succession, each row marked with the package version it came from. The ``Converter`` of the
stored catalog is built once per process and rebuilt when the stored source changes.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection, transaction

from layers.models import AdminUnitRecord, CommuneSuccession
from layers.units_catalog import Catalog, Unit, from_package
from layers.units_convert import Converter

_LOCK = threading.Lock()
_CACHED: dict[str, Converter] = {}


@dataclass(frozen=True)
class Refreshed:
    source: str
    units: int
    successions: int
    previous: str  # the source the table had before ("" when empty)


def stored_source() -> str:
    """The package version the stored catalog came from ("" when empty)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(source) FROM admin_unit_catalog")
        return cursor.fetchone()[0] or ""


def refresh(catalog: Catalog | None = None) -> Refreshed:
    """Replace the stored catalog and successions with ``catalog`` (the package's by default)."""
    catalog = catalog or from_package()
    with transaction.atomic():
        previous = stored_source()
        AdminUnitRecord.objects.all().delete()
        AdminUnitRecord.objects.bulk_create(
            [AdminUnitRecord(level=u.level, code=u.code, name=u.name, kind=u.kind,
                             province_code=u.province_code, district_code=u.district_code,
                             valid_from=u.valid_from, valid_to=u.valid_to, source=catalog.source)
             for u in catalog.units])
        CommuneSuccession.objects.all().delete()
        CommuneSuccession.objects.bulk_create(
            [CommuneSuccession(old_code=old, new_code=new, source=catalog.source)
             for old, new in catalog.successions])
    return Refreshed(catalog.source, len(catalog.units), len(catalog.successions), previous)


def seed_if_empty(using: str = "default", **kwargs) -> None:
    """After migrate (and a test flush): load the package's catalog into an empty table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('admin_unit_catalog') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
    if not stored_source():
        refresh()


def stored() -> Catalog:
    """The stored catalog (other province names come from the package: they are not stored)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT level, code, name, kind, province_code, district_code, valid_from, "
                       "valid_to, source FROM admin_unit_catalog ORDER BY id")
        rows = cursor.fetchall()
        cursor.execute("SELECT old_code, new_code FROM admin_commune_successions "
                       "ORDER BY old_code, new_code")
        successions = tuple(cursor.fetchall())
    source = rows[0][8] if rows else ""
    return Catalog(tuple(Unit(*row[:8]) for row in rows), successions, source,
                   from_package().other_provinces)


def converter() -> Converter:
    """The converter of the stored catalog (rebuilt when a refresh changed its source)."""
    source = stored_source()
    with _LOCK:
        if source not in _CACHED:
            _CACHED.clear()
            _CACHED[source] = Converter(stored() if source else from_package())
        return _CACHED[source]
