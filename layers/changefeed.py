# SPDX-License-Identifier: MIT
"""The change feed's bounds: whole-layer replaces, tombstone retention, and when to resync.

Deletions are tombstones (``feature_tombstones``, written by the delete trigger), but a
whole-layer ``ingest --mode replace`` is one event (``layer_replacements``: "layer replaced
at T; fetch it again"), not a tombstone per replaced feature: three reloads of 500k parcels
used to leave 1.5 million rows, and every replace paid for those before it. A replace
without per-row history (the large ones; ``ingest/load.py``) writes no tombstones and drops
the layer's earlier ones, which its event supersedes; a small replace with history keeps
its tombstones, since the admin restores deleted features from them.

Tombstones older than the retention (``BASEMAP_TOMBSTONE_RETENTION_DAYS``, default 90) are
pruned by ``prune`` and the layer's horizon (``change_feed_horizons``) moves forward. Both
consumers of the feed, the ``changes`` process and ``/collections/{id}/deletions``, ask
``resync_needed`` first: a client whose ``since`` is before the layer's last replace, or
before its horizon, cannot be told what it missed and must fetch the layer again.

Pruning runs in the tile-invalidation listener of every app process (the one periodic
step the server already has: it wakes on every write, and every tombstone comes with a
write), at most once per PRUNE_INTERVAL_S and in one process at a time (advisory lock), and
from ``manage.py prune_changes`` where that listener is off (cron, like
``invalidate_tiles``). No new scheduler: the project has none, and a prune that is a few
hours late costs nothing.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass

from layers import sql as layer_sql

DEFAULT_RETENTION_DAYS = 90
PRUNE_INTERVAL_S = 3600
PRUNE_LOCK = 0x62_6d_70_72  # advisory lock key: one pruner at a time ("bmpr")

RESYNC = ("SELECT (SELECT max(replaced_at) FROM layer_replacements "
          "WHERE layer = %(layer)s AND replaced_at > %(since)s), "
          "(SELECT pruned_before FROM change_feed_horizons "
          "WHERE layer = %(layer)s AND pruned_before > %(since)s)")
PRUNE = """
WITH gone AS (
    DELETE FROM feature_tombstones WHERE deleted_at < %(cutoff)s RETURNING layer
)
INSERT INTO change_feed_horizons (layer, pruned_before)
SELECT DISTINCT layer, %(cutoff)s FROM gone
ON CONFLICT (layer) DO UPDATE
SET pruned_before = greatest(change_feed_horizons.pruned_before, EXCLUDED.pruned_before)
"""
PRUNED = "SELECT count(*) FROM feature_tombstones WHERE deleted_at < %(cutoff)s"
TRY_LOCK = "SELECT pg_try_advisory_xact_lock(%s)"


@dataclass(frozen=True)
class Resync:
    """Why a client must fetch the layer again, and since when."""

    reason: str  # "replaced" | "expired"
    at: dt.datetime

    def as_json(self) -> dict:
        return {"reason": self.reason, "at": self.at.isoformat()}

    def message(self, layer: str) -> str:
        if self.reason == "replaced":
            return (f"lớp {layer} đã được thay thế toàn bộ lúc {self.at.isoformat()}: hãy tải "
                    f"lại toàn bộ lớp (layer replaced at {self.at.isoformat()}; fetch it again)")
        return (f"since cũ hơn thời hạn lưu các đối tượng đã xóa của lớp {layer} "
                f"({self.at.isoformat()}): hãy tải lại toàn bộ lớp (since is older than the "
                "retention of deletions; fetch the layer again)")


def retention() -> dt.timedelta:
    """How long tombstones are kept (``BASEMAP_TOMBSTONE_RETENTION_DAYS``, default 90)."""
    from django.conf import settings

    return dt.timedelta(days=getattr(settings, "BASEMAP_TOMBSTONE_RETENTION_DAYS",
                                     DEFAULT_RETENTION_DAYS))


def resync_needed(row: tuple | None) -> Resync | None:
    """Read the answer of RESYNC (parameters ``layer`` and ``since``): the last replace after
    ``since``, else the horizon after it, else None (the feed is complete)."""
    replaced, pruned = row if row else (None, None)
    if replaced is not None:
        return Resync("replaced", replaced)
    if pruned is not None:
        return Resync("expired", pruned)
    return None


def prune(cursor, now: dt.datetime | None = None) -> int | None:
    """Delete tombstones older than the retention and move the horizons, and fold the layers'
    row count changes into one row each; the number of tombstones deleted, or None when another process is pruning (in the caller's transaction)."""
    cursor.execute(TRY_LOCK, [PRUNE_LOCK])
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(layer_sql.COMPACT_ROW_COUNTS)  # one row per layer (layers/sql.py)
    cutoff = (now or dt.datetime.now(dt.UTC)) - retention()
    cursor.execute(PRUNED, {"cutoff": cutoff})
    count = cursor.fetchone()[0]
    if count:
        cursor.execute(PRUNE, {"cutoff": cutoff})
    return count


class Pruner:
    """Runs ``prune`` at most once per PRUNE_INTERVAL_S (per process)."""

    def __init__(self, interval: float = PRUNE_INTERVAL_S) -> None:
        self.interval = interval
        self.last = float("-inf")

    def maybe(self, connection) -> int | None:
        if time.monotonic() - self.last < self.interval:
            return None
        self.last = time.monotonic()
        with connection, connection.cursor() as cursor:
            return prune(cursor)


def retention_days_from_env() -> int:
    """The setting's value (settings.py): a positive whole number of days."""
    text = os.environ.get("BASEMAP_TOMBSTONE_RETENTION_DAYS", "").strip()
    if not text:
        return DEFAULT_RETENTION_DAYS
    days = int(text)
    if days < 1:
        raise ValueError("BASEMAP_TOMBSTONE_RETENTION_DAYS must be at least 1")
    return days
