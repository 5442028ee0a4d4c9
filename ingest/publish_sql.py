# SPDX-License-Identifier: MIT
"""The SQL of publishing a layer: its table (like the curated ones), checks, catalog row."""
from __future__ import annotations

from psycopg2 import sql

from layers import sql as layer_sql
from layers.registry import Attribute, Geometry

SQL_TYPES = {"text": "text", "integer": "bigint", "number": "double precision",
             "date": "date", "datetime": "timestamptz", "boolean": "boolean"}

KEYWORDS = "SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T', 'C')"
# a relation or type of that name in public (a table would clash), or a catalog entry
ID_TAKEN = """
SELECT CASE
    WHEN EXISTS (SELECT 1 FROM layer_catalog WHERE id = %(id)s) THEN 'catalog'
    WHEN to_regclass(format('public.%%I', %(id)s)) IS NOT NULL THEN 'relation'
    WHEN to_regtype(format('public.%%I', %(id)s)) IS NOT NULL THEN 'type'
END
"""
SET_ACTOR = layer_sql.SET_ACTOR


def column_types(attributes: tuple[Attribute, ...]) -> dict[str, str]:
    return {a.name: SQL_TYPES[a.type] for a in attributes}


def create_table(layer_id: str, attributes: tuple[Attribute, ...],
                 geometry: Geometry) -> list[sql.Composed]:
    """The table of a published layer, as the curated layers have it; its primary key,
    indexes and triggers come after the first load (``finish_table``).

    ``ingest_batch_id`` is an indexed link without a foreign key: a table Django does not
    know must not hold a key into ``ingest_batches``, or Django's ``flush`` (TRUNCATE of its
    own tables) fails.
    """
    table = sql.Identifier(layer_id)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(a.name), sql.SQL(SQL_TYPES[a.type]))
        for a in attributes)
    kind = sql.SQL(geometry.value)
    statements = [sql.SQL(
        "CREATE TABLE {t} (id bigserial NOT NULL, "
        "created_at timestamptz NOT NULL DEFAULT now(), "
        "updated_at timestamptz NOT NULL DEFAULT now(), "
        "version integer NOT NULL DEFAULT 1 CHECK (version >= 0){sep}{columns}, "
        "geom geometry({kind}, 9214) NOT NULL, "
        "geom_4326 geometry({kind}, 4326) GENERATED ALWAYS AS (ST_Transform(geom, 4326)) STORED, "
        "ingest_batch_id bigint)").format(
        t=table, sep=sql.SQL(", " if attributes else ""), columns=columns, kind=kind)]
    return statements


def finish_table(layer_id: str, rows: int) -> list[tuple[str, sql.Composed]]:
    """(what, statement) after the first load: the id sequence past its ids, the primary
    key, the indexes (one bulk build each is several times faster than maintaining them row
    by row), the triggers, then statistics.

    The change-capture triggers come after the first load on purpose: that load is of a
    layer nobody has seen (no history wanted, no tombstones to clear, no cached tile to
    invalidate: the new catalog entry purges any), and its transition table of every row
    would be written for nothing.
    """
    table = sql.Identifier(layer_id)
    statements = [
        ("ids", sql.SQL("SELECT setval(pg_get_serial_sequence(format('%I', {name}), 'id'), "
                        "{rows}, {called})").format(name=sql.Literal(layer_id),
                                                    rows=sql.Literal(max(rows, 1)),
                                                    called=sql.Literal(rows > 0))),
        ("primary key", sql.SQL("ALTER TABLE {t} ADD CONSTRAINT {k} PRIMARY KEY (id)").format(
            t=table, k=sql.Identifier(f"{layer_id}_pkey")))]
    statements += [(f"index {suffix}", sql.SQL("CREATE INDEX {i} ON {t} USING {using}").format(
        i=sql.Identifier(f"{layer_id}_{suffix}"), t=table, using=sql.SQL(using)))
        for suffix, using in (("geom", "gist (geom)"), ("g4326", "gist (geom_4326)"),
                              ("batch", "btree (ingest_batch_id)"),
                              # Last-Modified of every page is max(updated_at): one lookup
                              ("updated_at", "btree (updated_at)"))]
    statements.append(("triggers", layer_sql.touch_trigger(layer_id)))
    statements += [("triggers", trigger) for trigger in layer_sql.capture_triggers(layer_id)]
    statements.append(("count", layer_sql.reset_row_count(layer_id, rows)))
    return [*statements, ("analyze", sql.SQL("ANALYZE {}").format(table))]


INSERT_CATALOG = sql.SQL(
    "INSERT INTO layer_catalog (id, origin, model, table_name, title_vi, title_en, sector, "
    "geometry, access, sensitive, style, attributes, editable, position) "
    "SELECT %s, 'published', '', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
    "coalesce(max(position), 0) + 1 FROM layer_catalog")
