# SPDX-License-Identifier: MIT
"""A GeoTIFF orthophoto becomes a Cloud-Optimized GeoTIFF registered as a raster layer."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin

from ingest.api import run_ingest
from ingest.errors import IngestError
from ingest.models import RasterLayer

pytestmark = pytest.mark.django_db(transaction=True)


def orthophoto(path, crs="EPSG:9214"):
    data = (np.arange(600 * 400, dtype=np.uint32) % 251).astype(np.uint8).reshape(1, 400, 600)
    with rasterio.open(path, "w", driver="GTiff", width=600, height=400, count=1, dtype="uint8",
                       crs=crs, transform=from_origin(440_000, 2_356_000, 0.5, 0.5)) as dst:
        dst.write(data)
    return data


def test_geotiff_to_registered_cog(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = orthophoto(tmp_path / "Anh Tan Soi.tif")
    report = run_ingest(tmp_path / "Anh Tan Soi.tif")
    assert (report.read, report.loaded, report.source_crs, report.layer) == (
        1, 1, "EPSG:9214", "anh_tan_soi")
    layer = RasterLayer.objects.get(name="anh_tan_soi")
    assert (layer.width, layer.height, layer.bands, layer.srid) == (600, 400, 1, 9214)
    with rasterio.open(layer.path) as cog:
        assert cog.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert cog.profile["tiled"] and cog.overviews(1) != []
        assert np.array_equal(cog.read(), data)
    lon, lat = Transformer.from_crs(9214, 4326, always_xy=True).transform(440_000, 2_356_000)
    west, north = layer.bounds.coords[0][3]  # ring: (left, bottom) ... (left, top)
    assert (west, north) == (pytest.approx(lon, abs=1e-9), pytest.approx(lat, abs=1e-9))


def test_truncated_geotiff_is_one_line(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "hong.tif"
    orthophoto(path)
    path.write_bytes(path.read_bytes()[:600])
    with pytest.raises(IngestError, match=r"hong.tif.*(hỏng|cắt cụt)"):
        run_ingest(path, "hong")
    assert not RasterLayer.objects.exists()
