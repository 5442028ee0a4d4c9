# SPDX-License-Identifier: MIT
"""SQL the layer tables share, kept in one place (used by migrations)."""
from __future__ import annotations

from psycopg2 import sql

from layers import province

_TOUCH = """
CREATE OR REPLACE FUNCTION basemap_touch_feature() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
@CHECK@    -- every write path (admin, API, ingest, QGIS) bumps the version and the timestamp
    NEW.created_at := OLD.created_at;
    NEW.updated_at := clock_timestamp();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;
"""
TOUCH_FUNCTION = _TOUCH.replace("@CHECK@", "")


def touch_function(check: str) -> str:
    """The touch function with ``check`` (PL/pgSQL statements) run before it touches."""
    return _TOUCH.replace("@CHECK@", check)


def touch_trigger(table: str) -> sql.Composed:
    """The BEFORE UPDATE trigger that maintains ``version`` and ``updated_at`` of a table."""
    return sql.SQL("CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                   "EXECUTE FUNCTION basemap_touch_feature()").format(
        name=sql.Identifier(f"{table}_touch"), table=sql.Identifier(table))


def drop_touch_trigger(table: str) -> sql.Composed:
    return sql.SQL("DROP TRIGGER IF EXISTS {name} ON {table}").format(
        name=sql.Identifier(f"{table}_touch"), table=sql.Identifier(table))

# the author the triggers record for the rest of the transaction (read by basemap_actor())
SET_ACTOR = "SELECT set_config('basemap.actor', %s, true)"

# --- change capture: history, tombstones, tile invalidation queue ----------------------
CHANGE_CAPTURE_TABLES = """
CREATE TABLE IF NOT EXISTS feature_history (
    id bigserial PRIMARY KEY,
    layer text NOT NULL,
    feature_id bigint NOT NULL,
    version integer NOT NULL,
    operation char(1) NOT NULL CHECK (operation IN ('I', 'U', 'D')),
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL,
    data jsonb NOT NULL,
    geom geometry
);
CREATE INDEX IF NOT EXISTS feature_history_feature ON feature_history (layer, feature_id, version);
CREATE TABLE IF NOT EXISTS feature_tombstones (
    layer text NOT NULL,
    feature_id bigint NOT NULL,
    version integer NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL,
    PRIMARY KEY (layer, feature_id)
);
CREATE INDEX IF NOT EXISTS feature_tombstones_time ON feature_tombstones (layer, deleted_at);
CREATE TABLE IF NOT EXISTS tile_invalidations (
    id bigserial PRIMARY KEY,
    layer text NOT NULL,
    bbox geometry(Polygon, 4326) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE OR REPLACE FUNCTION basemap_actor() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('basemap.actor', true), ''), 'db:' || session_user)
$$;

CREATE OR REPLACE FUNCTION basemap_history_on() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('basemap.history', true), ''), 'on') <> 'off'
$$;

-- off only inside a whole-layer replace, which records one layer_replacements event instead
CREATE OR REPLACE FUNCTION basemap_tombstones_on() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('basemap.tombstones', true), ''), 'on') <> 'off'
$$;
"""

_CAPTURE_FUNCTIONS = """
-- One function per event; TG_TABLE_NAME is the layer id. Statement-level with transition
-- tables: a 500k-row ingest is one trigger call and set-based inserts, not 500k calls.
CREATE OR REPLACE FUNCTION basemap_capture_insert() RETURNS trigger
LANGUAGE plpgsql@DEFINER@ AS $$
@DECLARE@BEGIN
@CHECK@    IF basemap_history_on() THEN
        INSERT INTO feature_history (layer, feature_id, version, operation, actor, data, geom)
        SELECT TG_TABLE_NAME, n.id, n.version, 'I', basemap_actor(),
               to_jsonb(n) - 'geom' - 'geom_4326', n.geom FROM new_rows n;
    END IF;
    DELETE FROM feature_tombstones t USING new_rows n
        WHERE t.layer = TG_TABLE_NAME AND t.feature_id = n.id;
@COUNT_IN@
    INSERT INTO tile_invalidations (layer, bbox)
        SELECT TG_TABLE_NAME, ST_Expand(ST_Extent(n.geom_4326), 1e-7)::geometry FROM new_rows n
        HAVING count(n.geom_4326) > 0;
    PERFORM pg_notify('basemap_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION basemap_capture_update() RETURNS trigger
LANGUAGE plpgsql@DEFINER@ AS $$
@DECLARE@BEGIN
@CHECK@    IF basemap_history_on() THEN
        INSERT INTO feature_history (layer, feature_id, version, operation, actor, data, geom)
        SELECT TG_TABLE_NAME, n.id, n.version, 'U', basemap_actor(),
               to_jsonb(n) - 'geom' - 'geom_4326', n.geom FROM new_rows n;
    END IF;
    INSERT INTO tile_invalidations (layer, bbox)
        SELECT TG_TABLE_NAME, ST_Expand(ST_Extent(g), 1e-7)::geometry
        FROM (SELECT geom_4326 AS g FROM old_rows UNION ALL SELECT geom_4326 FROM new_rows) AS b
        HAVING count(g) > 0;
    PERFORM pg_notify('basemap_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION basemap_capture_delete() RETURNS trigger
LANGUAGE plpgsql@DEFINER@ AS $$
@DECLARE@BEGIN
    IF basemap_history_on() THEN
        INSERT INTO feature_history (layer, feature_id, version, operation, actor, data, geom)
        SELECT TG_TABLE_NAME, o.id, o.version, 'D', basemap_actor(),
               to_jsonb(o) - 'geom' - 'geom_4326', o.geom FROM old_rows o;
    END IF;
    IF basemap_tombstones_on() THEN
        INSERT INTO feature_tombstones (layer, feature_id, version, actor)
            SELECT TG_TABLE_NAME, o.id, o.version, basemap_actor() FROM old_rows o
            ON CONFLICT (layer, feature_id) DO UPDATE
            SET version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at,
                actor = EXCLUDED.actor;
    END IF;
@COUNT_OUT@
    INSERT INTO tile_invalidations (layer, bbox)
        SELECT TG_TABLE_NAME, ST_Expand(ST_Extent(o.geom_4326), 1e-7)::geometry FROM old_rows o
        HAVING count(o.geom_4326) > 0;
    PERFORM pg_notify('basemap_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""

# A layer's exact number of rows, for the numberMatched of a page with no filter (no count
# of millions of rows on a user's request): the sum of its rows here. Each insert or delete
# statement adds one row (+n or -n; no shared row, so writers never wait for each other),
# ``COMPACT_ROW_COUNTS`` folds them into one per layer, and a load that bypasses the triggers
# (a replace's swap, a publish's first load) sets the layer's count (``reset_row_count``).
COMPACT_ROW_COUNTS = """
WITH gone AS (DELETE FROM layer_row_counts RETURNING layer, n)
INSERT INTO layer_row_counts (layer, n) SELECT layer, sum(n) FROM gone GROUP BY layer"""


def reset_row_count(table: str, rows: int | None = None) -> sql.Composed:
    """The layer ``table``'s count set to ``rows`` (its rows counted when None)."""
    value = (sql.Literal(rows) if rows is not None
             else sql.SQL("(SELECT count(*) FROM {})").format(sql.Identifier(table)))
    return sql.SQL("DELETE FROM layer_row_counts WHERE layer = {name}; "
                   "INSERT INTO layer_row_counts (layer, n) VALUES ({name}, {value})").format(
        name=sql.Literal(table), value=value)


# pruning by age across layers (layers/changefeed.py); the primary key leads with the layer
TOMBSTONES_BY_AGE = ("CREATE INDEX IF NOT EXISTS feature_tombstones_deleted_at "
                     "ON feature_tombstones (deleted_at)")

# The admin's searches at millions of parcels (geoserver_app/editor/search.py): exact lookups
# on parsed numbers (the natural key's unique index serves the commune; these the sheet and
# parcel numbers), and trigram indexes for any part of a text, on upper(column), the
# expression Django's icontains writes. Also the owner name: searched only by its editors.
SEARCH_INDEXES = {
    "land_parcels": (
        "CREATE INDEX IF NOT EXISTS land_parcels_sheet_parcel "
        "ON land_parcels (sheet_no, parcel_no)",
        "CREATE INDEX IF NOT EXISTS land_parcels_parcel_no ON land_parcels (parcel_no)",
        # the commune filter's newest first: without it the list walked the id index from
        # the end through every other commune (1.9 s p50 at 5M for a commune at the start)
        "CREATE INDEX IF NOT EXISTS land_parcels_commune_id ON land_parcels (commune_code, id)",
        "CREATE INDEX IF NOT EXISTS land_parcels_address_trgm ON land_parcels "
        "USING gin (upper(address::text) gin_trgm_ops)",
        "CREATE INDEX IF NOT EXISTS land_parcels_owner_trgm ON land_parcels "
        "USING gin (upper(owner_name::text) gin_trgm_ops)",
    ),
}

# What a personal database login (geoserver_app/security/dblogins.py) may not write: a
# geometry PostGIS finds invalid, or one outside the area the services cover.
_LOGIN_CHECK = """    IF basemap_login_person() IS NOT NULL THEN
        SELECT min(n.id) INTO refused FROM new_rows n WHERE n.geom IS NOT NULL AND NOT (
            ST_IsValid(n.geom) AND ST_CoveredBy(n.geom_4326, ST_MakeEnvelope(@BBOX@, 4326)));
        IF refused IS NOT NULL THEN
            RAISE EXCEPTION '%: feature % has an invalid geometry or one outside the province',
                TG_TABLE_NAME, refused USING ERRCODE = 'check_violation';
        END IF;
    END IF;
"""


_COUNTS = {
    "@COUNT_IN@": "    INSERT INTO layer_row_counts (layer, n) SELECT TG_TABLE_NAME, count(*) "
                  "FROM new_rows;",
    "@COUNT_OUT@": "    INSERT INTO layer_row_counts (layer, n) SELECT TG_TABLE_NAME, -count(*) "
                   "FROM old_rows;",
}


def capture_functions(for_logins: bool, counts: bool = False) -> str:
    """The change-capture trigger functions. ``for_logins``: as the owner (a personal login
    may read the history, never write it), refusing bad geometry from a personal login.
    ``counts``: keeping ``layer_row_counts``, as installed since migration 0014 (the default
    is the text of the migrations before it, which run before that table exists): a later
    migration that installs these functions passes ``counts=True``."""
    functions = _CAPTURE_FUNCTIONS
    for marker, line in _COUNTS.items():
        functions = functions.replace(marker + "\n", line + "\n" if counts else "")
    if not for_logins:
        return (functions.replace("@DEFINER@", "").replace("@DECLARE@", "")
                .replace("@CHECK@", ""))
    bbox = ", ".join(repr(float(value)) for value in province.BBOX)
    # the actor once per statement, not once per row (it is looked up for a personal login)
    return (functions.replace("basemap_actor()", "who")
            .replace("@DEFINER@", " SECURITY DEFINER SET search_path = public, pg_temp")
            .replace("@DECLARE@", "DECLARE refused bigint; who text := basemap_actor();\n")
            .replace("@CHECK@", _LOGIN_CHECK.replace("@BBOX@", bbox)))

_CAPTURE = (
    ("insert", "INSERT", "NEW TABLE AS new_rows"),
    ("update", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "DELETE", "OLD TABLE AS old_rows"),
)


def capture_triggers(table: str) -> list[sql.Composed]:
    """The three statement-level change-capture triggers of a layer table."""
    return [sql.SQL("CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION {function}()").format(
        name=sql.Identifier(f"{table}_capture_{kind}"), event=sql.SQL(event),
        table=sql.Identifier(table), refs=sql.SQL(refs),
        function=sql.Identifier(f"basemap_capture_{kind}")) for kind, event, refs in _CAPTURE]


def drop_capture_triggers(table: str) -> list[sql.Composed]:
    return [sql.SQL("DROP TRIGGER IF EXISTS {name} ON {table}").format(
        name=sql.Identifier(f"{table}_capture_{kind}"), table=sql.Identifier(table))
        for kind, _event, _refs in _CAPTURE]
