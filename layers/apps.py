# SPDX-License-Identifier: MIT
"""The layer catalog app: registry, run-time catalog, models, registry/model checks."""
import contextlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from layers import libpq


def seed_catalog(using: str = "default", **kwargs) -> None:
    """Add the registry's curated layers missing from ``layer_catalog`` (never overwrites)."""
    from django.db import connections, transaction  # needs the app registry ready

    from layers import catalog

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass('layer_catalog') IS NOT NULL")
        if cursor.fetchone()[0]:
            catalog.seed(cursor)


def seed_units(using: str = "default", **kwargs) -> None:
    """Load the official unit catalog into an empty ``admin_unit_catalog``."""
    from layers import units_db  # needs the app registry ready

    units_db.seed_if_empty(using)


def read_catalog():
    """The run-time catalog through Django's connection (thread-local: each request
    thread reads with its own)."""
    from django.db import Error, connection  # needs the app registry ready

    from layers import catalog

    try:
        with connection.cursor() as cursor:
            return catalog.read(cursor)
    except Error as exc:  # Django's wrapper of the driver's errors (InterfaceError too)
        with contextlib.suppress(Error):
            connection.close()  # broken by a failover: the next read connects again
        raise catalog.Unavailable(str(exc).splitlines()[0] if str(exc) else "no database") \
            from exc


def listener_connection():
    """A new psycopg2 connection to Django's default database, for LISTEN."""
    return libpq.connect("basemap-catalog-listener")


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Lớp dữ liệu nền")

    def ready(self) -> None:
        from layers import (
            catalog,
            checks,  # noqa: F401  (registers the system check)
        )

        catalog.use_database(read_catalog, listener_connection)
        post_migrate.connect(seed_catalog, sender=self)
        post_migrate.connect(seed_units, sender=self)
