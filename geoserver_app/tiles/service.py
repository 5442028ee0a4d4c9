# SPDX-License-Identifier: MIT
"""The ``/tiles/`` WSGI app: MapProxy, one app per access level, chosen per request.

``mapproxy.yaml`` (public) and ``mapproxy-full.yaml`` (internal layers too) are separate
MapProxy applications built from separate configurations; a request goes to the full one
only when its grant may read an internal layer. Responses are never filtered.

The configurations are those of the current catalog version (``geoserver_app.tiles.runtime``).
The first request after the version changes builds the new apps while concurrent requests
keep the previous ones; then the tiles the change made wrong are purged and old version
directories removed.
Every response carries ``Vary: Authorization``. A request that makes MapProxy fail
unexpectedly gets a JSON 503 (never a stack trace); bad input is MapProxy's own OGC
exception (4xx) or one of ``tileguard``'s JSON 4xx errors.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from mapproxy.config.loader import ProxyConfiguration, load_configuration
from mapproxy.wsgiapp import MapProxyApp

from geoserver_app import errors
from geoserver_app.security import access
from geoserver_app.tiles import (
    bounds,
    environment,
    invalidation,
    mapproxy_config,
    mapproxy_patches,
    purge,
    runtime,
)
from layers import catalog, grants
from layers.catalog import Catalog

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def needs_full(grant: grants.Grant, layers: Catalog | None = None) -> bool:
    """True when the grant may read at least one internal layer of the catalog."""
    layers = layers or catalog.current()
    return any(grant.can_read(layer.id, layers) for layer in layers.layers if not layer.public)


def json_error(start_response: Callable, status: int, code: str, message: str,
               message_en: str) -> list[bytes]:
    """The JSON error of the tile service, with ``description_en`` and ``Vary``."""
    return errors.wsgi(start_response, status, code, message, message_en,
                       [("Vary", "Authorization")])


def with_vary(start_response: Callable) -> Callable:
    """start_response that adds ``Vary: Authorization`` (responses differ per grant)."""

    def wrapped(status: str, headers: list, exc_info=None):
        return start_response(status, [*headers, ("Vary", "Authorization")], exc_info)

    return wrapped


UNAVAILABLE = (HTTPStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable",
               "Dịch vụ bản đồ tạm thời lỗi (máy chủ dữ liệu hoặc MapServer); "
               "vui lòng thử lại sau ít phút.",
               "The map service is temporarily failing (database or MapServer); "
               "please try again in a few minutes.")


def guarded(app: WSGIApp) -> WSGIApp:
    """Answer a MapProxy 5xx or crash with a short JSON 503 (logged), never a 500."""

    def call(environ: dict, start_response: Callable) -> Iterable[bytes]:
        seen: dict = {}

        def capture(status: str, headers: list, exc_info=None):
            seen.update(status=status, headers=headers)

        try:
            body = list(app(environ, capture))
        except Exception:  # MapProxy or mapserv broke: log it, answer briefly
            log.exception("tile request failed: %s", environ.get("PATH_INFO"))
            return json_error(start_response, *UNAVAILABLE)
        if seen["status"].startswith("5"):
            log.error("tile request failed (%s): %s %s", seen["status"],
                      environ.get("PATH_INFO"), b"".join(body)[:300])
            return json_error(start_response, *UNAVAILABLE)
        with_vary(start_response)(seen["status"], seen["headers"])
        return body

    return call


def listener_enabled() -> bool:
    """BASEMAP_TILE_LISTENER=0 turns the invalidation listener off (tests, seeding hosts)."""
    return settings.BASEMAP_TILE_LISTENER


def mapproxy_app(path: Path) -> tuple[WSGIApp, ProxyConfiguration]:
    """One MapProxy WSGI app from a configuration file."""
    conf = load_configuration(str(path))
    return MapProxyApp(conf.configured_services(), conf.base_config), conf


def lazy(factory: Callable[[], WSGIApp]) -> WSGIApp:
    """A WSGI app built on its first request (the full app is rarely needed; start fast)."""
    built: list[WSGIApp] = []
    lock = threading.Lock()

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not built:
            with lock:
                if not built:
                    built.append(factory())
        return built[0](environ, start_response)

    return app


@dataclass(frozen=True)
class Stack:
    """The MapProxy apps and the tile guard of one catalog version."""

    catalog: Catalog
    public: WSGIApp
    full: WSGIApp
    check: bounds.TileGuard
    public_names: frozenset[str]
    full_names: frozenset[str]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        full = needs_full(access.grant_for_environ(environ), self.catalog)
        problem = self.check(environ, self.full_names if full else self.public_names)
        if problem is not None:
            return json_error(start_response, *problem)
        return guarded(self.full if full else self.public)(environ, start_response)


def tile_layer_names(full: bool, version: Catalog) -> frozenset[str]:
    """The tile layers of an access level's service in a catalog version."""
    return frozenset(item.name for item in mapproxy_config.tile_layers(full, version.layers))


def build_stack(version: Catalog) -> Stack:
    """The apps of a catalog version, from its directory (written if missing)."""
    directory = runtime.ensure(version)
    public, conf = mapproxy_app(directory / mapproxy_config.PUBLIC_CONFIG)
    full = lazy(lambda: mapproxy_app(directory / mapproxy_config.FULL_CONFIG)[0])
    return Stack(version, public, full, bounds.TileGuard(bounds.grids_of(conf)),
                 tile_layer_names(False, version), tile_layer_names(True, version))


class Follower:
    """The stack of the current catalog version, rebuilt on the first request after a change.

    One request builds; requests meanwhile keep the previous stack, so none waits or fails.
    """

    def __init__(self, build: Callable[[Catalog], Stack] = build_stack) -> None:
        self.build = build
        self.lock = threading.Lock()
        self.stack: Stack | None = None

    def current(self) -> Stack:
        stack = self.stack
        if stack is None:
            with self.lock:
                if self.stack is None:
                    self.switch(catalog.current())
        elif stack.catalog.version != catalog.current().version:
            if self.lock.acquire(blocking=False):
                try:
                    self.switch_safely()
                finally:
                    self.lock.release()
        return self.stack

    def switch_safely(self) -> None:
        """Switch to the current version; on failure keep the previous one (logged)."""
        try:
            self.switch(catalog.current())
        except Exception:  # a broken new version must not take the service down
            log.exception("tile service: keeping catalog version %d", self.stack.catalog.version)

    def switch(self, version: Catalog) -> None:
        previous = self.stack
        if previous is not None and previous.catalog.version == version.version:
            return
        self.stack = self.build(version)
        purge.catch_up(previous and previous.catalog, version)
        if previous is not None:
            runtime.remove_old(version.version)


def create_app(listen: bool | None = None) -> WSGIApp:
    """The tile service: public and full MapProxy apps behind the access policy."""
    environment.prepare_environment()
    mapproxy_patches.apply()
    follower = Follower()
    if listener_enabled() if listen is None else listen:
        invalidation.start_listener()
        purge.watch()

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            stack = follower.current()
        except Exception:  # no catalog or no configuration yet (database down at start)
            log.exception("tile service: no configuration to serve %s", environ.get("PATH_INFO"))
            return json_error(start_response, *UNAVAILABLE)
        return stack(environ, start_response)

    return app
