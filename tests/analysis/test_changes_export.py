# SPDX-License-Identifier: MIT
"""Change feed with tombstones, and exports that respect the access policy."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone

from analysis.changes import changes
from analysis.errors import AnalysisInputError
from analysis.export import export
from layers.grants import PUBLIC
from layers.models import LandParcel, Road


def test_changes_since_a_time_include_deletions(scene):
    since = timezone.now()
    LandParcel.objects.filter(parcel_no=345).update(land_use_code="ODT")
    gone = Road.objects.get(code="QL1")
    gone.delete()
    parcels = changes(PUBLIC, {"layer": "land_parcels", "since": since.isoformat()})
    assert parcels["changed"] == [{"id": scene["parcel"].pk, "version": 2}]
    assert parcels["deleted"] == [] and parcels["complete"] is True
    roads = changes(PUBLIC, {"layer": "roads", "since": since.isoformat()})
    assert roads["deleted"] == [{"id": scene["road"].pk, "version": 1}]
    assert roads["until"] > since.isoformat()
    again = changes(PUBLIC, {"layer": "roads", "since": roads["until"]})
    assert again["changed"] == [] and again["deleted"] == []


def test_changes_bad_input(scene):
    with pytest.raises(AnalysisInputError, match="since: 'last week' is not a time"):
        changes(PUBLIC, {"layer": "roads", "since": "last week"})
    with pytest.raises(AnalysisInputError, match="layer: unknown layer 'construction_permits'"):
        changes(PUBLIC, {"layer": "construction_permits", "since": "2025-01-01T00:00:00Z"})


@pytest.mark.django_db(transaction=True)
def test_geojson_export_has_no_sensitive_attributes(scene):
    mime, body, name = export(PUBLIC, {"layer": "land_parcels", "format": "geojson"})
    assert (mime, name) == ("application/geo+json", "land_parcels.geojson")
    collection = json.loads(body)
    assert len(collection["features"]) == 2
    props = collection["features"][0]["properties"]
    assert props["parcel_no"] == 345 and props["land_use_code"] == "ONT"
    assert "owner_name" not in props and b"Nguy" not in body


@pytest.mark.django_db(transaction=True)
def test_shapefile_export_is_zipped_with_utf8_cpg_and_vn2000_prj(scene):
    mime, body, name = export(PUBLIC, {"layer": "roads", "format": "shp", "crs": "EPSG:9214"})
    assert (mime, name) == ("application/zip", "roads.zip")
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        names = sorted(zf.namelist())
        assert names == ["roads.cpg", "roads.dbf", "roads.prj", "roads.shp", "roads.shx"]
        assert zf.read("roads.cpg").decode().strip() == "UTF-8"
        prj = zf.read("roads.prj").decode()
    assert "VN_2000" in prj and "107" in prj


@pytest.mark.django_db(transaction=True)
def test_csv_export_in_a_bbox(scene):
    from pyproj import Transformer

    from tests.support.planning_scene import X, Y

    to_lonlat = Transformer.from_crs("EPSG:9214", "EPSG:4326", always_xy=True)
    (x0, y0), (x1, y1) = to_lonlat.transform(X - 1, Y - 1), to_lonlat.transform(X + 30, Y + 30)
    mime, body, _ = export(PUBLIC, {"layer": "land_parcels", "format": "csv",
                                    "bbox": [x0, y0, x1, y1]})
    lines = body.decode().splitlines()
    assert mime == "text/csv" and len(lines) == 2
    assert lines[0].startswith("WKT,") and "owner" not in lines[0]
