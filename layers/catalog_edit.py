# SPDX-License-Identifier: MIT
"""Changing the run-time catalog: layer metadata, access, retire and restore.

Every function checks its input and raises ``CatalogError`` (one readable line) before
anything is written; writes run in one transaction under ``basemap.actor`` so the audit
trigger records who did it, and its NOTIFY reaches every worker.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from psycopg2 import sql

from layers import catalog, catalog_sql
from layers import sql as layer_sql
from layers.registry import Access, Layer, Sector

# columns a layer's table has that are not its attributes
SYSTEM_COLUMNS = frozenset({"id", "geom", "geom_4326", "created_at", "updated_at", "version",
                            "ingest_batch_id", "batch_id"})
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
MAX_WIDTH = 20.0
EDITABLE = ("title_vi", "title_en", "description_vi", "description_en", "sector", "access",
            "sensitive", "style", "min_zoom", "max_zoom", "features", "tiles", "editable")


class CatalogError(ValueError):
    """A catalog change that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Row:
    """A catalog row as stored (live or retired)."""

    layer: Layer
    retired: bool


def find_row(cursor, layer_id: str) -> Row:
    entry = catalog.read(cursor)
    if entry is None:
        raise CatalogError("the layer catalog does not exist yet: run `manage.py migrate`")
    for layer in entry.layers:
        if layer.id == layer_id:
            return Row(layer, False)
    for layer in entry.retired:
        if layer.id == layer_id:
            return Row(layer, True)
    known = ", ".join(entry.ids) or "none"
    raise CatalogError(f"unknown layer {layer_id!r}; layers: {known}")


def attribute_names(cursor, layer: Layer) -> tuple[str, ...]:
    """The attribute columns of a layer's table (what ``sensitive`` may name)."""
    cursor.execute(catalog_sql.TABLE_COLUMNS, [layer.table])
    return tuple(name for name, kind in cursor.fetchall()
                 if name not in SYSTEM_COLUMNS and not kind.startswith("geometry"))


def checked_sensitive(cursor, layer: Layer, names: Iterable[str]) -> list[str]:
    names = [name.strip() for name in names if name.strip()]
    known = attribute_names(cursor, layer)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise CatalogError(f"{layer.id} has no attribute {', '.join(unknown)}; "
                           f"its attributes: {', '.join(known)}")
    return list(dict.fromkeys(names))


def checked_colour(what: str, value: object) -> str:
    if not isinstance(value, str) or not COLOUR.fullmatch(value):
        raise CatalogError(f"{what} must be a colour written #RRGGBB, not {value!r}")
    return value.upper()


def checked_attribute(role: str, name: str | None, known: tuple[str, ...],
                      hidden: set[str]) -> None:
    if name is not None and name not in known:
        raise CatalogError(f"the {role} attribute {name!r} does not exist; "
                           f"attributes: {', '.join(known)}")
    if name in hidden:
        raise CatalogError(f"the {role} attribute {name!r} is sensitive: the map would "
                           "show its values to everyone")


def checked_style(style: dict, attributes: Iterable[str], sensitive: Iterable[str]) -> dict:
    """A style as stored: colours #RRGGBB, width 0-20, attributes the layer has.

    Labelling or classifying by a sensitive attribute is refused: the raster tiles would
    draw its values for everyone, which is what "sensitive" forbids.
    """
    fill = style.get("fill") or None
    classify_by, label = style.get("classify_by") or None, style.get("label") or None
    classes = dict(style.get("classes") or {})  # a mapping, or [value, colour] pairs
    try:
        width = float(style.get("width", 1.0))
    except (TypeError, ValueError):
        raise CatalogError(f"the line width must be a number, not {style.get('width')!r}") from None
    if not 0 <= width <= MAX_WIDTH:
        raise CatalogError(f"the line width must lie within 0-{MAX_WIDTH:g}, not {width:g}")
    known, hidden = tuple(attributes), set(sensitive)
    for role, name in (("classification", classify_by), ("label", label)):
        checked_attribute(role, name, known, hidden)
    if classes and classify_by is None:
        raise CatalogError("colour classes need a classification attribute")
    return {"fill": None if fill is None else checked_colour("the fill", fill),
            "stroke": checked_colour("the stroke", style.get("stroke")), "width": width,
            "classify_by": classify_by,
            "classes": [[str(value), checked_colour(f"the colour of {value!r}", colour)]
                        for value, colour in classes.items()],
            "label": label}


def checked_changes(cursor, layer: Layer, changes: dict) -> dict:
    """The changes as column values, each checked; unknown keys are a programming error."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise CatalogError(f"cannot change {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "access" in values and values["access"] not in {a.value for a in Access}:
        raise CatalogError(f"access must be public or internal, not {values['access']!r}")
    if "sector" in values and values["sector"] not in {s.value for s in Sector}:
        raise CatalogError(f"unknown sector {values['sector']!r}; sectors: "
                           f"{', '.join(s.value for s in Sector)}")
    if "sensitive" in values:
        values["sensitive"] = checked_sensitive(cursor, layer, values["sensitive"])
    if "title_vi" in values and not str(values["title_vi"]).strip():
        raise CatalogError("the Vietnamese title cannot be empty")
    if "style" in values or "sensitive" in values:
        style = values.get("style", catalog.style_json(layer.style))
        values["style"] = json.dumps(checked_style(
            style, attribute_names(cursor, layer), values.get("sensitive", layer.sensitive)))
    low = values.get("min_zoom", layer.min_zoom)
    high = values.get("max_zoom", layer.max_zoom)
    if not 0 <= low <= high <= 22:
        raise CatalogError(f"zoom range {low}-{high} must lie within 0-22, lowest first")
    return values


def set_actor(cursor, actor: str) -> None:
    cursor.execute(layer_sql.SET_ACTOR, [actor])


def update(connection, layer_id: str, actor: str, **changes) -> Layer:
    """Change a layer's catalog entry; returns the layer as it now is."""
    with connection.cursor() as cursor:
        row = find_row(cursor, layer_id)
        values = checked_changes(cursor, row.layer, changes)
        if values:
            set_actor(cursor, actor)
            cursor.execute(sql.SQL("UPDATE layer_catalog SET {} WHERE id = %s").format(
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(column))
                                   for column in values)),
                [*values.values(), layer_id])
    catalog.invalidate()
    return refreshed(connection, layer_id)


def refreshed(connection, layer_id: str) -> Layer:
    with connection.cursor() as cursor:
        return find_row(cursor, layer_id).layer


def retire(connection, layer_id: str, actor: str) -> None:
    """Hide a layer everywhere; its table and data stay."""
    with connection.cursor() as cursor:
        if find_row(cursor, layer_id).retired:
            raise CatalogError(f"{layer_id} is already retired")
        set_actor(cursor, actor)
        cursor.execute("UPDATE layer_catalog SET retired_at = clock_timestamp() WHERE id = %s",
                       [layer_id])
    catalog.invalidate()


def restore(connection, layer_id: str, actor: str) -> None:
    """Bring a retired layer back everywhere, as it was."""
    with connection.cursor() as cursor:
        if not find_row(cursor, layer_id).retired:
            raise CatalogError(f"{layer_id} is not retired")
        set_actor(cursor, actor)
        cursor.execute("UPDATE layer_catalog SET retired_at = NULL WHERE id = %s", [layer_id])
    catalog.invalidate()


def delete(connection, layer_id: str, actor: str, confirm: str) -> None:
    """Delete a retired published layer's data and catalog entry (the audit keeps its rows).

    Curated layers keep their tables (their models and migrations own them); a layer
    registered with ``publish --table`` loses only the view the server made, never the
    table a DBA loaded.
    """
    with connection.cursor() as cursor:
        row = find_row(cursor, layer_id)
        if not row.retired:
            raise CatalogError(f"{layer_id} is live: retire it first "
                               f"(manage.py layer retire {layer_id})")
        if not row.layer.published:
            raise CatalogError(f"{layer_id} is a curated layer: its table stays; retire keeps "
                               "it hidden")
        if confirm != layer_id:
            raise CatalogError(f"deleting {layer_id}'s data cannot be undone: repeat its id "
                               f"with --confirm {layer_id}")
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
                       [row.layer.table])
        kind = (cursor.fetchone() or [None])[0]
        set_actor(cursor, actor)
        if kind is not None:
            statement = "DROP VIEW {}" if kind == "v" else "DROP TABLE {}"
            cursor.execute(sql.SQL(statement).format(sql.Identifier(row.layer.table)))
        cursor.execute("DELETE FROM layer_catalog WHERE id = %s", [layer_id])
    catalog.invalidate()


def history(connection, layer_id: str, limit: int = 20) -> list[tuple]:
    """The audit rows of a layer, newest first: (time, actor, operation, before, after)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT changed_at, actor, operation, before, after "
                       "FROM layer_catalog_audit WHERE layer = %s ORDER BY id DESC LIMIT %s",
                       [layer_id, limit])
        return cursor.fetchall()
