# SPDX-License-Identifier: MIT
"""Personal database logins for desktop GIS (QGIS straight on PostGIS), from the same users
and groups as the admin, the API tokens and single sign-on.

Rights follow the access policy (``rights_of``): read every live layer the person's groups
may read in the admin (public layers for anyone; every layer for a sector group or auditor),
write the layers of their sector's group, and see sensitive attributes only as a member of
the ``sensitive`` group (on the layers they write; auditors on every layer). Where the
sensitive attributes are hidden the login gets the ``redacted`` view of the table instead of
the table (``layers.logins_sql``). ``sync`` makes the database match: run after a group or
activity change of a person with a login (signals), after every catalog change (the catalog
listener) and by ``dbaccess sync``.

Passwords are generated, shown once, and sent to the server only as a SCRAM-SHA-256
verifier computed here, so neither the server's logs nor ``pg_stat_activity`` see them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction

from geoserver_app.models import DatabaseLogin
from geoserver_app.security.roles import AUDITOR, SENSITIVE, sector_access
from layers import catalog, registry
from layers import logins_sql as q
from layers.grants import LayerRights

log = logging.getLogger(__name__)
SCRAM_ITERATIONS = 4096
MAX_ROLE_LENGTH = 63  # PostgreSQL's NAMEDATALEN - 1
WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")


class LoginError(Exception):
    """A login cannot be granted or revoked; the message says why."""


# --- names and passwords ------------------------------------------------------------------
def role_name(username: str) -> str:
    """``gis_`` and the username in lower-case ASCII letters, digits and ``_``; a username
    that had to change (quotes, spaces, accents, case) also gets 8 hex digits of its hash, so
    two people never share a role and no name needs quoting."""
    ascii_name = unicodedata.normalize("NFKD", username).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "_", ascii_name.lower()).strip("_")
    room = MAX_ROLE_LENGTH - len(q.ROLE_PREFIX) - 9
    if slug != username or len(slug) > room + 9:
        digest = hashlib.sha256(username.encode()).hexdigest()[:8]
        slug = f"{slug[:room]}_{digest}".lstrip("_")
    return q.ROLE_PREFIX + slug


def scram_verifier(password: str, salt: bytes | None = None,
                   iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def new_password() -> str:
    return secrets.token_urlsafe(18)


# --- the policy -----------------------------------------------------------------------------
def rights_of(user: User, current: catalog.Catalog) -> dict[str, LayerRights]:
    """A person's rights on each live layer they may read (none when deactivated)."""
    if not user.is_active:
        return {}
    groups = set(user.groups.values_list("name", flat=True))
    rights = {}
    for layer in current.layers:
        access = sector_access(groups, layer.sector)
        write = layer.editable and access == "edit"
        if not (layer.public or access):
            continue
        sensitive = SENSITIVE in groups and (write or AUDITOR in groups)
        rights[layer.id] = LayerRights(read=True, sensitive=sensitive, write=write)
    return rights


@dataclass(frozen=True)
class Wanted:
    """The privileges a login should hold, as (schema, relation, privilege)."""

    privileges: frozenset[tuple[str, str, str]]


def relation_for(layer: registry.Layer, rights: LayerRights) -> tuple[str, str]:
    """The table itself, or its redacted view when the sensitive attributes are hidden."""
    hidden = layer.sensitive and not rights.sensitive
    return (q.REDACTED if hidden else "public", layer.table)


def wanted_privileges(cursor, rights: dict[str, LayerRights],
                      current: catalog.Catalog) -> Wanted:
    wanted = {("public", "layer_catalog", "SELECT"), (q.REDACTED, "feature_history", "SELECT")}
    for layer in current.layers:
        layer_rights = rights.get(layer.id)
        if layer_rights is None:
            continue
        schema, relation = relation_for(layer, layer_rights)
        wanted |= {(schema, relation, p) for p in (WRITE if layer_rights.write else ("SELECT",))}
        if layer_rights.write:
            cursor.execute(q.SEQUENCE, [f'public."{layer.table}"'])
            sequence = cursor.fetchone()[0]
            if sequence:
                wanted.add(("public", sequence.split(".", 1)[1].strip('"'), "USAGE"))
    return Wanted(frozenset(wanted))


# --- making the database match ------------------------------------------------------------
def sync_views(cursor, current: catalog.Catalog) -> None:
    """One ``redacted`` view per live layer with sensitive attributes, without them."""
    cursor.execute(q.VIEWS)
    existing = {name: list(columns) for name, columns in cursor.fetchall()}
    wanted = {}
    for layer in current.layers:
        if not layer.sensitive:
            continue
        cursor.execute(q.COLUMNS, [f'public."{layer.table}"'])
        columns = [row[0] for row in cursor.fetchall() if row[0] not in layer.sensitive]
        if columns:
            wanted[layer.table] = columns
    for name, columns in existing.items():
        if wanted.get(name) != columns:
            cursor.execute(q.drop_view(name))
    for name, columns in wanted.items():
        if existing.get(name) != columns:
            create_view(cursor, name, columns)


def create_view(cursor, table: str, columns: list[str]) -> None:
    """The view, with the table's defaults (so QGIS fills a new feature as for the table)."""
    cursor.execute(q.create_view(table, columns))
    qualified = f'public."{table}"'
    cursor.execute(q.DEFAULTS, [qualified, qualified])
    for column, expression in cursor.fetchall():
        if column in columns:
            cursor.execute(q.view_default(table, column, expression))


def apply_privileges(cursor, role: str, wanted: Wanted) -> None:
    cursor.execute(q.PRIVILEGES_OF, [role])
    held = set(cursor.fetchall())
    cursor.execute(q.grant_schema(role))
    for schema, relation, privilege in sorted(held - wanted.privileges):
        cursor.execute(q.revoke(privilege, schema, relation, role))
    for schema, relation, privilege in sorted(wanted.privileges - held):
        cursor.execute(q.grant(privilege, schema, relation, role))


def sync_login(cursor, login: DatabaseLogin, current: catalog.Catalog) -> None:
    """Privileges and the right to log in of one login, from its person now."""
    user = login.user
    cursor.execute(q.ROLE_EXISTS, [login.role])
    row = cursor.fetchone()
    if row is None:  # a restored database on another cluster: `dbaccess grant` makes it again
        log.warning("database login %s of %s: no such role in this cluster", login.role,
                    user.get_username())
        return
    rights = rights_of(user, current)
    apply_privileges(cursor, login.role, wanted_privileges(cursor, rights, current))
    if row[0] != user.is_active:
        cursor.execute(q.set_login(login.role, user.is_active))
    if not user.is_active:
        cursor.execute(q.TERMINATE, [login.role])


def sync(logins: Iterable[DatabaseLogin] | None = None) -> int:
    """Bring the given logins (default: all) and the redacted views up to date."""
    current = catalog.current()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(q.LOCK)
        sync_views(cursor, current)
        chosen = list(DatabaseLogin.objects.select_related("user") if logins is None
                      else logins)
        for login in chosen:
            sync_login(cursor, login, current)
    return len(chosen)


def sync_user(user_id: int) -> None:
    """After a change of a person's groups or active flag (nothing when they have no login)."""
    logins = list(DatabaseLogin.objects.select_related("user").filter(user_id=user_id))
    if logins:
        sync(logins)


# --- the command's operations --------------------------------------------------------------
def find_user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise LoginError(f"no user {username!r}: create the account (admin, or a first "
                         "single sign-on login) first") from None


def grant(username: str, created_by: str = "") -> tuple[DatabaseLogin, str]:
    """Create or update the login of ``username`` with a new password (returned once)."""
    user = find_user(username)
    if not user.is_active:
        raise LoginError(f"user {username!r} is deactivated")
    password = new_password()
    verifier = scram_verifier(password)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(q.LOCK)
        login = DatabaseLogin.objects.filter(user=user).first()
        if login is None:
            login = DatabaseLogin.objects.create(user=user, role=role_name(username),
                                                 created_by=created_by)
        cursor.execute(q.ROLE_EXISTS, [login.role])
        if cursor.fetchone() is None:
            cursor.execute(q.create_role(login.role, verifier))
        else:
            cursor.execute(q.set_password(login.role, verifier))
    sync([login])
    return login, password


def revoke(username: str) -> int:
    """Remove the login of ``username`` and end its open sessions; the sessions ended."""
    user = find_user(username)
    login = DatabaseLogin.objects.filter(user=user).first()
    if login is None:
        raise LoginError(f"user {username!r} has no database login")
    return drop(login)


def drop(login: DatabaseLogin) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(q.LOCK)
        cursor.execute(q.ROLE_EXISTS, [login.role])
        exists = cursor.fetchone() is not None
        if exists:
            cursor.execute(q.set_login(login.role, False))
        login.delete()
    ended = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(q.TERMINATE, [login.role])
        ended = cursor.fetchone()[0]
        if exists:
            for statement in q.drop_role(login.role):
                cursor.execute(statement)
    return ended


def conninfo(role: str) -> str:
    """The libpq line of a login (host and port as desktops reach the database)."""
    db = settings.DATABASES["default"]
    host = settings.BASEMAP_DB_PUBLIC_HOST or db.get("HOST") or "127.0.0.1"
    parts = [f"host={host}", f"port={db.get('PORT') or 5432}", f"dbname={db['NAME']}",
             f"user={role}"]
    if settings.BASEMAP_DB_SSLMODE:
        parts.append(f"sslmode={settings.BASEMAP_DB_SSLMODE}")
    return " ".join(parts)


@dataclass(frozen=True)
class Listed:
    username: str
    role: str
    active: bool
    read: tuple[str, ...]
    write: tuple[str, ...]
    sensitive: tuple[str, ...]


def listing() -> list[Listed]:
    current = catalog.current()
    rows = []
    for login in DatabaseLogin.objects.select_related("user").order_by("user__username"):
        rights = rights_of(login.user, current)
        rows.append(Listed(login.user.username, login.role, login.user.is_active,
                           tuple(k for k, r in rights.items() if r.read),
                           tuple(k for k, r in rights.items() if r.write),
                           tuple(k for k, r in rights.items() if r.sensitive)))
    return rows
