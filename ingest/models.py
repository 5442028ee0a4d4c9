# SPDX-License-Identifier: MIT
"""Raster layers (orthophotos, DEMs) ingested as Cloud-Optimized GeoTIFFs."""
from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models.functions import Now


class RasterLayer(models.Model):
    """One COG on disk, registered so the map services and the catalog can find it."""

    name = models.SlugField("mã lớp", max_length=64, unique=True)
    title = models.CharField("tên", max_length=200, blank=True)
    path = models.CharField("tệp COG", max_length=500)
    source = models.CharField("nguồn", max_length=500)
    srid = models.IntegerField("hệ tọa độ (EPSG)", null=True, blank=True)
    width = models.PositiveIntegerField("số cột")
    height = models.PositiveIntegerField("số hàng")
    bands = models.PositiveSmallIntegerField("số kênh")
    dtype = models.CharField("kiểu dữ liệu", max_length=20)
    bounds = models.PolygonField("phạm vi (WGS 84)", srid=4326, null=True, blank=True)
    created_by = models.CharField("người thực hiện", max_length=150, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", db_default=Now())

    class Meta:
        db_table = "raster_layers"
        verbose_name = "Lớp ảnh (raster)"
        verbose_name_plural = "Lớp ảnh (raster)"

    def __str__(self) -> str:
        return self.title or self.name
