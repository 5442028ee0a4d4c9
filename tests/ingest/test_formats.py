# SPDX-License-Identifier: MIT
"""The other vector formats GDAL reads: GeoJSONSeq, FlatGeobuf, KML, zipped FileGDB, DXF."""
from __future__ import annotations

import zipfile

import numpy as np
import pyarrow as pa
import pytest
import shapely
from pyproj import Transformer

from ingest.api import run_ingest
from layers.models import LandParcel, River
from tests.support.ingest_sources import fetch, parcel_columns, square, write_vector

pytestmark = pytest.mark.django_db(transaction=True)


def to_wgs84(geom):
    transformer = Transformer.from_crs(9214, 4326, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))


@pytest.mark.parametrize("name, driver, crs", [
    ("thua.geojsons", "GeoJSONSeq", "EPSG:4326"),
    ("thua.fgb", "FlatGeobuf", "EPSG:9214"),
    ("thua.kml", "KML", "EPSG:4326"),
])
def test_single_file_formats(tmp_path, name, driver, crs):
    geoms = [square(i) for i in range(2)]
    if crs == "EPSG:4326":
        geoms = [to_wgs84(g) for g in geoms]
    path = write_vector(tmp_path / name, parcel_columns(2, ChuSuDung=["Hà Văn Đạt", "Lý Thị Ơn"]),
                        geoms, crs=crs, driver=driver)
    report = run_ingest(path, "land_parcels")
    assert (report.read, report.loaded, report.rejected) == (2, 2, [])
    assert list(LandParcel.objects.order_by("parcel_no").values_list("owner_name", flat=True)) \
        == ["Hà Văn Đạt", "Lý Thị Ơn"]
    ((x, y),) = fetch("SELECT ST_XMin(geom), ST_YMin(geom) FROM land_parcels WHERE parcel_no = 1")
    assert abs(x - 440_000.0) < 0.01 and abs(y - 2_355_000.0) < 0.01


def test_zipped_file_geodatabase(tmp_path):
    integers = {"SoTo": pa.array([5, 5], pa.int32()), "SoThua": pa.array([1, 2], pa.int32())}
    gdb = write_vector(tmp_path / "dia_chinh.gdb", parcel_columns(2, **integers),
                       [square(0), square(1)],
                       crs="EPSG:9214", driver="OpenFileGDB", layer="ThuaDat")
    archive = tmp_path / "dia_chinh.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in gdb.iterdir():
            zf.write(part, f"dia_chinh.gdb/{part.name}")
    report = run_ingest(archive, "land_parcels")
    assert (report.read, report.loaded, report.source_crs) == (2, 2, "EPSG:9214")


DXF_LINE = "\n".join(["0", "SECTION", "2", "ENTITIES", "0", "LINE", "8", "SONG_THUONG",
                      "10", "440000.0", "20", "2355000.0", "11", "441000.0", "21", "2356000.0",
                      "0", "ENDSEC", "0", "EOF", ""])


def test_dxf_lines(tmp_path):
    """A minimal CAD drawing (one LINE on layer SONG_THUONG), as MicroStation/AutoCAD export."""
    path = tmp_path / "song.dxf"
    path.write_text(DXF_LINE)
    mapping = tmp_path / "song.yaml"
    mapping.write_text("layer: rivers\nsource_crs: EPSG:9214\nfields:\n  name: Layer\n"
                       "  kind: Layer\n", encoding="utf-8")
    report = run_ingest(path, mapping=mapping)
    assert (report.read, report.loaded) == (1, 1)
    river = River.objects.get()
    assert (river.name, river.kind) == ("SONG_THUONG", "SONG_THUONG")
    assert river.geom.geom_type == "MultiLineString"
    assert river.geom.length == pytest.approx(1000 * 2 ** 0.5)
