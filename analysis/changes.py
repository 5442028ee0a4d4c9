# SPDX-License-Identifier: MIT
"""Change feed: what changed in a layer since a time, deletions included (tombstones)."""
from __future__ import annotations

from psycopg2 import sql

from analysis import inputs
from analysis.db import fetch
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
    false it asks again at once (more than MAX_CHANGES changes).
    """
    layer = inputs.visible_layer(grant, data.get("layer"))
    since = inputs.timestamp(data, "since")
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
    }
