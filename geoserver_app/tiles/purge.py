# SPDX-License-Identifier: MIT
"""Purge the cached tiles a catalog change made wrong.

When a layer's access, sensitive attributes, style, zoom range or tiles flag changes, or it
is retired or restored, every cached tile that draws it (its overlay, and the base map when
the base map shows it) is deleted, so no stale tile shows what is no longer public (the
reverse proxy serves cached public tiles straight from disk). Each worker purges when it
hears a change (``watch``) and again when it switches its MapProxy apps to the new version
(``geoserver_app.tiles.service``), which removes tiles it rendered from the old version
meanwhile; purging is idempotent, so several workers may do it at once.
"""
from __future__ import annotations

import logging
import threading

from geoserver_app.tiles import invalidation
from layers import catalog
from layers.catalog import Catalog
from layers.registry import Layer

log = logging.getLogger(__name__)


def drawing(layer: Layer | None) -> tuple | None:
    """What of a layer its tiles depend on (None: a layer not drawn at all)."""
    if layer is None:
        return None
    return (layer.access, layer.tiles, layer.sensitive, layer.style, layer.min_zoom,
            layer.max_zoom)


def changed_layers(old: Catalog, new: Catalog) -> list[str]:
    """Layers drawn differently in ``new`` than in ``old`` (retired layers: not drawn)."""
    ids = dict.fromkeys([*old.by_id, *new.by_id])
    return [layer_id for layer_id in ids
            if drawing(old.find(layer_id)) != drawing(new.find(layer_id))]


def purge_changes(old: Catalog, new: Catalog) -> int:
    """Delete the cached tiles of every layer the change draws differently; tiles removed."""
    removed = 0
    for layer_id in changed_layers(old, new):
        removed += invalidation.purge_caches(layer_id)
        log.info("catalog version %d: purged the cached tiles of %s", new.version, layer_id)
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
        _watching[0]()
        catalog.subscribe(_watching[0])
