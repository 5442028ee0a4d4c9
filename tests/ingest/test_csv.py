# SPDX-License-Identifier: MIT
"""CSV sources: lon/lat or WKT columns, text coerced to types, domains checked."""
from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from ingest.api import run_ingest
from layers.models import AdminCommune, LandParcel, MineralSite
from tests.support.ingest_sources import fetch, ground_error_m, square, where

pytestmark = pytest.mark.django_db(transaction=True)


def test_wkt_csv_with_decimal_commas_and_domain_checks(tmp_path):
    AdminCommune.objects.create(code="07210", name="Tân Sỏi", kind="xã", province_code="24",
                                valid_from="2025-07-01",
                                geom=MultiPolygon(Polygon.from_bbox((430000, 2350000, 450000, 2360000)), srid=9214))
    rows = ["WKT;MaXa;SoTo;SoThua;LoaiDat;DienTich;DiaChi",
            f'"{square(0).wkt}";07210;3;1;LUC;"1.234,5";Thôn Đồng Cờ',
            f'"{square(1).wkt}";07210;3;2;XYZ;200;Thôn Đồng Cờ',
            f'"{square(2).wkt}";99999;3;3;ONT;200;',
            f'"{square(3).wkt}";07210;3;x4;ONT;200;',
            f'"{square(4).wkt}";07210;3;5;ont;"12,75";']
    path = tmp_path / "thua.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = run_ingest(path, "land_parcels", source_crs="EPSG:9214")
    assert (report.read, report.loaded) == (5, 2)
    assert report.rejected == [
        {"feature": 2, "reason": "land_use_code 'XYZ' không có trong danh mục",
         "where": where(square(1))},
        {"feature": 3, "reason": "mã xã 99999 không thuộc tỉnh (danh mục vietnamadminunits 1.0.4)",
         "where": where(square(2))},
        {"feature": 4, "reason": "parcel_no: 'x4' không phải số nguyên", "where": where(square(3))},
    ]
    assert [(p, code, float(area), address) for p, code, area, address in
            LandParcel.objects.order_by("parcel_no").values_list(
                "parcel_no", "land_use_code", "area_m2", "address")] == [
        (1, "LUC", 1234.5, "Thôn Đồng Cờ"), (5, "ONT", 12.8, "")]


def test_lon_lat_csv_points(tmp_path):
    path = tmp_path / "mo.csv"
    path.write_text("SoGiayPhep,KhoangSan,TinhTrang,DonVi,Lon,Lat\n"
                    "GP-12/2020,Đá vôi,hiệu lực,Công ty CP Khoáng sản Bắc Giang,"
                    "106.4321,21.2987\n"
                    "GP-13/2021,Cát xây dựng,hết hạn,HTX Cầu Gồ,106.2001,21.4102\n",
                    encoding="utf-8")
    mapping = tmp_path / "mo.yaml"
    mapping.write_text("layer: mineral_sites\nsource_crs: EPSG:4326\nfields:\n"
                       "  license_number: SoGiayPhep\n  mineral: KhoangSan\n"
                       "  license_status: TinhTrang\n  licensee: DonVi\n", encoding="utf-8")
    report = run_ingest(path, mapping=mapping)
    assert (report.read, report.loaded, report.rejected) == (2, 2, [])
    site = MineralSite.objects.get(license_number="GP-12/2020")
    assert (site.license_number, site.mineral, site.licensee) == (
        "GP-12/2020", "Đá vôi", "Công ty CP Khoáng sản Bắc Giang")
    ((lon, lat, x, y),) = fetch("SELECT ST_X(geom_4326), ST_Y(geom_4326), ST_X(geom), ST_Y(geom) "
                                "FROM mineral_sites WHERE license_number = 'GP-12/2020'")
    assert (lon, lat) == (pytest.approx(106.4321, abs=1e-7), pytest.approx(21.2987, abs=1e-7))
    assert ground_error_m(x, y, 106.4321, 21.2987) < 0.05
