# SPDX-License-Identifier: MIT
"""Load the synthetic demo dataset (``layers.demo``) into PostGIS, in one transaction.

Every layer gets an ``IngestBatch`` whose source starts with ``demo:``; that is how
``clear`` finds the demo rows again without touching data loaded by other means. Rows are
bulk-inserted (never saved one by one), so the statement-level change-capture triggers
run once per batch of rows; the history records ``cmd:<created_by>`` as the actor.
"""
from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone

from layers import registry
from layers import sql as layer_sql
from layers.demo import DemoData, Feature
from layers.models import (
    STORAGE_SRID,
    AdminProvince,
    IngestBatch,
    model_for,
)

SOURCE_PREFIX = "demo:"
BATCH_SIZE = 1000


def source(seed: int) -> str:
    """The ``IngestBatch.source`` of the demo data made from ``seed``."""
    return f"{SOURCE_PREFIX}seed={seed}"


def is_loaded() -> bool:
    """Whether the database already has provinces (demo or real): then we load nothing."""
    return AdminProvince.objects.exists()


def load(data: DemoData, *, created_by: str = "load_demo") -> dict[str, int]:
    """Insert every layer atomically; rows per layer id. The commune successions are the
    official catalog's (``layers.units_db``), which the demo's units follow."""
    with transaction.atomic():
        _set_actor(f"cmd:{created_by}")
        counts = {layer.id: _load_layer(layer.id, data.features[layer.id], source(data.seed),
                                        created_by)
                  for layer in registry.LAYERS}
    return counts


def clear() -> dict[str, int]:
    """Delete the demo rows of every layer and their batches; rows per layer id."""
    with transaction.atomic():
        batches = IngestBatch.objects.filter(source__startswith=SOURCE_PREFIX)
        counts = {layer.id: model_for(layer.id).objects.filter(ingest_batch__in=batches)
                  .delete()[0] for layer in registry.LAYERS}
        batches.delete()
    return counts


def _set_actor(actor: str) -> None:
    """Tell the change-capture triggers who writes, for this transaction only."""
    with connection.cursor() as cursor:
        cursor.execute(layer_sql.SET_ACTOR, [actor])


def _load_layer(layer_id: str, features: list[Feature], origin: str, created_by: str) -> int:
    """One ingest batch and a bulk insert of a layer's features."""
    batch = IngestBatch.objects.create(layer=layer_id, source=origin, mode="replace",
                                       created_by=created_by)
    model = model_for(layer_id)
    rows = [model(ingest_batch=batch, **_fields(feature)) for feature in features]
    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    batch.finished_at = timezone.now()
    batch.report = {"layer": layer_id, "read": len(rows), "loaded": len(rows), "repaired": 0,
                    "rejected": []}
    batch.save(update_fields=["finished_at", "report"])
    return len(rows)


def _fields(feature: Feature) -> dict[str, object]:
    """Model field values of a generated feature: the shapely geometry becomes GEOS."""
    return {**feature, "geom": GEOSGeometry(memoryview(feature["geom"].wkb), srid=STORAGE_SRID)}
