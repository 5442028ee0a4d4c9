# SPDX-License-Identifier: MIT
"""One pygeoapi ``API`` object per distinct grant, built lazily and cached.

Each API is built from the configuration view of its grant (``pygeoapi_config.for_grant``), so the
public API has no internal collection and no sensitive attribute anywhere: not in
``/collections``, ``/openapi``, queryables, schemas, items or tiles. Nothing is filtered
after the fact.
"""
from __future__ import annotations

import functools

from pygeoapi.api import API
from pygeoapi.openapi import get_oas

from geoserver_app.ogcapi import jobs, pygeoapi_config
from layers.grants import Grant


@functools.lru_cache(maxsize=1)
def base_config() -> dict:
    """The committed pygeoapi-pygeoapi_config.yml (read once per process)."""
    return pygeoapi_config.load()


@functools.lru_cache(maxsize=64)
def api_for(grant: Grant, url: str) -> API:
    """The API of ``grant`` serving at ``url`` (the request's origin + /ogcapi)."""
    view = pygeoapi_config.for_grant(base_config(), grant, url)
    view["server"]["templates"] = {"path": str(pygeoapi_config.TEMPLATES_DIR)}
    view["server"]["manager"] = jobs.manager(grant)
    return API(view, get_oas(view, fail_on_invalid_collection=False))


def clear() -> None:
    """Forget every API (after the registry or the configuration changed)."""
    api_for.cache_clear()
    base_config.cache_clear()
