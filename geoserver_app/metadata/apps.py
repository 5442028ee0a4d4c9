# SPDX-License-Identifier: MIT
"""App config of the layer metadata."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_rows(**kwargs) -> None:
    """Give every registry layer its metadata row (after migrate, also after a flush)."""
    # local: an app's apps.py is imported before its models can be
    from geoserver_app.metadata.defaults import defaults_for
    from geoserver_app.metadata.models import LayerMetadata
    from layers import registry

    have = set(LayerMetadata.objects.values_list("layer", flat=True))
    LayerMetadata.objects.bulk_create([LayerMetadata(layer=layer.id, **defaults_for(layer))
                                       for layer in registry.LAYERS if layer.id not in have])


class MetadataConfig(AppConfig):
    name = "geoserver_app.metadata"
    label = "metadata"
    verbose_name = _("Layer metadata")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(ensure_rows, sender=self)
