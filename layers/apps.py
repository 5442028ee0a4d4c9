# SPDX-License-Identifier: MIT
"""The layer catalog app: registry, models, registry/model consistency checks."""
from django.apps import AppConfig


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = "Lớp dữ liệu nền"

    def ready(self) -> None:
        from layers import checks  # noqa: F401  (registers the system check)
