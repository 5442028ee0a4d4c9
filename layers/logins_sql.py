# SPDX-License-Identifier: MIT
"""The SQL of personal database logins, in one place (set-up, privileges, role changes).

A personal login is a PostgreSQL role named ``gis_...`` (``ROLE_PREFIX``), member of the
group role ``basemap_analyst`` and listed in ``database_logins`` (role -> Django user). The
triggers recognise one by ``session_user`` and then take the person from that table, not
from the ``basemap.actor`` / ``basemap.history`` settings (which any session may set): a
login that sets them to anything else is refused.

Layers whose sensitive attributes a login may not read are reached through a view of the
same name in schema ``redacted`` without those columns. The view is a plain projection of
one table, so PostgreSQL updates it itself (QGIS edits it like a table), and the base
table's defaults and triggers apply to writes through it.
"""
from __future__ import annotations

from psycopg2 import sql

from layers import sql as layer_sql

ROLE_PREFIX = "gis_"
GROUP_ROLE = "basemap_analyst"
REDACTED = "redacted"
_IS_LOGIN = f"session_user::text LIKE '{ROLE_PREFIX.replace('_', chr(92) + '_')}%'"

# a personal login may not set a feature's version backwards (the touch trigger's check)
_VERSION_CHECK = f"""    IF NEW.version < OLD.version AND {_IS_LOGIN} AND basemap_login_person() IS NOT NULL THEN
        RAISE EXCEPTION '%: feature % is at version %; a version cannot go back to %',
            TG_TABLE_NAME, OLD.id, OLD.version, NEW.version USING ERRCODE = 'check_violation';
    END IF;
"""

LOGIN_FUNCTIONS = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{GROUP_ROLE}') THEN
        CREATE ROLE {GROUP_ROLE} NOLOGIN;
    END IF;
    -- no login creates objects: not in public, not as temporary tables
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS {REDACTED};

-- the person (Django username) behind a personal login; NULL for any other role
CREATE OR REPLACE FUNCTION basemap_login_person() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE person text;
BEGIN
    SELECT u.username INTO person FROM database_logins l JOIN auth_user u ON u.id = l.user_id
        WHERE l.role = session_user::text;
    IF person IS NULL AND EXISTS (SELECT 1 FROM pg_auth_members m
            WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = '{GROUP_ROLE}')
              AND m.member = (SELECT oid FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'database login % belongs to no person of this server', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN person;
END $$;

CREATE OR REPLACE FUNCTION basemap_login_actor() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE person text := basemap_login_person();
        claimed text := nullif(current_setting('basemap.actor', true), '');
BEGIN
    IF person IS NULL THEN
        RETURN coalesce(claimed, 'db:' || session_user);
    END IF;
    IF claimed IS NOT NULL AND claimed <> 'user:' || person THEN
        RAISE EXCEPTION 'basemap.actor is %: a personal login writes as user:% only', claimed,
            person USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN 'user:' || person;
END $$;

CREATE OR REPLACE FUNCTION basemap_login_history_on() RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF basemap_login_person() IS NULL THEN
        RETURN coalesce(nullif(current_setting('basemap.history', true), ''), 'on') <> 'off';
    END IF;
    IF coalesce(nullif(current_setting('basemap.history', true), ''), 'on') <> 'on' THEN
        RAISE EXCEPTION 'basemap.history cannot be switched off by a personal login'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN true;
END $$;

-- a whole-layer replace switches tombstones off (one layer_replacements event instead); a
-- personal login may not, or its deletions would vanish from the change feed
CREATE OR REPLACE FUNCTION basemap_tombstones_on() RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF coalesce(nullif(current_setting('basemap.tombstones', true), ''), 'on') = 'on' THEN
        RETURN true;
    END IF;
    IF {_IS_LOGIN} AND basemap_login_person() IS NOT NULL THEN
        RAISE EXCEPTION 'basemap.tombstones cannot be switched off by a personal login'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN current_setting('basemap.tombstones', true) <> 'off';
END $$;

-- the app's own role takes the cheap branch (a name test), not a lookup per call
CREATE OR REPLACE FUNCTION basemap_actor() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN {_IS_LOGIN} THEN basemap_login_actor()
        ELSE coalesce(nullif(current_setting('basemap.actor', true), ''), 'db:' || session_user)
    END
$$;

CREATE OR REPLACE FUNCTION basemap_history_on() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN {_IS_LOGIN} THEN basemap_login_history_on()
        ELSE coalesce(nullif(current_setting('basemap.history', true), ''), 'on') <> 'off'
    END
$$;

@TOUCH@
-- may the invoker read a layer (``whole``: with its sensitive attributes)?
CREATE OR REPLACE FUNCTION basemap_may_read(layer text, whole boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(has_table_privilege(to_regclass(format('public.%I', layer)), 'SELECT'), false)
        OR (NOT whole AND coalesce(has_table_privilege(
            to_regclass(format('{REDACTED}.%I', layer)), 'SELECT'), false))
$$;

-- the history a login reads: layers it may read, without the attributes it may not see
CREATE OR REPLACE VIEW {REDACTED}.feature_history AS
SELECT h.id, h.layer, h.feature_id, h.version, h.operation, h.changed_at, h.actor,
       CASE WHEN basemap_may_read(h.layer, true) THEN h.data
            ELSE h.data - coalesce(c.sensitive, '{{}}'::text[]) END AS data,
       h.geom
FROM public.feature_history h LEFT JOIN public.layer_catalog c ON c.id = h.layer
WHERE basemap_may_read(h.layer, false);
""".replace("@TOUCH@", layer_sql.touch_function(_VERSION_CHECK).lstrip("\n")) \
    + layer_sql.capture_functions(for_logins=True)

DROP_LOGIN_FUNCTIONS = (
    f"DROP SCHEMA IF EXISTS {REDACTED} CASCADE; "
    + layer_sql.CHANGE_CAPTURE_TABLES + layer_sql.capture_functions(for_logins=False)
    + layer_sql.TOUCH_FUNCTION
    + "DROP FUNCTION IF EXISTS basemap_login_actor(), basemap_login_history_on(), "
      "basemap_login_person(), basemap_may_read(text, boolean);")

# --- roles ---------------------------------------------------------------------------------
def create_role(role: str, verifier: str) -> sql.Composed:
    """A login that can do nothing until privileges are granted (and never create)."""
    return sql.SQL("CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                   "NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10 PASSWORD {verifier} "
                   "IN ROLE {group}").format(role=sql.Identifier(role),
                                             verifier=sql.Literal(verifier),
                                             group=sql.Identifier(GROUP_ROLE))


def set_password(role: str, verifier: str) -> sql.Composed:
    return sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role),
                                                       sql.Literal(verifier))


def set_login(role: str, allowed: bool) -> sql.Composed:
    return sql.SQL("ALTER ROLE {} {}").format(sql.Identifier(role),
                                              sql.SQL("LOGIN" if allowed else "NOLOGIN"))


def drop_role(role: str) -> list[sql.Composed]:
    """Its privileges in this database (it owns nothing), then the role."""
    return [sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)),
            sql.SQL("DROP ROLE {}").format(sql.Identifier(role))]


ROLE_EXISTS = "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s"
TERMINATE = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE usename = %s AND pid <> pg_backend_pid()")
# one sync at a time (every app process hears a catalog change)
LOCK = "SELECT pg_advisory_xact_lock(hashtext('basemap_database_logins'))"

# --- privileges ----------------------------------------------------------------------------
PRIVILEGES_OF = f"""
SELECT n.nspname, c.relname, a.privilege_type
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) a
WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = %s)
  AND n.nspname IN ('public', '{REDACTED}')
"""
# a view's columns: not the generated ones (geom_4326 is the web's copy of geom; through a
# view QGIS cannot tell it is generated, and would write it)
COLUMNS = ("SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(%s) "
           "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum")
SEQUENCE = "SELECT pg_get_serial_sequence(%s, 'id')"
# a table's column defaults, for its view (QGIS fills a new feature with them; without them
# it would send NULL): the expression, or the identity's sequence
DEFAULTS = """
SELECT a.attname, CASE WHEN a.attidentity <> ''
    THEN format('nextval(%%L::regclass)', pg_get_serial_sequence(%s, a.attname))
    ELSE pg_get_expr(d.adbin, d.adrelid) END
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attgenerated = '' AND (d.adbin IS NOT NULL OR a.attidentity <> '')
"""


def grant(privilege: str, schema: str, relation: str, role: str) -> sql.Composed:
    on = sql.SQL("SEQUENCE " if privilege == "USAGE" else "")
    return sql.SQL("GRANT {} ON {}{}.{} TO {}").format(
        sql.SQL(privilege), on, sql.Identifier(schema), sql.Identifier(relation),
        sql.Identifier(role))


def revoke(privilege: str, schema: str, relation: str, role: str) -> sql.Composed:
    on = sql.SQL("SEQUENCE " if privilege == "USAGE" else "")
    return sql.SQL("REVOKE {} ON {}{}.{} FROM {}").format(
        sql.SQL(privilege), on, sql.Identifier(schema), sql.Identifier(relation),
        sql.Identifier(role))


def grant_schema(role: str) -> sql.Composed:
    return sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(REDACTED),
                                                           sql.Identifier(role))


# --- redacted views ------------------------------------------------------------------------
def create_view(table: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("CREATE VIEW {schema}.{view} AS SELECT {columns} FROM public.{table}").format(
        schema=sql.Identifier(REDACTED), view=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)), table=sql.Identifier(table))


def view_default(table: str, column: str, expression: str) -> sql.Composed:
    """``expression`` comes from the table's own definition (pg_attrdef), not from input."""
    return sql.SQL("ALTER VIEW {}.{} ALTER COLUMN {} SET DEFAULT {}").format(
        sql.Identifier(REDACTED), sql.Identifier(table), sql.Identifier(column),
        sql.SQL(expression))


def drop_view(table: str) -> sql.Composed:
    return sql.SQL("DROP VIEW IF EXISTS {}.{}").format(sql.Identifier(REDACTED),
                                                      sql.Identifier(table))


VIEWS = f"""
SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = '{REDACTED}' AND c.relkind = 'v' AND c.relname <> 'feature_history'
GROUP BY c.relname
"""
