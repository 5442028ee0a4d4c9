# SPDX-License-Identifier: MIT
"""Every SQL statement of the ingest pipeline, identifiers quoted by psycopg2.sql."""
from __future__ import annotations

from psycopg2 import sql

from layers import catalog_sql, logins_sql
from layers import sql as layer_sql

STAGING_PREFIX = "ingest_stage_"

FIND_STAGING = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE %s"
TRY_LOCK = "SELECT pg_try_advisory_lock(%s)"
LOCK = "SELECT pg_advisory_lock(%s)"
UNLOCK = "SELECT pg_advisory_unlock(%s)"
SET_ACTOR = layer_sql.SET_ACTOR
SET_HISTORY = "SELECT set_config('basemap.history', %s, true)"
PROVINCE_REGION = ("SELECT ST_AsBinary(ST_Buffer(ST_Union(ST_SimplifyPreserveTopology(geom, 50)), "
                   "%s)) FROM admin_provinces")
CREATE_BATCH = ("INSERT INTO ingest_batches (layer, source, mode, created_by, report) "
                "VALUES (%s, %s, %s, %s, '{}'::jsonb) RETURNING id")
# the batch id of a build and swap, taken before staging (the twin is filled meanwhile)
RESERVE_BATCH_ID = "SELECT nextval(pg_get_serial_sequence('ingest_batches', 'id'))"
CREATE_BATCH_WITH_ID = ("INSERT INTO ingest_batches (id, layer, source, mode, created_by, report) "
                        "VALUES (%s, %s, %s, %s, %s, '{}'::jsonb) RETURNING id")
FINISH_BATCH = "UPDATE ingest_batches SET finished_at = now(), report = %s WHERE id = %s"


def drop_redacted_view(name: str) -> sql.Composed:
    return sql.SQL("DROP VIEW IF EXISTS {}.{}").format(sql.Identifier(logins_sql.REDACTED),
                                                      sql.Identifier(name))


# makes every server process re-sync the personal logins (their views and privileges)
NOTIFY_CATALOG = f"SELECT pg_notify('{catalog_sql.CHANNEL}', 'swap')"


def drop_table(name: str) -> sql.Composed:
    return sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name))


def create_staging(name: str, columns: list[tuple[str, str]]) -> sql.Composed:
    """An UNLOGGED staging table: source fid, the target columns (typed like the layer)."""
    defs = [sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind))
            for column, kind in columns]
    return sql.SQL("CREATE UNLOGGED TABLE {} (fid bigint NOT NULL, row_no bigint NOT NULL, {})").format(
        sql.Identifier(name), sql.SQL(", ").join(defs))


def copy_staging(name: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("COPY {} (fid, row_no, {}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns)))


def _key(names: tuple[str, ...], alias: str) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(alias, name) for name in names)


def delete_duplicates(name: str, key: tuple[str, ...], order: str) -> sql.Composed:
    """Drop all but the first feature (by ``order``: the staged fid, or the twin's id) of each
    natural key; return (``order`` value, the first's) for each dropped."""
    return sql.SQL(
        "DELETE FROM {t} s USING (SELECT {o}, first_value({o}) OVER "
        "(PARTITION BY {k} ORDER BY {o}) AS first FROM {t} d) dup "
        "WHERE s.{o} = dup.{o} AND dup.{o} <> dup.first RETURNING s.{o}, dup.first"
    ).format(t=sql.Identifier(name), o=sql.Identifier(order), k=_key(key, "d"))


def delete_existing(name: str, live: str, key: tuple[str, ...]) -> sql.Composed:
    """Append mode: drop staged features whose natural key the live layer already has."""
    return sql.SQL("DELETE FROM {t} s USING {live} l WHERE ({sk}) = ({lk}) RETURNING s.fid").format(
        t=sql.Identifier(name), live=sql.Identifier(live), sk=_key(key, "s"), lk=_key(key, "l"))


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


# --- build and swap (large replace loads; see ingest/swap.py) ---------------------------
BUILD_PREFIX = "ingest_build_"

# the table as pg_get_indexdef names it: always schema-qualified
_QUALIFIED = ("(SELECT format('%%I.%%I', n.nspname, t.relname) FROM pg_class t "
              "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = %(t)s)")

# Why a table cannot simply be rebuilt under its name: one row per obstacle (none: it can).
# the redacted views of personal logins (layers/logins_sql.py) are dropped by the swap and
# made again by their next sync, which the swap's catalog notice starts
SWAP_BLOCKERS = f"""
SELECT 'loại bảng ' || c.relkind::text FROM pg_class c WHERE c.oid = %(t)s AND c.relkind <> 'r'
UNION ALL SELECT 'bảng không ghi nhật ký' FROM pg_class c
    WHERE c.oid = %(t)s AND c.relpersistence <> 'p'
UNION ALL SELECT 'bảng con/phân vùng' FROM pg_inherits WHERE %(t)s IN (inhrelid, inhparent)
UNION ALL SELECT 'RLS, tùy chọn lưu trữ hoặc replica identity riêng' FROM pg_class c
    WHERE c.oid = %(t)s AND (c.relrowsecurity OR c.reloptions IS NOT NULL OR c.relreplident <> 'd')
UNION ALL SELECT 'chính sách ' || polname FROM pg_policy WHERE polrelid = %(t)s
UNION ALL SELECT 'khóa ngoại ' || conname || ' trỏ tới bảng' FROM pg_constraint
    WHERE confrelid = %(t)s
UNION ALL SELECT 'ràng buộc ' || conname FROM pg_constraint
    WHERE conrelid = %(t)s AND contype NOT IN ('p', 'u', 'f', 'c')
UNION ALL SELECT 'khung nhìn/quy tắc ' || r.rulename FROM pg_depend d
    JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
    WHERE d.refobjid = %(t)s AND r.ev_class NOT IN (SELECT c.oid FROM pg_class c
        WHERE c.relnamespace = to_regnamespace('{logins_sql.REDACTED}'))
UNION ALL SELECT 'dãy số bước khác 1 ' || s.seqrelid::regclass::text FROM pg_attribute a
    JOIN pg_sequence s ON s.seqrelid = pg_get_serial_sequence(%(t)s::regclass::text, a.attname)::regclass
    WHERE a.attrelid = %(t)s AND a.attnum > 0 AND NOT a.attisdropped AND s.seqincrement <> 1
UNION ALL SELECT 'xuất bản ' || prpubid::text FROM pg_publication_rel WHERE prrelid = %(t)s
UNION ALL SELECT 'thống kê mở rộng ' || stxname FROM pg_statistic_ext WHERE stxrelid = %(t)s
UNION ALL SELECT 'quyền theo cột ' || attname FROM pg_attribute
    WHERE attrelid = %(t)s AND attacl IS NOT NULL
UNION ALL SELECT 'trigger tắt ' || tgname FROM pg_trigger
    WHERE tgrelid = %(t)s AND NOT tgisinternal AND tgenabled <> 'O'
UNION ALL SELECT 'chỉ mục ' || i.indexrelid::regclass::text FROM pg_index i
    WHERE i.indrelid = %(t)s
      AND NOT starts_with(pg_get_indexdef(i.indexrelid),
                          format('CREATE %%sINDEX %%I ON %%s USING ',
                                 CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END,
                                 (SELECT relname FROM pg_class WHERE oid = i.indexrelid),
                                 """ + _QUALIFIED + """))
"""
TABLE_OID = "SELECT to_regclass(%s)::oid"
TABLE_FACTS = ("SELECT pg_get_userbyid(relowner), obj_description(oid, 'pg_class') "
               "FROM pg_class WHERE oid = %s")
CURRENT_USER = "SELECT current_user"
SHOW_LOCK_TIMEOUT = "SELECT current_setting('lock_timeout')"
TABLE_GRANTS = ("SELECT coalesce(pg_get_userbyid(nullif(a.grantee, 0)), 'PUBLIC'), "
                "a.privilege_type, a.is_grantable FROM pg_class c, aclexplode(c.relacl) a "
                "WHERE c.oid = %s ORDER BY 1, 2")
# every index: the definition after "CREATE [UNIQUE] INDEX name ON table " (SWAP_BLOCKERS
# guarantees that prefix), and the constraint it backs, if any, with its deferrability
TABLE_INDEXES = """
SELECT c.relname, i.indisunique, substr(pg_get_indexdef(i.indexrelid),
       length(format('CREATE %%sINDEX %%I ON %%s ', CASE WHEN i.indisunique THEN 'UNIQUE '
                                                  ELSE '' END, c.relname, """ + _QUALIFIED + """))
              + 1),
       k.conname, k.contype, k.condeferrable, k.condeferred
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
WHERE i.indrelid = %(t)s ORDER BY c.relname
"""
# what the twin's rows must match: names, types, NOT NULL, defaults and generation
# expressions (identity left out: the twin has none until the swap)
TABLE_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON (d.adrelid, d.adnum) = (a.attrelid, a.attnum)
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
TABLE_FOREIGN_KEYS = ("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                      "WHERE conrelid = %s AND contype = 'f' ORDER BY conname")
TABLE_TRIGGERS = ("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                  "WHERE tgrelid = %s AND NOT tgisinternal ORDER BY tgname")
# columns fed by a sequence: identity kind ('' for serial), the sequence and its settings
TABLE_SEQUENCES = """
SELECT a.attname, a.attidentity, n.nspname, s.relname, format_type(q.seqtypid, NULL),
       q.seqincrement, q.seqmin, q.seqmax, q.seqstart, q.seqcache, q.seqcycle
FROM pg_attribute a
JOIN pg_class s ON s.oid = pg_get_serial_sequence(%(t)s::regclass::text, a.attname)::regclass
JOIN pg_namespace n ON n.oid = s.relnamespace
JOIN pg_sequence q ON q.seqrelid = s.oid
WHERE a.attrelid = %(t)s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
# the two COPY connections build the twin's indexes side by side on the two cores already:
# parallel btree workers on top would only compete with them
NO_PARALLEL_BUILDS = "SET max_parallel_maintenance_workers = 0"
SET_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', %s, true)"
SAVEPOINT = "SAVEPOINT ingest_swap_lock"
ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT ingest_swap_lock"
RELEASE_SAVEPOINT = "RELEASE SAVEPOINT ingest_swap_lock"
NOTIFY_CHANGES = "SELECT pg_notify('basemap_changes', %s)"


def create_build(name: str, live: str) -> sql.Composed:
    """An empty twin of the live table: columns, defaults, generated columns, CHECKs, comments,
    storage; no indexes, no identity (ids come from the live table's sequence), no triggers."""
    return sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES "
                   "EXCLUDING IDENTITY)").format(sql.Identifier(name), sql.Identifier(live))


def insert_build(name: str, staging: str, columns: list[str], ids: list[tuple[str, int]],
                 multi: bool) -> sql.Composed:
    """Staged rows ``%(first)s <= row_no < %(last)s`` into the twin table; each sequence column
    gets its reserved first id + row_no (``ids``: column, first id), so ids follow COPY order."""
    return sql.SQL("INSERT INTO {build} ({cols}, ingest_batch_id) SELECT {values}, %(batch)s "
                   "FROM {t} WHERE row_no >= %(first)s AND row_no < %(last)s").format(
        build=sql.Identifier(name),
        cols=sql.SQL(", ").join([*(sql.Identifier(column) for column, _ in ids),
                                 *map(sql.Identifier, columns)]),
        values=sql.SQL(", ").join([*(sql.SQL("{} + row_no").format(sql.Literal(first))
                                     for _, first in ids), _staged(columns, multi)]),
        t=sql.Identifier(staging))


def copy_build(name: str, columns: list[str], form: str, freeze: bool = False) -> sql.Composed:
    """COPY batches straight into the twin (ids, staged columns with EWKB geometry, batch
    id); ``form`` is binary or csv. ``freeze`` (only for a table created in the same
    transaction): the rows are written frozen and all-visible, so the first reads after the
    commit do not rewrite every page to set hint bits, nor does a later anti-wraparound
    vacuum."""
    return sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT {}{})").format(
        sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL({"binary": "binary", "csv": "csv"}[form]),
        sql.SQL(", FREEZE" if freeze else ""))


def insert_build_from(name: str, source: str, columns: list[str]) -> sql.Composed:
    """Fill the twin from an earlier twin (set aside): the same values in ``columns``."""
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    return sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
        sql.Identifier(name), cols, cols, sql.Identifier(source))


# ``rows`` ids from a sequence in one go: the first of them (the others are taken by setval)
RESERVE_IDS = ("SELECT v, setval(%(seq)s::regclass, v + %(rows)s - 1) "
               "FROM (SELECT nextval(%(seq)s::regclass) AS v) AS n")


def sql_name(schema: str, name: str) -> str:
    """A schema-qualified name as regclass text (for nextval/setval arguments)."""
    return '"{}"."{}"'.format(schema.replace('"', '""'), name.replace('"', '""'))


def constraint_using_index(table: str, name: str, kind: str, deferrable: bool,
                           deferred: bool) -> sql.Composed:
    """Turn the (same-named) unique index into the PRIMARY KEY / UNIQUE constraint."""
    return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {}{}").format(
        sql.Identifier(table), sql.Identifier(name),
        sql.SQL("PRIMARY KEY" if kind == "p" else "UNIQUE"), sql.Identifier(name),
        sql.SQL((" DEFERRABLE" if deferrable else "") + (" INITIALLY DEFERRED" if deferred else "")))


def add_constraint(table: str, name: str, definition: str) -> sql.Composed:
    """``definition`` is pg_get_constraintdef's text, generated by PostgreSQL itself."""
    return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
        sql.Identifier(table), sql.Identifier(name), sql.SQL(definition))


def create_index(table: str, name: str, unique: bool, tail: str) -> sql.Composed:
    """``tail`` is pg_get_indexdef's text from ``USING``, generated by PostgreSQL itself."""
    return sql.SQL("CREATE {}INDEX {} ON {} {}").format(
        sql.SQL("UNIQUE " if unique else ""), sql.Identifier(name), sql.Identifier(table),
        sql.SQL(tail))


def analyze(table: str) -> sql.Composed:
    return sql.SQL("ANALYZE {}").format(sql.Identifier(table))


def lock_exclusive(live: str) -> sql.Composed:
    return sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(live))


def sequence_state(schema: str, name: str) -> sql.Composed:
    return sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(schema, name))


SET_SEQUENCE = "SELECT setval(%s::regclass, %s, %s)"


def own_sequence(schema: str, name: str, table: str, column: str) -> sql.Composed:
    return sql.SQL("ALTER SEQUENCE {} OWNED BY {}").format(
        sql.Identifier(schema, name), sql.Identifier(table, column))


def add_identity(table: str, column: str, kind: str, schema: str, name: str,
                 settings: tuple) -> sql.Composed:
    """Make ``column`` an identity again, its sequence named and set up like the old one."""
    _type, increment, minimum, maximum, start, cache, cycle = settings  # type: the column's
    return sql.SQL("ALTER TABLE {t} ALTER COLUMN {c} ADD GENERATED {kind} AS IDENTITY "
                   "(SEQUENCE NAME {s} INCREMENT BY {i} MINVALUE {lo} MAXVALUE {hi} "
                   "START WITH {start} CACHE {cache} {cycle})").format(
        t=sql.Identifier(table), c=sql.Identifier(column),
        kind=sql.SQL("ALWAYS" if kind == "a" else "BY DEFAULT"), s=sql.Identifier(schema, name),
        i=sql.Literal(increment), lo=sql.Literal(minimum),
        hi=sql.Literal(maximum), start=sql.Literal(start), cache=sql.Literal(cache),
        cycle=sql.SQL("CYCLE" if cycle else "NO CYCLE"))


def drop_index(name: str) -> sql.Composed:
    return sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(name))


def rename_table(old: str, new: str) -> sql.Composed:
    return sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new))


def rename_constraint(table: str, old: str, new: str) -> sql.Composed:
    return sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(
        sql.Identifier(table), sql.Identifier(old), sql.Identifier(new))


def rename_index(old: str, new: str) -> sql.Composed:
    return sql.SQL("ALTER INDEX {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new))


def set_owner(table: str, owner: str) -> sql.Composed:
    return sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), sql.Identifier(owner))


def grant(table: str, grantee: str, privilege: str, grantable: bool) -> sql.Composed:
    return sql.SQL("GRANT {} ON {} TO {}{}").format(
        sql.SQL(privilege), sql.Identifier(table),
        sql.SQL("PUBLIC") if grantee == "PUBLIC" else sql.Identifier(grantee),
        sql.SQL(" WITH GRANT OPTION" if grantable else ""))


def comment_table(table: str) -> sql.Composed:
    return sql.SQL("COMMENT ON TABLE {} IS %s").format(sql.Identifier(table))


# A whole-layer replace is one change-feed event, not a tombstone per feature
# (layers/changefeed.py): the delete trigger skips tombstones while this is off, ...
TOMBSTONES_OFF = "SELECT set_config('basemap.tombstones', 'off', true)"
# ... the event is recorded, and the layer's earlier tombstones, which it supersedes, go
RECORD_REPLACE = ("INSERT INTO layer_replacements (layer, replaced_at, batch_id, actor, "
                  "features) VALUES (%s, clock_timestamp(), %s, basemap_actor(), %s)")
DROP_SUPERSEDED_TOMBSTONES = "DELETE FROM feature_tombstones WHERE layer = %s"


def count_rows(table: str) -> sql.Composed:
    return sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))


def invalidate_both(layer: str, live: str, build: str) -> sql.Composed:
    """One tile invalidation covering the old and the new features."""
    return sql.SQL(
        "INSERT INTO tile_invalidations (layer, bbox) "
        "SELECT {layer}, ST_Expand(ST_Extent(g), 1e-7)::geometry FROM "
        "(SELECT geom_4326 AS g FROM {live} UNION ALL SELECT geom_4326 FROM {build}) AS b "
        "HAVING count(g) > 0").format(
        layer=sql.Literal(layer), live=sql.Identifier(live), build=sql.Identifier(build))
