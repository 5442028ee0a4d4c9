# SPDX-License-Identifier: MIT
"""Every SQL statement of the ingest pipeline, identifiers quoted by psycopg2.sql."""
from __future__ import annotations

from psycopg2 import sql

STAGING_PREFIX = "ingest_stage_"

FIND_STAGING = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE %s"
TRY_LOCK = "SELECT pg_try_advisory_lock(%s)"
LOCK = "SELECT pg_advisory_lock(%s)"
UNLOCK = "SELECT pg_advisory_unlock(%s)"
SET_ACTOR = "SELECT set_config('basemap.actor', %s, true)"
SET_HISTORY = "SELECT set_config('basemap.history', %s, true)"
COMMUNE_CODES = "SELECT DISTINCT code FROM admin_communes"
PROVINCE_REGION = ("SELECT ST_AsBinary(ST_Buffer(ST_Union(ST_SimplifyPreserveTopology(geom, 50)), "
                   "%s)) FROM admin_provinces")
CREATE_BATCH = ("INSERT INTO ingest_batches (layer, source, mode, created_by, report) "
                "VALUES (%s, %s, %s, %s, '{}'::jsonb) RETURNING id")
FINISH_BATCH = "UPDATE ingest_batches SET finished_at = now(), report = %s WHERE id = %s"


def drop_table(name: str) -> sql.Composed:
    return sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name))


def create_staging(name: str, columns: list[tuple[str, str]]) -> sql.Composed:
    """An UNLOGGED staging table: source fid, the target columns (typed like the layer)."""
    defs = [sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind))
            for column, kind in columns]
    return sql.SQL("CREATE UNLOGGED TABLE {} (fid bigint NOT NULL, {})").format(
        sql.Identifier(name), sql.SQL(", ").join(defs))


def copy_staging(name: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("COPY {} (fid, {}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns)))


def _key(names: tuple[str, ...], alias: str) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(alias, name) for name in names)


def delete_duplicates(name: str, key: tuple[str, ...]) -> sql.Composed:
    """Drop all but the first feature (by fid) of each natural key; return (fid, first fid)."""
    return sql.SQL(
        "DELETE FROM {t} s USING (SELECT fid, first_value(fid) OVER "
        "(PARTITION BY {k} ORDER BY fid) AS first FROM {t} d) dup "
        "WHERE s.fid = dup.fid AND dup.fid <> dup.first RETURNING s.fid, dup.first").format(
        t=sql.Identifier(name), k=_key(key, "d"))


def delete_existing(name: str, live: str, key: tuple[str, ...]) -> sql.Composed:
    """Append mode: drop staged features whose natural key the live layer already has."""
    return sql.SQL("DELETE FROM {t} s USING {live} l WHERE ({sk}) = ({lk}) RETURNING s.fid").format(
        t=sql.Identifier(name), live=sql.Identifier(live), sk=_key(key, "s"), lk=_key(key, "l"))


def count(name: str) -> sql.Composed:
    return sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))


def lock_live(live: str) -> sql.Composed:
    return sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(sql.Identifier(live))


def delete_all(live: str) -> sql.Composed:
    return sql.SQL("DELETE FROM {}").format(sql.Identifier(live))


def _staged(columns: list[str], multi: bool) -> sql.Composed:
    """The staged columns as the live table wants them: geometry with SRID, multi type."""
    geom = "ST_SetSRID(ST_Multi(geom), 9214)" if multi else "ST_SetSRID(geom, 9214)"
    return sql.SQL(", ").join(sql.SQL(geom) if column == "geom" else sql.Identifier(column)
                              for column in columns)


def insert_from(name: str, live: str, columns: list[str], multi: bool) -> sql.Composed:
    """Copy every staged feature into the live layer, pointing at the batch (in COPY order:
    a fresh staging table is read back as written; no sort of a wide table)."""
    return sql.SQL("INSERT INTO {live} ({cols}, ingest_batch_id) "
                   "SELECT {staged}, %s FROM {t}").format(
        live=sql.Identifier(live), cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        staged=_staged(columns, multi), t=sql.Identifier(name))


def upsert_from(name: str, live: str, columns: list[str], key: tuple[str, ...],
                multi: bool) -> sql.Composed:
    """Insert new features, update changed ones, leave identical ones untouched (no version bump).

    Returns (inserted, updated) counts.
    """
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    others = [column for column in columns if column not in key]
    updates = sql.SQL(", ").join(sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c))
                                 for c in [*others, "ingest_batch_id"])
    old = sql.SQL(", ").join(sql.Identifier(live, c) for c in others)
    new = sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in others)
    return sql.SQL(
        "WITH r AS (INSERT INTO {live} ({cols}, ingest_batch_id) SELECT {staged}, %s FROM {t} "
        "ON CONFLICT ({key}) DO UPDATE SET {updates} "
        "WHERE ({old}) IS DISTINCT FROM ({new}) RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM r"
    ).format(live=sql.Identifier(live), cols=cols, t=sql.Identifier(name),
             staged=_staged(columns, multi),
             key=sql.SQL(", ").join(map(sql.Identifier, key)), updates=updates, old=old, new=new)
