# SPDX-License-Identifier: MIT
"""Tile invalidation: drop the cached tiles that cover changed features.

Every write statement on a layer table queues ``tile_invalidations(layer, bbox 4326)`` rows
(old and new geometry) and sends ``NOTIFY basemap_changes`` (migration 0004). The consumer
takes a batch of rows (``FOR UPDATE SKIP LOCKED``, so several workers share the queue),
removes the cached tiles of the affected caches (the layer's overlay, and the base map when
the layer is drawn in it) at every level of every grid, and deletes the rows in the same
transaction: a failure leaves the rows for the next run. Only files that exist are visited,
so a small change costs a few directory listings, whatever the zoom range.

The bbox is widened by the metatile margin at each level, since labels and wide symbols
reach beyond a feature's own extent. A catalog change that alters how a layer is drawn
(``geoserver_app.tiles.purge``) removes all its tiles with ``purge_caches``. Runs from ``start_listener()`` (a daemon thread with
its own connection, reconnecting after database restarts) and ``manage.py invalidate_tiles``.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapproxy.config.loader import load_configuration
from mapproxy.grid.tile_grid import TileGrid
from mapproxy.srs import SRS
from psycopg2 import sql

from geoserver_app.tiles import environment, mapfile, mapproxy_config
from layers import changefeed, libpq, notify

log = logging.getLogger(__name__)
CHANNEL = "basemap_changes"
BATCH = 500
TAKE_BATCH = sql.SQL(
    "DELETE FROM tile_invalidations WHERE id IN (SELECT id FROM tile_invalidations ORDER BY id "
    "LIMIT {limit} FOR UPDATE SKIP LOCKED) "
    "RETURNING layer, ST_XMin(bbox), ST_YMin(bbox), ST_XMax(bbox), ST_YMax(bbox)")
BBox = tuple[float, float, float, float]


def affected_caches(layer_id: str) -> list[str]:
    """The MapProxy caches that draw a layer: its overlay, and the base map if it is in it."""
    caches = [layer_id]
    if layer_id in mapfile.basemap_layer_ids():
        caches.append(mapproxy_config.BASEMAP)
    return caches


def cache_directories(cache: str) -> list[Path]:
    """Where MapProxy keeps a cache's tiles (every grid), shared by every catalog version:
    apart while its layer is internal, so both places."""
    return [environment.tiles_dir() / cache, environment.internal_tiles_dir() / cache]


def purge_caches(layer_id: str) -> int:
    """Delete every cached tile of the caches that draw a layer; the number removed.

    Files are unlinked and directories kept, so a tile MapProxy is writing meanwhile still
    finds its directory; idempotent, and safe when several workers purge at once.
    """
    removed = 0
    for cache in affected_caches(layer_id):
        for root in cache_directories(cache):
            for directory, _dirs, names in os.walk(root):
                for name in names:
                    Path(directory, name).unlink(missing_ok=True)
                    removed += 1
    return removed


@dataclass(frozen=True)
class CachedGrid:
    """One cache in one grid: where its files are and how tiles are numbered."""

    cache: str
    grid: TileGrid
    directory: Path

    def tiles_to_remove(self, bbox: BBox) -> Iterator[Path]:
        """Existing tile files (tms layout: level/x/y.ext) that touch ``bbox`` (WGS 84)."""
        box = SRS(4326).transform_bbox_to(self.grid.srs, bbox)
        for level in range(self.grid.levels):
            level_dir = self.directory / str(level)
            if level_dir.is_dir():
                yield from self.level_tiles(level_dir, level, box)

    def level_tiles(self, level_dir: Path, level: int, box: BBox) -> Iterator[Path]:
        margin = self.grid.resolution(level) * mapproxy_config.META_BUFFER
        x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
        cols, rows = self.grid.grid_sizes[level]
        tx0, ty0, _z = self.grid.tile_coord_for_point(x0, y1, level)
        tx1, ty1, _z = self.grid.tile_coord_for_point(x1, y0, level)
        xs = range(max(min(tx0, tx1), 0), min(max(tx0, tx1), cols - 1) + 1)
        ys = range(max(min(ty0, ty1), 0), min(max(ty0, ty1), rows - 1) + 1)
        for column in _numbered(level_dir, xs):
            for tile in column.iterdir():
                if tile.stem.isdigit() and int(tile.stem) in ys:
                    yield tile


def _numbered(directory: Path, wanted: range) -> Iterator[Path]:
    """Sub-directories of ``directory`` whose numeric name is in ``wanted``."""
    for entry in directory.iterdir():
        if entry.name.isdigit() and int(entry.name) in wanted and entry.is_dir():
            yield entry


def cached_grids(cache: str) -> list[CachedGrid]:
    """Every grid of a cache, in both its places. All caches share the grids and the
    directory layout (``<cache>/<grid>``), so the base map's, as MapProxy loads it, serve
    for any layer's, published ones included."""
    conf = load_configuration(str(environment.config_path(full=True)))
    return [CachedGrid(cache, grid, root / Path(manager.cache.cache_dir).name)
            for grid, _extent, manager in conf.caches[mapproxy_config.BASEMAP].caches()
            for root in cache_directories(cache)]


class Invalidator:
    """Removes tiles for queued bboxes; grids are loaded once per process."""

    def __init__(self) -> None:
        self._grids: dict[str, list[CachedGrid]] = {}

    def grids(self, cache: str) -> list[CachedGrid]:
        if cache not in self._grids:
            self._grids[cache] = cached_grids(cache)
        return self._grids[cache]

    def remove(self, layer_id: str, bbox: BBox) -> int:
        """Delete the cached tiles of ``layer_id`` around ``bbox``; the number removed."""
        removed = 0
        for cache in affected_caches(layer_id):
            for cached in self.grids(cache):
                for tile in cached.tiles_to_remove(bbox):
                    tile.unlink(missing_ok=True)
                    removed += 1
        return removed

    def process(self, connection) -> tuple[int, int]:
        """Drain the queue in batches: (rows processed, tiles removed)."""
        rows = tiles = 0
        while True:
            with connection:  # one transaction per batch: rows go only if tiles went
                with connection.cursor() as cursor:
                    cursor.execute(TAKE_BATCH.format(limit=sql.Literal(BATCH)))
                    batch = cursor.fetchall()
                    for layer_id, *bbox in batch:
                        tiles += self.remove(layer_id, tuple(bbox))
            rows += len(batch)
            if len(batch) < BATCH:
                return rows, tiles


def connect():
    """A new psycopg2 connection to Django's default database."""
    return libpq.connect("basemap-tile-invalidation")


class Listener(notify.ChannelListener):
    """LISTEN basemap_changes and invalidate the tiles the queued changes cover; prune the
    change feed's expired tombstones now and then (layers/changefeed.py: every tombstone
    comes with a write, and this is the one step every app process runs on writes)."""

    def __init__(self, invalidator: Invalidator | None = None,
                 connector: Callable[[], Any] = connect) -> None:
        super().__init__("tile-invalidation", CHANNEL, connector)
        self.invalidator = invalidator or Invalidator()
        self.pruner = changefeed.Pruner()
        self.processed = 0

    def heard(self, connection) -> None:
        rows, tiles = self.invalidator.process(connection)
        self.processed += rows
        if rows:
            log.info("tile invalidation: %d changes, %d tiles removed", rows, tiles)
        pruned = self.pruner.maybe(connection)
        if pruned:
            log.info("change feed: %d tombstones past the retention pruned", pruned)


_started: dict[int, Listener] = {}


def start_listener() -> Listener:
    """The process's listener thread (one per process; started once)."""
    pid = os.getpid()
    if pid not in _started or not _started[pid].is_alive():
        _started[pid] = Listener()
        _started[pid].start()
    return _started[pid]
