# SPDX-License-Identifier: MIT
"""Purge the cached tiles a catalog change made wrong.

When a layer's access, sensitive attributes, style, zoom range or tiles flag changes, or it
is retired or restored, every cached tile that draws it (its overlay, and the base map when
the base map shows it) is deleted, so no stale tile shows what is no longer public (the
reverse proxy serves cached public tiles straight from disk). Each worker purges when it
hears a change (``watch``) and again when it switches its MapProxy apps to the new version
(``geoserver_app.tiles.service``), which removes tiles it rendered from the old version
meanwhile; purging is idempotent, so several workers may do it at once. A process's first
version is compared with the newest older version directory on disk, once per version (a
``purged`` marker), so a change made while the servers were stopped is purged too.
"""
from __future__ import annotations

import logging
import threading

from geoserver_app.tiles import invalidation, runtime
from layers import catalog
from layers.catalog import Catalog

log = logging.getLogger(__name__)


def changed_layers(old: dict[str, list], new: dict[str, list]) -> list[str]:
    """Layers drawn differently in ``new`` than in ``old`` (``runtime.drawings``)."""
    return [layer_id for layer_id in dict.fromkeys([*old, *new])
            if old.get(layer_id) != new.get(layer_id)]


def purge_layers(layer_ids: list[str], version: int) -> int:
    """Delete the cached tiles of the caches that draw these layers; tiles removed."""
    removed = 0
    for layer_id in layer_ids:
        removed += invalidation.purge_caches(layer_id)
        log.info("catalog version %d: purged the cached tiles of %s", version, layer_id)
    return removed


def purge_changes(old: Catalog, new: Catalog) -> int:
    """Delete the cached tiles of every layer ``new`` draws differently from ``old``."""
    return purge_layers(changed_layers(runtime.drawings(old), runtime.drawings(new)),
                        new.version)


def catch_up(old: Catalog | None, new: Catalog) -> int:
    """Purge for a switch to ``new``: from this process's ``old`` version, or (a process's
    first version) from the newest older version on disk unless a worker already did."""
    marker = runtime.version_dir(new.version) / runtime.PURGED
    if old is None and marker.exists():
        return 0
    before = runtime.drawings(old) if old else runtime.drawings_before(new.version)
    removed = purge_layers(changed_layers(before, runtime.drawings(new)), new.version)
    marker.touch()
    return removed


class Watcher:
    """A catalog subscriber: purges after each change notice (in the listener thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: Catalog | None = None

    def __call__(self) -> None:
        with self.lock:
            new = catalog.current()
            if self.seen is not None and self.seen.version != new.version:
                purge_changes(self.seen, new)
            self.seen = new


_watching: list[Watcher] = []


def watch() -> None:
    """Purge on every catalog change this process hears of (subscribed once per process)."""
    if not _watching:
        _watching.append(Watcher())
        catalog.subscribe(_watching[0])
