# SPDX-License-Identifier: MIT
"""The SQL the admin writes with, in one place; identifiers quoted by psycopg2.sql.

Every write runs in the caller's transaction after ``set_actor`` so the change-capture
triggers (migration 0004) record who did it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from psycopg2 import sql

from layers import province, registry
from layers import sql as layer_sql


def set_actor(username: str) -> None:
    """``SET LOCAL basemap.actor = 'user:<username>'`` for the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(layer_sql.SET_ACTOR, [f"user:{username}"])


def update_if_version(layer: registry.Layer, pk: int, version: int,
                      values: Mapping[str, Any]) -> int | None:
    """``UPDATE ... WHERE id AND version``: the new version, or None when it changed meanwhile."""
    columns = list(values)
    query = sql.SQL("UPDATE {table} SET {sets} WHERE id = %s AND version = %s "
                    "RETURNING version").format(
        table=sql.Identifier(layer.table),
        sets=sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection),
                       [*values.values(), pk, version])
        row = cursor.fetchone()
    return row[0] if row else None


def lock_version(layer: registry.Layer, pk: int) -> int | None:
    """The row's current version, locked until the transaction ends (None: no such row)."""
    query = sql.SQL("SELECT version FROM {table} WHERE id = %s FOR UPDATE").format(
        table=sql.Identifier(layer.table))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), [pk])
        row = cursor.fetchone()
    return row[0] if row else None


def inside_province(layer: registry.Layer, ewkb: bytes) -> bool:
    """Whether a geometry (EPSG:9214) lies inside the province plus a buffer.

    The province is the union of ``admin_provinces`` when it has rows (and the edited layer
    is not that one), else its bounding box.
    """
    xmin, ymin, xmax, ymax = province.extent_vn2000()
    params = {"g": ewkb, "buffer": province.EDIT_BUFFER_M, "xmin": xmin, "ymin": ymin,
              "xmax": xmax, "ymax": ymax, "use_provinces": layer.id != "admin_provinces"}
    with connection.cursor() as cursor:
        cursor.execute(_INSIDE_PROVINCE, params)
        return bool(cursor.fetchone()[0])


_INSIDE_PROVINCE = """
SELECT ST_Within(ST_GeomFromEWKB(%(g)s), ST_Buffer(coalesce(
    (SELECT ST_Union(geom) FROM admin_provinces WHERE %(use_provinces)s),
    ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 9214)), %(buffer)s))
"""


def delete_batch_features(layer: registry.Layer, batch_id: int) -> int:
    """Delete the features an ingest batch loaded; the number deleted."""
    query = sql.SQL("DELETE FROM {table} WHERE ingest_batch_id = %s").format(
        table=sql.Identifier(layer.table))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), [batch_id])
        return cursor.rowcount


# Above this many rows (the planner's statistics) the dashboard reads estimates: counting
# and measuring 5M parcels on every load of the admin index took seconds
ESTIMATE_FROM = 100_000


def layer_summary(layer: registry.Layer) -> tuple[int, Any, Sequence[float] | None]:
    """(feature count, last update, WGS 84 extent ``(xmin, ymin, xmax, ymax)`` or None).

    Large layers: the count and extent from the statistics (``pg_class.reltuples``,
    ``ST_EstimatedExtent``), the last update through the ``updated_at`` index; small layers
    (or never analyzed) exactly."""
    table = sql.Identifier(layer.table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                       [table.as_string(cursor.connection)])
        row = cursor.fetchone()
        estimate = row[0] if row else -1
        if estimate < ESTIMATE_FROM:
            query = sql.SQL("SELECT n, updated, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                            "FROM (SELECT count(*) AS n, max(updated_at) AS updated, "
                            "ST_Extent(geom_4326) AS e FROM {table}) AS s").format(table=table)
            cursor.execute(query.as_string(cursor.connection))
        else:
            query = sql.SQL("SELECT %s, (SELECT max(updated_at) FROM {table}), ST_XMin(e), "
                            "ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
                            "ST_EstimatedExtent('public', %s, 'geom_4326') AS e) AS s").format(
                table=table)
            cursor.execute(query.as_string(cursor.connection), [estimate, layer.table])
        count, updated, *extent = cursor.fetchone()
    return count, updated, (tuple(extent) if extent[0] is not None else None)


def batch_outline(layer: registry.Layer, batch_id: int,
                  limit: int = 5000) -> tuple[tuple[float, ...], str] | None:
    """WGS 84 extent and SVG path data of (up to ``limit``) features an ingest batch loaded.

    Points become small squares so that every geometry draws as path data.
    """
    query = sql.SQL(
        "SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g), ST_AsSVG(g, 0, 6) FROM "
        "(SELECT ST_Collect(g) AS g FROM (SELECT CASE WHEN ST_Dimension(geom_4326) = 0 "
        "THEN ST_Expand(geom_4326, 0.0002)::geometry ELSE geom_4326 END AS g FROM {table} "
        "WHERE ingest_batch_id = %s LIMIT %s) AS f) AS c").format(
        table=sql.Identifier(layer.table))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), [batch_id, limit])
        *extent, path = cursor.fetchone()
    # a collection's members are separated by ";", which is not SVG path syntax
    return None if path is None else (tuple(extent), path.replace(";", " "))


def insert_row(layer: registry.Layer, values: Mapping[str, Any]) -> None:
    """``INSERT`` one row with the given column values (a restored feature keeps its id)."""
    query = sql.SQL("INSERT INTO {table} ({columns}) VALUES ({values})").format(
        table=sql.Identifier(layer.table),
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in values),
        values=sql.SQL(", ").join(sql.Placeholder() * len(values)))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), list(values.values()))


def capture_baseline(layer: registry.Layer, pk: int) -> None:
    """Record a feature's current version in ``feature_history`` if it is not there yet.

    Features loaded with history off (a layer's first load by ``publish``, bulk ingests)
    have no captured version; before the first edit, their loaded state is recorded (as
    written by the batch that loaded it) so that it can be seen and reverted to.
    """
    query = sql.SQL(_BASELINE).format(table=sql.Identifier(layer.table))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), {"layer": layer.id, "pk": pk})


_BASELINE = """
INSERT INTO feature_history (layer, feature_id, version, operation, changed_at, actor, data, geom)
SELECT %(layer)s, t.id, t.version, 'I', t.updated_at,
       coalesce('ingest:' || nullif(b.created_by, ''), 'ingest:' || b.id, 'db:unknown'),
       to_jsonb(t) - 'geom' - 'geom_4326', t.geom
FROM {table} t LEFT JOIN ingest_batches b ON b.id = t.ingest_batch_id
WHERE t.id = %(pk)s AND NOT EXISTS (SELECT 1 FROM feature_history h
    WHERE h.layer = %(layer)s AND h.feature_id = t.id AND h.version = t.version)
"""
