# SPDX-License-Identifier: MIT
"""App config of the layer metadata."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_rows(**kwargs) -> None:
    """Give every catalog layer, curated or published, live or retired, its metadata row
    (after migrate and flush; the metadata pages call it too, for layers published since)."""
    # local: an app's apps.py is imported before its models can be
    from django.db import connection

    from geoserver_app.metadata.defaults import defaults_for
    from geoserver_app.metadata.models import LayerMetadata
    from layers import catalog

    with connection.cursor() as cursor:
        entries = catalog.read(cursor) or catalog.registry_catalog()
    have = set(LayerMetadata.objects.values_list("layer", flat=True))
    LayerMetadata.objects.bulk_create([LayerMetadata(layer=layer.id, **defaults_for(layer))
                                       for layer in (*entries.layers, *entries.retired)
                                       if layer.id not in have], ignore_conflicts=True)


class MetadataConfig(AppConfig):
    name = "geoserver_app.metadata"
    label = "metadata"
    verbose_name = _("Layer metadata")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(ensure_rows, sender=self)
