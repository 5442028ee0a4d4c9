# SPDX-License-Identifier: MIT
"""Small typed parsers of process inputs; each raises AnalysisInputError naming the input."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from analysis.errors import AnalysisInputError
from layers import catalog, province, registry
from layers.grants import Grant

MAX_INPUT_VERTICES = 50_000


def visible_layer(grant: Grant, layer_id: Any, name: str = "layer") -> registry.Layer:
    """A layer the caller may read (unknown and hidden layers give the same answer)."""
    if not isinstance(layer_id, str) or not grant.can_read(layer_id):
        known = ", ".join(layer.id for layer in grant.visible_layers())
        raise AnalysisInputError(f"{name}: unknown layer {layer_id!r}; known: {known}")
    return catalog.current().get(layer_id)


def number(data: dict, name: str, low: float, high: float, default: float | None = None) -> float:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AnalysisInputError(f"{name}: a number between {low:g} and {high:g} is required")
    if not low <= value <= high:
        raise AnalysisInputError(f"{name}: {value:g} is out of range [{low:g}, {high:g}]")
    return float(value)


def date(data: dict, name: str, default: dt.date) -> dt.date:
    value = data.get(name)
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise AnalysisInputError(f"{name}: {value!r} is not a date like 2025-07-01") from exc


def timestamp(data: dict, name: str) -> dt.datetime:
    value = data.get(name)
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise AnalysisInputError(
            f"{name}: {value!r} is not a time like 2025-07-01T00:00:00Z") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def choice(data: dict, name: str, options: tuple[str, ...], default: str | None = None) -> str:
    value = data.get(name, default)
    if value not in options:
        raise AnalysisInputError(f"{name}: {value!r} is not one of {', '.join(options)}")
    return value


def geometry(value: Any, name: str) -> BaseGeometry:
    """A GeoJSON geometry in CRS84, valid and inside the province."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise AnalysisInputError(f"{name}: not GeoJSON") from exc
    try:
        geom = shape(value)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise AnalysisInputError(f"{name}: not a GeoJSON geometry") from exc
    if geom.is_empty or not geom.is_valid:
        raise AnalysisInputError(f"{name}: empty or invalid geometry")
    if _vertex_count(geom) > MAX_INPUT_VERTICES:
        raise AnalysisInputError(f"{name}: more than {MAX_INPUT_VERTICES} vertices")
    xmin, ymin, xmax, ymax = geom.bounds
    lxmin, lymin, lxmax, lymax = province.BBOX
    if xmin < lxmin or ymin < lymin or xmax > lxmax or ymax > lymax:
        raise AnalysisInputError(f"{name}: outside the province (longitude/latitude in CRS84)")
    return geom


def _vertex_count(geom: BaseGeometry) -> int:
    return int(shapely.get_num_coordinates(geom))
