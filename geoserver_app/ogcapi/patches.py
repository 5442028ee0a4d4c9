# SPDX-License-Identifier: MIT
"""Every change we make to pygeoapi's own functions, in one place, pinned to pygeoapi 0.24.0.

``install()`` runs once, when the OGC API starts (``ogcapi/urls.py`` is imported with the
URLconf; commands that never serve the API do not import pygeoapi). It replaces three
module-level functions; tests/ogcapi/test_patches.py fails when pygeoapi changes any of them,
so an upgrade forces a review here.

1. ``pygeoapi.django_.views.execute_from_django`` builds a new ``API`` from the one global
   config on every request. It becomes ``dispatch.execute``: the cached API of the
   request's grant, conditional GETs, ``Vary``, gzip level, size limit, 503 (see dispatch.py).
2. ``pygeoapi.api.itemtypes.transform_bbox`` builds a pyproj Transformer per request, even for
   CRS84 -> CRS84 (~15 ms). Ours returns the bbox unchanged when the CRSs are the same and
   caches Transformers.
3. ``pygeoapi.crs.get_srid`` (imported by ``provider/sql.py`` as ``get_srid``) falls back to a
   slow proj4 round trip for every call (~15 ms). Ours caches the answer per CRS.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import pygeoapi
import pygeoapi.api.itemtypes as itemtypes
import pygeoapi.django_.views as django_views
import pyproj
from pygeoapi import crs as pygeoapi_crs

from geoserver_app.ogcapi import dispatch

PYGEOAPI_VERSION = "0.24.0"
upstream_transform_bbox = pygeoapi_crs.transform_bbox
upstream_get_srid = pygeoapi_crs.get_srid


@functools.lru_cache(maxsize=64)
def _transformer(from_crs: str, to_crs: str, always_xy: bool) -> tuple[Callable, bool]:
    source, target = pygeoapi_crs.get_crs(from_crs), pygeoapi_crs.get_crs(to_crs)
    transform = pyproj.Transformer.from_crs(source, target, always_xy=always_xy).transform
    return transform, target.to_epsg() == 3857


def transform_bbox(bbox: list, from_crs: str | pyproj.CRS, to_crs: str | pyproj.CRS,
                   always_xy: bool = False) -> list:
    """``pygeoapi.crs.transform_bbox`` without the per-call Transformer."""
    if not isinstance(from_crs, str) or not isinstance(to_crs, str):
        return upstream_transform_bbox(bbox, from_crs, to_crs, always_xy)
    if from_crs == to_crs:
        return list(bbox)
    transform, web_mercator = _transformer(from_crs, to_crs, always_xy)
    if web_mercator:
        bbox = [bbox[0], max(-85.0511, bbox[1]), bbox[2], min(85.0511, bbox[3])]
    n_dims = len(bbox) // 2
    return list(transform(*bbox[:n_dims]) + transform(*bbox[n_dims:]))


@functools.lru_cache(maxsize=64)
def _srid_of(key: str) -> int | None:
    return upstream_get_srid(key)


def get_srid(crs: str | pyproj.CRS) -> int | None:
    """``pygeoapi.crs.get_srid`` computed once per CRS."""
    return _srid_of(crs if isinstance(crs, str) else crs.to_wkt())


def check_version() -> None:
    """Refuse to patch a pygeoapi we have not reviewed."""
    if pygeoapi.__version__ != PYGEOAPI_VERSION:
        raise RuntimeError(f"geoserver_app.ogcapi.patches is written for pygeoapi "
                           f"{PYGEOAPI_VERSION}, found {pygeoapi.__version__}: review it")


def install() -> None:
    """Apply the three replacements (idempotent)."""
    check_version()
    django_views.execute_from_django = dispatch.execute
    itemtypes.transform_bbox = transform_bbox
    pygeoapi_crs.get_srid = get_srid
    sql_provider = sys.modules.get("pygeoapi.provider.sql")
    if sql_provider is not None:
        sql_provider.get_srid = get_srid
