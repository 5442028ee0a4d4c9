# SPDX-License-Identifier: MIT
"""What MapProxy and mapserv need from the environment, set once by the app or a command.

MapProxy calls ``mapserv`` as a CGI child with a copy of ``os.environ``, and expands
``${BASEMAP_VAR_DIR}`` in its configuration from it. So the database connection reaches
mapserv as libpq's ``PG*`` variables (the mapfiles hold no secret), MapServer 8 finds its
config file through ``MAPSERVER_CONFIG_FILE``, and the cache directory follows
``BASEMAP_VAR_DIR``.
"""
from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from geoserver_app.tiles import mapfile, mapproxy_config
from layers import libpq


def database_environment() -> dict[str, str]:
    """libpq variables of Django's default database (mapserv reads them)."""
    return libpq.environment()


def tile_environment() -> dict[str, str]:
    """Every variable the tile stack reads."""
    return {**database_environment(),
            "BASEMAP_VAR_DIR": str(Path(settings.VAR_DIR).resolve()),
            "MAPSERVER_CONFIG_FILE": str(base_dir() / mapfile.CONFIG_FILE)}


def prepare_environment() -> None:
    """Put the tile stack's variables into this process's environment (idempotent)."""
    os.environ.update(tile_environment())
    tiles_dir().mkdir(parents=True, exist_ok=True)


def base_dir() -> Path:
    return Path(settings.BASE_DIR).resolve()


def tiles_dir() -> Path:
    """The tile cache root, ``var/tiles``."""
    return Path(settings.VAR_DIR).resolve() / "tiles"


def internal_tiles_dir() -> Path:
    """The caches of internal layers, ``var/tiles-internal`` (never served from disk)."""
    return Path(settings.VAR_DIR).resolve() / "tiles-internal"


def services_dir() -> Path:
    """The run-time configurations, one directory per catalog version, ``var/services``."""
    return Path(settings.VAR_DIR).resolve() / "services"


def config_path(full: bool) -> Path:
    """The committed MapProxy configuration of an access level (the registry's)."""
    name = mapproxy_config.FULL_CONFIG if full else mapproxy_config.PUBLIC_CONFIG
    return base_dir() / name
