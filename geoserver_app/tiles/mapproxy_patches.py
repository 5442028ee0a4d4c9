# SPDX-License-Identifier: MIT
"""The changes to MapProxy's behaviour (MapProxy 7.0.0), explained and tested.

MapProxy renders OGC exceptions for bad requests (``image size too large``, ``layer X is
not queryable``, unknown layer in WMS 1.1.1) with the exception handler's default HTTP
status, which is 500 for WMS. Our interface contract answers bad input with a 4xx, so a
*non-internal* ``RequestError`` (MapProxy's own flag: the request, not a source, is at
fault) whose status would be 5xx is answered with 400; the body stays MapProxy's OGC
exception. Source failures (``internal=True``) keep their 5xx, which ``geoserver_app.tiles.service``
turns into a JSON 503. tests/tiles/test_bad_input.py fails if upstream changes this.

A second change keeps tiles flowing when the cache cannot be written (disk full, read-only
volume): storing a tile or taking its lock file fails with an ``OSError``; MapProxy would
answer 500 (store) or wait 60 s for a lock it can never create. Here the tile is served from
memory, uncached and unlocked, and the failure is logged once per cache folder, not per
request. tests/tiles/test_cache_fault.py covers it.
"""
from __future__ import annotations

import logging

import mapproxy.version
from mapproxy.cache.file import FileCache
from mapproxy.exception import RequestError
from mapproxy.util import lock as mapproxy_lock
from mapproxy.util.ext.lockfile import LockError

log = logging.getLogger(__name__)
_WARNED: set[str] = set()

PINNED = "7.0.0"
_APPLIED = "_basemap_client_status"


def client_status(error: RequestError) -> int | None:
    """400 for a client error that MapProxy would answer with a 5xx, else None."""
    if error.internal or error.status is not None:
        return None
    handler = getattr(error.request, "exception_handler", None)
    if handler is None:
        return 400
    status = handler.status_codes.get(error.code, handler.status_code)
    return 400 if status >= 500 else None


def apply() -> None:
    """Patch ``RequestError.render`` once (idempotent); refuse an unexpected version."""
    if getattr(RequestError, _APPLIED, False):
        return
    if mapproxy.version.version != PINNED:
        raise RuntimeError(f"geoserver_app.tiles.mapproxy_patches is written for MapProxy {PINNED}, "
                           f"found {mapproxy.version.version}: re-check the patch")
    original = RequestError.render

    def render(self: RequestError):
        status = client_status(self)
        if status is not None:
            self.status = status
        return original(self)

    RequestError.render = render
    _serve_without_cache_on_write_errors()
    setattr(RequestError, _APPLIED, True)


def warn_once(place: str, error: OSError) -> None:
    """Log a cache write failure once per folder."""
    if place not in _WARNED:
        _WARNED.add(place)
        log.warning("tile cache not writable at %s (%s): serving tiles without caching",
                    place, error)


def _serve_without_cache_on_write_errors() -> None:
    store, lock = FileCache.store_tile, mapproxy_lock.FileLock.lock
    try_lock = mapproxy_lock.FileLock._try_lock

    def store_tile(self: FileCache, tile, dimensions=None):
        try:
            return store(self, tile, dimensions=dimensions)
        except OSError as error:
            warn_once(self.cache_dir, error)
            return False

    def take_lock(self: mapproxy_lock.FileLock):
        try:
            return lock(self)
        except OSError as error:  # the lock file or its folder cannot be made
            warn_once(str(self.lock_file), error)

    def try_or_fail_fast(self: mapproxy_lock.FileLock):
        try:
            return try_lock(self)
        except LockError as error:  # "could not create": not contention, no use retrying
            if isinstance(error.__cause__, OSError) and "Could not create" in str(error):
                raise error.__cause__ from None
            raise

    FileCache.store_tile = store_tile
    mapproxy_lock.FileLock.lock = take_lock
    mapproxy_lock.FileLock._try_lock = try_or_fail_fast
