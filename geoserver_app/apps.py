# SPDX-License-Identifier: MIT
from django.apps import AppConfig


class GeoserverAppConfig(AppConfig):
    name = "geoserver_app"
    verbose_name = "Máy chủ bản đồ nền"

    def ready(self) -> None:
        from geoserver_app.ogcapi import upstream

        upstream.install()
