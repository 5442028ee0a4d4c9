# SPDX-License-Identifier: MIT
from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Nhập dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"
