# SPDX-License-Identifier: MIT
"""Bowtie polygons repaired, swapped X/Y detected and fixed, every rejection reported."""
from __future__ import annotations

import pytest
import shapely

from ingest.api import run_ingest
from layers.models import LandParcel
from tests.support.ingest_sources import (
    fetch,
    first_vertex_4326,
    ground_error_m,
    parcel_columns,
    square,
    where,
    write_vector,
)

pytestmark = pytest.mark.django_db(transaction=True)


def swap(geom):
    return shapely.transform(geom, lambda xy: xy[:, ::-1])


def bowtie(i: int) -> shapely.Polygon:
    """A self-intersecting 'figure eight' parcel: two 10 m triangles meeting at a point."""
    x, y = square(i).bounds[:2]
    return shapely.Polygon([(x, y), (x + 20, y + 20), (x + 20, y), (x, y + 20)])


def test_bowties_and_swapped_axes(tmp_path):
    # GeoPackage fids start at 1: feature k is geoms[k - 1]
    geoms = [bowtie(0), square(1), square(2), shapely.Point(440_000, 2_355_000),
             shapely.box(100_000, 1_000_000, 100_020, 1_000_020), square(5), shapely.Polygon()]
    columns = parcel_columns(7, SoThua=[1, 2, 2, 4, 5, 6, 7])
    path = write_vector(tmp_path / "dao_truc.gpkg", columns, [swap(g) for g in geoms],
                        crs=None, geometry_type="Unknown")
    report = run_ingest(path, "land_parcels", report=tmp_path / "r.json")
    assert (report.read, report.loaded, report.repaired) == (7, 3, 1)
    assert report.source_crs == "EPSG:9214"
    assert "tọa độ X/Y bị đảo trong tệp; đã đổi lại" in report.warnings
    assert sorted(report.rejected, key=lambda r: r["feature"]) == [
        {"feature": 3, "reason": "trùng khóa tự nhiên (commune_code, sheet_no, parcel_no) "
                                 "với đối tượng 2"},
        {"feature": 4, "reason": "sai kiểu hình học: Point, lớp cần MultiPolygon",
         "where": where(geoms[3])},
        {"feature": 5, "reason": "nằm ngoài phạm vi tỉnh (kể cả vùng đệm)", "where": where(geoms[4])},
        {"feature": 7, "reason": "hình học rỗng hoặc không đọc được"},
    ]
    assert report.read == report.loaded + len(report.rejected)
    stored = dict(fetch("SELECT parcel_no, ST_AsText(geom) FROM land_parcels"))
    assert set(stored) == {1, 2, 6}
    repaired = shapely.from_wkt(stored[1])
    assert repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(200.0)
    assert shapely.equals(shapely.from_wkt(stored[2]), square(1))
    assert LandParcel.objects.get(parcel_no=6).geom.extent == square(5).bounds
    x, y = square(5).exterior.coords[0]
    assert ground_error_m(x, y, *first_vertex_4326("land_parcels", "parcel_no = 6", [])) < 0.05
