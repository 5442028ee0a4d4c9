# SPDX-License-Identifier: MIT
"""A TCVN3 (ABC) shapefile with no .cpg and an ESRI VN-2000 .prj loads as exact Unicode."""
from __future__ import annotations

import json

import pytest

from ingest.api import run_ingest
from layers.models import LandParcel
from tests.support.ingest_sources import (
    ESRI_TM3_107,
    fetch,
    first_vertex_4326,
    ground_error_m,
    square,
    write_legacy_shapefile,
)

pytestmark = pytest.mark.django_db(transaction=True)

# TCVN3 bytes written by hand (TCVN 5712:1993 table), not by the decoder under test
NAMES = [b"Nguy\xd4n V\xa8n T\xad\xebng", b"Tr\xc7n Th\xde H\xe5ng", b"\xa7inh C\xabng Tr\xf8"]
EXPECTED = ["Nguyễn Văn Tưởng", "Trần Thị Hồng", "Đinh Công Trứ"]


def make_source(tmp_path):
    geoms = [square(i) for i in range(3)]
    columns = {
        b"SoTo": [12, 12, 13],
        b"SoThua": [1, 2, 1],
        b"MaLoaiDat": [b"ONT", b"LUC", b"odt"],
        b"DienTich": [400.5, 400.0, 399.9],
        b"T\xaanCh\xf1": NAMES,  # "TênChủ": a TCVN3 field name, recognised as owner_name
        b"\xa7\xdeaCh\xd8": [b"X\xb7 T\xa9n S\xe1i"] * 3,  # "ĐịaChỉ": "Xã Tân Sỏi"
        b"MaXa": [b"07210"] * 3,
    }
    return write_legacy_shapefile(tmp_path / "thua_dat.shp", columns, geoms, ESRI_TM3_107)


def test_names_and_values_decoded_exactly(tmp_path):
    path = make_source(tmp_path)
    assert not path.with_suffix(".cpg").exists()
    report = run_ingest(path, "land_parcels", report=tmp_path / "r.json")
    assert (report.read, report.loaded, report.rejected) == (3, 3, [])
    assert report.encoding == "tcvn3"
    assert report.source_crs == "EPSG:9214"
    assert report.fields["owner_name"] == "TênChủ"
    rows = list(LandParcel.objects.order_by("sheet_no", "parcel_no").values_list(
        "sheet_no", "parcel_no", "land_use_code", "owner_name", "area_m2"))
    assert [row[3] for row in rows] == EXPECTED
    assert set(LandParcel.objects.values_list("address", flat=True)) == {"Xã Tân Sỏi"}
    assert [row[:3] for row in rows] == [(12, 1, "ONT"), (12, 2, "LUC"), (13, 1, "ODT")]
    assert [float(row[4]) for row in rows] == [400.5, 400.0, 399.9]
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["read"] == saved["loaded"] + len(saved["rejected"]) == 3
    assert saved["batch"] == LandParcel.objects.first().ingest_batch_id


def test_positions_match_proj_within_5_cm(tmp_path):
    run_ingest(make_source(tmp_path), "land_parcels")
    for i, (sheet, parcel) in enumerate([(12, 1), (12, 2), (13, 1)]):
        x, y = square(i).exterior.coords[0]
        lon, lat = first_vertex_4326("land_parcels", "sheet_no = %s AND parcel_no = %s",
                                     [sheet, parcel])
        assert ground_error_m(x, y, lon, lat) < 0.05
    native = fetch("SELECT ST_XMin(geom), ST_YMin(geom) FROM land_parcels "
                   "WHERE sheet_no = 12 AND parcel_no = 1")
    assert native == [(440000.0, 2355000.0)]
