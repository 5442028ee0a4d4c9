# SPDX-License-Identifier: MIT
"""Attributes of each layer as the OGC API sees them, derived from the Django models."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models as djm

from layers import registry
from layers.models import model_for

# Columns that are never attributes (geometry columns, internal links).
_NOT_ATTRIBUTES = {"id", "geom", "geom_4326", "ingest_batch"}
_READ_ONLY = ("created_at", "updated_at", "version")


@dataclass(frozen=True)
class Attribute:
    """One attribute column: name, JSON Schema type/format, words, domain."""

    name: str
    type: str
    format: str | None
    title: str
    required: bool
    max_length: int | None = None

    def json_schema(self) -> dict:
        """JSON Schema of the attribute (pygeoapi's ``fields`` entry)."""
        schema = {"type": self.type, "title": self.title}
        if self.format:
            schema["format"] = self.format
        if self.max_length:
            schema["maxLength"] = self.max_length
        return schema


def _json_type(field: djm.Field) -> tuple[str, str | None]:
    if isinstance(field, djm.DateTimeField):
        return "string", "date-time"
    if isinstance(field, djm.DateField):
        return "string", "date"
    if isinstance(field, (djm.IntegerField, djm.BigIntegerField, djm.SmallIntegerField)):
        return "integer", None
    if isinstance(field, (djm.FloatField, djm.DecimalField)):
        return "number", None
    return "string", None


def attributes(layer: registry.Layer) -> tuple[Attribute, ...]:
    """All attribute columns of a layer, in model order (sensitive ones included)."""
    result = []
    for field in model_for(layer.id)._meta.concrete_fields:
        if field.name in _NOT_ATTRIBUTES:
            continue
        kind, fmt = _json_type(field)
        required = not (field.null or field.blank) and field.name not in _READ_ONLY
        result.append(Attribute(field.column, kind, fmt, str(field.verbose_name), required,
                                getattr(field, "max_length", None)))
    return tuple(result)


def writable_attributes(layer: registry.Layer) -> tuple[Attribute, ...]:
    """Attributes a client may set (not those the database maintains)."""
    return tuple(a for a in attributes(layer) if a.name not in _READ_ONLY)
