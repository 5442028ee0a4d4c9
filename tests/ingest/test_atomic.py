# SPDX-License-Identifier: MIT
"""Atomic load: dry runs and killed runs leave the live layer exactly as it was."""
from __future__ import annotations

import pytest

from ingest.api import run_ingest
from layers.models import IngestBatch
from tests.support.ingest_sources import (
    fetch,
    kill_replace_when,
    live_rows,
    many_parcels,
    parcel_columns,
    square,
    write_vector,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded(tmp_path):
    run_ingest(write_vector(tmp_path / "ok.gpkg", parcel_columns(2), [square(0), square(1)],
                            crs="EPSG:9214"), "land_parcels")
    return live_rows()


def staging_tables() -> list[str]:
    """Staging tables, and twin tables (a large replace stages straight into its twin)."""
    return [name for (name,) in fetch("SELECT tablename FROM pg_tables "
                                      "WHERE tablename ~ '^ingest_(stage|build)_'")]


def test_dry_run_reports_but_changes_nothing(tmp_path, loaded):
    batches = IngestBatch.objects.count()
    source = write_vector(tmp_path / "new.gpkg", parcel_columns(3, SoTo=[8] * 3),
                          [square(i) for i in range(3)], crs="EPSG:9214")
    report = run_ingest(source, "land_parcels", mode="replace", dry_run=True)
    assert (report.dry_run, report.read, report.loaded, report.batch) == (True, 3, 3, None)
    assert "Chạy thử (--dry-run), không ghi vào lớp" in report.summary()
    assert live_rows() == loaded
    assert IngestBatch.objects.count() == batches
    assert staging_tables() == []


def test_killed_ingest_leaves_layer_and_next_run_cleans_staging(tmp_path, loaded):
    source = many_parcels(tmp_path / "big.gpkg", 60_000)
    kill_replace_when(source, staging_tables, 60)
    assert len(staging_tables()) == 1  # left behind by the killed run
    assert live_rows() == loaded
    report = run_ingest(write_vector(tmp_path / "one.gpkg", parcel_columns(1, SoTo=[7]),
                                     [square(5)], crs="EPSG:9214"), "land_parcels", mode="append")
    assert report.loaded == 1
    assert staging_tables() == []
    assert len(live_rows()) == 3
