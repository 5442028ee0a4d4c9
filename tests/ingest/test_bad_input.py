# SPDX-License-Identifier: MIT
"""Bad input: one readable line naming the problem, and the live layer untouched."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest
import shapely

from ingest.api import run_ingest
from ingest.archive import ZipLimits
from ingest.errors import IngestError
from tests.support.ingest_sources import fetch, live_rows, parcel_columns, square, write_vector

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded(tmp_path):
    """A live land_parcels layer with two parcels, and its fingerprint."""
    source = write_vector(tmp_path / "ok.gpkg", parcel_columns(2), [square(0), square(1)],
                          crs="EPSG:9214")
    run_ingest(source, "land_parcels")
    return live_rows()


def expect_error(pattern: str, path, *args, **kwargs) -> str:
    with pytest.raises(IngestError, match=pattern) as caught:
        run_ingest(path, *args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def good_gpkg(tmp_path, name="src.gpkg", count=3):
    return write_vector(tmp_path / name, parcel_columns(count, SoTo=[9] * count),
                        [square(i) for i in range(count)], crs="EPSG:9214")


def test_truncated_geopackage(tmp_path, loaded):
    path = good_gpkg(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    expect_error(r"(không mở được|không đọc được) src.gpkg: .*(hỏng|cắt cụt)", path,
                 "land_parcels", mode="replace")
    assert live_rows() == loaded


def test_corrupt_shapefile(tmp_path, loaded):
    path = write_vector(tmp_path / "x.shp", parcel_columns(2), [square(0), square(1)],
                        crs="EPSG:9214")
    path.write_bytes(b"\x00\x00\x27\x0a" + b"garbage" * 20)
    expect_error(r"x.shp.*(hỏng|cắt cụt)", path, "land_parcels", mode="replace")
    assert live_rows() == loaded


def test_zip_path_traversal(tmp_path, loaded):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../evil.shp", b"x")
    expect_error(r"đường dẫn không an toàn '\.\./\.\./evil\.shp'", archive, "land_parcels")
    assert not (tmp_path.parent / "evil.shp").exists()
    assert live_rows() == loaded


def test_zip_bomb(tmp_path, loaded):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("thua.geojson", b"\x00" * (50 * 1024 * 1024))
    expect_error(r"nở ra \d+ lần \(zip bomb\?\)", archive, "land_parcels")
    assert live_rows() == loaded


def test_zip_over_the_total_size_limit(tmp_path, loaded):
    source = good_gpkg(tmp_path)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(source, "src.gpkg")
    expect_error(r"tệp zip giải nén ra \d+ byte, quá giới hạn 10000 byte", archive,
                 "land_parcels", zip_limits=ZipLimits(max_total_bytes=10_000))
    assert live_rows() == loaded


def test_replace_with_nothing_valid_keeps_the_layer(tmp_path, loaded):
    source = write_vector(tmp_path / "bad.gpkg", parcel_columns(2, LoaiDat=["XYZ", "QQQ"]),
                          [square(0), square(1)], crs="EPSG:9214")
    expect_error(r"không có đối tượng hợp lệ nào trong bad.gpkg \(2 bị loại\): không thay thế "
                 r"lớp land_parcels", source, "land_parcels", mode="replace")
    assert live_rows() == loaded


def test_unknown_layer(tmp_path, loaded):
    expect_error(r"lớp 'thua_dat' không tồn tại; các lớp: admin_provinces", good_gpkg(tmp_path),
                 "thua_dat")
    assert live_rows() == loaded


def test_mapping_to_a_missing_field(tmp_path, loaded):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("layer: land_parcels\nfields:\n  owner_name: TenChuSoHuu\n")
    expect_error(r"trỏ owner_name tới trường 'TenChuSoHuu' không có trong tệp nguồn; "
                 r"các trường: MaXa, SoTo", good_gpkg(tmp_path), mapping=mapping, mode="replace")
    assert live_rows() == loaded


def test_unknown_crs(tmp_path, loaded):
    expect_error(r"hệ tọa độ không xác định 'EPSG:999999'", good_gpkg(tmp_path),
                 "land_parcels", source_crs="EPSG:999999", mode="replace")
    far = write_vector(tmp_path / "far.gpkg", parcel_columns(1),
                       [shapely.box(1, 1, 2, 2)], crs=None)
    expect_error(r"không xác định được hệ tọa độ của tệp", far, "land_parcels", mode="replace")
    assert live_rows() == loaded


def test_ten_million_vertex_polygon(tmp_path, loaded):
    angles = np.linspace(0, 2 * np.pi, 10_000_000, endpoint=False)
    ring = np.column_stack([440_100 + 50 * np.cos(angles), 2_355_100 + 50 * np.sin(angles)])
    huge = shapely.Polygon(ring)
    path = write_vector(tmp_path / "huge.gpkg", parcel_columns(2, SoTo=[9, 9]),
                        [square(0), huge], crs="EPSG:9214")
    expect_error(r"đối tượng 2 có 10,000,001 đỉnh, vượt giới hạn 1,000,000 đỉnh", path,
                 "land_parcels", mode="replace")
    assert live_rows() == loaded


@pytest.mark.parametrize("swap_from", [10**9, 1])  # through staging / straight into the twin
def test_a_number_past_its_column_range_rejects_that_feature_only(tmp_path, loaded,
                                                                   swap_from):
    source = write_vector(tmp_path / "big.gpkg", parcel_columns(
        3, SoTo=[9] * 3, SoThua=[1, 3_000_000_000, 3]), [square(i) for i in range(3)],
        crs="EPSG:9214")
    report = run_ingest(source, "land_parcels", mode="replace", history=False,
                        swap_from=swap_from)
    assert (report.read, report.loaded) == (3, 2)
    assert [(r["feature"], r["reason"]) for r in report.rejected] == [
        (2, "parcel_no quá lớn: 3000000000")]
    assert fetch("SELECT sheet_no, parcel_no FROM land_parcels ORDER BY parcel_no") == \
        [(9, 1), (9, 3)]
