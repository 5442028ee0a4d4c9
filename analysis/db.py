# SPDX-License-Identifier: MIT
"""SQL helpers of the analysis functions: queries composed with quoted identifiers."""
from __future__ import annotations

import json
from typing import Any

from django.db import connection
from psycopg2 import sql

from layers import registry
from layers.grants import Grant
from layers.models import model_for

JSONB_OID = 3802
SYSTEM_COLUMNS = ("geom", "geom_4326", "ingest_batch")


def visible_columns(grant: Grant, layer: registry.Layer) -> list[str]:
    """The attribute columns of a layer this grant may see, in model (or table) order."""
    hidden = set(grant.hidden_attributes(layer)) | set(SYSTEM_COLUMNS)
    if layer.published:
        names = ("id", "created_at", "updated_at", "version", *(a.name for a in layer.attributes))
        return [name for name in names if name not in hidden]
    return [f.column for f in model_for(layer.id)._meta.concrete_fields
            if f.name not in hidden and f.column not in hidden]


def properties(alias: str, columns: list[str]) -> sql.Composed:
    """``jsonb_build_object('a', t.a, ...)`` of the given columns."""
    pairs = sql.SQL(", ").join(sql.SQL("{}, {}").format(sql.Literal(c), sql.Identifier(alias, c))
                               for c in columns)
    return sql.SQL("jsonb_build_object({})").format(pairs)


def fetch(query: sql.Composable, params: tuple | dict = ()) -> list[tuple[Any, ...]]:
    """Run a composed query on Django's connection; jsonb values come back decoded."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(connection.connection), params)
        jsonb = [d.type_code == JSONB_OID for d in cursor.description]
        return [tuple(json.loads(v) if is_json and isinstance(v, str) else v
                      for v, is_json in zip(row, jsonb, strict=True))
                for row in cursor.fetchall()]
