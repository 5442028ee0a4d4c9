# SPDX-License-Identifier: MIT
"""A legacy TCVN3 cadastral shapefile of the former Bắc Giang: old codes checked at the
data's date, and with --to-2025 the 2025 units and addresses stored next to the originals."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from ingest.api import run_ingest
from layers import units_catalog, units_db
from layers.models import AdminCommune, LandParcel
from tests.support.ingest_sources import (
    ESRI_TM3_107,
    ROOT,
    database_url,
    square,
    where,
    write_legacy_shapefile,
)

pytestmark = pytest.mark.django_db(transaction=True)

# TCVN3 bytes written out once from the TCVN 5712:1993 table, not by the decoder under test
ADDRESSES = [
    # Thôn Đông Tiến, xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang
    b"Th\xabn \xa7\xabng Ti\xd5n, x\xb7 T\xa9n D\xdcnh, huy\xd6n L\xb9ng Giang, t\xd8nh B\xbec Giang",
    # Số 5 đường Hoàng Văn Thụ, phường Thọ Xương, thành phố Bắc Giang, tỉnh Bắc Giang
    b"S\xe8 5 \xae\xad\xeang Ho\xb5ng V\xa8n Th\xf4, ph\xad\xeang Th\xe4 X\xad\xacng, "
    b"th\xb5nh ph\xe8 B\xbec Giang, t\xd8nh B\xbec Giang",
    # Thôn Mỏ, xã Dĩnh Trì, thành phố Bắc Giang, tỉnh Bắc Giang
    b"Th\xabn M\xe1, x\xb7 D\xdcnh Tr\xd7, th\xb5nh ph\xe8 B\xbec Giang, t\xd8nh B\xbec Giang",
    # Xóm Chùa, xã Hương Sơn, huyện Lạng Giang, tỉnh Bắc Giang
    b"X\xe3m Ch\xefa, x\xb7 H\xad\xacng S\xacn, huy\xd6n L\xb9ng Giang, t\xd8nh B\xbec Giang",
    b"",
]
CODES = [b"07432", b"07201", b"07441", b"07387", b"01001"]  # the last: a Hà Nội commune


def legacy_file(tmp_path: Path) -> Path:
    columns = {
        b"SoTo": [4] * 5, b"SoThua": [1, 2, 3, 4, 5], b"MaLoaiDat": [b"ONT"] * 5,
        b"DienTich": [400.0] * 5, b"MaXa": CODES,
        b"\xa7\xdeaCh\xd8": ADDRESSES,  # "ĐịaChỉ"
    }
    return write_legacy_shapefile(tmp_path / "thua_dat_2019.shp", columns,
                                  [square(i) for i in range(5)], ESRI_TM3_107)


def parcels() -> list[tuple]:
    return list(LandParcel.objects.order_by("parcel_no").values_list(
        "parcel_no", "commune_code", "commune_code_2025", "address", "address_original"))


def test_a_legacy_file_loads_with_its_2025_units_beside_the_originals(tmp_path):
    report = run_ingest(legacy_file(tmp_path), "land_parcels", as_of=date(2019, 5, 1),
                        to_2025=True, report=tmp_path / "r.json")
    assert report.encoding == "tcvn3"
    assert (report.read, report.loaded) == (5, 4)
    assert report.rejected == [{"feature": 4, "reason": "mã xã 01001 không thuộc tỉnh (danh mục "
                                                        "vietnamadminunits 1.0.4)",
                                "where": where(square(4))}]
    assert parcels() == [
        (1, "07432", "07432", "Thôn Đông Tiến, xã Tân Dĩnh, tỉnh Bắc Ninh",
         "Thôn Đông Tiến, xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang"),
        (2, "07201", "07210", "Số 5 đường Hoàng Văn Thụ, phường Bắc Giang, tỉnh Bắc Ninh",
         "Số 5 đường Hoàng Văn Thụ, phường Thọ Xương, thành phố Bắc Giang, tỉnh Bắc Giang"),
        (3, "07441", "07210", "Thôn Mỏ, phường Bắc Giang, tỉnh Bắc Ninh",
         "Thôn Mỏ, xã Dĩnh Trì, thành phố Bắc Giang, tỉnh Bắc Giang"),
        (4, "07387", "07399", "Xóm Chùa, xã Kép, tỉnh Bắc Ninh",
         "Xóm Chùa, xã Hương Sơn, huyện Lạng Giang, tỉnh Bắc Giang"),
    ]
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["units"] == {"as_of": "2019-05-01", "catalog": "vietnamadminunits 1.0.4",
                              "converted": 4, "ambiguous": [], "addresses_converted": 4,
                              "addresses_kept": []}
    assert "  sang đơn vị 2025: 4 mã xã, 4 địa chỉ" in report.summary().splitlines()


def test_old_codes_are_rejected_at_a_date_after_the_reform(tmp_path):
    report = run_ingest(legacy_file(tmp_path), "land_parcels", as_of=date(2025, 7, 1),
                        dry_run=True)
    assert [(r["feature"], r["reason"]) for r in report.rejected] == [
        (1, "mã xã 07201 không còn hiệu lực ngày 2025-07-01"),
        (2, "mã xã 07441 không còn hiệu lực ngày 2025-07-01"),
        (3, "mã xã 07387 không còn hiệu lực ngày 2025-07-01"),
        (4, "mã xã 01001 không thuộc tỉnh (danh mục vietnamadminunits 1.0.4)")]
    # 07432 (Tân Dĩnh) kept its code in 2025: it loads at either date


def test_names_become_codes_and_ambiguous_names_are_reported(tmp_path):
    rows = ["WKT;TenXa;SoTo;SoThua;MaLoaiDat;DienTich",
            f'"{square(0).wkt}";P. Thọ Xương;1;1;ONT;200',
            f'"{square(1).wkt}";TT. Vôi;1;2;ONT;200',
            f'"{square(2).wkt}";xa tan dinh;1;3;ONT;200',
            f'"{square(3).wkt}";xa dong son;1;4;ONT;200',
            f'"{square(4).wkt}";Khánh Mai;1;5;ONT;200']
    path = tmp_path / "thua.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("layer: land_parcels\nas_of: 2024-03-01\nsource_crs: EPSG:9214\n"
                       "fields:\n  commune_code: TenXa\n", encoding="utf-8")
    report = run_ingest(path, mapping=mapping)
    assert [(r["feature"], r["reason"]) for r in report.rejected] == [
        (4, "tên xã 'xa dong son' trùng 2 đơn vị: Xã Đông Sơn (07273), Phường Đồng Sơn (07696)"),
        (5, "không có xã tên 'Khánh Mai' trong tỉnh ngày 2024-03-01")]
    assert [row[:2] for row in parcels()] == [(1, "07201"), (2, "07375"), (3, "07432")]


def test_a_date_before_the_catalog_and_a_bad_date(tmp_path):
    report = run_ingest(legacy_file(tmp_path), "land_parcels", as_of=date(1999, 1, 1),
                        dry_run=True)
    assert {r["reason"] for r in report.rejected} == {
        "ngày 1999-01-01 trước khi danh mục bắt đầu (2008-08-01)"}
    done = subprocess.run([sys.executable, "manage.py", "ingest", str(legacy_file(tmp_path)),
                           "--layer", "land_parcels", "--as-of", "2019-13-01"],
                          cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url()},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "CommandError: --as-of: ngày '2019-13-01' không đúng dạng YYYY-MM-DD"]


def test_a_split_commune_goes_to_the_unit_whose_boundary_holds_the_feature(tmp_path):
    package = units_catalog.from_package()
    split = units_catalog.Catalog(package.units, (*package.successions, ("07201", "07432")),
                                  "test: 07201 split", package.other_provinces)
    units_db.refresh(split)
    AdminCommune.objects.create(code="07210", name="Bắc Giang", kind="phường",
                                province_code="24", valid_from=date(2025, 7, 1),
                                geom=MultiPolygon(GEOSGeometry(square(0, size=25).wkt, srid=9214)))
    columns = {b"SoTo": [4, 4], b"SoThua": [1, 2], b"MaLoaiDat": [b"ONT"] * 2,
               b"DienTich": [400.0] * 2, b"MaXa": [b"07201"] * 2}
    path = write_legacy_shapefile(tmp_path / "split.shp", columns, [square(0), square(3)],
                                  ESRI_TM3_107)
    report = run_ingest(path, "land_parcels", as_of=date(2019, 5, 1), to_2025=True)
    assert (report.read, report.loaded) == (2, 2)
    assert [row[:3] for row in parcels()] == [(1, "07201", "07210"), (2, "07201", "")]
    assert report.units["ambiguous"] == [{  # shapefile fids count from 0
        "feature": 1, "reason": "Phường Thọ Xương (07201) chia cho 2 đơn vị: Phường Bắc Giang "
                                "(07210), Xã Tân Dĩnh (07432); cần vị trí để chọn"}]
