# SPDX-License-Identifier: MIT
"""SQL the layer tables share, kept in one place (used by migrations)."""
from __future__ import annotations

from psycopg2 import sql

TOUCH_FUNCTION = """
CREATE OR REPLACE FUNCTION basemap_touch_feature() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- every write path (admin, API, ingest, QGIS) bumps the version and the timestamp
    NEW.created_at := OLD.created_at;
    NEW.updated_at := clock_timestamp();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;
"""


def touch_trigger(table: str) -> sql.Composed:
    """The BEFORE UPDATE trigger that maintains ``version`` and ``updated_at`` of a table."""
    return sql.SQL("CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                   "EXECUTE FUNCTION basemap_touch_feature()").format(
        name=sql.Identifier(f"{table}_touch"), table=sql.Identifier(table))


def drop_touch_trigger(table: str) -> sql.Composed:
    return sql.SQL("DROP TRIGGER IF EXISTS {name} ON {table}").format(
        name=sql.Identifier(f"{table}_touch"), table=sql.Identifier(table))
