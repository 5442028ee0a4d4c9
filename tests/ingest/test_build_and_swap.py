# SPDX-License-Identifier: MIT
"""A large replace builds the new table beside the live one and swaps it in: same results
as row by row, the same catalog afterwards, readers undisturbed, killed runs leave nothing."""
from __future__ import annotations

import sqlite3
import threading
import time

import psycopg2
import pytest
import shapely
from django.db import connection

from ingest import swap
from ingest.api import run_ingest
from ingest.errors import IngestError
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

ROWS, SWAP = 10**9, 1  # swap_from values: never swap / always swap


def table_oid(table: str = "land_parcels") -> int:
    return fetch("SELECT %s::regclass::oid", [table])[0][0]


def parcels(tmp_path, name: str, count: int, first: int = 0, sheet: int = 5):
    """``count`` parcels of one sheet, numbered from 1, the squares from ``first`` on."""
    return write_vector(tmp_path / name, parcel_columns(count, SoTo=[sheet] * count),
                        [square(first + i) for i in range(count)], crs="EPSG:9214")


def capture_state(batch: int) -> dict:
    """What a replace leaves for the change feed, the tile caches and the batch history."""
    return {
        "features": fetch("SELECT sheet_no, parcel_no, version, ingest_batch_id = %s, "
                          "ST_AsText(geom) FROM land_parcels ORDER BY sheet_no, parcel_no",
                          [batch]),
        "tombstones": fetch("SELECT feature_id, version, actor FROM feature_tombstones "
                            "WHERE layer = 'land_parcels' ORDER BY feature_id"),
        "replacements": fetch("SELECT layer, batch_id, actor, features FROM layer_replacements "
                              "ORDER BY id"),
        "extent": fetch("SELECT ST_AsText(ST_Extent(bbox)::geometry, 6) "
                        "FROM tile_invalidations WHERE layer = 'land_parcels'"),
    }


@pytest.mark.parametrize("swap_from", [ROWS, SWAP])
def test_swap_and_row_by_row_leave_the_same_results(tmp_path, swap_from):
    run_ingest(parcels(tmp_path, "old.gpkg", 4, sheet=3), "land_parcels")
    old_ids, oid = [row[0] for row in live_rows()], table_oid()
    fetch("DELETE FROM tile_invalidations; DELETE FROM feature_tombstones; SELECT 1")
    report = run_ingest(parcels(tmp_path, "new.gpkg", 3, first=10), "land_parcels",
                        mode="replace", history=False, swap_from=swap_from)
    assert (report.read, report.loaded, report.inserted, report.deleted) == (3, 3, 3, 4)
    assert (table_oid() != oid) == (swap_from == SWAP)
    state = capture_state(report.batch)
    assert state["features"] == [
        (5, n, 1, True, f"MULTIPOLYGON((({x} 2355000,{x} 2355020,{x - 20} 2355020,"
                        f"{x - 20} 2355000,{x} 2355000)))")
        for n, x in ((1, 440320), (2, 440350), (3, 440380))]
    # one change-feed event for the whole replace, no tombstone per feature
    assert state["tombstones"] == []
    assert state["replacements"] == [("land_parcels", report.batch, f"ingest:{report.batch}", 4)]
    # old squares 0-3 and new squares 10-12: x 440000..440380 in EPSG:9214
    assert state["extent"] == [("POLYGON((106.423624 21.288469,106.423624 21.288662,"
                                "106.427287 21.288662,106.427287 21.288469,"
                                "106.423624 21.288469))",)]
    invalidations = fetch("SELECT count(*) FROM tile_invalidations")[0][0]
    assert invalidations == (1 if swap_from == SWAP else 2)
    new_ids = [row[0] for row in live_rows()]
    assert new_ids == list(range(max(old_ids) + 1, max(old_ids) + 4))
    batch = IngestBatch.objects.get(pk=report.batch)
    assert (batch.mode, batch.report["inserted"], batch.report["deleted"]) == ("replace", 3, 4)
    # the kept count (layers/sql.py, layer_row_counts) follows both paths: 4 in, then 3
    assert fetch("SELECT sum(n)::int FROM layer_row_counts WHERE layer = 'land_parcels'") == [
        (3,)]


def catalog() -> dict:
    """The live table as Django's checks and migrations see it, plus what they do not."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "land_parcels")
    return {
        "columns": fetch("SELECT attname, format_type(atttypid, atttypmod), attnotnull, "
                         "attidentity, attgenerated, pg_get_expr(d.adbin, d.adrelid) "
                         "FROM pg_attribute a LEFT JOIN pg_attrdef d ON (d.adrelid, d.adnum) "
                         "= (a.attrelid, a.attnum) WHERE attrelid = 'land_parcels'::regclass "
                         "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
        "django": constraints,
        "indexes": fetch("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
                         "FROM pg_index WHERE indrelid = 'land_parcels'::regclass ORDER BY 1"),
        "constraints": fetch("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                             "WHERE conrelid = 'land_parcels'::regclass ORDER BY 1"),
        "triggers": fetch("SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
                          "WHERE tgrelid = 'land_parcels'::regclass AND NOT tgisinternal "
                          "ORDER BY 1"),
        "foreign key triggers": fetch("SELECT tgfoid::regproc::text, tgtype, tgdeferrable, "
                                      "tginitdeferred FROM pg_trigger WHERE tgrelid = "
                                      "'land_parcels'::regclass AND tgisinternal ORDER BY 1, 2"),
        "sequence": fetch("SELECT pg_get_serial_sequence('land_parcels', 'id'), s.* "
                          "FROM pg_sequences s WHERE sequencename = 'land_parcels_id_seq'"),
        "access": fetch("SELECT pg_get_userbyid(relowner), relacl::text, "
                        "obj_description(oid, 'pg_class') FROM pg_class "
                        "WHERE oid = 'land_parcels'::regclass"),
    }


@pytest.fixture
def reader_role():
    fetch("CREATE ROLE ingest_swap_reader; GRANT SELECT ON land_parcels TO ingest_swap_reader; "
          "COMMENT ON TABLE land_parcels IS 'Thửa đất'; SELECT 1")
    yield "ingest_swap_reader"
    fetch("REVOKE ALL ON land_parcels FROM ingest_swap_reader; DROP ROLE ingest_swap_reader; "
          "COMMENT ON TABLE land_parcels IS NULL; SELECT 1")


def test_swapped_table_has_the_same_catalog_and_the_sequence_goes_on(tmp_path, reader_role):
    run_ingest(parcels(tmp_path, "old.gpkg", 3), "land_parcels")
    last = fetch("SELECT last_value FROM land_parcels_id_seq")[0][0]
    before, oid = catalog(), table_oid()
    report = run_ingest(parcels(tmp_path, "new.gpkg", 5, sheet=6), "land_parcels",
                        mode="replace", history=False, swap_from=SWAP)
    assert table_oid() != oid, "the replace did not swap"
    after = catalog()
    assert after["sequence"][0][-1] == last + 5  # pg_sequences.last_value
    after["sequence"] = [(*after["sequence"][0][:-1], last)]
    assert after == before
    assert "ingest_swap_reader=r/" in after["access"][0][1]
    assert [row[0] for row in live_rows()] == list(range(last + 1, last + 6))
    assert build_tables() == []
    assert report.warnings == ["admin_provinces trống: dùng khung cố định của tỉnh"]


def test_small_replace_keeps_the_row_by_row_path_and_history(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    oid = table_oid()
    report = run_ingest(parcels(tmp_path, "new.gpkg", 3, sheet=7), "land_parcels",
                        mode="replace")
    assert table_oid() == oid
    assert (report.inserted, report.deleted) == (3, 2)
    assert fetch("SELECT operation, count(*) FROM feature_history WHERE layer = 'land_parcels' "
                 "AND actor = %s GROUP BY 1 ORDER BY 1", [f"ingest:{report.batch}"]) == \
        [("D", 2), ("I", 3)]


def test_a_view_on_the_layer_keeps_the_row_by_row_path(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    oid = table_oid()
    fetch("CREATE VIEW ingest_swap_view AS SELECT id FROM land_parcels; SELECT 1")
    try:
        report = run_ingest(parcels(tmp_path, "new.gpkg", 3, sheet=8), "land_parcels",
                            mode="replace", history=False, swap_from=SWAP)
        assert table_oid() == oid
        assert report.warnings[-1] == ("không thể dựng bảng mới rồi hoán đổi (khung nhìn/quy "
                                       "tắc _RETURN): thay thế từng hàng")
        assert fetch("SELECT count(*) FROM ingest_swap_view") == [(3,)]
    finally:
        fetch("DROP VIEW ingest_swap_view; SELECT 1")


def test_readers_keep_working_during_the_swap(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 4), "land_parcels")
    seen, failures, done = [], [], threading.Event()
    params = connection.get_connection_params()

    def read() -> None:
        reader = psycopg2.connect(**params)
        reader.autocommit = True  # each query its own transaction, as a web request's
        try:
            with reader.cursor() as cursor:
                while not done.is_set():
                    try:
                        cursor.execute("SELECT count(*) FROM land_parcels")
                        seen.append(cursor.fetchone()[0])
                    except psycopg2.Error as exc:
                        failures.append(str(exc))
        finally:
            reader.close()

    thread = threading.Thread(target=read)
    thread.start()
    try:
        run_ingest(many_parcels(tmp_path / "big.gpkg", 3000), "land_parcels", mode="replace",
                   history=False, swap_from=SWAP)
        time.sleep(0.2)
    finally:
        done.set()
        thread.join()
    assert failures == []
    assert set(seen) == {4, 3000}
    assert seen.index(3000) > 0 and seen[-1] == 3000


def test_a_reader_holding_the_table_makes_the_swap_fail_cleanly(tmp_path, monkeypatch):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    before, batches = live_rows(), IngestBatch.objects.count()
    monkeypatch.setattr(swap, "LOCK_TIMEOUT", "100ms")
    monkeypatch.setattr(swap, "LOCK_PAUSE_S", 0.05)
    monkeypatch.setattr(swap, "LOCK_ATTEMPTS", 3)
    reader = psycopg2.connect(**connection.get_connection_params())
    try:
        with reader.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM land_parcels")  # its transaction stays open
            with pytest.raises(IngestError) as error:
                run_ingest(parcels(tmp_path, "new.gpkg", 3, sheet=9), "land_parcels",
                           mode="replace", history=False, swap_from=SWAP)
    finally:
        reader.close()
    assert str(error.value) == ("lớp land_parcels đang được dùng (truy vấn dài hoặc giao dịch "
                                "mở): không thể thay thế sau 3 lần chờ 100ms; lớp không đổi, "
                                "hãy chạy lại lệnh nhập sau")
    assert live_rows() == before
    assert IngestBatch.objects.count() == batches


def test_the_swap_waits_for_a_reader_retries_then_goes_on(tmp_path, monkeypatch):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    oid = table_oid()
    monkeypatch.setattr(swap, "LOCK_TIMEOUT", "200ms")
    monkeypatch.setattr(swap, "LOCK_PAUSE_S", 0.05)
    params, waited = connection.get_connection_params(), threading.Event()
    reader, watcher = psycopg2.connect(**params), psycopg2.connect(**params)
    watcher.autocommit = True

    def release_when_the_swap_waits() -> None:
        with watcher.cursor() as cursor:
            for _ in range(600):
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND mode = "
                               "'AccessExclusiveLock' AND relation = 'land_parcels'::regclass")
                if cursor.fetchone()[0]:
                    waited.set()
                    time.sleep(0.3)  # longer than one attempt: the swap retries
                    break
                time.sleep(0.01)
        reader.rollback()

    try:
        with reader.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM land_parcels")  # holds ACCESS SHARE
        thread = threading.Thread(target=release_when_the_swap_waits)
        thread.start()
        report = run_ingest(parcels(tmp_path, "new.gpkg", 3, sheet=9), "land_parcels",
                            mode="replace", history=False, swap_from=SWAP)
        thread.join()
    finally:
        reader.close()
        watcher.close()
    assert waited.is_set()
    assert table_oid() != oid
    assert (report.inserted, report.deleted) == (3, 2)


def build_tables() -> list[str]:
    """Twin and staging tables (and their indexes) left in the database."""
    return [name for (name,) in fetch("SELECT relname FROM pg_class "
                                      "WHERE relname ~ '^ingest_(build|stage)_'")]


def build_running() -> bool:
    """The ingest's backend is filling the twin table or building its indexes."""
    return fetch("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                 "AND query ~ '^(INSERT INTO|ALTER TABLE|CREATE INDEX .* ON) \"ingest_build_'")[0][0] > 0


def test_killed_during_the_build_leaves_the_layer_and_the_next_run_drops_the_twin(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    before, batches, oid = live_rows(), IngestBatch.objects.count(), table_oid()
    tombstones = fetch("SELECT count(*) FROM feature_tombstones")
    source = many_parcels(tmp_path / "big.gpkg", 60_000)  # >= 10,000: the swap path
    kill_replace_when(source, build_running, 90)
    assert live_rows() == before
    assert table_oid() == oid
    assert IngestBatch.objects.count() == batches
    assert fetch("SELECT count(*) FROM feature_tombstones") == tombstones
    report = run_ingest(parcels(tmp_path, "one.gpkg", 1, first=20, sheet=7), "land_parcels",
                        mode="append")
    assert report.loaded == 1
    assert build_tables() == []
    assert len(live_rows()) == 3


def parcels_with_keys(tmp_path, name: str, numbers: list[int]):
    """One parcel per entry of ``numbers`` (its parcel number), square i for the i-th."""
    count = len(numbers)
    return write_vector(tmp_path / name, parcel_columns(count, SoTo=[4] * count,
                                                        SoThua=numbers),
                        [square(i) for i in range(count)], crs="EPSG:9214")


def new_features() -> list[tuple]:
    return fetch("SELECT id, parcel_no, ST_XMin(geom)::int FROM land_parcels ORDER BY id")


def test_the_twin_filled_while_staging_loses_the_duplicates_too(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    last = fetch("SELECT last_value FROM land_parcels_id_seq")[0][0]
    source = parcels_with_keys(tmp_path, "new.gpkg", [1, 2, 1, 3, 2, 4, 5])
    report = run_ingest(source, "land_parcels", mode="replace", history=False,
                        swap_from=SWAP, batch_size=2)  # four ranges, both fill connections
    assert "stage: wait for the twin" in report.timings, "the twin was not filled early"
    assert (report.read, report.duplicates, report.loaded) == (7, 2, 5)
    assert (report.inserted, report.deleted) == (5, 2)
    # ids: first reserved id + row number (the duplicates' ids stay unused)
    assert new_features() == [(last + 1, 1, 440000), (last + 2, 2, 440030),
                              (last + 4, 3, 440090), (last + 6, 4, 440150),
                              (last + 7, 5, 440180)]
    assert sorted(report.rejected, key=lambda r: r["feature"]) == [
        {"feature": 3, "reason": "trùng khóa tự nhiên (commune_code, sheet_no, parcel_no) "
                                 "với đối tượng 1"},
        {"feature": 5, "reason": "trùng khóa tự nhiên (commune_code, sheet_no, parcel_no) "
                                 "với đối tượng 2"}]
    assert fetch("SELECT last_value FROM land_parcels_id_seq")[0][0] == last + 7
    assert IngestBatch.objects.get(pk=report.batch).report["inserted"] == 5
    assert build_tables() == []


def test_a_live_table_changed_while_staging_gets_a_twin_built_anew(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    calls = []

    def change_the_layer(done: int, total: int | None) -> None:
        if not calls:  # after the first batch: the early twin lacks the new column
            with other.cursor() as cursor:
                cursor.execute("ALTER TABLE land_parcels ADD COLUMN ingest_note text "
                               "DEFAULT 'mới'")
        calls.append(done)

    try:
        report = run_ingest(parcels_with_keys(tmp_path, "new.gpkg", [1, 2, 3, 4]),
                            "land_parcels", mode="replace", history=False, swap_from=SWAP,
                            batch_size=2, progress=change_the_layer)
        assert calls == [2, 4]
        assert (report.loaded, report.inserted, report.deleted) == (4, 4, 2)
        assert "apply: fill" in report.timings  # filled again from staging
        assert fetch("SELECT parcel_no, ingest_note FROM land_parcels ORDER BY parcel_no") == \
            [(1, "mới"), (2, "mới"), (3, "mới"), (4, "mới")]
        assert build_tables() == []
    finally:
        with other.cursor() as cursor:
            cursor.execute("ALTER TABLE land_parcels DROP COLUMN IF EXISTS ingest_note")
        other.close()


def announce(path, count: int):
    """Make a GeoPackage announce ``count`` features (a stale gpkg_ogr_contents, as files
    edited by tools that do not keep it up to date have); GDAL trusts it."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE gpkg_ogr_contents SET feature_count = ?", [count])
    db.close()
    return path


def test_a_source_with_more_features_than_it_announced_gets_more_ids(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    last = fetch("SELECT last_value FROM land_parcels_id_seq")[0][0]
    source = announce(parcels_with_keys(tmp_path, "new.gpkg", [1, 2, 3, 4, 5, 6, 7]), 3)
    report = run_ingest(source, "land_parcels", mode="replace", history=False,
                        swap_from=SWAP, batch_size=2)
    assert "stage: wait for the twin" in report.timings, "the twin was not filled early"
    assert (report.read, report.loaded, report.inserted, report.deleted) == (7, 7, 7, 2)
    # three ids reserved first, then as many again each time they run out (3, 6): the
    # features keep consecutive ids, the last five reserved stay unused
    assert new_features() == [(last + n, n, 440000 + 30 * (n - 1)) for n in range(1, 8)]
    assert fetch("SELECT last_value FROM land_parcels_id_seq")[0][0] == last + 12
    assert build_tables() == []


def test_a_view_created_while_staging_sends_the_twin_row_by_row(tmp_path):
    run_ingest(parcels(tmp_path, "old.gpkg", 2), "land_parcels")
    oid = table_oid()

    def create_a_view(done: int, total: int | None) -> None:
        if done == 2:  # the twin exists and holds the first batch
            fetch("CREATE VIEW ingest_swap_view AS SELECT id FROM land_parcels; SELECT 1")

    try:
        report = run_ingest(parcels_with_keys(tmp_path, "new.gpkg", [1, 2, 3, 2]),
                            "land_parcels", mode="replace", history=False, swap_from=SWAP,
                            batch_size=2, progress=create_a_view)
        assert "stage: wait for the twin" in report.timings
        assert table_oid() == oid
        assert report.warnings[-1] == ("không thể dựng bảng mới rồi hoán đổi (khung nhìn/quy "
                                       "tắc _RETURN): thay thế từng hàng")
        assert (report.loaded, report.duplicates, report.inserted, report.deleted) == \
            (3, 1, 3, 2)
        assert fetch("SELECT parcel_no, ST_XMin(geom)::int, ST_SRID(geom), "
                     "GeometryType(geom) FROM land_parcels ORDER BY parcel_no") == \
            [(1, 440000, 9214, "MULTIPOLYGON"), (2, 440030, 9214, "MULTIPOLYGON"),
             (3, 440060, 9214, "MULTIPOLYGON")]
        assert fetch("SELECT count(*) FROM ingest_swap_view") == [(3,)]
        assert build_tables() == []
    finally:
        fetch("DROP VIEW IF EXISTS ingest_swap_view; SELECT 1")


def test_duplicates_in_the_twin_are_reported_by_their_source_fid(tmp_path):
    # feature 2 lies outside the province (never staged): rows and fids differ from then on;
    # the file announces 2 features, so the rows spread over three blocks of ids
    geoms = [square(0), shapely.box(100_000, 1_000_000, 100_020, 1_000_020),
             *map(square, (2, 3, 4, 5))]
    source = announce(write_vector(
        tmp_path / "new.gpkg", parcel_columns(6, SoTo=[4] * 6, SoThua=[1, 9, 2, 1, 3, 2]),
        geoms, crs="EPSG:9214"), 2)
    report = run_ingest(source, "land_parcels", mode="replace", history=False,
                        swap_from=SWAP, batch_size=2)
    assert "stage: wait for the twin" in report.timings, "the twin was not filled early"
    assert (report.read, report.duplicates, report.loaded, report.inserted) == (6, 2, 3, 3)
    assert [(r["feature"], r["reason"]) for r in report.rejected] == [
        (2, "nằm ngoài phạm vi tỉnh (kể cả vùng đệm)"),
        (4, "trùng khóa tự nhiên (commune_code, sheet_no, parcel_no) với đối tượng 1"),
        (6, "trùng khóa tự nhiên (commune_code, sheet_no, parcel_no) với đối tượng 3")]
    assert [(parcel, x) for _id, parcel, x in new_features()] == \
        [(1, 440000), (2, 440060), (3, 440120)]


def test_batches_go_binary_or_csv_and_store_the_same(tmp_path, monkeypatch):
    forms = []
    real = swap.sql.copy_build
    monkeypatch.setattr(swap.sql, "copy_build",
                        lambda *args: forms.append(args[-1]) or real(*args))
    # the second batch has an area with more decimals than numeric(14, 1): sent as CSV, so
    # the server rounds the text (400.25 -> 400.3) exactly as on the row-by-row path
    source = write_vector(tmp_path / "new.gpkg", parcel_columns(
        4, SoTo=[4] * 4, DienTich=[400.0, 512.5, 400.25, -0.0]), [square(i) for i in range(4)],
        crs="EPSG:9214")
    report = run_ingest(source, "land_parcels", mode="replace", history=False,
                        swap_from=SWAP, batch_size=2)
    assert "stage: wait for the twin" in report.timings
    assert sorted(forms) == ["binary", "csv"]  # (two connections: either may write first)
    assert fetch("SELECT parcel_no, area_m2::text, owner_name FROM land_parcels "
                 "ORDER BY parcel_no") == [(1, "400.0", "Hộ ông Nguyễn Văn A"),
                                           (2, "512.5", "Hộ ông Nguyễn Văn B"),
                                           (3, "400.3", "Hộ ông Nguyễn Văn C"),
                                           (4, "0.0", "Hộ ông Nguyễn Văn D")]


PERMITS = "SELECT permit_number, issued_on::text, status, investor_name, ST_AsEWKT(geom) " \
          "FROM construction_permits ORDER BY permit_number"
BRIDGES = "SELECT name, road_code, length_m, load_limit_t, ST_AsEWKT(geom) FROM bridges " \
          "ORDER BY name"


@pytest.mark.parametrize("swap_from", [ROWS, SWAP])
def test_point_layers_with_dates_and_floats_store_the_same_either_way(tmp_path, swap_from):
    points = [shapely.Point(440_000 + 10 * i, 2_355_000 + 0.5 * i) for i in range(3)]
    permits = write_vector(tmp_path / "permits.gpkg", {
        "permit_number": ["GP-01", "GP-02", "GP-03"],
        "issued_on": ["01/07/2025", "29/02/1996", "31/12/1999"],
        "status": ["cấp mới", "gia hạn", "thu hồi"], "purpose": ["nhà ở"] * 3,
        "investor_name": ["Công ty Ánh Dương", "Hộ ông Trần Văn Bình", "Hộ bà Lê Thị Thu"]},
        points, crs="EPSG:9214", geometry_type="Point")
    bridges = write_vector(tmp_path / "bridges.gpkg", {
        "name": ["Cầu Đồng Sơn", "Cầu Xương Giang", "Cầu Vược"],
        "road_code": ["QL1", "QL31", "ĐT398"],
        "length_m": [120.5, None, 0.0], "load_limit_t": [30.0, 13.0, None]},
        points, crs="EPSG:9214", geometry_type="Point")
    for source, layer in ((permits, "construction_permits"), (bridges, "bridges")):
        report = run_ingest(source, layer, mode="replace", history=False, swap_from=swap_from)
        assert (report.loaded, "stage: wait for the twin" in report.timings) == \
            (3, swap_from == SWAP), report.rejected
    assert fetch(PERMITS) == [
        ("GP-01", "2025-07-01", "cấp mới", "Công ty Ánh Dương", "SRID=9214;POINT(440000 2355000)"),
        ("GP-02", "1996-02-29", "gia hạn", "Hộ ông Trần Văn Bình",
         "SRID=9214;POINT(440010 2355000.5)"),
        ("GP-03", "1999-12-31", "thu hồi", "Hộ bà Lê Thị Thu", "SRID=9214;POINT(440020 2355001)")]
    assert fetch(BRIDGES) == [
        ("Cầu Vược", "ĐT398", 0.0, None, "SRID=9214;POINT(440020 2355001)"),
        ("Cầu Xương Giang", "QL31", None, 13.0, "SRID=9214;POINT(440010 2355000.5)"),
        ("Cầu Đồng Sơn", "QL1", 120.5, 30.0, "SRID=9214;POINT(440000 2355000)")]
