# SPDX-License-Identifier: MIT
"""A UTF-8 GeoPackage in WGS 84 with two layers: reprojected exactly, upsert idempotent."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from ingest.api import run_ingest
from layers.models import LandParcel
from tests.support.ingest_sources import (
    fetch,
    first_vertex_4326,
    ground_error_m,
    parcel_columns,
    square,
    write_vector,
)

pytestmark = pytest.mark.django_db(transaction=True)


def wgs84_geopackage(tmp_path, owners=None):
    """Three parcels whose corners are PROJ's EPSG:9214 -> 4326 of known VN-2000 points."""
    to_wgs84 = Transformer.from_crs(9214, 4326, always_xy=True)
    geoms = [shapely.transform(square(i), lambda xy: np.column_stack(
        to_wgs84.transform(xy[:, 0], xy[:, 1]))) for i in range(3)]
    path = tmp_path / "dat.gpkg"
    columns = parcel_columns(3, ChuSuDung=owners or ["Lê Thị Ánh", "Ngô Quang Huy", "Đỗ Đức"])
    write_vector(path, columns, geoms, crs="EPSG:4326", layer="thua_dat")
    write_vector(path, {"Ten": ["x"]}, [shapely.Point(106.2, 21.3)], crs="EPSG:4326",
                 layer="diem", geometry_type="Point", append=False)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("layer: land_parcels\nsource_layer: thua_dat\nencoding: auto\n"
                       "fields:\n  owner_name: ChuSuDung\n", encoding="utf-8")
    return path, mapping


def test_positions_within_5_cm_and_native_within_1_cm(tmp_path):
    path, mapping = wgs84_geopackage(tmp_path)
    report = run_ingest(path, mapping=mapping, mode="append")
    assert (report.read, report.loaded, report.source_crs, report.encoding) == (
        3, 3, "EPSG:4326", "utf-8")
    assert list(LandParcel.objects.order_by("parcel_no").values_list("owner_name", flat=True)) \
        == ["Lê Thị Ánh", "Ngô Quang Huy", "Đỗ Đức"]
    for i in range(3):
        x, y = square(i).exterior.coords[0]
        lon, lat = first_vertex_4326("land_parcels", "parcel_no = %s", [i + 1])
        assert ground_error_m(x, y, lon, lat) < 0.05
        ((nx, ny),) = fetch("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing("
                            "ST_GeometryN(geom, 1)), 1) p FROM land_parcels "
                            "WHERE parcel_no = %s) q", [i + 1])
        assert abs(nx - x) < 0.01 and abs(ny - y) < 0.01


def test_upsert_twice_changes_nothing_then_updates_one(tmp_path):
    path, mapping = wgs84_geopackage(tmp_path)
    first = run_ingest(path, mapping=mapping, mode="upsert")
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    before = list(LandParcel.objects.order_by("id").values_list("id", "version", "ingest_batch"))
    again = run_ingest(path, mapping=mapping, mode="upsert")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert list(LandParcel.objects.order_by("id").values_list(
        "id", "version", "ingest_batch")) == before
    (tmp_path / "v2").mkdir()
    changed, _ = wgs84_geopackage(tmp_path / "v2", owners=["Lê Thị Ánh", "Ngô Quang Huy", "Đỗ Đức Anh"])
    third = run_ingest(changed, mapping=mapping, mode="upsert")
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 2)
    rows = list(LandParcel.objects.order_by("parcel_no").values_list("version", "owner_name",
                                                                     "ingest_batch"))
    assert rows == [(1, "Lê Thị Ánh", first.batch), (1, "Ngô Quang Huy", first.batch),
                    (2, "Đỗ Đức Anh", third.batch)]
    actors = fetch("SELECT operation, actor FROM feature_history WHERE layer = 'land_parcels' "
                   "AND feature_id IN (SELECT id FROM land_parcels) ORDER BY id")
    assert actors == [("I", f"ingest:{first.batch}")] * 3 + [("U", f"ingest:{third.batch}")]


def test_several_layers_without_a_choice_is_an_error(tmp_path):
    path, _mapping = wgs84_geopackage(tmp_path)
    with pytest.raises(Exception, match=r"dat.gpkg có nhiều lớp \(thua_dat, diem\)"):
        run_ingest(path, "land_parcels")


def test_append_rejects_keys_already_loaded_and_reports_progress(tmp_path):
    path, mapping = wgs84_geopackage(tmp_path)
    calls = []
    first = run_ingest(path, mapping=mapping, progress=lambda done, total: calls.append(
        (done, total)))
    assert (first.loaded, calls) == (3, [(3, 3)])
    again = run_ingest(path, mapping=mapping, mode="append")
    assert (again.read, again.loaded, again.batch is not None) == (3, 0, True)
    assert again.rejected == [{"feature": fid, "reason": "đã có trong lớp (cùng khóa tự nhiên): "
                                                        "dùng --mode upsert để cập nhật"}
                              for fid in (1, 2, 3)]
    assert LandParcel.objects.count() == 3
