# SPDX-License-Identifier: MIT
"""GeoTIFF rasters (orthophotos, DEMs) to Cloud-Optimized GeoTIFFs, registered as raster layers."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Polygon
from pyproj import Transformer

from ingest import crs as crs_module
from ingest.errors import IngestError
from ingest.models import RasterLayer
from ingest.pipeline import Context

_SLUG = re.compile(r"^[a-z0-9_-]{1,64}$")


def raster_name(ctx: Context) -> str:
    """The raster layer id: --layer, else the file name made into a slug."""
    name = ctx.options.layer or re.sub(r"[^a-z0-9_-]+", "_", ctx.path.stem.lower()).strip("_")
    if not _SLUG.match(name):
        raise IngestError(f"mã lớp ảnh {name!r} không hợp lệ: dùng chữ thường, số, '_' hoặc '-'")
    return name


def _rasterio():
    """rasterio and the errors it raises, imported on first use: only raster ingest needs it
    (~0.3 s of every command's start-up otherwise)."""
    import rasterio
    import rasterio.errors
    import rasterio.shutil
    from rasterio._err import CPLE_BaseError  # GDAL errors raised while copying blocks

    return rasterio, (rasterio.errors.RasterioError, CPLE_BaseError)


def inspect_raster(ctx: Context) -> None:
    """Open the GeoTIFF and fix its CRS (mapping > file); record size in the report."""
    rasterio, failures = _rasterio()
    try:
        with rasterio.open(ctx.path) as src:
            ctx.raster = {"width": src.width, "height": src.height, "bands": src.count,
                          "dtype": src.dtypes[0], "bounds": tuple(src.bounds),
                          "wkt": src.crs.to_wkt() if src.crs else None}
    except failures as exc:
        raise IngestError(f"không đọc được ảnh {ctx.path.name}: {str(exc).splitlines()[0]} "
                          "(tệp hỏng hoặc bị cắt cụt?)") from exc
    text = ctx.options.source_crs or ctx.raster["wkt"]
    if not text:
        raise IngestError(f"ảnh {ctx.path.name} không có hệ tọa độ: chỉ rõ bằng --source-crs EPSG:N")
    crs = crs_module.parse(text)
    ctx.crs = crs_module.CrsChoice(crs, crs_module.label(crs), "mapping" if ctx.options.source_crs else "file")
    ctx.report.source_crs = ctx.crs.label
    ctx.report.read = 1


def convert_to_cog(ctx: Context) -> None:
    """Write a tiled, compressed COG with overviews next to the final place (atomic rename later)."""
    ctx.cog = ctx.workdir / f"{raster_name(ctx)}.tif"
    options = {"driver": "COG", "COMPRESS": "DEFLATE", "BLOCKSIZE": "512", "OVERVIEWS": "AUTO"}
    if ctx.options.source_crs:
        options["crs"] = ctx.crs.crs.to_wkt()
    rasterio, failures = _rasterio()
    try:
        rasterio.shutil.copy(ctx.path, ctx.cog, **options)
    except failures as exc:
        raise IngestError(f"không chuyển được {ctx.path.name} sang COG: "
                          f"{str(exc).splitlines()[0]} (tệp hỏng hoặc bị cắt cụt?)") from exc
    ctx.report.loaded = 1


def _bounds_4326(ctx: Context) -> Polygon:
    left, bottom, right, top = ctx.raster["bounds"]
    to_wgs84 = Transformer.from_crs(ctx.crs.crs, 4326, always_xy=True)
    xs, ys = to_wgs84.transform([left, right, right, left], [bottom, bottom, top, top])
    ring = list(zip(xs, ys, strict=True))
    return Polygon([*ring, ring[0]], srid=4326)


def register_raster(ctx: Context) -> None:
    """Move the COG into MEDIA_ROOT/rasters and record the raster layer (not in --dry-run)."""
    if ctx.options.dry_run:
        return
    target_dir = Path(settings.MEDIA_ROOT) / "rasters"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / ctx.cog.name
    _move(ctx.cog, target)
    info = ctx.raster
    RasterLayer.objects.update_or_create(name=ctx.cog.stem, defaults={
        "path": str(target), "source": str(ctx.options.path)[:500], "srid": ctx.crs.crs.to_epsg(),
        "width": info["width"], "height": info["height"], "bands": info["bands"],
        "dtype": info["dtype"], "bounds": _bounds_4326(ctx), "created_by": ctx.options.user})
    ctx.report.layer = ctx.cog.stem


def _move(source: Path, target: Path) -> None:
    """Copy beside the target, then rename: readers never see a half-written COG."""
    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


RASTER_STEPS = (inspect_raster, convert_to_cog, register_raster)
