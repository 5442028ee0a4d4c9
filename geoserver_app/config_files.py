# SPDX-License-Identifier: MIT
"""Files generated from the layer registry and committed (``render_configs``).

Each entry names a file (relative to the repository) and the function that renders its
text. ``render_configs --check`` fails when a committed file differs from what the registry
gives, so the files people read are never stale. This module gathers the services' files,
so it sits above them (project wiring); the services use ``geoserver_app.generated``.
"""
from __future__ import annotations

from geoserver_app.generated import GeneratedFile
from geoserver_app.ogcapi import pages as ogcapi_pages
from geoserver_app.ogcapi import pygeoapi_config as ogcapi_config
from geoserver_app.tiles import mapfile, mapproxy_config, nginx


def generated_files() -> list[GeneratedFile]:
    """Every generated file; services append theirs here."""
    return [*tile_files(), *ogcapi_files()]


def ogcapi_files() -> list[GeneratedFile]:
    """pygeoapi's configuration and its HTML templates without CDN links."""
    return [GeneratedFile(ogcapi_config.CONFIG_FILE, ogcapi_config.render_yaml),
            *ogcapi_pages.generated_files()]


def tile_files() -> list[GeneratedFile]:
    """The MapServer mapfiles and the MapProxy configurations."""
    return [GeneratedFile(mapfile.PUBLIC_MAPFILE, mapfile.render_public),
            GeneratedFile(mapfile.INTERNAL_MAPFILE, mapfile.render_internal),
            GeneratedFile(mapfile.FONTSET, mapfile.render_fontset),
            GeneratedFile(mapfile.CONFIG_FILE, mapfile.render_config),
            *mapproxy_config.generated(),
            GeneratedFile(nginx.CONFIG, nginx.render)]
