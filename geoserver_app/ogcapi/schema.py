# SPDX-License-Identifier: MIT
"""Attributes of each layer as the OGC API sees them: a curated layer's from its Django
model, a published layer's from the catalog."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models as djm

from layers import registry
from layers.models import NOT_ATTRIBUTES, model_for

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


# a published attribute's type -> JSON Schema type and format
_PUBLISHED_TYPES = {"text": ("string", None), "integer": ("integer", None),
                    "number": ("number", None), "date": ("string", "date"),
                    "datetime": ("string", "date-time"), "boolean": ("boolean", None)}
_SYSTEM = (Attribute("created_at", "string", "date-time", "tạo lúc", False),
           Attribute("updated_at", "string", "date-time", "cập nhật lúc", False),
           Attribute("version", "integer", None, "phiên bản", False))


def published_attributes(layer: registry.Layer) -> tuple[Attribute, ...]:
    """A published layer's attributes, from the catalog (the source's names as titles)."""
    return _SYSTEM + tuple(
        Attribute(a.name, *_PUBLISHED_TYPES[a.type], a.title, False) for a in layer.attributes)


def attributes(layer: registry.Layer) -> tuple[Attribute, ...]:
    """All attribute columns of a layer, in model order (sensitive ones included)."""
    if layer.published:
        return published_attributes(layer)
    result = []
    for field in model_for(layer.id)._meta.concrete_fields:
        if field.name in NOT_ATTRIBUTES:
            continue
        kind, fmt = _json_type(field)
        required = not (field.null or field.blank) and field.name not in _READ_ONLY
        result.append(Attribute(field.column, kind, fmt, str(field.verbose_name), required,
                                getattr(field, "max_length", None)))
    return tuple(result)


def writable_attributes(layer: registry.Layer) -> tuple[Attribute, ...]:
    """Attributes a client may set (not those the database maintains)."""
    return tuple(a for a in attributes(layer) if a.name not in _READ_ONLY)
