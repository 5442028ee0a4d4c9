# SPDX-License-Identifier: MIT
"""The change feed stays bounded: a whole-layer replace is one event, not a tombstone per
feature; tombstones past the retention are pruned; the feed tells a client to resync."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from analysis.changes import changes
from ingest.api import run_ingest
from layers import changefeed
from layers.grants import PUBLIC
from tests.support.ingest_sources import fetch, parcel_columns, square, write_vector

pytestmark = pytest.mark.django_db(transaction=True)

ROWS, SWAP = 10**9, 1  # swap_from values: never swap / always swap


def parcels(tmp_path, name: str, count: int, first: int = 0):
    return write_vector(tmp_path / name, parcel_columns(count),
                        [square(first + i) for i in range(count)], crs="EPSG:9214")


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now() -> dt.datetime:
    return fetch("SELECT clock_timestamp()")[0][0]


def tombstones(layer: str = "land_parcels") -> list[tuple]:
    return fetch("SELECT feature_id, actor FROM feature_tombstones WHERE layer = %s "
                 "ORDER BY feature_id", [layer])


@pytest.mark.parametrize("swap_from", [ROWS, SWAP])
def test_replaces_write_one_event_each_and_no_tombstones(tmp_path, swap_from):
    run_ingest(parcels(tmp_path, "old.gpkg", 4), "land_parcels")
    fetch("SET basemap.actor = 'analyst'; DELETE FROM land_parcels WHERE parcel_no = 4; "
          "RESET basemap.actor; SELECT 1")
    assert [actor for _id, actor in tombstones()] == ["analyst"]
    batches = []
    for number in range(3):
        report = run_ingest(parcels(tmp_path, f"new{number}.gpkg", 3, first=10 * number),
                            "land_parcels", mode="replace", history=False, swap_from=swap_from)
        batches.append(report.batch)
    # the analyst's tombstone is superseded by the first replace; the replaces wrote none
    assert tombstones() == []
    assert fetch("SELECT layer, batch_id, features FROM layer_replacements ORDER BY id") == [
        ("land_parcels", batches[0], 3), ("land_parcels", batches[1], 3),
        ("land_parcels", batches[2], 3)]
    assert fetch("SELECT count(*) FROM land_parcels")[0][0] == 3


def test_a_small_replace_with_history_keeps_its_tombstones_for_the_admin(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    old_ids = [row[0] for row in fetch("SELECT id FROM land_parcels ORDER BY id")]
    report = run_ingest(parcels(tmp_path, "new.gpkg", 1), "land_parcels", mode="replace")
    assert tombstones() == [(i, f"ingest:{report.batch}") for i in old_ids]
    assert fetch("SELECT batch_id, features FROM layer_replacements") == [(report.batch, 2)]


def test_the_feed_tells_a_client_older_than_a_replace_to_resync(tmp_path, client):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    before = now()
    report = run_ingest(parcels(tmp_path, "new.gpkg", 2, first=5), "land_parcels",
                        mode="replace", history=False, swap_from=SWAP)
    replaced_at = fetch("SELECT replaced_at FROM layer_replacements WHERE batch_id = %s",
                        [report.batch])[0][0]
    after = now()
    response = client.get(f"/ogcapi/collections/land_parcels/deletions?since={stamp(before)}")
    assert response.status_code == 410
    body = response.json()
    assert (body["code"], body["resync"]) == (
        "ResyncRequired", {"reason": "replaced", "at": replaced_at.isoformat()})
    assert "fetch it again" in body["description"]
    response = client.get(f"/ogcapi/collections/land_parcels/deletions?since={stamp(after)}")
    assert (response.status_code, response.json()["deletions"]) == (200, [])
    assert client.get("/ogcapi/collections/land_parcels/deletions").status_code == 200
    old = changes(PUBLIC, {"layer": "land_parcels", "since": before.isoformat()})
    assert (old["resync"], old["changed"], old["deleted"]) == (
        {"reason": "replaced", "at": replaced_at.isoformat()}, [], [])
    new = changes(PUBLIC, {"layer": "land_parcels", "since": after.isoformat()})
    assert (new["resync"], new["changed"], new["deleted"]) == (None, [], [])


@pytest.fixture
def own_tombstones():
    """The tombstones these tests write (actor 'prune-test'), removed afterwards; other
    tests' tombstones stay (the table is not flushed between tests)."""
    yield
    fetch("DELETE FROM feature_tombstones WHERE actor = 'prune-test'; SELECT 1")


def test_tombstones_past_the_retention_are_pruned_and_older_clients_resync(
        client, settings, own_tombstones):
    fetch("INSERT INTO feature_tombstones (layer, feature_id, version, deleted_at, actor) "
          "VALUES ('roads', 1, 1, now() - interval '100 days', 'prune-test'), "
          "('roads', 2, 3, now() - interval '10 days', 'prune-test'), "
          "('rivers', 3, 1, now() - interval '95 days', 'prune-test'); SELECT 1")
    out = _prune()
    assert out == "2 dấu vết quá 90 ngày đã xóa (2 tombstones older than 90 days pruned)\n"
    assert fetch("SELECT layer, feature_id FROM feature_tombstones "
                 "WHERE actor = 'prune-test'") == [("roads", 2)]
    horizons = dict(fetch("SELECT layer, pruned_before FROM change_feed_horizons"))
    assert sorted(horizons) == ["rivers", "roads"]
    old = stamp(horizons["roads"] - dt.timedelta(days=1))
    response = client.get(f"/ogcapi/collections/roads/deletions?since={old}")
    assert (response.status_code, response.json()["resync"]["reason"]) == (410, "expired")
    recent = stamp(horizons["roads"] + dt.timedelta(days=1))
    body = client.get(f"/ogcapi/collections/roads/deletions?since={recent}").json()
    found = [(d["id"], d["version"]) for d in body["deletions"]]
    assert (2, 3) in found and 1 not in [fid for fid, _version in found]
    settings.BASEMAP_TOMBSTONE_RETENTION_DAYS = 5
    assert _prune() == "1 dấu vết quá 5 ngày đã xóa (1 tombstones older than 5 days pruned)\n"
    assert fetch("SELECT count(*) FROM feature_tombstones WHERE actor = 'prune-test'"
                 )[0][0] == 0


def _prune() -> str:
    from io import StringIO

    out = StringIO()
    call_command("prune_changes", stdout=out)
    return out.getvalue()


def test_the_listener_prunes_at_most_once_per_interval(own_tombstones):
    from layers import libpq

    fetch("INSERT INTO feature_tombstones (layer, feature_id, version, deleted_at, actor) "
          "VALUES ('roads', 7, 1, now() - interval '200 days', 'prune-test'); SELECT 1")
    pruner = changefeed.Pruner(interval=3600)
    connection = libpq.connect("test-pruner")
    try:
        assert pruner.maybe(connection) == 1
        fetch("INSERT INTO feature_tombstones (layer, feature_id, version, deleted_at, actor) "
              "VALUES ('roads', 8, 1, now() - interval '200 days', 'prune-test'); SELECT 1")
        assert pruner.maybe(connection) is None  # not yet: once an hour
    finally:
        connection.close()
    assert [row for row in tombstones("roads") if row[1] == "prune-test"] == [(8, "prune-test")]


@pytest.mark.parametrize(("value", "days"), [("", 90), (" 30 ", 30)])
def test_retention_setting(monkeypatch, value, days):
    monkeypatch.setenv("BASEMAP_TOMBSTONE_RETENTION_DAYS", value)
    assert changefeed.retention_days_from_env() == days


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_bad_retention_setting(monkeypatch, value):
    monkeypatch.setenv("BASEMAP_TOMBSTONE_RETENTION_DAYS", value)
    with pytest.raises(ValueError):
        changefeed.retention_days_from_env()
