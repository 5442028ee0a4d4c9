# SPDX-License-Identifier: MIT
"""The layer catalog app: registry, models, registry/model consistency checks."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Lớp dữ liệu nền")

    def ready(self) -> None:
        from layers import checks  # noqa: F401  (registers the system check)
