# SPDX-License-Identifier: MIT
"""One pygeoapi ``API`` object per distinct view (catalog version and grant), built lazily.

Each API is built from the configuration view of its grant (``pygeoapi_config.for_grant``)
over the run-time catalog, so the public API has no internal collection and no sensitive
attribute anywhere: not in ``/collections``, ``/openapi``, queryables, schemas, items or
tiles. Nothing is filtered after the fact. A catalog change (a new version) drops every API
of the process: the next request of each grant builds its API from the new catalog.
"""
from __future__ import annotations

import threading

from pygeoapi.api import API
from pygeoapi.openapi import get_oas

from geoserver_app.ogcapi import jobs, pygeoapi_config
from layers import catalog
from layers.grants import Grant

MAX_APIS = 64


class ApiCache:
    """The APIs of the current catalog version, keyed by grant view and URL."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: int | None = None
        self.base: dict | None = None
        self.apis: dict[tuple, API] = {}

    def get(self, grant: Grant, url: str) -> API:
        current = catalog.current()
        key = (grant.view_key(), url)
        with self.lock:
            if self.version != current.version:
                self.version, self.base, self.apis = current.version, None, {}
            api = self.apis.get(key)
            if api is None:
                if self.base is None:
                    self.base = pygeoapi_config.full_config(current)
                api = build(self.base, grant, url)
                if len(self.apis) >= MAX_APIS:
                    self.apis.pop(next(iter(self.apis)))
                self.apis[key] = api
            return api

    def clear(self) -> None:
        with self.lock:
            self.version, self.base, self.apis = None, None, {}


def build(base: dict, grant: Grant, url: str) -> API:
    view = pygeoapi_config.for_grant(base, grant, url)
    view["server"]["templates"] = {"path": str(pygeoapi_config.TEMPLATES_DIR)}
    view["server"]["manager"] = jobs.manager(grant)
    return API(view, get_oas(view, fail_on_invalid_collection=False))


_cache = ApiCache()


def api_for(grant: Grant, url: str) -> API:
    """The API of ``grant`` serving at ``url`` (the request's origin + /ogcapi)."""
    return _cache.get(grant, url)


def clear() -> None:
    """Forget every API (after the configuration changed)."""
    _cache.clear()
