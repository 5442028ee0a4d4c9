# SPDX-License-Identifier: MIT
"""A zipped VNI-Windows shapefile without .prj or .cpg: text decoded, CRS detected, reported."""
from __future__ import annotations

import zipfile
from datetime import date

import pytest

from ingest.api import run_ingest
from layers.models import LandParcel
from tests.support.ingest_sources import square, write_legacy_shapefile

pytestmark = pytest.mark.django_db(transaction=True)



def zipped_vni_shapefile(tmp_path):
    (tmp_path / "src").mkdir()
    owners = [b"Tr\xf6\xf4\xf8ng Th\xf2 Ngo\xefc", b"\xd1o\xe0ng Vie\xe4t"]
    shp = write_legacy_shapefile(tmp_path / "src" / "thua.shp", {
        b"SoHieuToBa": [7, 7], b"SoThuTuThu": [10, 11], b"MDSD": [b"CLN", b"ONT"],
        b"DienTich": [401.2, 399.0], b"TenChu": owners, b"MaXa": [b"07213", b"07213"],
        b"Ghi Chu": [b"Vu\xf8ng \xf1a\xe9t tr\xfb\xf5ng", b""],
    }, [square(0), square(1)], prj=None)
    archive = tmp_path / "thua.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, f"thua/{part.name}")
    return archive


def test_vni_values_decoded_and_crs_detected(tmp_path):
    report = run_ingest(zipped_vni_shapefile(tmp_path), "land_parcels", mode="upsert",
                        as_of=date(2024, 5, 1))  # a legacy file: Trần Phú (07213) until 2025
    assert (report.read, report.loaded, report.rejected, report.repaired) == (2, 2, [], 0)
    assert report.encoding == "vni"
    assert report.source_crs == "EPSG:9214"
    assert any("nhận dạng theo tọa độ là EPSG:9214" in w for w in report.warnings)
    assert report.fields == {"commune_code": "MaXa", "sheet_no": "SoHieuToBa",
                             "parcel_no": "SoThuTuThu", "land_use_code": "MDSD",
                             "area_m2": "DienTich", "owner_name": "TenChu"}
    owners = list(LandParcel.objects.order_by("parcel_no").values_list("owner_name", flat=True))
    assert owners == ["Trường Thị Ngọc", "Đồng Việt"]
    assert list(LandParcel.objects.order_by("parcel_no").values_list(
        "commune_code", "sheet_no", "parcel_no", "land_use_code")) == [
        ("07213", 7, 10, "CLN"), ("07213", 7, 11, "ONT")]
