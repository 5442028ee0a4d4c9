# SPDX-License-Identifier: MIT
"""``publish --table SCHEMA.TABLE``: serve a table a DBA loaded (ogr2ogr, QGIS) as a layer.

How it is served: a view named after the layer id in ``public`` over the table, exposing
what every service reads from a layer (``id``, the attributes under safe names, ``geom`` in
EPSG:9214, ``geom_4326``, ``created_at``/``updated_at``/``version``). The table itself is not
altered or copied: the DBA keeps loading and editing it with their tools, and the layer
shows every change at once. ``geom_4326`` is ``ST_Transform`` of the source column, backed
by an expression GiST index created on the table, so bounding-box reads stay indexed.
The layer is read-only for the server (not editable; ``ingest`` refuses it): its writes
belong to the table's owner, and the curated tables' triggers (history, tombstones, tile
invalidation) are not added to a table the server does not own.

Required: a single-column integer primary key (the features' ids; a table without one is
refused with the reason), exactly one geometry column of one geometry family, a known SRID
(or ``--source-crs``) and at least one row with a geometry. Views are refused: they have no
primary key to give the features stable ids.
"""
from __future__ import annotations

from django.db import transaction
from psycopg2 import sql

from ingest import load, names
from ingest import publish_sql as q
from ingest.errors import IngestError
from ingest.publish import DEFAULT_STYLES, Entry, check_free, keywords, sensitive_names
from layers import catalog
from layers.registry import Attribute, Geometry

TABLE = """
SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relname = %s
"""
PRIMARY_KEY = """
SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = %s AND i.indisprimary
"""
GEOMETRY_COLUMNS = ("SELECT f_geometry_column, srid, upper(type) FROM geometry_columns "
                    "WHERE f_table_schema = %s AND f_table_name = %s ORDER BY 1")
SRID_KNOWN = "SELECT 1 FROM spatial_ref_sys WHERE srid = %s"
COLUMNS = """
SELECT attname, format_type(atttypid, NULL) FROM pg_attribute
WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped AND atttypid <> 'geometry'::regtype
ORDER BY attnum
"""
INTEGER_TYPES = {"smallint", "integer", "bigint"}
TYPES = {"smallint": "integer", "integer": "integer", "bigint": "integer",
         "double precision": "number", "real": "number", "numeric": "number",
         "date": "date", "timestamp with time zone": "datetime",
         "timestamp without time zone": "datetime", "boolean": "boolean"}
FAMILIES = {"POINT": Geometry.POINT, "LINESTRING": Geometry.LINE,
            "MULTILINESTRING": Geometry.LINE, "POLYGON": Geometry.POLYGON,
            "MULTIPOLYGON": Geometry.POLYGON}


def split(name: str) -> tuple[str, str]:
    schema, dot, table = name.partition(".")
    if not dot or not schema or not table:
        raise IngestError(f"--table {name!r}: ghi SCHEMA.TABLE, ví dụ import.truong_hoc")
    return schema, table


def _one(cursor, query: str, params) -> list[tuple]:
    cursor.execute(query, params)
    return cursor.fetchall()


def epsg(text: str) -> int:
    code = text.strip().upper().removeprefix("EPSG:")
    if not code.isdigit():
        raise IngestError(f"--source-crs {text!r}: ghi EPSG:N, ví dụ EPSG:9214")
    return int(code)


def _geometry_column(cursor, schema: str, table: str,
                     source_crs: str | None) -> tuple[str, int, str]:
    """The one geometry column, its SRID (``--source-crs`` overrides) and declared type."""
    geoms = _one(cursor, GEOMETRY_COLUMNS, [schema, table])
    if len(geoms) != 1:
        raise IngestError(f"{schema}.{table} có {len(geoms)} cột hình học / has "
                          f"{len(geoms)} geometry columns: cần đúng một")
    column, srid, kind = geoms[0]
    if source_crs:
        srid = epsg(source_crs)
    if not srid:
        raise IngestError(f"cột {column} không khai báo hệ tọa độ (SRID 0) / unknown CRS: "
                          "dùng --source-crs EPSG:N")
    if not _one(cursor, SRID_KNOWN, [srid]):
        raise IngestError(f"hệ tọa độ EPSG:{srid} không có trong PostGIS / unknown CRS")
    return column, srid, kind


def inspect(cursor, schema: str, table: str, source_crs: str | None) -> dict:
    """The table's key, geometry column, SRID and family; IngestError says what is wrong."""
    found = _one(cursor, TABLE, [schema, table])
    if not found:
        raise IngestError(f"không có bảng {schema}.{table} / no such table")
    oid, kind = found[0]
    if kind not in ("r", "p"):
        raise IngestError(f"{schema}.{table} không phải bảng (khung nhìn không có khóa chính) "
                          "/ not a table: views have no primary key")
    key = _one(cursor, PRIMARY_KEY, [oid])
    if not key:
        raise IngestError(f"bảng {schema}.{table} không có khóa chính / has no primary key: "
                          "các đối tượng cần mã ổn định; thêm ví dụ ALTER TABLE ... ADD "
                          "COLUMN gid bigserial PRIMARY KEY")
    if len(key) > 1 or key[0][1] not in INTEGER_TYPES:
        raise IngestError(f"khóa chính của {schema}.{table} phải là một cột số nguyên / the "
                          "primary key must be one integer column")
    column, srid, kind = _geometry_column(cursor, schema, table, source_crs)
    return {"oid": oid, "key": key[0][0], "geom": column, "srid": srid,
            "family": _family(cursor, schema, table, column, kind)}


def _family(cursor, schema: str, table: str, column: str, declared: str) -> Geometry:
    if declared in FAMILIES:
        return FAMILIES[declared]
    kinds = {row[0] for row in _one(cursor, sql.SQL(
        "SELECT DISTINCT upper(GeometryType({g})) FROM {t} WHERE {g} IS NOT NULL").format(
        g=sql.Identifier(column), t=sql.Identifier(schema, table)), [])}
    families = {FAMILIES.get(kind) for kind in kinds}
    if not kinds:
        raise IngestError(f"{schema}.{table} không có đối tượng nào có hình học / no features")
    if None in families or len(families) > 1:
        raise IngestError(f"{schema}.{table} trộn hoặc có kiểu hình học không hỗ trợ "
                          f"({', '.join(sorted(kinds))}) / mixed or unsupported geometry types")
    return families.pop()


def view(layer_id: str, schema: str, table: str, facts: dict,
         attributes: list[tuple[str, Attribute]]) -> list[sql.Composed]:
    """The view serving the table, and the index behind its ``geom_4326``."""
    source, g = sql.Identifier(schema, table), sql.Identifier(facts["geom"])
    native = sql.SQL("ST_SetSRID({g}, {s})").format(g=g, s=sql.Literal(facts["srid"]))
    multi = facts["family"] is not Geometry.POINT
    geom = sql.SQL("ST_Multi(ST_Transform({n}, 9214))" if multi else
                   "ST_Transform({n}, 9214)").format(n=native)
    web = sql.SQL("ST_Transform({n}, 4326)").format(n=native)
    cast = {"text": "::text"}
    columns = sql.SQL("").join(
        sql.SQL(", {c}{cast} AS {a}").format(c=sql.Identifier(column),
                                             cast=sql.SQL(cast.get(a.type, "")),
                                             a=sql.Identifier(a.name))
        for column, a in attributes)
    return [
        sql.SQL("CREATE INDEX {i} ON {t} USING gist (({web}))").format(
            i=sql.Identifier(f"{table}_{layer_id}_g4326"[:63]), t=source, web=web),
        sql.SQL("CREATE VIEW {v} AS SELECT {k}::bigint AS id, NULL::timestamptz AS created_at, "
                "NULL::timestamptz AS updated_at, 1 AS version{columns}, {geom} AS geom, "
                "{web} AS geom_4326 FROM {t} WHERE {g} IS NOT NULL").format(
            v=sql.Identifier(layer_id), k=sql.Identifier(facts["key"]), columns=columns,
            geom=geom, web=web, t=source, g=g)]


def register_table(name: str, entry: Entry, *, source_crs: str | None = None,
                   dry_run: bool = False, user: str = "") -> str:
    """Publish ``name`` (SCHEMA.TABLE) as the layer ``entry.id``; a one-line summary."""
    schema, table = split(name)
    check_free(entry.id)
    with transaction.atomic(), load.raw_cursor() as cursor:
        facts = inspect(cursor, schema, table, source_crs)
        columns = [(c, t) for c, t in _one(cursor, COLUMNS, [facts["oid"]])
                   if c != facts["key"]]
        safe = names.column_names([c for c, _t in columns], keywords(cursor))
        attributes = [(c, Attribute(n, c, TYPES.get(t, "text")))
                      for (c, t), n in zip(columns, safe, strict=True)]
        described = tuple(a for _c, a in attributes)
        sensitive = sensitive_names(entry.sensitive, described)
        cursor.execute(q.SET_ACTOR, [f"publish:{user or 'system'}"])
        for statement in view(entry.id, schema, table, facts, attributes):
            cursor.execute(statement)
        cursor.execute(q.INSERT_CATALOG, [
            entry.id, f"{schema}.{table}", entry.title_vi, entry.title_en, entry.sector.value,
            facts["family"].value, entry.access.value, list(sensitive),
            catalog.style_json_text(DEFAULT_STYLES[facts["family"]]),
            catalog.attributes_json(described), False])
        if dry_run:
            transaction.set_rollback(True)
    catalog.invalidate()
    return (f"{schema}.{table}: {len(described)} thuộc tính, {facts['family'].value}, "
            f"EPSG:{facts['srid']}, khóa {facts['key']} -> lớp {entry.id}")
