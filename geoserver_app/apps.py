# SPDX-License-Identifier: MIT
from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class GeoserverAppConfig(AppConfig):
    name = "geoserver_app"
    verbose_name = "Máy chủ bản đồ nền"

    def ready(self) -> None:
        # local: roles uses auth models, importable once the app registry is ready
        from geoserver_app.security import dblogin_signals, roles

        # after the layers app's own post_migrate has created its permissions
        post_migrate.connect(roles.sync_groups, sender=apps.get_app_config("layers"),
                             dispatch_uid="geoserver_app.sync_groups")
        dblogin_signals.connect()
        # pygeoapi's patches (ogcapi/patches.py) are installed with the /ogcapi/ URLs,
        # not here: commands such as ingest never import pygeoapi
