# SPDX-License-Identifier: MIT
"""Rolling back an ingest batch, where its load mode allows it."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geoserver_app.editor import sql
from layers import catalog
from layers.models import IngestBatch

# Only an append added rows and nothing else; replace and upsert overwrote rows whose earlier
# state a bulk load does not keep (it switches per-row history off), so they cannot be undone.
ROLLBACK_MODES = ("append",)


class RollbackRefused(Exception):
    """The batch cannot be rolled back; the message says why and what to do."""


def rollback(batch: IngestBatch, username: str) -> int:
    """Delete the features an append batch loaded, record it on the batch; the number deleted."""
    if batch.report.get("rolled_back"):
        raise RollbackRefused(_("Batch %(id)s was already rolled back.") % {"id": batch.pk})
    if batch.mode not in ROLLBACK_MODES:
        raise RollbackRefused(
            _("Batch %(id)s was loaded in mode “%(mode)s”, which replaced or updated existing "
              "features; it cannot be undone automatically. Revert the affected features from "
              "their history, or load the previous file again in replace mode.")
            % {"id": batch.pk, "mode": batch.mode})
    layer = catalog.current().get(batch.layer)
    with transaction.atomic():
        sql.set_actor(username)
        deleted = sql.delete_batch_features(layer, batch.pk)
        batch.report = {**batch.report, "rolled_back": {
            "at": timezone.now().isoformat(), "by": username, "deleted": deleted}}
        batch.save(update_fields=["report"])
    return deleted
