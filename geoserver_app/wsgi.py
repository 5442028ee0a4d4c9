# SPDX-License-Identifier: MIT
"""The one WSGI entry point: ``/tiles/`` goes to the tile service (its WMS GetFeatureInfo to
the OGC web services: MapProxy has no attributes and no grants), ``/wfs`` to the WFS, the
rest to Django.

API paths (``/ogcapi``, ``/tiles``, ``/wfs``) pass through ``guard`` first: it resolves the caller's
grant once (401 for a bad token), rate-limits per token or client address (429), and puts the
grant in the environ where every service reads it. A safe read that failed on a broken
database connection (a failover) is run once more by ``ops/retry``.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoserver_app.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
TILES_PREFIX = "/tiles"
WFS_PATH = "/wfs"


def dispatcher(django_app: WSGIApp, tiles_app: WSGIApp,
               wfs_app: WSGIApp | None = None) -> WSGIApp:
    """Route ``/tiles`` and below to ``tiles_app`` with SCRIPT_NAME set, ``/wfs`` to
    ``wfs_app``, the rest to Django."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if wfs_app is not None and path in (WFS_PATH, WFS_PATH + "/"):
            return wfs_app(environ, start_response)
        if path == TILES_PREFIX or path.startswith(TILES_PREFIX + "/"):
            environ = {**environ,
                       "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + TILES_PREFIX,
                       "PATH_INFO": path[len(TILES_PREFIX):] or "/"}
            return tiles_app(environ, start_response)
        return django_app(environ, start_response)

    return app


def create_application() -> WSGIApp:
    """Build the whole site (a factory, so tests can build their own)."""
    django_app = get_wsgi_application()  # sets Django up: import the services after it
    from django.conf import settings

    from geoserver_app.ops import observe, retry
    from geoserver_app.ows import featureinfo, views, wfs
    from geoserver_app.security import guard
    from geoserver_app.tiles import service
    from layers import catalog

    if settings.CATALOG_LISTENER:
        catalog.follow_changes()
    mapfiles = views.Mapfiles()
    tiles = featureinfo.in_front_of(service.create_app(), featureinfo.create_app(mapfiles))
    site = dispatcher(django_app, tiles, wfs.create_app(mapfiles))
    guarded = guard.protect(site, guard.RateLimiter.from_settings())
    return observe.observe(retry.retry_reads(guarded))


application = create_application()
