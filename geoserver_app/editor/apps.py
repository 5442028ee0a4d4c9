# SPDX-License-Identifier: MIT
"""App config of the analysts' admin."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorConfig(AppConfig):
    name = "geoserver_app.editor"
    label = "editor"
    verbose_name = _("Feature editing")

    def ready(self) -> None:
        """Show the layer dashboard on the admin index."""
        # local: django.contrib.admin needs the app registry, ready only now
        from django.contrib import admin

        admin.site.index_template = "editor/index.html"
