# SPDX-License-Identifier: MIT
"""Each bad input is refused with one line and leaves no table, catalog row or audit row."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import shapely
from django.core.management.base import CommandError

from tests.publish.conftest import (
    catalog_rows,
    drop_published,
    publish,
    relation_exists,
    write_schools,
)
from tests.support.ingest_sources import ESRI_TM3_107, ORIGIN, square, write_vector

pytestmark = pytest.mark.django_db(transaction=True)


def refused(path: Path | str, layer_id: str, *extra: str) -> str:
    """The one-line error of a publish that must leave nothing behind."""
    existed, before = relation_exists(layer_id), catalog_rows(layer_id)
    with pytest.raises(CommandError) as caught:
        publish(str(path), "--id", layer_id, "--title-vi", "Thử", *extra)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("(không xuất bản gì / nothing published)")
    assert relation_exists(layer_id) is existed
    assert catalog_rows(layer_id) == before
    return message


@pytest.mark.parametrize(("layer_id", "reason"), [
    ("land_parcels", "là một lớp chuẩn"),
    ("ingest_batches", "đã có bảng hoặc kiểu tên 'ingest_batches'"),
    ("spatial_ref_sys", "đã có bảng hoặc kiểu tên"),
    ("select", "là từ khóa SQL"),
    ('x"; DROP TABLE land_parcels; --', "không hợp lệ"),
    ("trường_học", "không hợp lệ"),
    ("truong hoc", "không hợp lệ"),
])
def test_taken_reserved_or_malformed_ids(schools, layer_id, reason):
    assert reason in refused(schools, layer_id)
    assert relation_exists("land_parcels")


def test_an_id_published_before(schools, tmp_path, request):
    request.addfinalizer(lambda: drop_published("truong_hoc"))
    audit = catalog_rows("truong_hoc")[1]
    publish(str(schools), "--id", "truong_hoc", "--title-vi", "Trường học")
    again = write_schools(tmp_path / "lai.shp")
    with pytest.raises(CommandError, match="lớp 'truong_hoc' đã có"):
        publish(str(again), "--id", "truong_hoc", "--title-vi", "Trường học")
    assert catalog_rows("truong_hoc") == (1, audit + 1)


def points(count: int) -> list:
    return [shapely.Point(ORIGIN[0] + i * 10.0, ORIGIN[1]) for i in range(count)]


def test_hundreds_of_columns(tmp_path):
    columns = {f"c{i}": [1, 2] for i in range(201)}
    path = write_vector(tmp_path / "rong.gpkg", columns, points(2), crs="EPSG:9214",
                        geometry_type="Point")
    assert "201 trường, nhiều hơn giới hạn 200" in refused(path, "rong")


def test_duplicate_names_after_normalisation(tmp_path):
    path = write_vector(tmp_path / "trung.geojson", {"Tên": ["a"], "TÊN": ["b"]}, points(1),
                        crs="EPSG:9214", geometry_type="Point")
    assert "cùng thành cột 'ten'" in refused(path, "trung")


def test_mixed_geometry_types(tmp_path):
    geoms = [shapely.Point(*ORIGIN), square(1)]
    path = write_vector(tmp_path / "tron.geojson", {"ten": ["a", "b"]}, geoms,
                        crs="EPSG:9214", geometry_type="Unknown")
    assert "trộn nhiều kiểu hình học (MultiPolygon, Point)" in refused(path, "tron")


def test_geometry_collections(tmp_path):
    geoms = [shapely.GeometryCollection([shapely.Point(*ORIGIN), square(1)])]
    path = write_vector(tmp_path / "tap.geojson", {"ten": ["a"]}, geoms, crs="EPSG:9214",
                        geometry_type="Unknown")
    assert "GeometryCollection không xuất bản được" in refused(path, "tap")


def test_no_geometry(tmp_path):
    path = tmp_path / "bang.csv"
    path.write_text("ten,so\na,1\nb,2\n", encoding="utf-8")
    assert "không có cột hình học" in refused(path, "bang")


def test_unknown_crs(tmp_path):
    far = [shapely.Point(9_000_000.0, 9_000_000.0)]
    path = write_vector(tmp_path / "xa.shp", {"ten": ["a"]}, far, crs=None,
                        geometry_type="Point")
    assert "không xác định được hệ tọa độ" in refused(path, "xa")
    assert "hệ tọa độ không xác định" in refused(path, "xa", "--source-crs", "EPSG:999999")


def test_zero_valid_features(tmp_path):
    outside = [shapely.Point(ORIGIN[0] + 900_000.0, ORIGIN[1])]
    path = write_vector(tmp_path / "ngoai.gpkg", {"ten": ["a"]}, outside, crs="EPSG:9214",
                        geometry_type="Point")
    assert "không có đối tượng hợp lệ nào" in refused(path, "ngoai")


def test_an_empty_source(tmp_path):
    path = write_vector(tmp_path / "rong.gpkg", {"ten": pa_strings()}, [], crs="EPSG:9214",
                        geometry_type="Point")
    assert "không có đối tượng nào" in refused(path, "trong")


def pa_strings():
    import pyarrow as pa

    return pa.array([], pa.string())


def test_an_unknown_sensitive_attribute(schools):
    assert "thuộc tính nhạy cảm không có" in refused(schools, "truong_hoc", "--sensitive",
                                                      "Mật khẩu")


def test_dry_run_checks_everything_and_writes_nothing(schools, tmp_path):
    audit = catalog_rows("truong_hoc")[1]
    publish(str(schools), "--id", "truong_hoc", "--title-vi", "Trường học", "--dry-run",
            "--report", str(tmp_path / "r.json"))
    assert not relation_exists("truong_hoc")
    assert catalog_rows("truong_hoc")[0] == 0
    assert catalog_rows("truong_hoc")[1] == audit
    assert '"loaded": 2' in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_no_work_folder_is_left(schools):
    before = set(Path(tempfile.gettempdir()).glob("publish-*"))
    refused(schools, "select")
    publish(str(schools), "--id", "truong_hoc", "--title-vi", "Trường học", "--dry-run")
    assert set(Path(tempfile.gettempdir()).glob("publish-*")) == before


def test_esri_prj_is_used(tmp_path):
    path = write_vector(tmp_path / "prj.shp", {"ten": ["a"]}, points(1), crs=ESRI_TM3_107,
                        geometry_type="Point")
    publish(str(path), "--id", "co_prj", "--title-vi", "Có prj", "--dry-run")


def test_a_file_with_several_layers_needs_layer_name(tmp_path, request):
    request.addfinalizer(lambda: drop_published("benh_vien"))
    path = tmp_path / "y_te.gpkg"
    write_vector(path, {"ten": ["Trạm A"]}, points(1), crs="EPSG:9214", geometry_type="Point",
                 layer="tram")
    write_vector(path, {"ten": ["Bệnh viện B", "Bệnh viện C"]}, points(2), crs="EPSG:9214",
                 geometry_type="Point", layer="benh_vien", append=True)
    assert "chọn bằng --layer-name" in refused(path, "benh_vien")
    publish(str(path), "--id", "benh_vien", "--title-vi", "Bệnh viện", "--layer-name",
            "benh_vien")
    assert catalog_rows("benh_vien")[0] == 1
