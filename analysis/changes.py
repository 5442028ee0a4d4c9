# SPDX-License-Identifier: MIT
"""Change feed: what changed in a layer since a time, deletions included (tombstones)."""
from __future__ import annotations

from psycopg2 import sql

from analysis import inputs
from analysis.db import fetch
from layers import changefeed
from layers.grants import Grant

MAX_CHANGES = 50_000
CHANGED = ("SELECT id, version, updated_at FROM {table} WHERE updated_at > %(since)s "
           "ORDER BY updated_at, id LIMIT %(cap)s")
DELETED = ("SELECT feature_id, version, deleted_at FROM feature_tombstones "
           "WHERE layer = %(layer)s AND deleted_at > %(since)s "
           "ORDER BY deleted_at, feature_id LIMIT %(cap)s")


def changes(grant: Grant, data: dict) -> dict:
    """Compact diff since ``since``: changed ids with versions, deleted ids, and a cursor.

    A client stores ``until`` and passes it as the next ``since``; when ``complete`` is
    false it asks again at once (more than MAX_CHANGES changes). ``resync`` (reason, at) says
    the diff cannot be told: the layer was replaced after ``since``, or its deletions from
    then were pruned (layers/changefeed.py); the client fetches the layer again.
    """
    layer = inputs.visible_layer(grant, data.get("layer"))
    since = inputs.timestamp(data, "since")
    resync = changefeed.resync_needed(
        (fetch(sql.SQL(changefeed.RESYNC), {"layer": layer.table, "since": since}) or [None])[0])
    if resync is not None:
        return {"layer": layer.id, "since": since.isoformat(), "until": since.isoformat(),
                "complete": True, "changed": [], "deleted": [], "resync": resync.as_json()}
    params = {"since": since, "layer": layer.id, "cap": MAX_CHANGES}
    changed = fetch(sql.SQL(CHANGED).format(table=sql.Identifier(layer.table)), params)
    deleted = fetch(sql.SQL(DELETED), params)
    times = [row[2] for row in changed + deleted]
    return {
        "layer": layer.id, "since": since.isoformat(),
        "until": max(times).isoformat() if times else since.isoformat(),
        "complete": len(changed) < MAX_CHANGES and len(deleted) < MAX_CHANGES,
        "changed": [{"id": i, "version": v} for i, v, _t in changed],
        "deleted": [{"id": i, "version": v} for i, v, _t in deleted],
        "resync": None,
    }
