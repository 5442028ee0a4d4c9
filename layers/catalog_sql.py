# SPDX-License-Identifier: MIT
"""The SQL of the run-time layer catalog, in one place (tables, triggers, queries).

``layer_catalog`` is the one truth at run time for every layer: the curated layers are
seeded from the registry, published layers are added by ``publish``. Every change is
audited by a trigger (who, when, before, after), whatever wrote it (admin, command, psql),
and announced with ``NOTIFY layer_catalog`` so every worker of every app replica reloads
its snapshot within moments, without polling and without a restart.
"""
from __future__ import annotations

CHANNEL = "layer_catalog"

TABLES = """
CREATE TABLE IF NOT EXISTS layer_catalog (
    id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{1,62}$'),
    origin text NOT NULL DEFAULT 'published' CHECK (origin IN ('curated', 'published')),
    model text,
    table_name text NOT NULL,
    title_vi text NOT NULL CHECK (title_vi <> ''),
    title_en text NOT NULL DEFAULT '',
    description_vi text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    sector text NOT NULL,
    geometry text NOT NULL CHECK (geometry IN ('Point', 'MultiLineString', 'MultiPolygon')),
    natural_key text[] NOT NULL DEFAULT '{}',
    access text NOT NULL DEFAULT 'public' CHECK (access IN ('public', 'internal')),
    sensitive text[] NOT NULL DEFAULT '{}',
    style jsonb NOT NULL,
    min_zoom integer NOT NULL DEFAULT 0 CHECK (min_zoom BETWEEN 0 AND 22),
    max_zoom integer NOT NULL DEFAULT 22 CHECK (max_zoom BETWEEN 0 AND 22),
    features boolean NOT NULL DEFAULT true,
    tiles boolean NOT NULL DEFAULT true,
    editable boolean NOT NULL DEFAULT true,
    attributes jsonb NOT NULL DEFAULT '[]',
    position integer NOT NULL DEFAULT 1000,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (min_zoom <= max_zoom)
);
CREATE TABLE IF NOT EXISTS layer_catalog_audit (
    id bigserial PRIMARY KEY,
    layer text NOT NULL,
    operation char(1) NOT NULL CHECK (operation IN ('I', 'U', 'D')),
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL,
    before jsonb,
    after jsonb
);
CREATE INDEX IF NOT EXISTS layer_catalog_audit_layer ON layer_catalog_audit (layer, changed_at);

CREATE OR REPLACE FUNCTION basemap_catalog_audit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := clock_timestamp();
        IF to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN
            RETURN NEW;  -- nothing changed: no audit row, no reload
        END IF;
    END IF;
    INSERT INTO layer_catalog_audit (layer, operation, actor, before, after)
    VALUES (coalesce(NEW.id, OLD.id), left(TG_OP, 1), basemap_actor(),
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
    PERFORM pg_notify('layer_catalog', coalesce(NEW.id, OLD.id));
    RETURN coalesce(NEW, OLD);
END $$;
DROP TRIGGER IF EXISTS layer_catalog_audit ON layer_catalog;
CREATE TRIGGER layer_catalog_audit BEFORE INSERT OR UPDATE OR DELETE ON layer_catalog
    FOR EACH ROW EXECUTE FUNCTION basemap_catalog_audit();
CREATE OR REPLACE RULE layer_catalog_audit_append_only AS
    ON UPDATE TO layer_catalog_audit DO INSTEAD NOTHING;
CREATE OR REPLACE RULE layer_catalog_audit_no_delete AS
    ON DELETE TO layer_catalog_audit DO INSTEAD NOTHING;
"""

DROP = """
DROP TABLE IF EXISTS layer_catalog, layer_catalog_audit;
DROP FUNCTION IF EXISTS basemap_catalog_audit();
"""

COLUMNS = ("id", "origin", "model", "table_name", "title_vi", "title_en", "description_vi",
           "description_en", "sector", "geometry", "natural_key", "access", "sensitive",
           "style", "min_zoom", "max_zoom", "features", "tiles", "editable", "attributes",
           "position", "retired_at")

SELECT_ALL = f"SELECT {', '.join(COLUMNS)} FROM layer_catalog ORDER BY position, id"

# a curated row is inserted once; later registry releases never overwrite an analyst's edit
# (NOT EXISTS rather than ON CONFLICT: the audit trigger runs before a conflict is detected)
SEED = ("INSERT INTO layer_catalog ({columns}) SELECT {values} "
        "WHERE NOT EXISTS (SELECT 1 FROM layer_catalog WHERE id = %s)"
        .format(columns=", ".join(COLUMNS[:-1]), values=", ".join(["%s"] * (len(COLUMNS) - 1))))

# the attributes a layer's table really has (what ``--sensitive`` may name)
TABLE_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a
WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
