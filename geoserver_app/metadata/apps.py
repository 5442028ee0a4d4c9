# SPDX-License-Identifier: MIT
"""App config of the layer metadata."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetadataConfig(AppConfig):
    name = "geoserver_app.metadata"
    label = "metadata"
    verbose_name = _("Layer metadata")
    default_auto_field = "django.db.models.BigAutoField"
