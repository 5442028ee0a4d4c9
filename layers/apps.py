# SPDX-License-Identifier: MIT
"""The layer catalog app: registry, run-time catalog, models, registry/model checks."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_catalog(using: str = "default", **kwargs) -> None:
    """Add the registry's curated layers missing from ``layer_catalog`` (never overwrites)."""
    from django.db import connections, transaction  # needs the app registry ready

    from layers import catalog, catalog_sql, registry

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass('layer_catalog') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SELECT set_config('basemap.actor', 'migration:registry', true)")
        for position, layer in enumerate(registry.LAYERS):
            cursor.execute(catalog_sql.SEED, catalog.seed_row(layer, position))


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Lớp dữ liệu nền")

    def ready(self) -> None:
        from layers import checks  # noqa: F401  (registers the system check)

        post_migrate.connect(seed_catalog, sender=self)
