# SPDX-License-Identifier: MIT
"""A feature's versions from ``feature_history``: what changed, and revert to one of them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from geoserver_app.editor import sql
from geoserver_app.editor.forms import VersionConflict, conflict_message
from layers.models import Feature, FeatureHistory, FeatureTombstone

# Columns the triggers maintain: every version differs in them, so they are no "change".
_BOOKKEEPING = {"id", "created_at", "updated_at", "version", "ingest_batch_id"}


@dataclass(frozen=True)
class Change:
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Version:
    row: FeatureHistory
    changes: tuple[Change, ...]
    geometry_changed: bool
    revertible: bool


def editable_fields(model: type[Feature]) -> list[models.Field]:
    """Concrete columns an edit or revert writes (not the id, not trigger-kept columns)."""
    return [f for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and not f.generated]


def _labels(model: type[Feature]) -> dict[str, str]:
    return {f.column: str(f.verbose_name) for f in model._meta.concrete_fields}


GEOMETRY_TOLERANCE_M = 0.001  # differences below a millimetre are no change


def _empty(value: object) -> bool:
    return value is None or value == ""


def _changes(before: dict, after: dict, labels: dict[str, str]) -> tuple[Change, ...]:
    """Attributes whose values differ (blank and missing count as the same)."""
    keys = sorted((before.keys() | after.keys()) - _BOOKKEEPING)
    return tuple(Change(labels.get(k, k), before.get(k), after.get(k)) for k in keys
                 if before.get(k) != after.get(k)
                 and not (_empty(before.get(k)) and _empty(after.get(k))))


def _geometry_changed(before: FeatureHistory | None, row: FeatureHistory) -> bool:
    if before is None or before.geom is None or row.geom is None:
        return before is None or (before.geom is None) != (row.geom is None)
    return not before.geom.equals_exact(row.geom, GEOMETRY_TOLERANCE_M)


def versions(model: type[Feature], pk: int) -> list[Version]:
    """Every captured version of a feature, newest first, each with its diff to the one before."""
    rows = list(FeatureHistory.objects.filter(layer=model.LAYER, feature_id=pk)
                .order_by("version", "id"))
    labels, result, before = _labels(model), [], None
    for row in rows:
        changes = _changes(before.data if before else {}, row.data, labels)
        result.append(Version(row, changes, _geometry_changed(before, row),
                              revertible=row.operation in ("I", "U")))
        before = row
    return result[::-1]


def _values_from(model: type[Feature], row: FeatureHistory) -> dict[str, Any]:
    values = {}
    for field in editable_fields(model):
        value = row.geom if field.column == "geom" else field.to_python(row.data.get(field.column))
        values[field.column] = field.get_db_prep_save(value, connection)
    return values


def revert(model: type[Feature], pk: int, version: int, expected: int, username: str) -> int:
    """Write a version's attributes and geometry back as a new version; the new version.

    ``expected`` is the version the user saw; if the feature changed since, VersionConflict.
    """
    row = FeatureHistory.objects.get(layer=model.LAYER, feature_id=pk, version=version,
                                     operation__in=("I", "U"))
    layer = model.layer()
    with transaction.atomic():
        sql.set_actor(username)
        new_version = sql.update_if_version(layer, pk, expected, _values_from(model, row))
        if new_version is None:
            raise VersionConflict(conflict_message(layer.id, pk, expected,
                                                   sql.lock_version(layer, pk)))
    return new_version


def deleted(model: type[Feature]) -> list[tuple[FeatureTombstone, FeatureHistory | None]]:
    """The layer's deleted features, newest first, each with its last captured state."""
    tombstones = list(FeatureTombstone.objects.filter(layer=model.LAYER)
                      .order_by("-deleted_at")[:200])
    last = {row.feature_id: row for row in FeatureHistory.objects.filter(
        layer=model.LAYER, operation="D",
        feature_id__in=[t.feature_id for t in tombstones]).order_by("id")}
    return [(tombstone, last.get(tombstone.feature_id)) for tombstone in tombstones]


def restore(model: type[Feature], pk: int, username: str) -> int:
    """Insert a deleted feature again, same id, as the version after its deletion."""
    row = (FeatureHistory.objects.filter(layer=model.LAYER, feature_id=pk, operation="D")
           .order_by("-id").first())
    if row is None or model.objects.filter(pk=pk).exists():
        raise FeatureHistory.DoesNotExist(pk)
    values = {"id": pk, "version": row.version + 1, **_values_from(model, row)}
    with transaction.atomic():
        sql.set_actor(username)
        sql.insert_row(model.layer(), values)
    return row.version + 1
